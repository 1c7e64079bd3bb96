package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// maxCachedStmts bounds a statement cache. The store's queries are a fixed
// set of about 90 texts; only a few are built at run time (refresh-token
// deletes, event-log searches, outbox acks), and past the bound those run
// unprepared instead of growing the cache.
const maxCachedStmts = 256

// preparer is a *sql.Conn or a *sql.DB.
type preparer interface {
	runner
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// stmtCache runs each query through a statement prepared once (SQLite only).
// Preparing is most of what a small SQLite statement costs: modernc.org/sqlite
// parses and compiles the text on every ExecContext or QueryContext, and
// finalizes the statement afterwards.
//
// On the pinned writer connection (a *sql.Conn) a statement is prepared on
// that connection once and used by every transaction. On the read pool (a
// *sql.DB) database/sql prepares a statement on each pooled connection the
// first time it runs there and reuses it after. SQLite re-prepares a cached
// statement by itself when the schema changes (a migration).
type stmtCache struct {
	q     preparer
	stmts sync.Map // query -> *sql.Stmt
	n     atomic.Int32
}

func newStmtCache(q preparer) *stmtCache { return &stmtCache{q: q} }

// stmt returns the cached statement of query, preparing it on first use; nil
// (and no error) when the cache is full.
func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := c.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	if c.n.Load() >= maxCachedStmts {
		return nil, nil
	}
	st, err := c.q.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, loaded := c.stmts.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return v.(*sql.Stmt), nil
	}
	c.n.Add(1)
	return st, nil
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.q.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.q.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.stmt(ctx, query)
	if err != nil || st == nil {
		// Unprepared, the query fails the same way and the *sql.Row carries
		// the error.
		return c.q.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// close closes the cached statements; the cache stays usable and prepares
// anew.
func (c *stmtCache) close() {
	c.stmts.Range(func(k, v any) bool {
		_ = v.(*sql.Stmt).Close()
		c.stmts.Delete(k)
		c.n.Add(-1)
		return true
	})
}
