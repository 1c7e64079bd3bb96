package authcore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// TestPoisonEventAloneWaitsForTheNextEvent: an event refused PoisonAttempts
// times with nothing behind it in the outbox cannot be told from an outage
// until another event arrives. The relay kept offering it, backing off up to
// MaxBackoff (10 s by default) as if the publisher were down, so the event
// that arrived next waited out the backoff before it was delivered. Now the
// relay stops offering the refused event and looks for new events at the
// poll interval; the first that arrives is offered behind one more attempt
// at the refused event, which is then set aside. The test checks the wait
// each step chooses, not time.
func TestPoisonEventAloneWaitsForTheNextEvent(t *testing.T) {
	const poll = 7 * time.Millisecond
	for _, batch := range []int{0, 1} {
		t.Run(map[int]string{0: "default batch", 1: "batch of one"}[batch], func(t *testing.T) {
			ctx := context.Background()
			s := memstore.New()
			poison := appendEvent(t, s, "user-1")
			sink := &pickySink{refuse: map[string]bool{poison: true}}
			e, err := authcore.New(ctx, s, quiet(), authcore.WithPublisher(sink), authcore.WithRelay(authcore.RelayConfig{
				BatchSize: batch, PollInterval: poll, MinBackoff: time.Second, MaxBackoff: 10 * time.Second, PoisonAttempts: 3,
			}))
			require.NoError(t, err)
			r := e.NewRelayStepper(ctx)
			defer r.Close()

			require.Equal(t, time.Second, r.Step(ctx), "a refusal backs off")
			require.Equal(t, 2*time.Second, r.Step(ctx))
			require.Equal(t, poll, r.Step(ctx), "refused PoisonAttempts times with nothing behind it: the relay looks for the next event")
			require.Equal(t, 3, sink.refused(poison))
			for range 3 {
				require.Equal(t, poll, r.Step(ctx))
			}
			require.Equal(t, 3, sink.refused(poison), "not offered again while nothing stands behind it")
			require.Equal(t, 0, setAsideLogged(t, e, poison), "nor set aside")

			later := appendEvent(t, s, "user-2")
			r.Step(ctx)
			require.Equal(t, []string{later}, sink.ids(), "the next event is delivered at the next look")
			require.Equal(t, 4, sink.refused(poison), "behind one more attempt at the refused event")
			require.Equal(t, 1, setAsideLogged(t, e, poison))
			// With a batch of one, the event was taken past the batch and is
			// acknowledged by the next step's claim.
			r.Step(ctx)
			require.Equal(t, 0, s.OutboxLen())
			require.Equal(t, []string{later}, sink.ids(), "once")
		})
	}
}

// TestPoisonEventAloneThenOutage: a publisher that refuses the event behind
// a waiting refused event as well is down: nothing is set aside, and the
// relay backs off again.
func TestPoisonEventAloneThenOutage(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	poison := appendEvent(t, s, "user-1")
	sink := &pickySink{refuse: map[string]bool{poison: true}}
	e, err := authcore.New(ctx, s, quiet(), authcore.WithPublisher(sink), authcore.WithRelay(authcore.RelayConfig{
		PollInterval: 7 * time.Millisecond, MinBackoff: time.Second, MaxBackoff: 10 * time.Second, PoisonAttempts: 2,
	}))
	require.NoError(t, err)
	r := e.NewRelayStepper(ctx)
	defer r.Close()
	r.Step(ctx)
	require.Equal(t, 7*time.Millisecond, r.Step(ctx))

	sink.mu.Lock()
	sink.down = true
	sink.mu.Unlock()
	later := appendEvent(t, s, "user-2")
	require.Greater(t, r.Step(ctx), 7*time.Millisecond, "an outage backs off")
	require.Equal(t, 0, setAsideLogged(t, e, poison))

	sink.mu.Lock()
	sink.down = false
	sink.mu.Unlock()
	r.Step(ctx)
	require.Equal(t, []string{later}, sink.ids())
	require.Equal(t, 1, setAsideLogged(t, e, poison))
}
