package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/storetest"
	"github.com/authcore/authcore/store/sqlstore"
)

// heldTx is a transaction kept open after its work, so that the locks the
// work took stay held until the test ends it.
type heldTx struct {
	release chan struct{}
	once    sync.Once
	done    chan error
}

// holdTx runs fn in a transaction on s and returns once fn has, with the
// transaction still open. A test that fails before it calls end lets the
// transaction commit when it is cleaned up.
func holdTx(t *testing.T, s *sqlstore.Store, fn func(ctx context.Context, tx authcore.Store) error) *heldTx {
	t.Helper()
	h := &heldTx{release: make(chan struct{}), done: make(chan error, 1)}
	holding := make(chan struct{})
	go func() {
		h.done <- s.InTx(context.Background(), func(ctx context.Context, tx authcore.Store) error {
			if err := fn(ctx, tx); err != nil {
				return err
			}
			close(holding)
			<-h.release
			return nil
		})
	}()
	select {
	case <-holding:
	case err := <-h.done:
		t.Fatalf("the transaction to hold ended before it held anything: %v", err)
	}
	t.Cleanup(h.letGo)
	return h
}

func (h *heldTx) letGo() { h.once.Do(func() { close(h.release) }) }

// end lets the transaction commit and returns its error. Call it once.
func (h *heldTx) end() error {
	h.letGo()
	return <-h.done
}

// inTx runs fn in a transaction on s in a goroutine of its own (it may wait
// for a lock) and hands its error back.
func inTx(s *sqlstore.Store, fn func(ctx context.Context, tx authcore.Store) error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- s.InTx(context.Background(), fn) }()
	return done
}

// requireDone waits for done's error, which must be nil; a wait of 30
// seconds fails the test with msg (it was waiting for a lock it must not).
func requireDone(t *testing.T, done <-chan error, msg string) {
	t.Helper()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal(msg)
	}
}

// requireStillRunning fails the test if done has an answer already.
func requireStillRunning(t *testing.T, done <-chan error, msg string) {
	t.Helper()
	select {
	case err := <-done:
		t.Fatalf("%s: %v", msg, err)
	default:
	}
}

// waitingForLock reports whether a statement of s that starts with prefix
// is waiting for a lock on its PostgreSQL server. s must come from
// freshPostgres: only connections with s's application_name count, as other
// packages tested at the same time use the server too (a statement of
// theirs ended a watch early); on a store without one nothing counts.
func waitingForLock(s *sqlstore.Store, prefix string) func() bool {
	return func() bool {
		var n int
		err := s.DB().QueryRowContext(context.Background(), waitingForLockQuery+` AND query LIKE $1`, prefix+"%").Scan(&n)
		return err == nil && n == 1
	}
}

// waitingForLockQuery counts the connections of the asking store (by their
// application_name, which freshPostgres sets) that wait for a lock: other
// packages tested at the same time use the server too.
const waitingForLockQuery = `SELECT count(*) FROM pg_stat_activity
	WHERE datname = current_database() AND wait_event_type = 'Lock'
	AND application_name = current_setting('application_name') AND application_name <> ''`

// waitingOnPostgres is the conformance suite's watch (storetest.WithWaiting)
// on PostgreSQL: it returns once a transaction of s waits for a lock. The
// server's state is all there is to watch, so it asks every 5 ms.
func waitingOnPostgres(ctx context.Context, as authcore.Store) error {
	s := as.(*sqlstore.Store)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		var n int
		if err := s.DB().QueryRowContext(ctx, waitingForLockQuery).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// waitingForSQLiteWriter is the conformance suite's watch on a SQLite file
// (Open, OpenDB): every write transaction of a store takes its writer lock
// for its whole run, so a second one waits in LockContext until the first
// ends.
var waitingForSQLiteWriter = storetest.WaitingIn("github.com/authcore/authcore/store/sqlstore.(*writeLock).LockContext")

// waitingForSQLiteMemoryConn is that watch on "sqlite::memory:", which has
// no writer lock: its pool has one connection, which a transaction holds
// for its whole run, so a second one waits for it in database/sql.
var waitingForSQLiteMemoryConn = storetest.WaitingIn("database/sql.(*DB).Conn", "github.com/authcore/authcore/store/sqlstore.(*Store).connTx")

// requireWaitsForLock polls, for up to 30 seconds, until a statement that
// starts with prefix waits for a lock (a server's state: no event tells
// when it does).
func requireWaitsForLock(t *testing.T, s *sqlstore.Store, prefix, msg string) {
	t.Helper()
	require.Eventually(t, waitingForLock(s, prefix), 30*time.Second, 5*time.Millisecond, msg)
}
