package store_test

import (
	"database/sql"
	"testing"
)

// scanStrings reads a one-column result to the end and closes it. A
// failed iteration (rows.Err) fails the test: without that check a query
// cut short would look like a shorter answer.
func scanStrings(t testing.TB, rows *sql.Rows, err error) []string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
