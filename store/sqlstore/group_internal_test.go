package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/require"
)

var errMember = errors.New("member failed")

func openGroupStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "group.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	require.True(t, s.pinned)
	return s
}

// waitQueued returns once n transactions wait for the writer connection.
// The caller holds it (it runs inside InTx), so they cannot get it first.
func waitQueued(s *Store, n int32) {
	for s.waiting.Load() < n {
		runtime.Gosched()
	}
}

func tenant(id string) *authcore.Tenant { return &authcore.Tenant{ID: id, Name: "name-" + id} }

// TestGroupMembers runs two transactions in one commit group: the first
// finishes while the second waits for the writer, so the second joins the
// first's SQLite transaction. Whatever either member does, each one's writes
// commit or vanish as if it had run alone.
func TestGroupMembers(t *testing.T) {
	// A member is given the function that cancels the second member's
	// context.
	type member func(ctx context.Context, tx authcore.Store, cancel func()) error
	write := func(id string) member {
		return func(ctx context.Context, tx authcore.Store, _ func()) error { return tx.CreateTenant(ctx, tenant(id)) }
	}
	failAfterWrite := func(id string) member {
		return func(ctx context.Context, tx authcore.Store, _ func()) error {
			if err := tx.CreateTenant(ctx, tenant(id)); err != nil {
				return err
			}
			return errMember
		}
	}
	tests := []struct {
		name             string
		first, second    member
		firstErr         error
		secondErr        error
		secondPanics     bool
		present, missing []string
	}{
		{name: "both commit", first: write("a"), second: write("b"), present: []string{"a", "b"}},
		{name: "first fails", first: failAfterWrite("a"), second: write("b"), firstErr: errMember, present: []string{"b"}, missing: []string{"a"}},
		{name: "second fails", first: write("a"), second: failAfterWrite("b"), secondErr: errMember, present: []string{"a"}, missing: []string{"b"}},
		{name: "second panics", first: write("a"), second: func(ctx context.Context, tx authcore.Store, _ func()) error {
			if err := tx.CreateTenant(ctx, tenant("b")); err != nil {
				return err
			}
			panic("boom")
		}, secondPanics: true, present: []string{"a"}, missing: []string{"b"}},
		{name: "second cancelled between writes", first: write("a"), second: func(ctx context.Context, tx authcore.Store, cancel func()) error {
			if err := tx.CreateTenant(ctx, tenant("b")); err != nil {
				return err
			}
			cancel()
			return tx.CreateTenant(ctx, tenant("c"))
		}, secondErr: context.Canceled, present: []string{"a"}, missing: []string{"b", "c"}},
		{name: "second sees the first's row, and a refused write leaves it usable", first: write("a"),
			second: func(ctx context.Context, tx authcore.Store, _ func()) error {
				if _, err := tx.GetTenant(ctx, "a"); err != nil {
					return err
				}
				dup := tenant("b")
				dup.Name = "name-a"
				if err := tx.CreateTenant(ctx, dup); !errors.Is(err, authcore.ErrDuplicate) {
					return errors.New("want a duplicate")
				}
				return tx.CreateTenant(ctx, tenant("b"))
			}, present: []string{"a", "b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openGroupStore(t)
			ctx := t.Context()
			groups0, members0 := s.groups.Load(), s.members.Load()
			secondCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			type outcome struct {
				err      error
				panicked any
			}
			second := make(chan outcome, 1)
			firstErr := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				err := tc.first(ctx, tx, cancel)
				go func() {
					var o outcome
					defer func() {
						o.panicked = recover()
						second <- o
					}()
					o.err = s.InTx(secondCtx, func(ctx context.Context, tx authcore.Store) error { return tc.second(ctx, tx, cancel) })
				}()
				waitQueued(s, 1)
				return err
			})
			got := <-second
			if tc.firstErr != nil {
				require.ErrorIs(t, firstErr, tc.firstErr)
			} else {
				require.NoError(t, firstErr)
			}
			if tc.secondPanics {
				require.Equal(t, "boom", got.panicked)
			} else {
				require.Nil(t, got.panicked)
				if tc.secondErr != nil {
					require.ErrorIs(t, got.err, tc.secondErr)
				} else {
					require.NoError(t, got.err)
				}
			}
			require.Equal(t, int64(1), s.groups.Load()-groups0, "one commit group")
			require.Equal(t, int64(2), s.members.Load()-members0, "with both transactions")
			for _, id := range tc.present {
				_, err := s.GetTenant(ctx, id)
				require.NoError(t, err, "tenant %s", id)
			}
			for _, id := range tc.missing {
				_, err := s.GetTenant(ctx, id)
				require.ErrorIs(t, err, authcore.ErrNotFound, "tenant %s", id)
			}
			// The writer is usable afterwards.
			require.NoError(t, s.CreateTenant(ctx, tenant("after")))
		})
	}
}

// TestGroupPanickingFirstMember: the member whose fn panics hands the group
// on without waiting, and the panic reaches its caller.
func TestGroupPanickingFirstMember(t *testing.T) {
	s := openGroupStore(t)
	ctx := t.Context()
	second := make(chan error, 1)
	recovered := func() (r any) {
		defer func() { r = recover() }()
		_ = s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.CreateTenant(ctx, tenant("a")); err != nil {
				return err
			}
			go func() {
				second <- s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error { return tx.CreateTenant(ctx, tenant("b")) })
			}()
			waitQueued(s, 1)
			panic("boom")
		})
		return nil
	}()
	require.Equal(t, "boom", recovered)
	require.NoError(t, <-second)
	_, err := s.GetTenant(ctx, "a")
	require.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = s.GetTenant(ctx, "b")
	require.NoError(t, err)
}

// A transaction whose context is cancelled as it starts must not leave the
// writer connection inside a transaction nobody owns: SQLite can begin one
// before the cancellation is reported, and the next BEGIN then fails with
// "cannot start a transaction within a transaction".
func TestCancelledStartLeavesNoTransaction(t *testing.T) {
	t.Run("commit groups", func(t *testing.T) { cancelledStarts(t, openGroupStore(t)) })
	t.Run("caller's pool", func(t *testing.T) { cancelledStarts(t, openPoolStore(t)) })
}

// openPoolStore opens a SQLite store on a pool of the caller's (OpenDB):
// write transactions then take connections from it in turn, without
// commit groups.
func openPoolStore(t *testing.T) *Store {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "own.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	s, err := OpenDB(t.Context(), db, SQLite)
	require.NoError(t, err)
	require.False(t, s.pinned)
	return s
}

func cancelledStarts(t *testing.T, s *Store) {
	for i := range 200 {
		ctx, cancel := context.WithCancel(t.Context())
		if i%2 == 0 {
			cancel() // already cancelled
		} else {
			go cancel() // cancelled while BEGIN runs, or just before or after
		}
		_ = s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			return tx.CreateTenant(ctx, tenant(fmt.Sprintf("c%03d", i)))
		})
		cancel()
		// Whatever became of it, the next transaction runs.
		require.NoError(t, s.InTx(t.Context(), func(ctx context.Context, tx authcore.Store) error {
			return tx.CreateTenant(ctx, tenant(fmt.Sprintf("n%03d", i)))
		}), "after cancelled transaction %d", i)
	}
}

// Close may be called twice, and before any transaction.
func TestCloseTwice(t *testing.T) {
	s, err := Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "twice.db"))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NotPanics(t, func() { _ = s.Close() })
}

// A transaction whose context ends while it waits for the writer returns
// then, not once the writer is free.
func TestCancelledWaitForWriter(t *testing.T) {
	t.Run("commit groups", func(t *testing.T) {
		s := openGroupStore(t)
		cancelledWait(t, s, func() { waitQueued(s, 1) })
	})
	t.Run("caller's pool", func(t *testing.T) {
		// No queue to watch here: cancelled before or while it waits, it
		// must not wait for the holder either way.
		cancelledWait(t, openPoolStore(t), func() {})
	})
}

func cancelledWait(t *testing.T, s *Store, queued func()) {
	ctx := t.Context()
	waiterCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	waiter := make(chan error, 1)
	release := make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.CreateTenant(ctx, tenant("holder")); err != nil {
				return err
			}
			go func() {
				waiter <- s.InTx(waiterCtx, func(ctx context.Context, tx authcore.Store) error {
					return tx.CreateTenant(ctx, tenant("waiter"))
				})
			}()
			queued()
			cancel()
			<-release
			return nil
		})
	}()
	var stillWaiting bool
	select {
	case err := <-waiter:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(30 * time.Second):
		stillWaiting = true
	}
	close(release)
	require.False(t, stillWaiting, "the cancelled transaction still waits for the writer")
	require.NoError(t, <-holder)
	_, err := s.GetTenant(ctx, "holder")
	require.NoError(t, err)
	_, err = s.GetTenant(ctx, "waiter")
	require.ErrorIs(t, err, authcore.ErrNotFound)
}

// A member that leaves while another transaction waits keeps the group open
// for it (leave). When the waiter gives up instead of joining, the group
// must still commit: here the waiter is stood in for by the counter, so that
// it gives up at exactly that point.
func TestAbandonedWaitCommitsGroup(t *testing.T) {
	s := openGroupStore(t)
	ctx := t.Context()
	left := make(chan error, 1)
	go func() {
		left <- s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			s.waiting.Add(1) // a transaction now waits for the writer
			return tx.CreateTenant(ctx, tenant("a"))
		})
	}()
	// The member has left, and its group stays open for the waiter.
	for {
		s.writeMu.Lock()
		open := s.grp != nil && s.grp.n == 1
		s.writeMu.Unlock()
		if open {
			break
		}
		runtime.Gosched()
	}
	select {
	case err := <-left:
		t.Fatalf("the member returned (%v) before its group committed", err)
	default:
	}
	s.waiting.Add(-1) // ... and stops waiting, as groupTx's waiter does
	s.abandonWait()
	select {
	case err := <-left:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("the group was left open: its member never returned")
	}
	_, err := s.GetTenant(ctx, "a")
	require.NoError(t, err)
}

// Transactions cancelled at random points (waiting for the writer, in a
// group, as it commits) never strand the others, and each one's writes are
// there exactly when it returned nil.
func TestGroupRandomCancellations(t *testing.T) {
	s := openGroupStore(t)
	const workers, each = 8, 60
	type result struct {
		id  string
		err error
	}
	results := make(chan result, workers*each)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(w), 1))
			for i := range each {
				id := fmt.Sprintf("w%d-%03d", w, i)
				ctx, cancel := context.WithCancel(t.Context())
				stop := time.AfterFunc(time.Duration(rnd.IntN(400))*time.Microsecond, cancel)
				err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
					if err := tx.CreateTenant(ctx, tenant(id)); err != nil {
						return err
					}
					_, err := tx.GetTenant(ctx, id)
					return err
				})
				stop.Stop()
				cancel()
				results <- result{id, err}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("transactions stranded: a group was never committed")
	}
	close(results)
	var committed, cancelled int
	for r := range results {
		_, err := s.GetTenant(t.Context(), r.id)
		if r.err == nil {
			committed++
			require.NoError(t, err, "%s returned nil but is missing", r.id)
			continue
		}
		cancelled++
		require.ErrorIs(t, r.err, context.Canceled, r.id)
		require.ErrorIs(t, err, authcore.ErrNotFound, "%s failed (%v) but is stored", r.id, r.err)
	}
	t.Logf("%d committed, %d cancelled", committed, cancelled)
	require.NoError(t, s.CreateTenant(t.Context(), tenant("after")))
}
