-- The information notice of an organisation (RGPD art. 13, CASF
-- L121-6-2): what each organisation fills in about itself. An empty text
-- means "use the plain-language default" of the catalogue, in the
-- reader's language.
CREATE TABLE organization_notices (
    org_id             TEXT PRIMARY KEY REFERENCES organizations(id),
    controller_address TEXT NOT NULL DEFAULT '',
    purpose            TEXT NOT NULL DEFAULT '',
    legal_basis        TEXT NOT NULL DEFAULT '',
    recipients         TEXT NOT NULL DEFAULT '',
    retention          TEXT NOT NULL DEFAULT '',
    dpo_contact        TEXT NOT NULL DEFAULT '',
    updated_at         BIGINT NOT NULL,
    updated_by         TEXT NOT NULL
);
