package store_test

import (
	"context"
	"database/sql"
	"os"
	"slices"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/store"
)

// PostgreSQL's parcours_unaccent, made inlinable by migration 0350 when
// the migrating role is a superuser (as the tests' is): the same results
// as unaccent(), the full-text index built with the former SQL wrapper
// still finding what it found, and the sessions connected before the
// change still using the index.

// oldUnaccent is the wrapper as migration 0031 made it (its body a call
// of the STABLE unaccent(), never inlined), with its schema's dictionary.
const oldUnaccent = `DO $do$
DECLARE s text;
BEGIN
    SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
    EXECUTE format('CREATE OR REPLACE FUNCTION parcours_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS %L',
        format('SELECT %I.unaccent(%L::regdictionary, $1)', s, s || '.unaccent'));
    ALTER INDEX journal_entries_fts RESET (fastupdate);
END
$do$`

func TestUnaccent_InlinedWithTheSameResults(t *testing.T) {
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		db := e.App.DB
		if db.Dialect() != store.Postgres {
			t.Skip("PostgreSQL's wrapper")
		}
		ctx := context.Background()
		raw := db.SQL()
		exec := func(c interface {
			ExecContext(context.Context, string, ...any) (sql.Result, error)
		}, q string, args ...any) {
			t.Helper()
			if _, err := c.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%.60s: %v", q, err)
			}
		}
		plan := func(c *sql.Conn, q string, args ...any) string {
			t.Helper()
			rows, err := c.QueryContext(ctx, "EXPLAIN (VERBOSE, COSTS OFF) "+q, args...)
			return strings.Join(scanStrings(t, rows, err), "\n") + "\n"
		}

		// The migrated wrapper is inlined: the C function in its place.
		c, err := raw.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if p := plan(c, "SELECT parcours_unaccent(summary) FROM journal_entries"); !strings.Contains(p, "parcours_unaccent_dict(") {
			t.Errorf("parcours_unaccent is not inlined:\n%s", p)
		}

		// The same text as unaccent() gives, whatever the text.
		texts := []string{"Élodie Bénédicte", "Œuvre, cœur, ŒDÈME", "ÇA façade", "naïve Noël", "straße", "Ångström",
			"ﬁn ﬂeur", "déjà-vu", "", "1er ½ – « guillemets »", "ЁЖ", "plain ascii"}
		for _, s := range texts {
			var got, want string
			if err := raw.QueryRowContext(ctx, "SELECT parcours_unaccent($1), unaccent('unaccent', $1)", s).Scan(&got, &want); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("parcours_unaccent(%q) = %q, unaccent gives %q", s, got, want)
			}
		}

		// An index built by the former wrapper, as on a database migrated
		// before 0350: entries written with it, then the migration.
		exec(raw, oldUnaccent)
		if p := plan(c, "SELECT parcours_unaccent(summary) FROM journal_entries"); strings.Contains(p, "parcours_unaccent_dict(") {
			t.Fatalf("the former wrapper is inlined:\n%s", p)
		}
		actor, pid := entryFixture(t, e)
		summaries := []string{"Rendez-vous avec Élodie à la CAF", "Dossier de surendettement déposé", "Appel : ELODIE absente",
			"Œuvres sociales, aide accordée", "oeuvre commune", "Noël au foyer", "noel", "rien à voir"}
		for _, s := range summaries {
			if err := db.Transact(ctx, func(tx *store.Tx) error { return tx.InsertJournalEntries(ctx, entryFor(actor, pid, s)) }); err != nil {
				t.Fatal(err)
			}
		}
		find := func(c *sql.Conn, q string, index bool) []string {
			t.Helper()
			exec(c, "SET enable_seqscan = "+map[bool]string{true: "off", false: "on"}[index])
			exec(c, "SET enable_bitmapscan = "+map[bool]string{true: "on", false: "off"}[index])
			exec(c, "SET enable_indexscan = off")
			defer exec(c, "RESET enable_seqscan")
			defer exec(c, "RESET enable_bitmapscan")
			defer exec(c, "RESET enable_indexscan")
			const sel = `SELECT summary FROM journal_entries
				WHERE to_tsvector('french', parcours_unaccent(summary)) @@ plainto_tsquery('french', parcours_unaccent($1))`
			if p := plan(c, sel, q); strings.Contains(p, "journal_entries_fts") != index {
				t.Errorf("search %q, index wanted: %v, plan:\n%s", q, index, p)
			}
			rows, err := c.QueryContext(ctx, sel, q)
			out := scanStrings(t, rows, err)
			slices.Sort(out)
			return out
		}
		want := map[string][]string{
			"élodie":         {"Appel : ELODIE absente", "Rendez-vous avec Élodie à la CAF"},
			"oeuvre":         {"oeuvre commune", "Œuvres sociales, aide accordée"},
			"noël":           {"Noël au foyer", "noel"},
			"surendettement": {"Dossier de surendettement déposé"},
		}
		before := map[string][]string{}
		for q := range want {
			before[q] = find(c, q, true)
		}
		b, err := os.ReadFile("migrations/postgres/0350_unaccent_inlinable.sql")
		if err != nil {
			t.Fatal(err)
		}
		other, err := raw.Conn(ctx) // connected after the change
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		exec(other, string(b))
		for _, conn := range []*sql.Conn{c, other} {
			if p := plan(conn, "SELECT parcours_unaccent(summary) FROM journal_entries"); !strings.Contains(p, "parcours_unaccent_dict(") {
				t.Errorf("parcours_unaccent is not inlined after the migration:\n%s", p)
			}
			for q, w := range want {
				// The session connected before the change (c) uses the
				// index as the other does, and finds the same entries as
				// before it and as a full scan.
				if got := find(conn, q, true); !slices.Equal(got, w) || !slices.Equal(got, before[q]) {
					t.Errorf("search %q: %q, before the change %q, want %q", q, got, before[q], w)
				}
				if got := find(conn, q, false); !slices.Equal(got, w) {
					t.Errorf("search %q, full scan: %q, want %q", q, got, w)
				}
			}
		}
	})
}
