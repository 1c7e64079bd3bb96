package authcore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// inFlight records which relay is inside a Publish with which event, across
// the engines of one test, and every time two relays held one event at once.
type inFlight struct {
	mu       sync.Mutex
	holder   map[int64]string
	overlaps []string
}

// slowSink is a publisher that takes as long as its context allows and
// delivers nothing: a broker that stopped answering. While it waits it holds
// its events in the shared inFlight.
type slowSink struct {
	relay string
	in    *inFlight
}

func (s slowSink) Publish(ctx context.Context, events []*authcore.OutboxEvent) (int, error) {
	s.in.mu.Lock()
	for _, ev := range events {
		if other, ok := s.in.holder[ev.Seq]; ok && other != s.relay {
			s.in.overlaps = append(s.in.overlaps, other+" and "+s.relay)
		}
		s.in.holder[ev.Seq] = s.relay
	}
	s.in.mu.Unlock()
	<-ctx.Done()
	s.in.mu.Lock()
	for _, ev := range events {
		if s.in.holder[ev.Seq] == s.relay {
			delete(s.in.holder, ev.Seq)
		}
	}
	s.in.mu.Unlock()
	return 0, ctx.Err()
}

// TestRelayPublishesOnlyWhileItHoldsTheLease: a relay with several
// publishers gave each of them half the lease, one after the other, so with
// three slow ones it was still publishing after its lease ran out, when the
// other engine's relay had claimed the same events and was publishing them
// too: two relays delivering one event at once, and out of order.
func TestRelayPublishesOnlyWhileItHoldsTheLease(t *testing.T) {
	s := memstore.New()
	in := &inFlight{holder: map[int64]string{}}
	cfg := authcore.RelayConfig{PollInterval: 5 * time.Millisecond, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, LeaseTTL: 200 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, name := range []string{"A", "B"} {
		opts := []authcore.Option{quiet(), authcore.WithRelay(cfg)}
		for range 3 {
			opts = append(opts, authcore.WithPublisher(slowSink{relay: name, in: in}))
		}
		e, err := authcore.New(context.Background(), s, opts...)
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, e.RunRelay(ctx))
		}()
	}
	id := uuid.NewString()
	require.NoError(t, s.AppendOutbox(context.Background(), &authcore.OutboxEvent{ID: id, Type: authcore.EventUserUpdate, Key: "k",
		InsertInstant: 1, Payload: []byte(`{"event":{"type":"user.update","id":"` + id + `"}}`)}))
	// Five lease terms: before the fix the relays overlapped in each.
	time.Sleep(5 * cfg.LeaseTTL)
	cancel()
	wg.Wait()
	in.mu.Lock()
	defer in.mu.Unlock()
	require.Empty(t, in.overlaps, "two relays published one event at the same time")
	require.Equal(t, 1, s.OutboxLen(), "nothing delivered it, so it waits")
}

// TestSubscribersAreNotCalledAfterThePublishDeadline: the subscribers'
// publisher went on through its batch after the relay's deadline had
// passed, handing events to subscribers with a context already done, past
// the lease the relay held them under.
func TestSubscribersAreNotCalledAfterThePublishDeadline(t *testing.T) {
	var mu sync.Mutex
	var late, calls int
	sub := func(ctx context.Context, ev authcore.Event) error {
		mu.Lock()
		calls++
		if ctx.Err() != nil {
			late++
		}
		mu.Unlock()
		// A subscriber that finishes its work whatever the context says.
		<-ctx.Done()
		return nil
	}
	s := memstore.New()
	e, err := authcore.New(context.Background(), s, quiet(), authcore.WithEventSubscriber(sub),
		authcore.WithRelay(authcore.RelayConfig{PollInterval: 5 * time.Millisecond, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, LeaseTTL: 100 * time.Millisecond}))
	require.NoError(t, err)
	for range 3 {
		id := uuid.NewString()
		require.NoError(t, s.AppendOutbox(context.Background(), &authcore.OutboxEvent{ID: id, Type: authcore.EventUserUpdate, Key: "k",
			InsertInstant: 1, Payload: []byte(`{"event":{"type":"user.update","id":"` + id + `"}}`)}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.RunRelay(ctx) }()
	require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 5*time.Millisecond, "each step delivers one event")
	cancel()
	err = <-done
	require.True(t, err == nil || errors.Is(err, context.Canceled), "%v", err)
	mu.Lock()
	defer mu.Unlock()
	require.Zero(t, late, "a subscriber was handed an event after the deadline (%d calls)", calls)
}

// TestRelayWithoutPublishersLeavesTheOutbox: an engine with no publisher and
// Kafka disabled that runs a relay anyway claimed the outbox and
// acknowledged every event, delivered to nobody, so another engine's
// subscribers on the same database never saw them.
func TestRelayWithoutPublishersLeavesTheOutbox(t *testing.T) {
	s := memstore.New()
	cfg := authcore.RelayConfig{PollInterval: time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, LeaseTTL: time.Second}
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel: deferred calls run last first
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	idle, err := authcore.New(ctx, s, quiet(), authcore.WithRelay(cfg))
	require.NoError(t, err)
	wg.Add(1)
	go func() {
		defer wg.Done()
		require.NoError(t, idle.RunRelay(ctx))
	}()
	id := uuid.NewString()
	require.NoError(t, s.AppendOutbox(ctx, &authcore.OutboxEvent{ID: id, Type: authcore.EventUserUpdate, Key: "k",
		InsertInstant: 1, Payload: []byte(`{"event":{"type":"user.update","id":"` + id + `","createInstant":1}}`)}))
	// Fifty of the idle relay's poll intervals: before the fix it had
	// claimed and acknowledged the event within the first.
	time.Sleep(50 * cfg.PollInterval)
	require.Equal(t, 1, s.OutboxLen(), "the relay with nowhere to deliver took the event")

	c := &eventstest.Collector{}
	busy, err := authcore.New(ctx, s, quiet(), authcore.WithRelay(cfg), authcore.WithEventSubscriber(c.Subscriber))
	require.NoError(t, err)
	wg.Add(1)
	go func() {
		defer wg.Done()
		require.NoError(t, busy.RunRelay(ctx))
	}()
	evs := c.WaitFor(t, 1)
	require.Equal(t, id, evs[0].ID)
}
