-- An optional theme on journal entries (issue 15): a top-level thématique
-- of the data·inclusion vocabulary (parcours.Thematiques, the services'
-- themes), '' when none was given, so that the statistics count entries by
-- kind and theme. Existing entries have none. The journal stays
-- append-only (its triggers are untouched).
ALTER TABLE journal_entries ADD COLUMN theme TEXT NOT NULL DEFAULT '';
