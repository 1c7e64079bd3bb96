package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A login's updates of rows it has read (and locked) run on PostgreSQL
// without a savepoint: no constraint can refuse them. One that PostgreSQL
// fails anyway (here the victim of a deadlock) has aborted the transaction,
// so the store refuses what the caller writes after it, and the commit: a
// caller that goes on commits nothing and is told so.
func TestPostgresFailedUnguardedWriteBreaksTheTransaction(t *testing.T) {
	s := open(t, freshPostgres(t))
	ctx := context.Background()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
	for _, id := range []string{"x", "y"} {
		require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: id, TenantID: "t", Email: id + "@example.com", Active: true}))
	}

	// Each transaction locks one user, then updates the other: PostgreSQL
	// breaks the deadlock by failing one of the two updates.
	var locked sync.WaitGroup
	locked.Add(2)
	updateErrs := make([]error, 2)
	laterErrs := make([]error, 2)
	txErrs := make([]error, 2)
	var wg sync.WaitGroup
	for i, ids := range [][2]string{{"x", "y"}, {"y", "x"}} {
		wg.Go(func() {
			txErrs[i] = s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				if _, err := tx.GetUser(ctx, ids[0]); err != nil {
					locked.Done()
					return err
				}
				locked.Done()
				locked.Wait()
				other, err := s.GetUser(ctx, ids[1]) // outside the transaction: no lock
				if err != nil {
					return err
				}
				other.LastLoginInstant = int64(100 + i)
				updateErrs[i] = tx.UpdateUser(ctx, other)
				// A caller that goes on regardless.
				laterErrs[i] = tx.CreateLoginRecord(ctx, &authcore.LoginRecord{ID: ids[0] + "-record", UserID: ids[0], Instant: 1})
				return nil
			})
		})
	}
	wg.Wait()

	victim := -1
	for i := range 2 {
		if updateErrs[i] != nil {
			require.Equal(t, -1, victim, "both updates failed: %v, %v", updateErrs[0], updateErrs[1])
			victim = i
		}
	}
	require.NotEqual(t, -1, victim, "no deadlock: %v", txErrs)
	winner := 1 - victim
	require.ErrorIs(t, updateErrs[victim], authcore.ErrConflict)
	require.Error(t, laterErrs[victim], "a write after the failure ran in an aborted transaction")
	require.Error(t, txErrs[victim], "the broken transaction reported success")
	require.True(t, errors.Is(txErrs[victim], authcore.ErrConflict), "got %v", txErrs[victim])
	require.NoError(t, updateErrs[winner])
	require.NoError(t, laterErrs[winner])
	require.NoError(t, txErrs[winner])

	// Nothing of the victim is stored, all of the winner is.
	ids := [][2]string{{"x", "y"}, {"y", "x"}}
	records, err := s.LoginRecords(ctx, ids[victim][0])
	require.NoError(t, err)
	require.Empty(t, records)
	records, err = s.LoginRecords(ctx, ids[winner][0])
	require.NoError(t, err)
	require.Len(t, records, 1)
	updated, err := s.GetUser(ctx, ids[winner][1])
	require.NoError(t, err)
	require.Equal(t, int64(100+winner), updated.LastLoginInstant)
	untouched, err := s.GetUser(ctx, ids[victim][1])
	require.NoError(t, err)
	require.Zero(t, untouched.LastLoginInstant)
}

// PostgreSQL refuses text with a NUL byte (memstore and SQLite store it):
// a data exception, which aborts the transaction as a constraint violation
// does. A write without a savepoint whose argument has one is refused like
// any other write, and the transaction stays usable: the caller writes on
// and commits, as the store contract has it ("tx/a refused write leaves the
// transaction usable").
func TestPostgresUnguardedWriteRefusedForItsTextLeavesTheTransactionUsable(t *testing.T) {
	s := open(t, freshPostgres(t))
	ctx := context.Background()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
	require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: "a", TenantID: "t", Name: "A", Active: true}))
	require.NoError(t, s.CreateIdentityProvider(ctx, &authcore.IdentityProviderRecord{ID: "idp", Type: "Twitter", Document: []byte(`{}`)}))
	u := &authcore.User{ID: "u", TenantID: "t", Email: "u@example.com", Username: "u", Active: true}
	require.NoError(t, s.CreateUser(ctx, u))
	reg := &authcore.UserRegistration{ID: "r", UserID: "u", ApplicationID: "a"}
	require.NoError(t, s.CreateRegistration(ctx, reg))
	link := &authcore.IdentityProviderLink{TenantID: "t", IdentityProviderID: "idp", IdentityProviderUserID: "tw", UserID: "u"}
	require.NoError(t, s.CreateLink(ctx, link))

	refused := map[string]func(ctx context.Context, tx authcore.Store) error{
		"UpdateUser": func(ctx context.Context, tx authcore.Store) error {
			bad := *u
			bad.Username = "nul\x00name"
			return tx.UpdateUser(ctx, &bad)
		},
		"UpdateRegistration": func(ctx context.Context, tx authcore.Store) error {
			bad := *reg
			bad.ID = "nul\x00id"
			return tx.UpdateRegistration(ctx, &bad)
		},
		"UpdateLink": func(ctx context.Context, tx authcore.Store) error {
			bad := *link
			bad.IdentityProviderUserID = "nul\x00tw"
			return tx.UpdateLink(ctx, &bad)
		},
		"CreateLoginRecord": func(ctx context.Context, tx authcore.Store) error {
			return tx.CreateLoginRecord(ctx, &authcore.LoginRecord{ID: "nul\x00record", UserID: "u", Instant: 1})
		},
	}
	for name, write := range refused {
		t.Run(name, func(t *testing.T) {
			want := int64(len(name))
			err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				require.Error(t, write(ctx, tx), "PostgreSQL stored text with a NUL byte")
				// The usual recovery: write what can be written, commit.
				next := *u
				next.LastLoginInstant = want
				if err := tx.UpdateUser(ctx, &next); err != nil {
					return err
				}
				return tx.CreateLoginRecord(ctx, &authcore.LoginRecord{ID: name, UserID: "u", Instant: want})
			})
			require.NoError(t, err)
			got, err := s.GetUser(ctx, "u")
			require.NoError(t, err)
			require.Equal(t, want, got.LastLoginInstant)
		})
	}
}

// lateCtx is done, but says so only from its second Err on: a deadline that
// passes between the store's check of the context and database/sql's.
type lateCtx struct {
	context.Context
	done  chan struct{}
	calls int
}

func (c *lateCtx) Done() <-chan struct{} { return c.done }

func (c *lateCtx) Err() error {
	c.calls++
	if c.calls == 1 {
		return nil
	}
	return context.Canceled
}

// A write without a savepoint whose context ends before its statement is
// sent ran nothing: the transaction is as it was, and the caller may go on
// (with a context that is not done) and commit.
func TestPostgresUnguardedWriteThatRanNoStatementLeavesTheTransactionUsable(t *testing.T) {
	s := open(t, freshPostgres(t))
	ctx := context.Background()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
	u := &authcore.User{ID: "u", TenantID: "t", Email: "u@example.com", Active: true}
	require.NoError(t, s.CreateUser(ctx, u))
	err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		late := &lateCtx{Context: ctx, done: make(chan struct{})}
		close(late.done)
		require.ErrorIs(t, tx.CreateLoginRecord(late, &authcore.LoginRecord{ID: "late", UserID: "u", Instant: 1}), context.Canceled)
		next := *u
		next.LastLoginInstant = 9
		return tx.UpdateUser(ctx, &next)
	})
	require.NoError(t, err)
	got, err := s.GetUser(ctx, "u")
	require.NoError(t, err)
	require.Equal(t, int64(9), got.LastLoginInstant)
	records, err := s.LoginRecords(ctx, "u")
	require.NoError(t, err)
	require.Empty(t, records)
}
