package authcore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// inFlight records, per event, the windows in which relays held it for
// publishing, across the engines of one test, every time two relays' windows
// for one event overlapped, and every publish whose window outlasted the
// lease its relay held.
//
// A window runs from the call to Publish to the deadline the relay gave it,
// not to the moment the sink's goroutine notices that deadline: how late a
// goroutine wakes up on a loaded machine says nothing about the relay, and
// measuring to the wake-up made this test fail under -race on two busy cores
// (4 runs in 30 with -cpu 1 at a load of 11).
type inFlight struct {
	mu       sync.Mutex
	windows  map[int64][]window
	leases   map[string]int64 // owner: leaseUntil of its last successful claim
	overlaps []string
	late     []string
}

type window struct {
	relay    string
	from, to time.Time
}

// leaseStore records the lease each relay's last successful claim took.
type leaseStore struct {
	authcore.Store
	in *inFlight
}

func (s leaseStore) ClaimOutbox(ctx context.Context, owner string, now int64, lease time.Duration, limit int) ([]*authcore.OutboxEvent, error) {
	batch, err := s.Store.ClaimOutbox(ctx, owner, now, lease, limit)
	if err == nil {
		s.in.mu.Lock()
		// memstore reads the lease on now, the relay's clock. Kept by the
		// name RelayConfig.Owner gave, which the holder starts with.
		name, _, _ := strings.Cut(owner, "-")
		s.in.leases[name] = now + lease.Milliseconds()
		s.in.mu.Unlock()
	}
	return batch, err
}

// slowSink is a publisher that takes as long as its context allows and
// delivers nothing: a broker that stopped answering. It records the window
// in which it holds its events in the shared inFlight, under relay, and
// checks it against the lease its engine's relay, named owner, claimed last.
type slowSink struct {
	relay, owner string
	in           *inFlight
}

func (s slowSink) Publish(ctx context.Context, events []*authcore.OutboxEvent) (int, error) {
	from := time.Now()
	to, ok := ctx.Deadline()
	if !ok {
		to = from.Add(time.Hour) // no deadline: it may hold them for ever
	}
	s.in.mu.Lock()
	if until := s.in.leases[s.owner]; to.UnixMilli() > until {
		s.in.late = append(s.in.late, fmt.Sprintf("%s until %d, lease until %d", s.relay, to.UnixMilli(), until))
	}
	for _, ev := range events {
		for _, w := range s.in.windows[ev.Seq] {
			if w.relay != s.relay && w.from.Before(to) && from.Before(w.to) {
				s.in.overlaps = append(s.in.overlaps, w.relay+" and "+s.relay)
			}
		}
		s.in.windows[ev.Seq] = append(s.in.windows[ev.Seq], window{s.relay, from, to})
	}
	s.in.mu.Unlock()
	<-ctx.Done()
	return 0, ctx.Err()
}

// slowRelays runs, on one memstore holding one event, the relay of one
// engine per entry of owners (relay: its RelayConfig.Owner), each with
// sinks slowSinks, until they have published publishes times (or fails
// after 30 s), and returns the store and what the sinks recorded. The lease
// is timed on the clock, so lease terms have to pass; what is waited for is
// that they did, and were used. Nothing depends on how promptly a goroutine
// runs.
func slowRelays(t *testing.T, owners map[string]string, sinks, publishes int) (*memstore.Store, *inFlight) {
	t.Helper()
	s := memstore.New()
	in := &inFlight{windows: map[int64][]window{}, leases: map[string]int64{}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for relay, owner := range owners {
		cfg := authcore.RelayConfig{Owner: owner, PollInterval: 5 * time.Millisecond, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, LeaseTTL: 200 * time.Millisecond}
		opts := []authcore.Option{quiet(), authcore.WithRelay(cfg)}
		for range sinks {
			opts = append(opts, authcore.WithPublisher(slowSink{relay: relay, owner: owner, in: in}))
		}
		e, err := authcore.New(context.Background(), leaseStore{Store: s, in: in}, opts...)
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
	require.Eventually(t, func() bool {
		in.mu.Lock()
		defer in.mu.Unlock()
		n := 0
		for _, ws := range in.windows {
			n += len(ws)
		}
		return n >= publishes
	}, 30*time.Second, time.Millisecond, "the relays did not publish %d times", publishes)
	cancel()
	wg.Wait()
	return s, in
}

// TestRelayPublishesOnlyWhileItHoldsTheLease: a relay with several
// publishers gave each of them half the lease, one after the other, so with
// three slow ones it was still publishing after its lease ran out, when the
// other engine's relay had claimed the same events and was publishing them
// too: two relays delivering one event at once, and out of order. Before
// the fix one claim held three publishes, one a sink, and the relays
// overlapped within the first four of the ten waited for.
func TestRelayPublishesOnlyWhileItHoldsTheLease(t *testing.T) {
	s, in := slowRelays(t, map[string]string{"A": "A", "B": "B"}, 3, 10)
	in.mu.Lock()
	defer in.mu.Unlock()
	require.Empty(t, in.late, "a relay gave a publisher longer than its lease")
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

// integrationReads counts the integrations reads made through it. An idle
// relay does nothing else a test can see: every poll reads the engine's
// cached integrations, and the store's when they are stale.
type integrationReads struct {
	authcore.Store
	n atomic.Int64
}

func (s *integrationReads) GetIntegrations(ctx context.Context) (*integration.Integrations, error) {
	s.n.Add(1)
	return s.Store.GetIntegrations(ctx)
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
	reads := &integrationReads{Store: s}
	idle, err := authcore.New(ctx, reads, quiet(), authcore.WithRelay(cfg))
	require.NoError(t, err)
	wg.Add(1)
	go func() {
		defer wg.Done()
		require.NoError(t, idle.RunRelay(ctx))
	}()
	id := uuid.NewString()
	require.NoError(t, s.AppendOutbox(ctx, &authcore.OutboxEvent{ID: id, Type: authcore.EventUserUpdate, Key: "k",
		InsertInstant: 1, Payload: []byte(`{"event":{"type":"user.update","id":"` + id + `","createInstant":1}}`)}))
	// Five polls of the idle relay seen: each poll begins by reading the
	// integrations, from the store once they are stale, so each expiry is
	// followed by a read of the next poll. The first read counted comes
	// after the event was appended, so at least four whole polls saw it;
	// before the fix the first claimed and acknowledged it.
	for i := range 5 {
		before := reads.n.Load()
		idle.ExpireIntegrations()
		require.Eventually(t, func() bool { return reads.n.Load() > before }, 10*time.Second, time.Millisecond, "the idle relay stopped polling: %d of 5 polls seen", i)
	}
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

// TestRelaysGivenOneNameTakeTurns: RelayConfig.Owner was the lease holder
// itself, so the relays of two engines given the same name both held the
// lease and published the same event side by side, as soon as the second
// one polled. Each RunRelay now holds the lease under an id of its own.
func TestRelaysGivenOneNameTakeTurns(t *testing.T) {
	_, in := slowRelays(t, map[string]string{"first": "relay", "second": "relay"}, 1, 6)
	in.mu.Lock()
	defer in.mu.Unlock()
	require.Empty(t, in.overlaps, "two relays named alike published one event at the same time")
}
