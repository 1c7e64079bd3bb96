package authcore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// claimFailingStore fails the outbox claim whose number (from 1) is failAt,
// as a database that drops one statement's connection would.
type claimFailingStore struct {
	*memstore.Store
	claims atomic.Int64
	failAt int64
}

func (s *claimFailingStore) ClaimOutbox(ctx context.Context, owner string, now int64, lease time.Duration, limit int) ([]*authcore.OutboxEvent, error) {
	if s.claims.Add(1) == s.failAt {
		return nil, errors.New("connection reset by peer")
	}
	return s.Store.ClaimOutbox(ctx, owner, now, lease, limit)
}

// TestPoisonProbeKeepsTheBatchWhenTheClaimBehindFails: a full batch sends
// the relay back to the outbox for the events behind a refused event
// (eventsBehind). When that second claim failed, the events the batch itself
// held behind the refused one were dropped from the probe as well: the
// relay judged the event alone at the end of the outbox, left it refused
// and waited, and the event behind it, which the publisher takes, was not
// delivered in that step. The batch's own events are now probed when the
// claim past them fails.
func TestPoisonProbeKeepsTheBatchWhenTheClaimBehindFails(t *testing.T) {
	ctx := context.Background()
	s := &claimFailingStore{Store: memstore.New(), failAt: 2} // the step's claim, then the one behind
	poison := appendEvent(t, s, "user-1")
	behind := appendEvent(t, s, "user-2")
	sink := &pickySink{refuse: map[string]bool{poison: true}}
	e, err := authcore.New(ctx, s, quiet(), authcore.WithPublisher(sink), authcore.WithRelay(authcore.RelayConfig{
		BatchSize: 2, PollInterval: 7 * time.Millisecond, MinBackoff: time.Second, MaxBackoff: 10 * time.Second, PoisonAttempts: 1,
	}))
	require.NoError(t, err)
	r := e.NewRelayStepper(ctx)
	defer r.Close()

	r.Step(ctx)
	require.Equal(t, int64(2), s.claims.Load(), "the relay claimed past the full batch")
	require.Equal(t, []string{behind}, sink.ids(), "the batch's event behind the refused one is probed and taken")
	require.Equal(t, 1, setAsideLogged(t, e, poison), "so the refused event is set aside")
	require.Equal(t, 0, s.OutboxLen())
}

// TestPoisonWaitKeepsWaitingWhenTheClaimBehindFails: a refused event that
// waits with only its refused .complete behind it is offered again once
// more events stand behind it, which a full batch learns from a second
// claim. When that claim failed, the relay counted nothing behind the event,
// took the change from one to none for a new event, and offered the event
// again for nothing. It now waits for the next look.
func TestPoisonWaitKeepsWaitingWhenTheClaimBehindFails(t *testing.T) {
	ctx := context.Background()
	const poll = 7 * time.Millisecond
	// Claims 1 and 2: the first step and the events behind its batch; 3
	// and 4: the second step's, of which the one behind fails.
	s := &claimFailingStore{Store: memstore.New(), failAt: 4}
	bad, done := appendWithComplete(t, s, "user-1")
	sink := &pickySink{refuse: map[string]bool{bad: true, done: true}}
	e, err := authcore.New(ctx, s, quiet(), authcore.WithPublisher(sink), authcore.WithRelay(authcore.RelayConfig{
		BatchSize: 1, PollInterval: poll, MinBackoff: time.Second, MaxBackoff: 10 * time.Second, PoisonAttempts: 1,
	}))
	require.NoError(t, err)
	r := e.NewRelayStepper(ctx)
	defer r.Close()

	require.Equal(t, poll, r.Step(ctx), "refused with only its refused .complete behind it: it waits")
	require.Equal(t, 1, sink.refused(bad))
	require.Equal(t, 1, sink.refused(done))
	require.Equal(t, poll, r.Step(ctx))
	require.Equal(t, 1, sink.refused(bad), "not offered again on a failed claim")
	require.Equal(t, 1, sink.refused(done))
	require.Equal(t, int64(4), s.claims.Load(), "the second step's claim behind the batch failed, and nothing claimed after it")
	require.Equal(t, 0, setAsideLogged(t, e, bad))
}
