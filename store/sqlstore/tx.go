package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"
	"strings"
	"time"

	"github.com/authcore/authcore/authcore"
)

// runner is what queries run on: a pool (reads outside a transaction), a
// connection in a SQLite transaction, or a PostgreSQL *sql.Tx.
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

func (s *Store) reader() *tx { return &tx{s: s, q: s.rdb} }

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
	if err := fn(&tx{s: s, q: sqlTx, inTx: true, single: single}); err != nil {
		return err
	}
	done = true
	if err := sqlTx.Commit(); err != nil {
		return s.mapErr(ctx, err)
	}
	return nil
}

// sqliteTx runs fn between BEGIN IMMEDIATE and COMMIT on the writer
// connection. database/sql's BeginTx cannot ask for IMMEDIATE on a pool
// whose DSN we did not write, so the transaction is driven by hand; on a
// panic or error it is rolled back, and a connection that cannot be rolled
// back is discarded rather than returned to the pool mid-transaction.
func (s *Store) sqliteTx(ctx context.Context, single bool, fn func(*tx) error) error {
	if s.serialize {
		s.writeMu.Lock()
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
		return s.mapErr(ctx, err)
	}
	open := true
	rollback := func() {
		if !open {
			return
		}
		open = false
		// Not ctx: the rollback must run even when ctx was cancelled.
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(rctx, "ROLLBACK"); err != nil && !strings.Contains(err.Error(), "no transaction is active") {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	// Deferred, so that a panic (re-raised as it unwinds) or a
	// runtime.Goexit in fn rolls back too.
	defer rollback()
	if err := fn(&tx{s: s, q: conn, inTx: true, single: single}); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return s.mapErr(ctx, err)
	}
	open = false
	return nil
}

// atomic runs a write so that, inside a caller's transaction, a failure
// leaves nothing of it behind and the transaction usable: on PostgreSQL a
// failed statement would otherwise abort the whole transaction, and a
// multi-statement write on either database could stop half way.
func (t *tx) atomic(ctx context.Context, fn func() error) error {
	if !t.inTx || t.single {
		return fn()
	}
	if _, err := t.q.ExecContext(ctx, "SAVEPOINT authcore_write"); err != nil {
		return t.s.mapErr(ctx, err)
	}
	if err := fn(); err != nil {
		if _, rerr := t.q.ExecContext(ctx, "ROLLBACK TO SAVEPOINT authcore_write"); rerr != nil {
			return t.s.mapErr(ctx, rerr)
		}
		if _, rerr := t.q.ExecContext(ctx, "RELEASE SAVEPOINT authcore_write"); rerr != nil {
			return t.s.mapErr(ctx, rerr)
		}
		return err
	}
	if _, err := t.q.ExecContext(ctx, "RELEASE SAVEPOINT authcore_write"); err != nil {
		return t.s.mapErr(ctx, err)
	}
	return nil
}

// lock is appended to reads inside a PostgreSQL transaction.
func (t *tx) lock() string {
	if t.inTx && t.s.dialect == Postgres {
		return " FOR UPDATE"
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
	res, err := t.q.ExecContext(ctx, t.s.sql(query), args...)
	if err != nil {
		return nil, t.s.mapErr(ctx, err)
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

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.q.QueryRowContext(ctx, t.s.sql(query), args...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := t.q.QueryContext(ctx, t.s.sql(query), args...)
	if err != nil {
		return nil, t.s.mapErr(ctx, err)
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
