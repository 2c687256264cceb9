// Package store is the only place that speaks SQL. It holds the schema
// migrations of both dialects (SQLite and PostgreSQL), the connection pools
// and the queries. SQL is written once with "?" placeholders and rebound for
// PostgreSQL; where the dialects differ, both versions sit side by side.
//
// store imports no domain service: it maps rows to the types of package
// parcours and leaves every rule (validation, authorisation) to the
// services. Every query is parameterised; never build SQL from input.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect tells the two backends apart.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DialectOf returns the backend a DSN selects: postgres:// or postgresql://
// pick PostgreSQL, anything else is a SQLite file path.
func DialectOf(dsn string) Dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// DB is the database of Parcours. On SQLite it keeps two pools: one
// connection for writes (SQLite has one writer; BEGIN IMMEDIATE avoids
// lock-upgrade deadlocks) and several read-only connections. On PostgreSQL
// both pools are the same.
type DB struct {
	dialect Dialect
	w       *sql.DB
	r       *sql.DB
	dsn     string
	// lock is the shared lock on a SQLite database's lock file, held
	// while the database is open so that restore refuses to replace it
	// (lock_unix.go); nil on PostgreSQL.
	lock *os.File

	rebound sync.Map // query string → rebound query, for PostgreSQL
	// sealLater is set while a sealer runs (RunAuditSealer): then
	// transactions leave their audit events to it instead of sealing
	// them inline (audit_seal.go).
	sealLater atomic.Bool
	// reads groups the reads' audit writes (audit_group.go).
	reads readAudits
	// actors tells the actor caches of changes (actors.go).
	actors actorHub
	// wStmts and rStmts are the prepared statements of the SQLite pools
	// (stmtcache.go); nil on PostgreSQL. stopStmts ends their preparers.
	wStmts, rStmts *stmtCache
	stopStmts      func()
	// vacuumEvery and sealedSinceVacuum pace the sealer's VACUUM of
	// audit_pending on PostgreSQL (audit_seal.go); only the sealer's
	// goroutine touches sealedSinceVacuum.
	vacuumEvery, sealedSinceVacuum int
	// pendingListNotOwner: this role may not empty the journal
	// full-text index's pending list on PostgreSQL (ftsmerge.go).
	pendingListNotOwner atomic.Bool
	// stopCheckpoints ends SQLite's checkpointer (walcheckpoint.go).
	stopCheckpoints func()
	// gate orders SQLite's write transactions (writegate.go).
	gate writeGate
	// upkeep is the audit sealer's own connection on PostgreSQL
	// (writegate.go); nil on SQLite.
	upkeep *sql.DB
	// Now is the clock; tests may replace it.
	Now func() time.Time
	// readCommitted: the server's transactions are READ COMMITTED, so a
	// write transaction's first reads may run before its BEGIN
	// (pgwrite.go).
	readCommitted bool
	// discardAudit drops every audit event instead of writing it: the
	// no-op audit sink of the audit overhead benchmark. Only the store's
	// own tests can set it (export_test.go); nothing else can reach it.
	discardAudit atomic.Bool
}

// Open connects to dsn and checks the connection. It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{dialect: DialectOf(dsn), dsn: dsn, Now: func() time.Time { return time.Now().UTC() }, vacuumEvery: pendingVacuumRows}
	var err error
	switch db.dialect {
	case Postgres:
		db.w, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		// As many kept idle as may be open: a burst past the idle limit
		// otherwise closes connections on release and reconnects the next
		// moment (a new server process, and pgx's prepared statements
		// lost), a stall under an open-loop load (issue 17).
		db.w.SetMaxOpenConns(32)
		db.w.SetMaxIdleConns(32)
		db.w.SetConnMaxIdleTime(5 * time.Minute)
		db.r = db.w
		if db.upkeep, err = sql.Open("pgx", dsn); err != nil {
			db.w.Close()
			return nil, err
		}
		db.upkeep.SetMaxOpenConns(1)
		db.upkeep.SetMaxIdleConns(1)
	default:
		path := strings.TrimPrefix(dsn, "sqlite://")
		// Page caches: each connection keeps its own, in the process's
		// memory, and fills it up to its size on a large database (9
		// connections × 16 MB were most of serve's 385 MB at 500k
		// persons). The readers get 1 MB each (readerCache): a page they
		// miss is a read from the operating system's file cache, shared
		// and not counted in the process; the writer, whose index
		// updates revisit the same pages, keeps 8 MB.
		pragmas := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
		db.w, err = sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=cache_size("+writerCache+")&_pragma=wal_autocheckpoint("+writerAutocheckpoint+")&_txlock=immediate")
		if err != nil {
			return nil, err
		}
		db.w.SetMaxOpenConns(1)
		db.w.SetConnMaxIdleTime(0)
		db.r, err = sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=cache_size("+readerCache+")&_pragma=query_only(1)")
		if err != nil {
			db.w.Close()
			return nil, err
		}
		// Every reader stays open: database/sql keeps only two idle by
		// default, so under load the others were closed on release and
		// reopened by the next read, each open parsing the whole schema
		// and losing its prepared statements (13–34 % of serve's CPU at
		// 16 users, issue 17).
		db.r.SetMaxOpenConns(8)
		db.r.SetMaxIdleConns(8)
		db.r.SetConnMaxIdleTime(0)
		if db.stopCheckpoints, err = db.startCheckpoints(path, pragmas+"&_pragma=cache_size(-2000)"); err != nil {
			db.Close()
			return nil, err
		}
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.w.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.dialect, err)
	}
	if db.dialect == Postgres {
		var iso string
		if err := db.w.QueryRowContext(pctx, "SHOW default_transaction_isolation").Scan(&iso); err != nil {
			db.Close()
			return nil, fmt.Errorf("connect to %s database: %w", db.dialect, err)
		}
		db.readCommitted = iso == "read committed"
	}
	if db.dialect == SQLite {
		db.startStmtCaches()
		if db.lock, err = lockSQLite(sqlitePath(dsn), false); err != nil {
			db.Close()
			if errors.Is(err, errDatabaseBusy) {
				return nil, fmt.Errorf("the database %s is being restored: try again once the restore is done", sqlitePath(dsn))
			}
			return nil, fmt.Errorf("lock %s: %w", sqlitePath(dsn), err)
		}
	}
	return db, nil
}

// writerCache is the page cache of SQLite's write connection (KiB,
// negative), given back by BulkLoad after its own.
const writerCache = "-8000"

// readerCache is the page cache of each SQLite read connection (KiB,
// negative): half SQLite's default, 8 MB fewer in serve under load with
// the 8 readers busy, at no measurable CPU per request (the interior
// pages of the indexes a read walks still fit).
const readerCache = "-1000"

// errReadWrites: a read (View) ran a write; SQLite's read connections
// refuse it too (query_only).
var errReadWrites = errors.New("a read may not write")

// errDatabaseBusy: another process holds the SQLite lock file the other
// way (shared against a restore's exclusive lock, or the reverse).
var errDatabaseBusy = errors.New("database in use by another process")

// sqlitePath is the file of a SQLite DSN.
func sqlitePath(dsn string) string { return strings.TrimPrefix(dsn, "sqlite://") }

// Dialect returns the backend in use.
func (db *DB) Dialect() Dialect { return db.dialect }

// startStmtCaches starts the SQLite statement caches (stmtcache.go).
func (db *DB) startStmtCaches() {
	ctx, cancel := context.WithCancel(context.Background())
	db.wStmts, db.rStmts = newStmtCache(db.w), newStmtCache(db.r)
	wDone, rDone := make(chan struct{}), make(chan struct{})
	go db.wStmts.prepare(ctx, wDone)
	go db.rStmts.prepare(ctx, rDone)
	db.stopStmts = func() {
		cancel()
		<-wDone
		<-rDone
		db.wStmts.close()
		db.rStmts.close()
	}
}

// Close closes the pools.
func (db *DB) Close() error {
	db.stopReads() // drains: the reads waiting get their answer
	db.stopActors()
	if db.stopStmts != nil {
		db.stopStmts()
		db.stopStmts = nil
	}
	if db.stopCheckpoints != nil {
		db.stopCheckpoints()
		db.stopCheckpoints = nil
	}
	err := db.w.Close()
	if db.upkeep != nil {
		err = errors.Join(err, db.upkeep.Close())
	}
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	if db.lock != nil {
		err = errors.Join(err, db.lock.Close()) // releases the flock
		db.lock = nil
	}
	return err
}

// Ping checks that the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// SQL returns the write pool, for tools (backup, tests) that need raw
// access. Services must not use it.
func (db *DB) SQL() *sql.DB { return db.w }

func (db *DB) rebind(q string) string {
	if db.dialect != Postgres {
		return q
	}
	if v, ok := db.rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(q[i])
	}
	s := b.String()
	db.rebound.Store(q, s)
	return s
}

// Tx is one database transaction. Public methods of DB own the transaction;
// the query methods hang off Tx so a service can group several of them, and
// the audit events they cause, atomically.
type Tx struct {
	db *DB
	// tx is the database transaction; nil on PostgreSQL for a read,
	// whose statements run on one connection without one (once), and for
	// a write, which pg runs.
	tx *sql.Tx
	// q runs the statements: tx, or the read's connection.
	q querier
	// rowsDone ends the contexts of the queries of a read or a write
	// without a database/sql transaction, so that no Rows left open
	// keeps its connection: Commit and Rollback do that for a transaction.
	rowsDone []context.CancelFunc
	now      time.Time
	// pending audit events are inserted, unchained, just before COMMIT;
	// stamped when their break-glass stamp is done already (a group
	// commit of reads, stamped each by its read).
	pending []AuditRecord
	stamped bool
	// auditWritten: events of this transaction were written with one of
	// its statements already (execAudited), for run to seal.
	auditWritten bool
	// stmts is the statement cache of the transaction's pool (SQLite).
	stmts *stmtCache
	// conn is the connection of a bulk transaction on PostgreSQL
	// (TransactBulk), for COPY; nil otherwise.
	conn *sql.Conn
	// pg runs a write transaction on PostgreSQL in place of tx
	// (pgwrite.go); nil otherwise.
	pg *pgTx
	// actorsChanged are the workers whose credentials or facts this
	// transaction changed, announced at commit (actors.go).
	actorsChanged []string
	// searchChanged are the persons whose search index entries this
	// transaction changed, announced at commit (searchindex.go).
	searchChanged []string
	// inboxChanged are the workers whose notifications this transaction
	// changed, announced at commit (inbox.go).
	inboxChanged []string
	// denied are the events of refused attempts (AuditDenial): written
	// even when the transaction rolls back, since the refusal is what
	// they record.
	denied []AuditRecord
	write  bool
	// breakGlass remembers what Relation found, so that Audit stamps the
	// events without asking again (access.go).
	breakGlass map[breakGlassKey]*breakGlassMark
	// ahead are the events handed to the group commit by AuditAhead,
	// waited for before the read returns.
	ahead []*readAudit
}

// querier is what runs a Tx's statements: a *sql.Tx, or the *sql.Conn of a
// read on PostgreSQL.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Now is the transaction's clock reading: every row it writes carries the
// same instant.
func (tx *Tx) Now() time.Time { return tx.now }

// Dialect returns the backend in use.
func (tx *Tx) Dialect() Dialect { return tx.db.dialect }

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	observe(ctx, q)
	if tx.tx == nil && tx.pg == nil {
		// A read on PostgreSQL has no transaction to keep a write atomic.
		return nil, wrapQuery(q, errReadWrites)
	}
	var res sql.Result
	var err error
	if tx.pg != nil {
		res, err = tx.pg.exec(ctx, tx.db.rebind(q), args...)
	} else if st := tx.stmts.get(q); st != nil {
		res, err = tx.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	} else {
		res, err = tx.q.ExecContext(ctx, tx.db.rebind(q), args...)
	}
	return res, wrapQuery(q, err)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	observe(ctx, q)
	return tx.queryObserved(ctx, q, args...)
}

// queryObserved is query for a statement observe has seen already.
func (tx *Tx) queryObserved(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	var rows *sql.Rows
	var err error
	if tx.pg != nil {
		rows, err = tx.pg.query(tx.rowsContext(ctx), tx.db.rebind(q), q, args...)
	} else if st := tx.stmts.get(q); st != nil {
		rows, err = tx.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	} else {
		rows, err = tx.q.QueryContext(tx.rowsContext(ctx), tx.db.rebind(q), args...)
	}
	return rows, wrapQuery(q, err)
}

// pgxRead runs fn, a read, on the pgx connection under a PostgreSQL
// read (View) or write transaction (after beforeRead, for orig): fn
// reads its rows with pgx itself, without database/sql's conversion of
// every value (issue 17). It reports false, without running fn, on SQLite
// and in a database/sql transaction (a bulk load). fn must close every
// Rows it opens.
func (tx *Tx) pgxRead(ctx context.Context, orig string, fn func(*pgx.Conn) error) (bool, error) {
	if tx.db.dialect != Postgres {
		return false, nil
	}
	var conn *sql.Conn
	switch {
	case tx.pg != nil:
		if err := tx.pg.beforeRead(ctx, orig); err != nil {
			return true, err
		}
		conn = tx.pg.conn
	case tx.tx == nil:
		c, ok := tx.q.(*sql.Conn)
		if !ok {
			return false, nil
		}
		conn = c
	default:
		return false, nil
	}
	return true, conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: not a pgx connection (%T)", dc)
		}
		return fn(c.Conn())
	})
}

// rowsContext is ctx for a query whose Rows must not outlive the Tx: on a
// read without a transaction or a write on PostgreSQL (pgwrite.go), a
// context once puts an end to, closing any Rows left open before their
// connection is released (Conn.Close would otherwise wait for them
// forever).
func (tx *Tx) rowsContext(ctx context.Context) context.Context {
	if tx.tx != nil {
		return ctx
	}
	ctx, cancel := context.WithCancel(ctx)
	tx.rowsDone = append(tx.rowsDone, cancel)
	return ctx
}

// closeRows ends the contexts rowsContext made, closing the Rows left
// open, before the connection goes back to the pool.
func (tx *Tx) closeRows() {
	for _, done := range tx.rowsDone {
		done()
	}
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) row {
	observe(ctx, q)
	if tx.pg != nil {
		r, err := tx.pg.queryRow(tx.rowsContext(ctx), tx.db.rebind(q), q, args...)
		return row{r, q, err}
	}
	if st := tx.stmts.get(q); st != nil {
		return row{tx.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...), q, nil}
	}
	return row{tx.q.QueryRowContext(tx.rowsContext(ctx), tx.db.rebind(q), args...), q, nil}
}

// execText runs q as it is: no rebinding, no statement cache (texts that
// vary, such as multi-row inserts).
func (tx *Tx) execText(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if tx.pg != nil {
		return tx.pg.exec(ctx, q, args...)
	}
	if tx.tx == nil {
		return nil, wrapQuery(q, errReadWrites)
	}
	return tx.tx.ExecContext(ctx, q, args...)
}

// execLater runs q, whose result nothing needs: on PostgreSQL's write
// transactions it is held and sent with the next statement or the commit
// (pgwrite.go), its error then coming at commit; elsewhere now.
func (tx *Tx) execLater(ctx context.Context, q string, args ...any) error {
	if tx.pg == nil {
		_, err := tx.exec(ctx, q, args...)
		return err
	}
	observe(ctx, q)
	tx.pg.later(q, tx.db.rebind(q), args...)
	return nil
}

// row is a single-row result whose Scan error says which statement failed.
type row struct {
	r   *sql.Row
	q   string
	err error // the statement could not be sent
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return wrapQuery(r.q, r.err)
	}
	return wrapQuery(r.q, r.r.Scan(dest...))
}

// QueryError is a database error with the statement it came from, so that
// a failure logged far from the store still says where it happened. The
// driver's error stays reachable (errors.Is, errors.As): ErrNoRows, unique
// violations and retryable conflicts are recognised as before. The
// statement is named by its first words, never its arguments: no personal
// data reaches the logs.
type QueryError struct {
	Statement string
	Err       error
}

func (e *QueryError) Error() string { return "store: " + e.Statement + ": " + e.Err.Error() }
func (e *QueryError) Unwrap() error { return e.Err }

func wrapQuery(q string, err error) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		// No row is an answer, not a failure: kept as the sentinel callers
		// compare with.
		return err
	}
	return &QueryError{Statement: statementName(q), Err: err}
}

// statementName is the verb and table of a statement: "INSERT INTO
// journal_entries", "SELECT … FROM persons".
func statementName(q string) string {
	f := strings.Fields(q)
	if len(f) == 0 {
		return "?"
	}
	verb := strings.ToUpper(f[0])
	if verb == "UPDATE" && len(f) > 1 {
		return "UPDATE " + f[1]
	}
	for i, w := range f[:len(f)-1] {
		if u := strings.ToUpper(w); u == "FROM" || u == "INTO" {
			table := strings.Trim(f[i+1], "(),")
			if verb == "SELECT" || verb == "WITH" {
				return verb + " … FROM " + table
			}
			return verb + " " + u + " " + table
		}
	}
	return verb
}

// Transact runs fn in a read-write transaction and commits it when fn
// returns nil. Serialisation failures and busy databases are retried a few
// times; fn must therefore be free of side effects outside the transaction.
func (db *DB) Transact(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, true, fn)
}

// TransactBulk is Transact for bulk loads (seed): on PostgreSQL the
// transaction's InsertRows use COPY.
func (db *DB) TransactBulk(ctx context.Context, fn func(*Tx) error) error {
	return db.run(context.WithValue(ctx, bulkKey{}, true), true, fn)
}

type bulkKey struct{}

// View runs fn in a read transaction (on PostgreSQL, on one connection
// without a transaction: onceRead). fn may still record audit events,
// committed before View returns by a write shared with the concurrent
// reads (group commit, audit_group.go).
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, false, fn)
}

func (db *DB) run(ctx context.Context, write bool, fn func(*Tx) error) error {
	var (
		err    error
		denied []AuditRecord
		wrote  bool
	)
	for attempt := 0; attempt < 5; attempt++ {
		denied, wrote, err = db.once(ctx, write, fn)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
	if len(denied) > 0 && refused(err) {
		// The refusal rolled the transaction back; its record is written
		// by one of its own. A refusal that cannot be recorded is not
		// answered as a plain refusal.
		if derr := db.run(ctx, true, func(w *Tx) error {
			w.pending = append(w.pending, denied...)
			return nil
		}); derr != nil {
			return fmt.Errorf("store: record a refused access: %w", derr)
		}
	}
	if err == nil && wrote {
		// Committed with its events; chained now unless a sealer runs.
		if serr := db.sealInline(); serr != nil {
			return fmt.Errorf("store: seal the audit trail: %w", serr)
		}
	}
	return err
}

// once runs fn in one transaction. When fn fails it returns the refused
// attempts fn recorded (AuditDenial), for run to write; wrote tells that
// the transaction committed audit events, for run to seal.
func (db *DB) once(ctx context.Context, write bool, fn func(*Tx) error) (denied []AuditRecord, wrote bool, err error) {
	if !write && db.dialect == Postgres {
		return db.onceRead(ctx, fn)
	}
	pool := db.w
	var opts *sql.TxOptions
	if !write {
		// A read's audit events go to the group commit once it ends
		// (SQLite's read connections are query_only anyway).
		pool = db.r
	}
	observe(ctx, Begin)
	var conn *sql.Conn
	if write && db.dialect == Postgres && ctx.Value(bulkKey{}) != nil {
		// A connection of its own, so that COPY runs on the very
		// connection of the transaction (copyRows). Closed after the
		// transaction ends (defers run last in, first out).
		if conn, err = db.w.Conn(ctx); err != nil {
			return nil, false, err
		}
		defer conn.Close()
	}
	if write && db.dialect == SQLite {
		// In turn (writegate.go), until the transaction has ended.
		if err = db.gate.enter(ctx, isUpkeep(ctx)); err != nil {
			return nil, false, err
		}
		defer db.gate.leave()
	}
	var stx *sql.Tx
	var pg *pgTx
	if conn != nil {
		stx, err = conn.BeginTx(ctx, opts)
	} else if write && db.dialect == Postgres {
		// BEGIN and COMMIT go with the statements (pgwrite.go).
		pg, err = db.beginPG(ctx)
	} else {
		stx, err = pool.BeginTx(ctx, opts)
	}
	if err != nil {
		return nil, false, err
	}
	tx := &Tx{db: db, tx: stx, now: db.Now(), write: write, stmts: db.wStmts, conn: conn, pg: pg}
	if stx != nil {
		tx.q = stx
	}
	if !write {
		tx.stmts = db.rStmts
	}
	if pg != nil {
		defer func() {
			tx.closeRows()
			pg.end()
		}()
	}
	defer func() {
		if err != nil && stx != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return tx.denied, false, err
	}
	if db.discardAudit.Load() {
		tx.pending = nil
	}
	var reads []AuditRecord
	if len(tx.pending) > 0 {
		if !tx.stamped {
			if err = tx.stampBreakGlass(ctx); err != nil {
				return nil, false, err
			}
		}
		if write {
			if err = tx.insertPending(ctx, tx.pending); err != nil {
				return nil, false, err
			}
			wrote = true
		} else {
			reads = tx.pending
		}
	}
	if tx.auditWritten {
		wrote = true
	}
	if len(tx.actorsChanged) > 0 {
		if err = tx.notifyActors(ctx); err != nil {
			return nil, false, err
		}
	}
	if len(tx.searchChanged) > 0 {
		if err = tx.notifySearch(ctx); err != nil {
			return nil, false, err
		}
	}
	if len(tx.inboxChanged) > 0 {
		if err = tx.notifyInbox(ctx); err != nil {
			return nil, false, err
		}
	}
	if pg != nil {
		err = pg.commit(ctx)
	} else {
		err = stx.Commit()
	}
	if err != nil {
		return nil, false, err
	}
	for _, id := range tx.actorsChanged {
		db.actorChanged(id)
	}
	if len(tx.searchChanged) > 0 {
		db.searchChanged(tx.searchChanged)
	}
	if len(tx.inboxChanged) > 0 {
		db.inboxChanged(tx.inboxChanged)
	}
	if err = tx.waitAhead(ctx); err != nil {
		return nil, false, err
	}
	if len(reads) > 0 {
		return nil, false, tx.recordReads(ctx, reads)
	}
	return nil, wrote, nil
}

// recordReads hands a read's audit events to the group commit and waits
// for it. Their ID and instant are set now, from the read: the group's
// transaction is later and shared.
func (tx *Tx) recordReads(ctx context.Context, reads []AuditRecord) error {
	for i := range reads {
		if reads[i].ID == "" {
			reads[i].ID = NewID()
		}
		if reads[i].At.IsZero() {
			reads[i].At = tx.now.Truncate(time.Microsecond)
		}
	}
	return tx.db.recordReads(ctx, reads)
}

// onceRead runs a read on PostgreSQL: fn's statements on one connection,
// without BEGIN and COMMIT. Reads run in READ COMMITTED, where every
// statement takes its own snapshot, transaction or not: the transaction
// bought no consistency, and cost two round trips per read (issue 17).
// A read writes nothing (exec refuses, as SQLite's query_only read
// connections do), so there is nothing to commit or roll back. Its audit
// events go to the group commit once the connection is back in the pool,
// as after a read transaction.
func (db *DB) onceRead(ctx context.Context, fn func(*Tx) error) (denied []AuditRecord, wrote bool, err error) {
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	tx := &Tx{db: db, q: conn, now: db.Now()}
	released := false
	release := func() error {
		released = true
		tx.closeRows()
		return conn.Close()
	}
	defer func() {
		if !released { // fn panicked: the connection still goes back
			release()
		}
	}()
	if err = fn(tx); err != nil {
		denied = tx.denied
	} else if db.discardAudit.Load() {
		tx.pending = nil
	} else if len(tx.pending) > 0 && !tx.stamped {
		err = tx.stampBreakGlass(ctx)
	}
	// Back to the pool before waiting for the group commit, as a read
	// transaction's connection is once committed.
	if cerr := release(); err == nil {
		err = cerr
	}
	if err == nil {
		err = tx.waitAhead(ctx)
	}
	if err != nil || len(tx.pending) == 0 {
		return denied, false, err
	}
	return nil, false, tx.recordReads(ctx, tx.pending)
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// serialization_failure, deadlock_detected
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		c := sqErr.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// IsUniqueViolation reports whether err comes from a UNIQUE constraint.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// ts converts an instant to the stored form: microseconds since the Unix
// epoch, UTC. Both dialects store instants as 64-bit integers so that the
// same SQL compares and orders them.
func ts(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromTS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// ErrNoRows is returned by single-row lookups that find nothing. Services
// turn it into parcours.NotFound.
var ErrNoRows = sql.ErrNoRows
