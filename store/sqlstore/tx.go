package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/authcore/authcore/authcore"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// runner is what queries run on: a pool (reads outside a transaction), a
// connection in a SQLite transaction, a statement cache over either, or a
// PostgreSQL *sql.Tx.
type runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx is the authcore.Store seen inside a transaction, and (with inTx false)
// the read-only view the Store's reads use.
type tx struct {
	s    *Store
	q    runner
	inTx bool
	// single marks a transaction that wraps one Store method: it is rolled
	// back whole when that method fails, so writes need no savepoint.
	single bool
	// broken is the first error in a SQLite transaction after which SQLite
	// may have rolled the transaction back by itself (anything but a
	// constraint violation, which undoes only its statement). Every later
	// statement and the commit answer it, so that nothing runs outside the
	// transaction the caller believes it is in.
	broken error
	// inUnguarded is set while a PostgreSQL write without a savepoint runs
	// (see unguarded): a failed statement then breaks the transaction.
	inUnguarded bool
}

var _ authcore.Store = (*tx)(nil)

// InTx runs fn in a transaction (see authcore.Transactor and the package
// documentation for how each database gives the guarantee).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx authcore.Store) error) error {
	return s.inTx(ctx, false, func(t *tx) error { return fn(ctx, t) })
}

// InTx on a transaction's store runs fn inline, in the same transaction.
func (t *tx) InTx(ctx context.Context, fn func(ctx context.Context, tx authcore.Store) error) error {
	if !t.inTx {
		return t.s.InTx(ctx, fn)
	}
	return fn(ctx, t)
}

func (s *Store) reader() *tx {
	if s.rstmts != nil {
		return &tx{s: s, q: s.rstmts}
	}
	return &tx{s: s, q: s.rdb}
}

// write runs one Store method as a transaction of its own.
func (s *Store) write(ctx context.Context, fn func(*tx) error) error {
	return s.inTx(ctx, true, fn)
}

func (s *Store) inTx(ctx context.Context, single bool, fn func(*tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.dialect == Postgres {
		return s.pgTx(ctx, single, fn)
	}
	return s.sqliteTx(ctx, single, fn)
}

func (s *Store) pgTx(ctx context.Context, single bool, fn func(*tx) error) error {
	// READ COMMITTED plus FOR UPDATE on every read in the transaction: see
	// the package documentation.
	sqlTx, err := s.wdb.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return s.mapErr(ctx, err)
	}
	done := false
	defer func() {
		if !done {
			_ = sqlTx.Rollback()
		}
	}()
	t := &tx{s: s, q: sqlTx, inTx: true, single: single}
	if err := fn(t); err != nil {
		return err
	}
	if t.broken != nil {
		// fn went on after a failure that aborted the transaction.
		return t.broken
	}
	done = true
	if err := sqlTx.Commit(); err != nil {
		return s.mapErr(ctx, err)
	}
	return nil
}

// sqliteTx runs fn in a SQLite write transaction: in a commit group on a
// pinned writer connection (group.go), or else between BEGIN IMMEDIATE and
// COMMIT on a connection taken from the pool (connTx).
func (s *Store) sqliteTx(ctx context.Context, single bool, fn func(*tx) error) error {
	if s.pinned {
		return s.groupTx(ctx, single, fn)
	}
	return s.connTx(ctx, single, fn)
}

// connTx runs fn between BEGIN IMMEDIATE and COMMIT on a connection of the
// writer pool. database/sql's BeginTx cannot ask for IMMEDIATE on a pool
// whose DSN we did not write, so the transaction is driven by hand; on a
// panic or error it is rolled back, and a connection that cannot be rolled
// back is discarded rather than returned to the pool mid-transaction.
func (s *Store) connTx(ctx context.Context, single bool, fn func(*tx) error) error {
	if s.serialize {
		if err := s.writeMu.LockContext(ctx); err != nil {
			return fmt.Errorf("sqlstore: waiting for the writer: %w", err)
		}
		defer s.writeMu.Unlock()
	}
	conn, err := s.wdb.Conn(ctx)
	if err != nil {
		return s.mapErr(ctx, err)
	}
	defer conn.Close()
	if s.fkPragma {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = ON"); err != nil {
			return s.mapErr(ctx, err)
		}
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		// A cancelled ctx can be reported after SQLite already began the
		// transaction: roll it back rather than pool a connection inside one.
		rollbackConn(conn, conn)
		return s.mapErr(ctx, err)
	}
	open := true
	rollback := func() {
		if open {
			open = false
			rollbackConn(conn, conn)
		}
	}
	// Deferred, so that a panic (re-raised as it unwinds) or a
	// runtime.Goexit in fn rolls back too.
	defer rollback()
	t := &tx{s: s, q: conn, inTx: true, single: single}
	if err := fn(t); err != nil {
		return err
	}
	if t.broken != nil {
		// fn went on after a failure that may have ended the transaction.
		return t.broken
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return s.mapErr(ctx, err)
	}
	open = false
	return nil
}

// rollbackConn rolls back the transaction open on q, if there is one, with a
// context of its own: the caller's may be done, and the rollback must run
// all the same. conn is the connection under q; when the rollback fails it
// is marked bad, so that it is discarded rather than used mid-transaction.
// It reports whether conn is left outside a transaction.
func rollbackConn(q runner, conn *sql.Conn) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := q.ExecContext(ctx, "ROLLBACK"); err != nil && !strings.Contains(err.Error(), "no transaction is active") {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		return false
	}
	return true
}

// atomic runs a write of several statements so that, inside a caller's
// transaction, a failure leaves nothing of it behind and the transaction
// usable: it could otherwise stop half way, and on PostgreSQL a failed
// statement aborts the whole transaction.
func (t *tx) atomic(ctx context.Context, fn func() error) error {
	if !t.inTx || t.single {
		return fn()
	}
	return t.savepoint(ctx, fn)
}

// atomic1 runs a write whose fn changes data with at most one statement (it
// may read around it). On SQLite that needs no savepoint: a statement that
// fails leaves nothing of itself behind and, when it is a constraint
// violation (a duplicate, a missing parent), the transaction usable; other
// failures mark the transaction broken (see tx.broken). A savepoint costs
// two more statements per write, most of a small write's cost. On PostgreSQL
// a failed statement aborts the transaction, so the savepoint stays.
func (t *tx) atomic1(ctx context.Context, fn func() error) error {
	if !t.inTx || t.single || t.s.dialect != Postgres {
		return fn()
	}
	return t.savepoint(ctx, fn)
}

// execUnguarded runs a write statement that no constraint can refuse: it
// changes no column of a unique index or a foreign key, and a row it does
// not find is its own answer (0 rows), not an error of the database. On
// PostgreSQL it takes no savepoint, two round trips fewer than atomic1. Such
// a write fails only as its transaction does (a lost connection, a cancelled
// statement, a deadlock); PostgreSQL has then aborted the transaction, and
// note marks it broken, so that nothing more runs in it and it does not
// commit. memstore and SQLite need nothing more: there it is atomic1.
//
// PostgreSQL also refuses text with a NUL byte or invalid UTF-8 (a data
// exception, which memstore and SQLite do not raise): a statement given
// such text among its arguments is refused like a duplicate, so it takes
// the savepoint, and its refusal leaves the transaction usable.
func (t *tx) execUnguarded(ctx context.Context, query string, args ...any) (int64, error) {
	if !t.inTx || t.single || t.s.dialect != Postgres || !pgText(args) {
		var n int64
		err := t.atomic1(ctx, func() error {
			var err error
			n, err = t.execN(ctx, query, args...)
			return err
		})
		return n, err
	}
	t.inUnguarded = true
	defer func() { t.inUnguarded = false }()
	return t.execN(ctx, query, args...)
}

// pgText reports whether PostgreSQL takes every string among args as text:
// valid UTF-8 without a NUL byte.
func pgText(args []any) bool {
	for _, a := range args {
		if s, ok := a.(string); ok && (strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s)) {
			return false
		}
	}
	return true
}

func (t *tx) savepoint(ctx context.Context, fn func() error) error {
	if _, err := t.exec(ctx, "SAVEPOINT authcore_write"); err != nil {
		return err
	}
	// Ending the savepoint, one way or the other, must run even when ctx
	// is done (fn may have failed because it is, and the caller may carry
	// on and commit), so it runs without ctx's end. If it cannot run, the
	// write is neither whole nor undone: nothing more may run in this
	// transaction, and it cannot commit.
	end := context.WithoutCancel(ctx)
	if err := fn(); err != nil {
		if _, rerr := t.exec(end, "ROLLBACK TO SAVEPOINT authcore_write"); rerr != nil {
			t.breakOn(rerr)
			return rerr
		}
		if _, rerr := t.exec(end, "RELEASE SAVEPOINT authcore_write"); rerr != nil {
			t.breakOn(rerr)
			return rerr
		}
		return err
	}
	if _, err := t.exec(end, "RELEASE SAVEPOINT authcore_write"); err != nil {
		t.breakOn(err)
		return err
	}
	return nil
}

// breakOn marks the transaction broken by err, unless it is already.
func (t *tx) breakOn(err error) {
	if t.broken == nil {
		t.broken = fmt.Errorf("sqlstore: a failed write could not be undone: %w", err)
	}
}

// raw is what the transaction's statements run on, without a statement
// cache: for statements run once (migrations).
func (t *tx) raw() runner {
	switch q := t.q.(type) {
	case groupRunner:
		return q.c.q
	case *stmtCache:
		return q.q
	}
	return t.q
}

// note records err as breaking a SQLite transaction when SQLite may have
// rolled the transaction back because of it: a SQLite error other than a
// constraint violation (I/O, full disk, out of memory, an interrupted
// statement). Errors that ran no statement (a done context, no rows) leave
// the transaction as it was. It returns err.
func (t *tx) note(err error) error {
	if err == nil || !t.inTx || t.broken != nil {
		return err
	}
	if t.s.dialect == Postgres {
		// Any failed statement aborts a PostgreSQL transaction; without a
		// savepoint to return to (unguarded), nothing more may run in it.
		if t.inUnguarded && !errors.Is(err, sql.ErrNoRows) && !unsent(err) {
			t.broken = fmt.Errorf("sqlstore: the transaction failed earlier: %w", t.s.mapErr(context.Background(), err))
		}
		return err
	}
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		return err
	}
	t.broken = fmt.Errorf("sqlstore: the transaction failed earlier: %w", t.s.mapErr(context.Background(), err))
	return err
}

// unsent reports whether err came back from PostgreSQL's driver without a
// statement sent: a context found done by database/sql or pgx before it
// sent one (after t.cancelled looked). The transaction is then as it was. A
// context that ends while a statement runs closes the connection (pgx's
// default), so nothing after it, the commit included, can run either.
func unsent(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return false
	}
	return pgconn.SafeToRetry(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// cancelled is ctx's error, as the store reports it, when a statement of a
// transaction is about to run under a done ctx. The statement is then not
// run at all: handed to SQLite, a cancelled write is interrupted, and SQLite
// answers an interrupted write by rolling back the whole transaction, which
// in a commit group is the other members' work too.
func (t *tx) cancelled(ctx context.Context) error {
	if !t.inTx || ctx.Err() == nil {
		return nil
	}
	return t.s.mapErr(ctx, ctx.Err())
}

// lock is appended to reads inside a PostgreSQL transaction.
func (t *tx) lock() string {
	if t.inTx && t.s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// shareLock is lock's shared form, for the reads that must keep changes out
// but not one another (SQLite has one writer: no lock).
func (t *tx) shareLock() string {
	if t.inTx && t.s.dialect == Postgres {
		return " FOR SHARE"
	}
	return ""
}

// sql adapts a query written with ? placeholders to the dialect.
func (s *Store) sql(query string) string {
	if s.dialect != Postgres {
		return query
	}
	if v, ok := s.rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	s.rebound.Store(query, out)
	return out
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.broken != nil {
		return nil, t.broken
	}
	if err := t.cancelled(ctx); err != nil {
		return nil, err
	}
	res, err := t.q.ExecContext(ctx, t.s.sql(query), args...)
	if err != nil {
		return nil, t.s.mapErr(ctx, t.note(err))
	}
	return res, nil
}

// execN runs a statement and returns how many rows it changed.
func (t *tx) execN(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := t.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, t.s.mapErr(ctx, err)
	}
	return n, nil
}

// row is a *sql.Row whose error, when it has one, is noted on its tx.
type row struct {
	t   *tx
	r   *sql.Row
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.t.note(r.r.Scan(dest...))
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) row {
	if t.broken != nil {
		return row{err: t.broken}
	}
	if err := t.cancelled(ctx); err != nil {
		return row{err: err}
	}
	return row{t: t, r: t.q.QueryRowContext(ctx, t.s.sql(query), args...)}
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if t.broken != nil {
		return nil, t.broken
	}
	if err := t.cancelled(ctx); err != nil {
		return nil, err
	}
	rows, err := t.q.QueryContext(ctx, t.s.sql(query), args...)
	if err != nil {
		return nil, t.s.mapErr(ctx, t.note(err))
	}
	return rows, nil
}

func sleepCtx(ctx context.Context, ms int) error {
	timer := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
