-- The service directory (répertoire des services), in the field names of
-- the national data·inclusion schema: structures (this instance's
-- organisations, and external ones entered by an administrator or
-- imported from CSV) and their services. The directory is shared by the
-- whole instance; created_by_org is the organisation whose administrator
-- entered a row, and the only one that may change it.
CREATE TABLE directory_structures (
    id             TEXT PRIMARY KEY,
    org_id         TEXT REFERENCES organizations(id),
    nom            TEXT NOT NULL,
    siret          TEXT NOT NULL DEFAULT '',
    commune        TEXT NOT NULL DEFAULT '',
    code_insee     TEXT NOT NULL DEFAULT '',
    adresse        TEXT NOT NULL DEFAULT '',
    telephone      TEXT NOT NULL DEFAULT '',
    courriel       TEXT NOT NULL DEFAULT '',
    site_web       TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT 'parcours',
    created_by_org TEXT NOT NULL REFERENCES organizations(id),
    created_at     BIGINT NOT NULL
);
CREATE INDEX directory_structures_org ON directory_structures (org_id);

-- thematiques and modes_accueil are stored between bars ("|sante|famille|")
-- so that a theme is found with one LIKE on its prefix.
CREATE TABLE directory_services (
    id                   TEXT PRIMARY KEY,
    structure_id         TEXT NOT NULL REFERENCES directory_structures(id),
    team_id              TEXT NOT NULL DEFAULT '',
    nom                  TEXT NOT NULL,
    presentation_resume  TEXT NOT NULL DEFAULT '',
    thematiques          TEXT NOT NULL DEFAULT '|',
    commune              TEXT NOT NULL DEFAULT '',
    code_insee           TEXT NOT NULL DEFAULT '',
    zone_diffusion_type  TEXT NOT NULL DEFAULT '',
    zone_diffusion_code  TEXT NOT NULL DEFAULT '',
    pre_requis           TEXT NOT NULL DEFAULT '',
    telephone            TEXT NOT NULL DEFAULT '',
    courriel             TEXT NOT NULL DEFAULT '',
    horaires_accueil     TEXT NOT NULL DEFAULT '',
    modes_accueil        TEXT NOT NULL DEFAULT '|',
    orientation_parcours BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           BIGINT NOT NULL
);
CREATE INDEX directory_services_structure ON directory_services (structure_id);
CREATE INDEX directory_services_insee ON directory_services (code_insee);
