// Package storetest gives tests a fresh, migrated database on each backend.
//
// A test package calls Main from its TestMain: it creates one throw-away
// PostgreSQL database for the package (on 127.0.0.1:5432, or the server
// named by PARCOURS_TEST_POSTGRES) and drops it when the package is done.
// Each test then gets its own schema in it, or its own SQLite file. With
// CI=true an unreachable PostgreSQL fails the run instead of skipping.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
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
	pgBase  string // DSN of the package database, "" when unavailable
	pgError error  // why PostgreSQL is unavailable
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

// Main runs the package's tests around a throw-away PostgreSQL database.
func Main(m *testing.M) {
	name := randomName("parcours_test_")
	cleanup, err := createDatabase(name)
	if err != nil {
		pgError = err
		if CI() {
			fmt.Fprintf(os.Stderr, "storetest: PostgreSQL is required under CI=true: %v\n", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	if cleanup != nil {
		cleanup()
	}
	os.Exit(code)
}

func createDatabase(name string) (func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", AdminDSN())
	if err != nil {
		return nil, err
	}
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return nil, fmt.Errorf("PostgreSQL unreachable at %s: %w", redact(AdminDSN()), err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return nil, err
	}
	u, err := url.Parse(AdminDSN())
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	pgBase = u.String()
	// Extensions live in the public schema of the package database and
	// are shared by every test schema through the search path.
	db, err := sql.Open("pgx", pgBase)
	if err == nil {
		_, err = db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
		db.Close()
	}
	if err != nil {
		pgBase = ""
		return nil, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}, nil
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(invalid DSN)"
	}
	return u.Redacted()
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
// new PostgreSQL schema) for a test that opens it itself, for instance
// through the CLI. The database is removed at the end of the test.
func DSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "parcours.db")
	}
	if pgBase == "" {
		if pgError == nil {
			t.Fatal("storetest: PostgreSQL tests need storetest.Main in TestMain")
		}
		if CI() {
			t.Fatalf("storetest: PostgreSQL unavailable under CI=true: %v", pgError)
		}
		t.Skipf("PostgreSQL unavailable: %v", pgError)
	}
	schema := randomName("t_")
	ctx := context.Background()
	admin, err := sql.Open("pgx", pgBase)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(pgBase, "?") {
		sep = "&"
	}
	return pgBase + sep + "search_path=" + schema + ",public"
}

// Open returns a fresh migrated database on backend d, closed at the end
// of the test.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	dsn := DSN(t, d)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
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
