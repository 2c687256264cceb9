package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Write transactions on PostgreSQL.
//
// database/sql spends a round trip on BEGIN and another on COMMIT, around
// statements that each wait for their answer: four round trips for a
// journal entry (the door's facts, the insert with its audit event), each
// a wake-up of serve and of the server process, which under load waits
// for a core (issue 17). A write transaction therefore runs on a
// connection of its own (pgTx), and:
//
//   - reads that come before its first change run on their own, before
//     BEGIN is sent: under READ COMMITTED (checked at Open) every
//     statement of a transaction sees a fresh snapshot anyway, so a plain
//     read answers the same inside or outside it; a read that locks rows
//     or calls a function (FOR UPDATE, pg_advisory_xact_lock, pg_notify,
//     nextval…) is not plain and begins the transaction;
//   - the statements whose answer nothing waits for (execLater: the
//     audited insert of a journal entry, the audit events and NOTIFYs
//     written at commit) are held and sent together with what follows:
//     BEGIN, the held statements and COMMIT go in one round trip
//     (pipelined), and a transaction whose only change is one held
//     statement sends it alone, atomic as any single statement.
//
// A journal entry thus costs two round trips and no BEGIN or COMMIT. A
// held statement's error comes at commit, from Transact, as before: the
// change and its audit event commit together or not at all.
type pgTx struct {
	conn  *sql.Conn
	begun bool
	// held are the statements not sent yet, in order.
	held []heldExec
	// plainReads: reads may run before BEGIN (READ COMMITTED).
	plainReads bool
}

type heldExec struct {
	q    string // as written, for errors
	sql  string // rebound
	args []any
}

// beginPG starts a write transaction on a connection of its own; nothing
// is sent yet.
func (db *DB) beginPG(ctx context.Context) (*pgTx, error) {
	c, err := db.upkeepPool(ctx).Conn(ctx)
	if err != nil {
		return nil, err
	}
	return &pgTx{conn: c, plainReads: db.readCommitted}, nil
}

// begin sends BEGIN unless sent already, and the held statements, ahead
// of a statement that must see them.
func (p *pgTx) begin(ctx context.Context) error {
	if p.begun {
		return p.send(ctx, false, false)
	}
	p.begun = true
	return p.send(ctx, true, false)
}

func (p *pgTx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := p.begin(ctx); err != nil {
		return nil, err
	}
	return p.conn.ExecContext(ctx, q, args...)
}

// beforeRead begins the transaction ahead of orig, a read, unless orig
// may run on its own: nothing sent or held yet, and a plain read under
// READ COMMITTED.
func (p *pgTx) beforeRead(ctx context.Context, orig string) error {
	if !p.begun && len(p.held) == 0 && p.plainReads && plainRead(orig) {
		return nil
	}
	return p.begin(ctx)
}

func (p *pgTx) query(ctx context.Context, q, orig string, args ...any) (*sql.Rows, error) {
	if err := p.beforeRead(ctx, orig); err != nil {
		return nil, err
	}
	return p.conn.QueryContext(ctx, q, args...)
}

func (p *pgTx) queryRow(ctx context.Context, q, orig string, args ...any) (*sql.Row, error) {
	if err := p.beforeRead(ctx, orig); err != nil {
		return nil, err
	}
	return p.conn.QueryRowContext(ctx, q, args...), nil
}

// later holds q until the next statement or the commit.
func (p *pgTx) later(q, rebound string, args ...any) {
	p.held = append(p.held, heldExec{q: q, sql: rebound, args: args})
}

// commit sends what is held and ends the transaction.
func (p *pgTx) commit(ctx context.Context) error {
	switch {
	case !p.begun && len(p.held) == 0:
		return nil // reads only
	case !p.begun && len(p.held) == 1:
		// One change: atomic on its own.
		return p.send(ctx, false, false)
	default:
		begin := !p.begun
		p.begun = true
		return p.send(ctx, begin, true)
	}
}

// send sends, in one round trip, BEGIN when begin is set, the held
// statements, and COMMIT when commit is set. The first failure is
// returned; PostgreSQL skips what follows it, and end then rolls back.
func (p *pgTx) send(ctx context.Context, begin, commit bool) error {
	held := p.held
	p.held = nil
	if !begin && !commit && len(held) == 0 {
		return nil
	}
	return p.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: not a pgx connection (%T)", dc)
		}
		var b pgx.Batch
		if begin {
			b.Queue("BEGIN")
		}
		for _, h := range held {
			b.Queue(h.sql, h.args...)
		}
		if commit {
			b.Queue("COMMIT")
		}
		br := c.Conn().SendBatch(ctx, &b)
		var err error
		if begin {
			_, err = br.Exec()
		}
		for _, h := range held {
			if err != nil {
				break
			}
			if _, err = br.Exec(); err != nil {
				err = wrapQuery(h.q, err)
			}
		}
		if err == nil && commit {
			var tag pgconn.CommandTag
			if tag, err = br.Exec(); err == nil && tag.String() == "ROLLBACK" {
				// A commit answered ROLLBACK: the transaction had failed.
				err = errors.New("store: commit: the transaction was rolled back")
			}
		}
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// end gives the connection back to the pool, outside any transaction:
// a transaction still open (a failure) is rolled back, and a connection
// that cannot say so is dropped.
func (p *pgTx) end() {
	_ = p.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok || c.Conn().IsClosed() {
			return driver.ErrBadConn
		}
		if c.Conn().PgConn().TxStatus() == 'I' {
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := c.Conn().Exec(ctx, "ROLLBACK"); err != nil || c.Conn().PgConn().TxStatus() != 'I' {
			return driver.ErrBadConn
		}
		return nil
	})
	_ = p.conn.Close()
}

// plainReads caches plainRead by statement.
var plainReads sync.Map // string → bool

// plainRead reports whether q only reads: a SELECT (or WITH … SELECT)
// that changes nothing, locks no row and calls none of PostgreSQL's
// functions that act (pg_advisory_xact_lock, pg_notify, set_config,
// nextval…). Such a statement may run before the transaction's BEGIN.
// The functions of the schema are triggers and parcours_unaccent (with
// its C function, 0350), which are pure (TestPlainRead_SchemaFunctions
// keeps it so). When in doubt it
// says no, and the transaction begins first.
func plainRead(q string) bool {
	if v, ok := plainReads.Load(q); ok {
		return v.(bool)
	}
	u := " " + strings.Join(strings.Fields(strings.ToUpper(q)), " ") + " "
	ok := strings.HasPrefix(u, " SELECT ") || strings.HasPrefix(u, " WITH ")
	for _, w := range []string{"INSERT ", "UPDATE ", "DELETE ", "MERGE ", " FOR UPDATE", " FOR SHARE", " FOR NO KEY", " FOR KEY SHARE",
		" LOCK ", "PG_", "NEXTVAL", "SETVAL", "SET_CONFIG", "TXID_", "LO_", "DBLINK"} {
		if strings.Contains(u, w) {
			ok = false
			break
		}
	}
	plainReads.Store(q, ok)
	return ok
}
