package store_test

import (
	"context"
	"sort"
	"testing"

	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// TestPersonData_CoversEveryPersonTable fails when a table holds a
// person_id column, or a reference to persons, that store.PersonData does
// not list: such a table would escape the retention purge. Add its line
// to PersonData (persondata.go) saying what anonymisation does with it.
func TestPersonData_CoversEveryPersonTable(t *testing.T) {
	t.Parallel()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		q := `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND p.name = 'person_id'
			UNION SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
			WHERE m.type = 'table' AND f."table" = 'persons'`
		if db.Dialect() == store.Postgres {
			q = `SELECT table_name, column_name FROM information_schema.columns
				WHERE table_schema = current_schema() AND column_name = 'person_id'
				UNION SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
				JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
				JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
				WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name = 'persons' AND tc.table_schema = current_schema()`
		}
		rows, err := db.SQL().QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		listed := map[[2]string]bool{}
		for _, pt := range store.PersonData {
			listed[[2]string{pt.Table, pt.Column}] = true
		}
		var missing []string
		found := 0
		for rows.Next() {
			var table, column string
			if err := rows.Scan(&table, &column); err != nil {
				t.Fatal(err)
			}
			found++
			if !listed[[2]string{table, column}] {
				missing = append(missing, table+"."+column)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if found < 10 {
			t.Fatalf("found only %d person columns: the schema query is wrong", found)
		}
		sort.Strings(missing)
		for _, m := range missing {
			t.Errorf("%s names a person but store.PersonData does not list it: add its line (what anonymisation keeps, blanks or deletes)", m)
		}
	})
}

// TestPersonData_EachLineSaysWhatAnonymisationDoes: exactly one of
// Delete, Set, Special, Keep.
func TestPersonData_EachLineSaysWhatAnonymisationDoes(t *testing.T) {
	t.Parallel()
	for _, pt := range store.PersonData {
		n := 0
		for _, b := range []bool{pt.Delete, pt.Set != "", pt.Special != "", pt.Keep != ""} {
			if b {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s.%s: %d of Delete, Set, Special, Keep; want exactly one", pt.Table, pt.Column, n)
		}
	}
}
