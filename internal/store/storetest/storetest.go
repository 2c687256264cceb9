// Package storetest gives tests a fresh, migrated database on each backend.
//
// A test package calls Main from its TestMain: it creates, on 127.0.0.1:5432
// (or the server named by PARCOURS_TEST_POSTGRES), a throw-away template
// database with the extensions and an empty schema, and drops it and every
// test database made from it when the package is done. Each test then gets
// its own database, cloned from that template (empty, DSN) or from a
// migrated one made once per package (Open, MigratedDSN); on SQLite its own
// file, likewise a copy of a file migrated once per package. With CI=true an
// unreachable PostgreSQL fails the run instead of skipping.
//
// Cloning rather than migrating each test's database: the migrations cost
// seconds on PostgreSQL, and they take a database-wide advisory lock, so
// a package's tests queued on it one after the other; a clone costs a
// fraction of a second and takes no lock the other tests wait on.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"parcours/internal/store"
)

var (
	pgName   string  // prefix of the package's database names, "" when unavailable
	pgAdmin  *sql.DB // on the server's postgres database: creates and drops
	pgError  error   // why PostgreSQL is unavailable
	pgSchema string  // the schema of every test database (as a search path)

	// Test databases are dropped in the background, a few at a time, and
	// Main waits for them: DROP DATABASE forces checkpoints, which the
	// test that ends need not wait for (concurrent drops share them).
	drops    sync.WaitGroup
	dropSlot = make(chan struct{}, 4)

	pgMigrated = sync.OnceValues(func() (string, error) { return migratedTemplate() })
	sqliteFile = sync.OnceValues(func() (string, error) { return migratedSQLite() })
	sqliteDir  string
)

// AdminDSN is the server used to create the test databases.
func AdminDSN() string {
	if v := os.Getenv("PARCOURS_TEST_POSTGRES"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// CI reports whether missing dependencies must fail rather than skip.
func CI() bool { return os.Getenv("CI") == "true" || os.Getenv("CI") == "1" }

func randomName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Main runs the package's tests around throw-away PostgreSQL databases,
// then the functions after (the package's own shared resources).
func Main(m *testing.M, after ...func()) {
	name := randomName("parcours_test_")
	err := createTemplate(name)
	if err != nil {
		pgError = err
		if CI() {
			fmt.Fprintf(os.Stderr, "storetest: PostgreSQL is required under CI=true: %v\n", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	for _, f := range after {
		f()
	}
	drops.Wait()
	if pgName != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		for _, db := range []string{pgName + "_migrated", pgName} {
			_, _ = pgAdmin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)")
		}
		cancel()
		pgAdmin.Close()
	}
	if sqliteDir != "" {
		os.RemoveAll(sqliteDir)
	}
	os.Exit(code)
}

// createTemplate creates the database every test database is cloned
// from: the extensions in its public schema, shared by the test schema
// through the search path, and that schema, empty.
func createTemplate(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", AdminDSN())
	if err != nil {
		return err
	}
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return fmt.Errorf("PostgreSQL unreachable at %s: %w", redact(AdminDSN()), err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return err
	}
	schema := randomName("t_")
	db, err := sql.Open("pgx", dsnOf(name, ""))
	if err == nil {
		_, err = db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS fuzzystrmatch; CREATE SCHEMA "+schema)
		db.Close()
	}
	if err != nil {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
		return err
	}
	pgName, pgAdmin, pgSchema = name, admin, schema
	return nil
}

// dsnOf returns the DSN of database name on the test server, with the
// test schema first in the search path when schema is set.
func dsnOf(name, schema string) string {
	u, err := url.Parse(AdminDSN())
	if err != nil {
		return ""
	}
	u.Path = "/" + name
	if schema != "" {
		q := u.Query()
		q.Set("search_path", schema+",public")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// migratedTemplate clones the empty template and migrates the clone,
// once per package; it returns the clone's name.
func migratedTemplate() (string, error) {
	name := pgName + "_migrated"
	ctx := context.Background()
	if _, err := pgAdmin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+pgName); err != nil {
		return "", err
	}
	if err := migrateTemplate(dsnOf(name, pgSchema)); err != nil {
		return "", err
	}
	return name, nil
}

// migrateTemplate applies every migration to the template database at
// dsn and closes it (on SQLite, closing the last connection checkpoints
// the write-ahead log into the file and removes it: the file alone is
// the database).
func migrateTemplate(dsn string) error {
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	_, err = db.Migrate(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("migrate the template database: %w", err)
	}
	return nil
}

// migratedSQLite migrates a SQLite file once per package, to be copied.
func migratedSQLite() (string, error) {
	dir, err := os.MkdirTemp("", "parcours-storetest-")
	if err != nil {
		return "", err
	}
	sqliteDir = dir
	path := filepath.Join(dir, "template.db")
	if err := migrateTemplate(path); err != nil {
		return "", err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return "", fmt.Errorf("the template database %s kept its write-ahead log", path)
	}
	return path, nil
}

// Dialects lists the backends every storage test runs on.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// ForEach runs fn once per backend, as subtests "sqlite" and "postgres",
// each with a fresh migrated database.
func ForEach(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d.String(), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// DSN returns the DSN of a fresh, empty database (a new SQLite file or a
// new PostgreSQL database with the extensions and an empty schema) for a
// test that opens it itself, for instance through the CLI. The database is
// removed at the end of the test.
func DSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "parcours.db")
	}
	return clone(t, pgName)
}

// MigratedDSN returns the DSN of a fresh database with every migration
// applied, removed at the end of the test.
func MigratedDSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		src, err := sqliteFile()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "parcours.db")
		if err := copyFile(src, path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	needPostgres(t)
	tpl, err := pgMigrated()
	if err != nil {
		t.Fatal(err)
	}
	return clone(t, tpl)
}

func needPostgres(t testing.TB) {
	t.Helper()
	if pgName != "" {
		return
	}
	if pgError == nil {
		t.Fatal("storetest: PostgreSQL tests need storetest.Main in TestMain")
	}
	if CI() {
		t.Fatalf("storetest: PostgreSQL unavailable under CI=true: %v", pgError)
	}
	t.Skipf("PostgreSQL unavailable: %v", pgError)
}

// clone creates a database from template tpl for the test, dropped after
// it (in the background; Main waits for the drops).
func clone(t testing.TB, tpl string) string {
	t.Helper()
	needPostgres(t)
	name := randomName(pgName + "_")
	ctx := context.Background()
	if _, err := pgAdmin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tpl); err != nil {
		t.Fatal(err)
	}
	// A commit waits for its flush to disk only to survive a crash of
	// the server, which no test provokes; waiting costs the tests most of
	// their time on PostgreSQL (each audited request commits).
	if _, err := pgAdmin.ExecContext(ctx, "ALTER DATABASE "+name+" SET synchronous_commit = off"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		drops.Add(1)
		go func() {
			defer drops.Done()
			dropSlot <- struct{}{}
			defer func() { <-dropSlot }()
			_, _ = pgAdmin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		}()
	})
	return dsnOf(name, pgSchema)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(invalid DSN)"
	}
	return u.Redacted()
}

// Instances opens n handles on one fresh database of backend d, as n
// instances of Parcours sharing it: each migrates it (as serve does at
// start-up) and is closed at the end of the test. The DSN is returned
// for the instances' app.Config.
func Instances(t testing.TB, d store.Dialect, n int) (string, []*store.DB) {
	t.Helper()
	dsn := DSN(t, d)
	ctx := context.Background()
	dbs := make([]*store.DB, n)
	for i := range dbs {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		dbs[i] = db
	}
	return dsn, dbs
}

// Open returns a fresh migrated database on backend d, closed at the end
// of the test.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	dsn := MigratedDSN(t, d)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// A no-op on the clone of a migrated template; kept so that a
	// template behind the migrations fails here, not in the test.
	if n, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	} else if n != 0 {
		t.Fatalf("storetest: the template database lacked %d migrations", n)
	}
	return db
}

// Counter counts the SQL statements and transactions run on behalf of a
// context (store.WithObserver): the statement budgets of a request are
// asserted with it, never with a clock.
type Counter struct {
	mu           sync.Mutex
	Statements   []string // in order, as written (before rebinding)
	Transactions int
}

// Context returns ctx reporting to c.
func (c *Counter) Context(ctx context.Context) context.Context {
	return store.WithObserver(ctx, func(q string) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if q == store.Begin {
			c.Transactions++
			return
		}
		c.Statements = append(c.Statements, q)
	})
}

// Count returns the number of statements so far, leaving out those that
// begin with one of skip (after collapsing white space).
func (c *Counter) Count(skip ...string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, q := range c.Statements {
		q = strings.Join(strings.Fields(q), " ")
		if !slices.ContainsFunc(skip, func(p string) bool { return strings.HasPrefix(q, p) }) {
			n++
		}
	}
	return n
}

// String lists the statements, one a line, for a failing test.
func (c *Counter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%d statements in %d transactions:\n", len(c.Statements), c.Transactions)
	for i, q := range c.Statements {
		q = strings.Join(strings.Fields(q), " ")
		if len(q) > 140 {
			q = q[:140] + "…"
		}
		fmt.Fprintf(&b, "%3d  %s\n", i+1, q)
	}
	return b.String()
}
