-- The national referential's own ids (data·inclusion "id") of imported
-- structures and services, so that importing the referential's files
-- again updates what an organisation imported instead of duplicating it.
-- '' for what was entered by hand. One row per id and importing
-- organisation (structures) or structure (services).
ALTER TABLE directory_structures ADD COLUMN source_id TEXT NOT NULL DEFAULT '';
ALTER TABLE directory_services ADD COLUMN source_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX directory_structures_source ON directory_structures (created_by_org, source_id) WHERE source_id <> '';
CREATE UNIQUE INDEX directory_services_source ON directory_services (structure_id, source_id) WHERE source_id <> '';
