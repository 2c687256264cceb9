package store

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
)

// A database failure names its statement (verb and table, never the
// arguments) and keeps the driver's error reachable; "no row" stays the
// sentinel.
func TestQueryErrorNamesTheStatement(t *testing.T) {
	for q, want := range map[string]string{
		"INSERT INTO journal_entries (id, summary) VALUES (?, ?)": "INSERT INTO journal_entries",
		"SELECT id, birth_name FROM persons WHERE id = ?":         "SELECT … FROM persons",
		"\n\t\tUPDATE tasks SET status = ? WHERE id = ?":          "UPDATE tasks",
		"DELETE FROM sessions WHERE expires_at < ?":               "DELETE FROM sessions",
		"SELECT pg_advisory_xact_lock(?)":                         "SELECT",
	} {
		if got := statementName(q); got != want {
			t.Errorf("statementName(%q) = %q, want %q", q, got, want)
		}
	}
	driver := errors.New("disk I/O error")
	err := wrapQuery("INSERT INTO journal_entries (summary) VALUES ('Mme X, RSA')", driver)
	if !errors.Is(err, driver) || err.Error() != "store: INSERT INTO journal_entries: disk I/O error" {
		t.Errorf("wrapped: %v", err)
	}
	if strings.Contains(err.Error(), "Mme X") {
		t.Error("the error carries the statement's values")
	}
	if wrapQuery("SELECT 1", sql.ErrNoRows) != sql.ErrNoRows || wrapQuery("SELECT 1", nil) != nil {
		t.Error("no row or no error is not returned as is")
	}
}
