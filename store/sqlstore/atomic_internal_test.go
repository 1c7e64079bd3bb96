package sqlstore

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// doneAfter is a context that turns done after its first n Err calls: a
// caller whose deadline passes between two statements of one write, at a
// chosen statement.
type doneAfter struct {
	context.Context
	n atomic.Int32
}

func (c *doneAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

func cancelledAt(ctx context.Context, n int32) context.Context {
	c := &doneAfter{Context: ctx}
	c.n.Store(n)
	return c
}

// A write of several statements that fails half way, because its context
// ended between them, leaves nothing of itself in the caller's transaction,
// which may carry on and commit. Every count of statements run before the
// end is tried.
func TestFailedWriteLeavesNothingWhenContextEnds(t *testing.T) {
	for n := int32(0); n <= 3; n++ {
		s := openGroupStore(t)
		ctx := t.Context()
		require.NoError(t, s.CreateTenant(ctx, tenant("t")))
		require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: "u", TenantID: "t", Email: "u@example.com"}))
		require.NoError(t, s.CreateIdentityProvider(ctx, &authcore.IdentityProviderRecord{ID: "idp", Type: "Twitter", Document: []byte(`{}`)}))
		require.NoError(t, s.CreateLink(ctx, &authcore.IdentityProviderLink{TenantID: "t", UserID: "u", IdentityProviderID: "idp", IdentityProviderUserID: "x"}))
		require.NoError(t, s.CreatePendingLink(ctx, &authcore.PendingLink{ID: "p", TenantID: "t", IdentityProviderID: "idp", ExpirationInstant: 1 << 60}))

		var callErr error
		require.NoError(t, s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			callErr = tx.DeleteProviderLinks(cancelledAt(ctx, n), "idp")
			return tx.CreateTenant(ctx, tenant("after")) // the caller carries on
		}))
		if callErr == nil {
			continue // the context ended after the write's last statement
		}
		require.ErrorIs(t, callErr, context.Canceled)
		_, err := s.GetLink(ctx, "t", "idp", "x")
		assert.NoError(t, err, "the link, after %d statements", n)
		_, err = s.GetPendingLink(ctx, "p", 0)
		assert.NoError(t, err, "the pending link, after %d statements", n)
		_, err = s.GetTenant(ctx, "after")
		assert.NoError(t, err, "the caller's own write commits")
	}
}

// A relay's claim that fails on its reads leaves the lease as it was.
func TestFailedClaimLeavesTheLease(t *testing.T) {
	for n := int32(0); n <= 3; n++ {
		s := openGroupStore(t)
		ctx := t.Context()
		require.NoError(t, s.AppendOutbox(ctx, &authcore.OutboxEvent{ID: "e1", Type: "user.login.success", Key: "u", Payload: []byte(`{}`), InsertInstant: 1}))
		var callErr error
		require.NoError(t, s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			_, callErr = tx.ClaimOutbox(cancelledAt(ctx, n), "relay-1", 1, time.Hour, 10)
			return nil
		}))
		var owner string
		require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT owner FROM outbox_lease WHERE id = 1`).Scan(&owner))
		if callErr != nil {
			assert.Equal(t, "", owner, "a failed claim after %d statements", n)
		} else {
			assert.Equal(t, "relay-1", owner)
		}
	}
}
