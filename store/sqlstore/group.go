package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/authcore/authcore/authcore"
)

// Group commit (a SQLite file opened by Open).
//
// All writes go through one connection, so write transactions queue for it.
// Committing costs most of a small transaction: SQLite writes every page the
// transaction changed to the WAL, two write calls a page, and the pages at
// the end of a table or index (login records, refresh tokens) are changed by
// every login. So when a transaction finishes while others wait for the
// connection, it does not commit: it releases a savepoint, hands the
// connection to the next transaction, which runs in the same SQLite
// transaction, and waits. The last of the group (no one waiting, or the group
// full) commits all of them at once, and each InTx returns only after that
// commit, with its outcome.
//
// Each member runs under a savepoint of its own, so a member that fails (or
// panics) is rolled back alone and the others go on. Only a failure that may
// have ended SQLite's transaction (see tx.broken), or a failed commit, fails
// the whole group: the other members then answer authcore.ErrConflict, which
// callers may retry, or the commit's error.
//
// A member's statements run with a context that cannot be cancelled, after
// checking the caller's: SQLite answers an interrupted write by rolling back
// the whole transaction, which would undo the other members' work. A
// cancelled member fails at its next statement instead, and only its own
// writes are undone. Statements inside a write transaction never wait for a
// lock (the transaction holds the database's write lock), so this delays a
// cancellation by at most one statement.

const (
	// maxGroup is the most transactions one commit carries. It bounds how
	// long the first member of a group waits for the others.
	maxGroup = 32
	// groupLinger is the longest a group waits for members (see linger).
	groupLinger = time.Millisecond
	// lingerMembers is the smallest previous group that counts as load.
	lingerMembers = 4
)

// errGroupAborted is what the other members of a group answer when one
// member's failure ended the group's SQLite transaction.
var errGroupAborted = fmt.Errorf("sqlstore: a transaction committed together with this one failed: %w", authcore.ErrConflict)

// group is one SQLite transaction shared by the InTx calls that ran in it.
type group struct {
	done   chan struct{} // closed once the group committed or rolled back
	err    error         // the outcome, set before done is closed
	n      int           // members so far
	opened time.Time
	timer  *time.Timer // commits a lingering group
}

// groupRunner runs a member's statements on the writer's cached statements
// with a context that is never cancelled, so that no statement is
// interrupted half way; a member whose own context is done is stopped before
// its next statement instead (tx.cancelled).
type groupRunner struct{ c *stmtCache }

func (g groupRunner) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	return g.c.ExecContext(context.Background(), query, args...)
}

func (g groupRunner) QueryContext(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	return g.c.QueryContext(context.Background(), query, args...)
}

func (g groupRunner) QueryRowContext(_ context.Context, query string, args ...any) *sql.Row {
	return g.c.QueryRowContext(context.Background(), query, args...)
}

// groupTx runs fn as a member of the open group, or opens one.
func (s *Store) groupTx(ctx context.Context, single bool, fn func(*tx) error) error {
	s.waiting.Add(1)
	if err := s.writeMu.LockContext(ctx); err != nil {
		s.waiting.Add(-1)
		s.abandonWait()
		return fmt.Errorf("sqlstore: waiting for the writer: %w", err)
	}
	s.waiting.Add(-1)
	g := s.grp
	if g == nil {
		var err error
		if g, err = s.openGroup(ctx); err != nil {
			s.writeMu.Unlock()
			return err
		}
	}
	g.n++
	w := s.wstmts
	bg := context.Background()
	if _, err := w.ExecContext(bg, "SAVEPOINT authcore_tx"); err != nil {
		s.leave(g, false)
		return s.mapErr(bg, err)
	}
	t := &tx{s: s, q: groupRunner{w}, inTx: true, single: single}
	finished := false
	defer func() {
		if !finished {
			// fn panicked or called runtime.Goexit: undo its writes and
			// let the group go on without waiting for it.
			s.leave(g, s.undoMember(t))
		}
	}()
	err := fn(t)
	finished = true
	ok := true
	switch {
	case err == nil && t.broken != nil:
		// fn went on after a failure that may have ended the transaction.
		err, ok = t.broken, false
	case err == nil && ctx.Err() != nil:
		// The caller's context ended after fn's last statement: its writes
		// are undone, as PostgreSQL and connTx (whose COMMIT would run
		// under that context) undo them, and InTx answers why.
		err, ok = s.mapErr(ctx, ctx.Err()), s.undoMember(t)
	case err == nil:
		if _, rerr := w.ExecContext(bg, "RELEASE authcore_tx"); rerr != nil {
			err, ok = s.mapErr(bg, rerr), false
		}
	default:
		ok = s.undoMember(t)
	}
	if !ok {
		// This member's failure ends the group: its own error says why.
		s.leave(g, false)
		return err
	}
	if s.leave(g, true) {
		<-g.done
	}
	if g.err != nil {
		// The members' writes were not committed; what this one saw may
		// have been another member's uncommitted row.
		return g.err
	}
	return err
}

// abandonWait is called by a transaction that stopped waiting for the
// writer. The member that last held the writer may have left its group open
// because this one was waiting (leave), and would wait for ever for a commit
// that this one was to make. So someone must still look: a goroutine, to
// return at once, takes the writer as this caller would have, and commits
// the group unless another transaction waits (it then decides, as this one
// would have) or a linger timer will.
func (s *Store) abandonWait() {
	go func() {
		s.writeMu.Lock()
		if g := s.grp; g != nil && g.timer == nil && s.waiting.Load() == 0 {
			s.endGroup(g, s.commitGroup())
		}
		s.writeMu.Unlock()
	}()
}

// openGroup begins the SQLite transaction of a new group on the writer
// connection. Callers hold writeMu.
func (s *Store) openGroup(ctx context.Context) (*group, error) {
	w, err := s.writerConn(ctx)
	if err != nil {
		return nil, s.mapErr(ctx, err)
	}
	// ctx, not a background context: BEGIN IMMEDIATE may wait (busy_timeout)
	// for another process's write lock, and that wait may be cancelled.
	if _, err := w.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		// A cancelled ctx can be reported after SQLite already began the
		// transaction; left open, it would make the next BEGIN fail
		// ("cannot start a transaction within a transaction").
		if isConnGone(err) || !rollbackConn(w, w.q.(*sql.Conn)) {
			s.dropWriter()
		}
		return nil, s.mapErr(ctx, err)
	}
	s.grp = &group{done: make(chan struct{}), opened: time.Now()}
	return s.grp, nil
}

// undoMember rolls back the writes of a failed member. It reports whether
// the group's transaction can go on.
func (s *Store) undoMember(t *tx) bool {
	if t.broken != nil {
		return false
	}
	bg := context.Background()
	if _, err := s.wstmts.ExecContext(bg, "ROLLBACK TO authcore_tx"); err != nil {
		return false
	}
	_, err := s.wstmts.ExecContext(bg, "RELEASE authcore_tx")
	return err == nil
}

// leave ends a member's turn on the writer connection and releases writeMu.
// With ok false the group's transaction is rolled back. Otherwise, when
// another transaction waits for the connection and the group has room, the
// group stays open for it and leave reports true: the caller waits for
// g.done. Else the group commits.
func (s *Store) leave(g *group, ok bool) (wait bool) {
	switch {
	case !ok:
		s.rollbackGroup()
		g.err = errGroupAborted
	case s.waiting.Load() > 0 && g.n < maxGroup:
		s.writeMu.Unlock()
		return true
	case g.n < maxGroup && s.linger(g):
		s.writeMu.Unlock()
		return true
	default:
		g.err = s.commitGroup()
	}
	s.endGroup(g, g.err)
	s.writeMu.Unlock()
	return false
}

// endGroup records the outcome of the group just committed or rolled back
// and releases its members. Callers hold writeMu.
func (s *Store) endGroup(g *group, err error) {
	s.groups.Add(1)
	s.members.Add(int64(g.n))
	if g.timer != nil {
		g.timer.Stop()
	}
	s.lastCommit, s.lastGroupN = time.Now(), g.n
	g.err = err
	s.grp = nil
	close(g.done)
}

// linger reports whether g should stay open a little for transactions that
// have not reached the writer yet, and if so arranges its commit. Callers
// hold writeMu.
//
// Under load the transactions of a group arrive one by one while the
// others do their reads, so "no one is waiting" is often true for a moment
// only. Holding the group open for up to groupLinger lets them join it. Only
// under load, though: the previous group had lingerMembers members or more,
// and this one opened soon after it committed. A lone client (whose next
// transaction comes only after this one returns) never waits.
func (s *Store) linger(g *group) bool {
	if g.timer != nil {
		return true
	}
	if s.lastGroupN < lingerMembers || g.opened.Sub(s.lastCommit) > groupLinger {
		return false
	}
	g.timer = time.AfterFunc(groupLinger-time.Since(g.opened), func() {
		s.writeMu.Lock()
		if s.grp == g {
			s.endGroup(g, s.commitGroup())
		}
		s.writeMu.Unlock()
	})
	return true
}

// commitGroup commits the open group, and rolls it back if the commit
// fails. Callers hold writeMu.
func (s *Store) commitGroup() error {
	bg := context.Background()
	if _, err := s.wstmts.ExecContext(bg, "COMMIT"); err != nil {
		s.rollbackGroup()
		return s.mapErr(bg, err)
	}
	s.kickCheckpointer()
	return nil
}

// rollbackGroup rolls back the open group's transaction. A connection that
// cannot roll back is given up rather than used mid-transaction.
func (s *Store) rollbackGroup() {
	if !rollbackConn(s.wstmts, s.wstmts.q.(*sql.Conn)) {
		s.dropWriter()
	}
}

// writerConn returns the pinned writer connection's statement cache,
// connecting first if there is none. Callers hold writeMu.
func (s *Store) writerConn(ctx context.Context) (*stmtCache, error) {
	if s.wstmts != nil {
		return s.wstmts, nil
	}
	if s.closed {
		// A transaction that got the writer after Close released it: a
		// connection made now would outlive Close, and carry on writing.
		return nil, errClosed
	}
	conn, err := s.wdb.Conn(ctx)
	if err != nil {
		return nil, err
	}
	s.wstmts = newStmtCache(conn)
	return s.wstmts, nil
}

// dropWriter closes the pinned writer connection and its statements; the
// next transaction connects anew. Callers hold writeMu.
func (s *Store) dropWriter() {
	if s.wstmts == nil {
		return
	}
	s.wstmts.close()
	_ = s.wstmts.q.(*sql.Conn).Close()
	s.wstmts = nil
}

// isConnGone reports an error after which the connection is unusable.
func isConnGone(err error) bool {
	return errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn)
}
