-- An accompaniment may cover the person's whole household (accompagnement
-- du foyer): household_id is then the household it covers, '' otherwise.
-- It follows the household's current members: whoever joins the household
-- is covered, whoever leaves is not.
ALTER TABLE accompaniments ADD COLUMN household_id TEXT NOT NULL DEFAULT '';
CREATE INDEX accompaniments_household ON accompaniments (household_id) WHERE household_id <> '';
