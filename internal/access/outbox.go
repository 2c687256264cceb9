package access

import "parcours/internal/parcours"

// OutboxRead lists the organisation's outgoing messages (« e-mails
// envoyés »): status, tries, last error. Admins and managers; only
// OrgManage (admins) also sees recipients and texts, so a manager
// following deliveries reads no message.
const OutboxRead Action = "outbox.read"

func init() {
	roleActions[parcours.RoleAdmin][OutboxRead] = true
	roleActions[parcours.RoleManager][OutboxRead] = true
}
