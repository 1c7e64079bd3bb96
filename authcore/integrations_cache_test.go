package authcore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/internal/testclock"
	"github.com/authcore/authcore/store/memstore"
)

var cacheEpoch = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// createUsers makes n users on e, each an operation that may record an
// event, so each checks the cached integrations first, and returns their ids.
func createUsers(t *testing.T, e *authcore.Engine, n int) []string {
	t.Helper()
	var ids []string
	for range n {
		u, err := e.CreateUser(context.Background(), "", authcore.UserRequest{User: authcore.UserInput{Email: fmt.Sprintf("u%d@example.com", userSeq.Add(1))}})
		require.NoError(t, err)
		ids = append(ids, u.ID)
	}
	return ids
}

var userSeq atomic.Int64

// versionedIntegrationReads is integrationReads over a store that tells its
// configuration version, as memstore and both SQL stores do.
type versionedIntegrationReads struct {
	*integrationReads
	cv authcore.ConfigVersioner
}

func (s versionedIntegrationReads) ConfigVersion(ctx context.Context) (int64, error) {
	return s.cv.ConfigVersion(ctx)
}

var kafkaOn = integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: "events", Producer: map[string]string{"bootstrap.servers": "k:9092"}}}

// With a store that cannot tell its configuration version, the cached
// integrations go stale after a second on the engine's clock (WithClock), not
// the host's, and the first operation after that reads them before its
// transaction: it acts on another engine's change. A delete (no CleanSpeak
// setup to read them first) acted on the stale copy while a background
// refresh read them for the next operation.
func TestIntegrationsGoStaleOnTheEngineClock(t *testing.T) {
	ctx := context.Background()
	clock := testclock.New(cacheEpoch)
	mem := memstore.New(memstore.WithClock(clock.Now))
	s := &integrationReads{Store: mem}
	e, err := authcore.New(ctx, s, quiet(), authcore.WithClock(clock.Now))
	require.NoError(t, err)
	other, err := authcore.New(ctx, mem, quiet(), authcore.WithClock(clock.Now))
	require.NoError(t, err)
	ids := createUsers(t, e, 4)
	require.EqualValues(t, 1, s.n.Load(), "New reads the integrations once")
	_, err = other.UpdateIntegrations(ctx, kafkaOn)
	require.NoError(t, err)

	clock.Advance(time.Second - time.Nanosecond)
	for _, id := range ids[:3] {
		require.NoError(t, e.DeleteUser(ctx, id))
	}
	require.EqualValues(t, 1, s.n.Load(), "a copy younger than a second on the engine's clock was read again")
	require.Zero(t, mem.OutboxLen(), "the copy has Kafka off: nothing is recorded")

	clock.Advance(time.Nanosecond)
	require.NoError(t, e.DeleteUser(ctx, ids[3]))
	require.EqualValues(t, 2, s.n.Load(), "a copy a second old on the engine's clock was not read again")
	require.NotZero(t, mem.OutboxLen(), "the operation after the copy went stale did not act on Kafka on")
}

// With a store that tells its configuration version, the copy is kept for as
// long as the version stays the same: an engine whose integrations do not
// change reads them once, however long it runs. It read them again every
// second (a background refresh started by the next operation), for nothing.
// Another engine's change is still seen at the next operation.
func TestIntegrationsAreNotReadOnATimerWithAVersion(t *testing.T) {
	ctx := context.Background()
	clock := testclock.New(cacheEpoch)
	mem := memstore.New(memstore.WithClock(clock.Now))
	s := versionedIntegrationReads{integrationReads: &integrationReads{Store: mem}, cv: mem}
	e, err := authcore.New(ctx, s, quiet(), authcore.WithClock(clock.Now))
	require.NoError(t, err)
	// New read them before it created the default tenant, a configuration
	// change: the first operation reads them again.
	createUsers(t, e, 1)
	read := s.n.Load()

	relay := e.NewRelayStepper(ctx)
	defer relay.Close()
	for range 10 {
		clock.Advance(2 * time.Second)
		createUsers(t, e, 3)
		relay.Step(ctx)
	}
	require.Equal(t, read, s.n.Load(), "the integrations were read again while no configuration changed")

	other, err := authcore.New(ctx, mem, quiet(), authcore.WithClock(clock.Now))
	require.NoError(t, err)
	_, err = other.UpdateIntegrations(ctx, kafkaOn)
	require.NoError(t, err)
	createUsers(t, e, 1)
	require.Equal(t, read+1, s.n.Load())
	require.NotZero(t, mem.OutboxLen(), "the next operation did not act on the other engine's change")
}
