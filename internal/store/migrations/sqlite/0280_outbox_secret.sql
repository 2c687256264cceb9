-- One-time secrets of outgoing messages (portal invitation codes): the
-- body names the secret with a mark and the secret is kept apart, put
-- into the text only when the message is sent, and erased once it is sent
-- or has failed, so that no code stays readable in the outbox.
ALTER TABLE outbox_messages ADD COLUMN secret TEXT NOT NULL DEFAULT '';

-- Invitations sent before this column carried their code in the body:
-- the ones that left (or never will) are masked.
UPDATE outbox_messages SET body = 'Bonjour,

Votre structure vous invite à consulter votre dossier sur Parcours. (Le code d''activation envoyé est masqué.)
'
WHERE kind = 'portal_invitation' AND status IN ('sent', 'failed', 'cancelled');
