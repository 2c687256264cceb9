package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"parcours/internal/parcours"
)

// Online backup and restore.
//
// SQLite: VACUUM INTO writes a compact, consistent copy of the database
// while it stays in use (readers go on; writers wait for the copy).
// Restore checks the copy (integrity_check, Parcours tables) and moves it
// into place with a rename, so a crash leaves either the old or the new
// file, never a mix. The server must be stopped while restoring.
//
// PostgreSQL: pg_dump in its custom format, which runs in one snapshot and
// so is consistent without stopping anything; restore is pg_restore
// --clean into the same database. Both tools must be on PATH, of a version
// not older than the server; when they are missing the command says so.

// Backup writes a consistent copy of the database to file, which must not
// exist yet.
func (db *DB) Backup(ctx context.Context, file string) error {
	if _, err := os.Stat(file); err == nil {
		return parcours.Errorf(parcours.EConflict, "backup.error.exists", file)
	}
	if db.dialect == Postgres {
		return pgTool(ctx, "pg_dump", db.dsn, "--format=custom", "--no-owner", "--file", file)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	// The write connection, so no write slips between pages of the copy.
	if _, err := db.w.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		os.Remove(abs)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// Restore replaces the database named by dsn with the backup in file. On
// SQLite the target must not be open (stop the server first); an existing
// target is only replaced when force is set. On PostgreSQL the objects of
// the backup are dropped and recreated in the target database.
func Restore(ctx context.Context, dsn, file string, force bool) error {
	if _, err := os.Stat(file); err != nil {
		return parcours.Errorf(parcours.ENotFound, "backup.error.missing", file)
	}
	if DialectOf(dsn) == Postgres {
		if !force {
			db, err := Open(ctx, dsn)
			if err != nil {
				return err
			}
			n, err := db.countPersons(ctx)
			db.Close()
			if err == nil && n > 0 {
				return parcours.Errorf(parcours.EConflict, "backup.error.target_not_empty", redactDSN(dsn))
			}
		}
		return pgTool(ctx, "pg_restore", dsn, "--clean", "--if-exists", "--no-owner", "--single-transaction", file)
	}
	target := sqlitePath(dsn)
	// A running server (or any process with the database open) holds the
	// shared lock: replacing the file under it would make it write on to
	// the old, unlinked file, losing everything it acknowledges from now
	// on. The exclusive lock also keeps anyone from opening it meanwhile.
	lock, err := lockSQLite(target, true)
	if errors.Is(err, errDatabaseBusy) {
		return parcours.Errorf(parcours.EConflict, "backup.error.in_use", target)
	}
	if err != nil {
		return err
	}
	if lock != nil {
		defer lock.Close()
	}
	if info, err := os.Stat(target); err == nil && info.Size() > 0 && !force {
		return parcours.Errorf(parcours.EConflict, "backup.error.target_exists", target)
	}
	if err := checkSQLiteBackup(ctx, file); err != nil {
		return err
	}
	// Copy next to the target, then rename over it: atomic on one
	// filesystem. The old WAL and shared-memory files belong to the old
	// database and must go with it.
	tmp, err := os.CreateTemp(filepath.Dir(target), filepath.Base(target)+".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	src, err := os.Open(file)
	if err != nil {
		tmp.Close()
		return err
	}
	_, err = io.Copy(tmp, src)
	src.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// checkSQLiteBackup refuses a file that is not a sound Parcours database.
func checkSQLiteBackup(ctx context.Context, file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		return parcours.Errorf(parcours.EInvalid, "backup.error.not_parcours", file)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('persons','audit_events','workers')").Scan(&n); err != nil || n != 3 {
		return parcours.Errorf(parcours.EInvalid, "backup.error.not_parcours", file)
	}
	return nil
}

func (db *DB) countPersons(ctx context.Context) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM persons").Scan(&n)
	return n, err
}

// pgTool runs pg_dump or pg_restore against dsn. libpq does not know the
// search_path parameter pgx accepts in a DSN: it is turned into the
// tool's --schema option (backups of one schema, as tests use).
func pgTool(ctx context.Context, tool, dsn string, args ...string) error {
	path, err := exec.LookPath(tool)
	if err != nil {
		return parcours.Errorf(parcours.EUnsupported, "backup.error.tool_missing", tool)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("invalid PostgreSQL DSN: %w", err)
	}
	q := u.Query()
	if sp := q.Get("search_path"); sp != "" {
		q.Del("search_path")
		u.RawQuery = q.Encode()
		schema := strings.TrimSpace(strings.SplitN(sp, ",", 2)[0])
		args = append([]string{"--schema", schema}, args...)
	}
	cmd := exec.CommandContext(ctx, path, append([]string{"--dbname", u.String()}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if i := strings.IndexByte(msg, '\n'); i > 0 {
			msg = msg[:i]
		}
		return fmt.Errorf("%s failed: %v: %s", tool, err, msg)
	}
	return nil
}

func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(DSN)"
	}
	return u.Redacted()
}
