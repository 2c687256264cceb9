package store

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"strings"
)

// SeedTables are the tables InsertSeed writes: what a bulk seed sets
// aside the secondary indexes of.
var SeedTables = []string{"households", "persons", "situations", "person_recorders", "person_terms", "accompaniments",
	"accompaniment_referents", "goals", "journal_entries", "search_terms", "search_phons"}

// SeedPersons counts the persons of the database: `parcours seed` loads
// in bulk (BulkLoad) when it adds more persons than there are.
func (db *DB) SeedPersons(ctx context.Context) (int64, error) { return db.countPersons(ctx) }

// BulkLoad runs fn in one bulk transaction (TransactBulk) with the
// indexing of tables set aside: their secondary indexes (not the primary
// keys nor the unique ones, which upserts and constraints need) are
// dropped first and built again once at the end, sorted in bulk, which
// is many times faster than keeping them row by row — above all the
// journal's full-text index (French stemming of every summary) and the
// dictionaries' trigram index. On PostgreSQL the foreign keys of tables
// are dropped too and added back at the end: PostgreSQL then validates
// each over all rows with one join instead of one trigger query per
// inserted row, and refuses the whole load if a row lacks its parent. On
// SQLite the foreign keys stay (checked per row by a primary-key lookup,
// cheap), and the triggers that feed an FTS5 index from tables are set
// aside, the index rebuilt from its content table at the end.
//
// Everything happens in the one transaction: a load that fails or is
// interrupted leaves the database as it was, indexes included. The
// tables are locked while it runs: this is for an operator's bulk load
// (seed), not for a database in service.
func (db *DB) BulkLoad(ctx context.Context, tables []string, fn func(*Tx) error) error {
	return db.TransactBulk(ctx, func(tx *Tx) error {
		if db.dialect == SQLite {
			// A big page cache for the index sorts, and helper threads
			// for them (SQLite's sorter sorts and merges in parallel; by
			// default it uses none), on this connection while the load
			// runs; the defaults are given back after.
			if _, err := tx.tx.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
				return err
			}
			if _, err := tx.tx.ExecContext(ctx, "PRAGMA threads = "+itoa(min(8, runtime.GOMAXPROCS(0)))); err != nil {
				return err
			}
			defer func() {
				_, _ = tx.tx.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = "+writerCache)
				_, _ = tx.tx.ExecContext(context.WithoutCancel(ctx), "PRAGMA threads = 0")
			}()
		}
		restore, err := tx.setAside(ctx, tables)
		if err != nil {
			return fmt.Errorf("store: bulk load: set indexes aside: %w", err)
		}
		if err := fn(tx); err != nil {
			return err
		}
		if err := restore(); err != nil {
			return fmt.Errorf("store: bulk load: rebuild indexes: %w", err)
		}
		return nil
	})
}

// setAside drops what BulkLoad rebuilds and returns the statements that
// rebuild it, run by the returned function.
func (tx *Tx) setAside(ctx context.Context, tables []string) (func() error, error) {
	var drop, rebuild []string
	var err error
	if tx.db.dialect == Postgres {
		drop, rebuild, err = tx.setAsidePostgres(ctx, tables)
	} else {
		drop, rebuild, err = tx.setAsideSQLite(ctx, tables)
	}
	if err != nil {
		return nil, err
	}
	// The statements are the catalogue's own definitions of the schema's
	// objects, never input.
	for _, q := range drop {
		if _, err := tx.tx.ExecContext(ctx, q); err != nil {
			return nil, wrapQuery(q, err)
		}
	}
	return func() error {
		for _, q := range rebuild {
			observe(ctx, q)
			if _, err := tx.tx.ExecContext(ctx, q); err != nil {
				return wrapQuery(q, err)
			}
		}
		return nil
	}, nil
}

func (tx *Tx) setAsidePostgres(ctx context.Context, tables []string) (drop, rebuild []string, err error) {
	// Memory for the index builds (sorts, the GIN accumulator) and the
	// foreign-key validations, for this transaction only.
	rebuild = append(rebuild, "SET LOCAL maintenance_work_mem = '1GB'", "SET LOCAL work_mem = '256MB'")
	rows, err := tx.tx.QueryContext(ctx, `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)
		  AND NOT i.indisunique AND NOT i.indisprimary
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
		ORDER BY 1`, tables)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, nil, err
		}
		drop = append(drop, "DROP INDEX "+name)
		rebuild = append(rebuild, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = tx.tx.QueryContext(ctx, `SELECT k.conrelid::regclass::text, quote_ident(k.conname), pg_get_constraintdef(k.oid)
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)
		ORDER BY 1, 2`, tables)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, def string
		if err := rows.Scan(&table, &name, &def); err != nil {
			return nil, nil, err
		}
		drop = append(drop, "ALTER TABLE "+table+" DROP CONSTRAINT "+name)
		rebuild = append(rebuild, "ALTER TABLE "+table+" ADD CONSTRAINT "+name+" "+def)
	}
	return drop, rebuild, rows.Err()
}

// ftsContent reads the content table of an FTS5 definition.
var ftsContent = regexp.MustCompile(`(?i)content\s*=\s*'([^']+)'`)

func (tx *Tx) setAsideSQLite(ctx context.Context, tables []string) (drop, rebuild []string, err error) {
	in := map[string]bool{}
	for _, t := range tables {
		in[t] = true
	}
	type object struct{ kind, name, table, sql string }
	var objs []object
	rows, err := tx.tx.QueryContext(ctx, `SELECT type, name, tbl_name, sql FROM sqlite_master
		WHERE sql IS NOT NULL AND type IN ('index', 'trigger', 'table') ORDER BY type, name`)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.kind, &o.name, &o.table, &o.sql); err != nil {
			rows.Close()
			return nil, nil, err
		}
		objs = append(objs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	// FTS5 indexes whose content is a loaded table: rebuilt from it.
	fts := map[string]bool{}
	var ftsNames []string
	for _, o := range objs {
		if o.kind != "table" || !strings.Contains(strings.ToLower(o.sql), "using fts5") {
			continue
		}
		if m := ftsContent.FindStringSubmatch(o.sql); m != nil && in[m[1]] {
			fts[o.name] = true
			ftsNames = append(ftsNames, o.name)
		}
	}
	for _, o := range objs {
		if !in[o.table] {
			continue
		}
		switch o.kind {
		case "index":
			if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(o.sql)), "CREATE UNIQUE") {
				continue
			}
			drop = append(drop, `DROP INDEX "`+o.name+`"`)
			rebuild = append(rebuild, o.sql)
		case "trigger":
			// Only the insert triggers that feed a rebuilt FTS index.
			up := strings.ToUpper(o.sql)
			feeds := false
			for name := range fts {
				if strings.Contains(up, "INSERT INTO "+strings.ToUpper(name)) {
					feeds = true
				}
			}
			if feeds && strings.Contains(up, "AFTER INSERT ON") {
				drop = append(drop, `DROP TRIGGER "`+o.name+`"`)
				rebuild = append(rebuild, o.sql)
			}
		}
	}
	for _, name := range ftsNames {
		// Rebuilt, then merged into one segment: a rebuild writes one
		// segment per few tens of thousands of rows (192 at 500,000
		// persons), which serve's upkeep (ftsmerge.go) would otherwise
		// merge on SQLite's single writer after start-up — 15 s of writer
		// time, steps of up to 2 s, in front of every write and read
		// audit. Here it costs the load a few seconds and no one waits.
		rebuild = append(rebuild,
			`INSERT INTO "`+name+`" ("`+name+`") VALUES ('rebuild')`,
			`INSERT INTO "`+name+`" ("`+name+`") VALUES ('optimize')`)
	}
	return drop, rebuild, nil
}
