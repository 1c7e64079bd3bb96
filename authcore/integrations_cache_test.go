package authcore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/testclock"
	"github.com/authcore/authcore/store/memstore"
)

var cacheEpoch = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// createUsers makes n users on e, each an operation that may record an
// event, so each checks the cached integrations first.
func createUsers(t *testing.T, e *authcore.Engine, n int) {
	t.Helper()
	for range n {
		_, err := e.CreateUser(context.Background(), "", authcore.UserRequest{User: authcore.UserInput{Email: fmt.Sprintf("u%d@example.com", userSeq.Add(1))}})
		require.NoError(t, err)
	}
}

var userSeq atomic.Int64

// With a store that cannot tell its configuration version, the cached
// integrations go stale after a second on the engine's clock (WithClock), not
// the host's: a test's clock decides when they are read again.
func TestIntegrationsGoStaleOnTheEngineClock(t *testing.T) {
	clock := testclock.New(cacheEpoch)
	s := &integrationReads{Store: memstore.New(memstore.WithClock(clock.Now))}
	e, err := authcore.New(context.Background(), s, quiet(), authcore.WithClock(clock.Now))
	require.NoError(t, err)
	require.EqualValues(t, 1, s.n.Load(), "New reads the integrations once")

	clock.Advance(time.Second - time.Nanosecond)
	createUsers(t, e, 3)
	require.EqualValues(t, 1, s.n.Load(), "a copy younger than a second on the engine's clock was read again")

	clock.Advance(time.Nanosecond)
	createUsers(t, e, 1)
	require.Eventually(t, func() bool { return s.n.Load() == 2 }, 5*time.Second, time.Millisecond,
		"a copy a second old on the engine's clock was not read again")
}
