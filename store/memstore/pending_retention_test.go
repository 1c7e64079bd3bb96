package memstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/testclock"
	"github.com/authcore/authcore/store/memstore"
)

const pendingProvider = "45bb233c-0901-4236-b5ca-ac46e2e0a5a5"

func pendingLink(id string, insert, exp int64) *authcore.PendingLink {
	return &authcore.PendingLink{ID: id, TenantID: "t", ApplicationID: "a", IdentityProviderID: pendingProvider,
		IdentityProviderUserID: "tw-" + id, Token: "token-" + id, InsertInstant: insert, ExpirationInstant: exp}
}

func seedPending(t *testing.T, s *memstore.Store) {
	t.Helper()
	seed(t, s)
	require.NoError(t, s.CreateIdentityProvider(context.Background(), &authcore.IdentityProviderRecord{ID: pendingProvider, Type: "Twitter"}))
}

// Every CreatePendingLink login stores a pending link, and only its
// completion removed one: a pending link never completed stayed in memory
// for good, expired, so repeated logins of one Twitter account grew the
// store without bound. Expired pending links are pruned by writers, as
// refresh tokens are.
func TestExpiredPendingLinksArePruned(t *testing.T) {
	ctx := context.Background()
	hour := time.Hour.Milliseconds()

	t.Run("by the instants the engine stored", func(t *testing.T) {
		s := memstore.New()
		seedPending(t, s)
		t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC).UnixMilli()
		require.NoError(t, s.CreatePendingLink(ctx, pendingLink("p1", t0, t0+hour)))
		require.NoError(t, s.CreatePendingLink(ctx, pendingLink("p2", t0+hour/2, t0+hour+hour/2)))
		require.Equal(t, 2, s.Stats().PendingLinks)

		// A pending link stored once the first has expired: the engine's
		// clock has passed p1's expiry and not p2's.
		require.NoError(t, s.CreatePendingLink(ctx, pendingLink("p3", t0+hour, t0+2*hour)))
		assert.Equal(t, 2, s.Stats().PendingLinks, "p1 is gone")
		_, err := s.GetPendingLink(ctx, "p2", t0+hour)
		assert.NoError(t, err, "p2 has not expired yet")
		_, err = s.TakePendingLink(ctx, "p1", 0)
		assert.True(t, errors.Is(err, authcore.ErrNotFound), "p1 is no longer stored: %v", err)
	})

	t.Run("by WithClock", func(t *testing.T) {
		t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		clk := testclock.New(t0)
		s := memstore.New(memstore.WithClock(clk.Now))
		seedPending(t, s)
		now := t0.UnixMilli()
		require.NoError(t, s.CreatePendingLink(ctx, pendingLink("p1", now, now+hour)))
		require.NoError(t, s.CreatePendingLink(ctx, pendingLink("p2", now, now+2*hour)))
		clk.Advance(time.Hour)
		// Any committed write prunes; a read does not.
		require.Equal(t, 2, s.Stats().PendingLinks)
		require.NoError(t, s.CreateEventLog(ctx, &authcore.EventLog{Message: "tick", Type: authcore.EventLogDebug}))
		assert.Equal(t, 1, s.Stats().PendingLinks, "p1 expired at the clock's now")
		_, err := s.GetPendingLink(ctx, "p2", now)
		assert.NoError(t, err)
	})

	t.Run("a rolled-back create queues nothing", func(t *testing.T) {
		s := memstore.New()
		seedPending(t, s)
		err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			require.NoError(t, tx.CreatePendingLink(ctx, pendingLink("p1", 1000, 2000)))
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		require.NoError(t, s.CreatePendingLink(ctx, pendingLink("p2", 3000, 4000)))
		assert.Equal(t, 1, s.Stats().PendingLinks)
	})
}
