package authcore_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// lateStore hides outbox events from claims until they are shown, as
// PostgreSQL does with an event whose transaction commits after a newer
// one's: the hidden event turns up later, below events already claimed.
type lateStore struct {
	authcore.Store
	mu     sync.Mutex
	hidden map[int64]bool
}

func (s *lateStore) ClaimOutbox(ctx context.Context, owner string, now int64, ttl time.Duration, limit int) ([]*authcore.OutboxEvent, error) {
	evs, err := s.Store.ClaimOutbox(ctx, owner, now, ttl, limit)
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.DeleteFunc(evs, func(ev *authcore.OutboxEvent) bool { return s.hidden[ev.Seq] }), err
}

func (s *lateStore) show() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hidden = nil
}

// flushFailSink refuses one event until told otherwise, then takes every
// event it is offered and still reports an error (a flush that failed after
// the records were sent): all delivered, and an error.
type flushFailSink struct {
	mu     sync.Mutex
	refuse string
	got    []string
}

func (p *flushFailSink) Publish(_ context.Context, events []*authcore.OutboxEvent) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, ev := range events {
		if ev.ID == p.refuse {
			return i, errors.New("too large")
		}
	}
	for _, ev := range events {
		p.got = append(p.got, ev.ID)
	}
	return len(events), errors.New("flush reported an error")
}

// TestRelayWaitingSinkMeetsALateEvent: a publisher waits with a refused
// event (refused PoisonAttempts times, nothing behind it) when an older
// event commits late and turns up in front of it. The relay offers both; a
// publisher that then reports every event delivered along with an error
// made the relay index past the batch and panic, which ended RunRelay.
// Delivered events are acknowledged and the error backs off, as for a
// publisher that is not waiting.
func TestRelayWaitingSinkMeetsALateEvent(t *testing.T) {
	ctx := context.Background()
	mem := memstore.New()
	late := appendEvent(t, mem, "user-0")
	poison := appendEvent(t, mem, "user-1")
	evs, err := mem.ClaimOutbox(ctx, "peek", 0, time.Millisecond, 10)
	require.NoError(t, err)
	require.Equal(t, late, evs[0].ID)
	require.NoError(t, mem.ReleaseOutbox(ctx, "peek"))
	s := &lateStore{Store: mem, hidden: map[int64]bool{evs[0].Seq: true}}

	sink := &flushFailSink{refuse: poison}
	e, err := authcore.New(ctx, s, quiet(), authcore.WithPublisher(sink), authcore.WithRelay(authcore.RelayConfig{
		PollInterval: 7 * time.Millisecond, MinBackoff: time.Second, MaxBackoff: 10 * time.Second, PoisonAttempts: 2,
	}))
	require.NoError(t, err)
	r := e.NewRelayStepper(ctx)
	defer r.Close()
	require.Equal(t, time.Second, r.Step(ctx))
	require.Equal(t, 7*time.Millisecond, r.Step(ctx), "refused twice with nothing behind it: waiting")

	s.show()
	sink.mu.Lock()
	sink.refuse = ""
	sink.mu.Unlock()
	require.NotPanics(t, func() {
		require.Equal(t, 2*time.Second, r.Step(ctx), "the publisher's error backs off (the first refusal's failure stands)")
	})
	require.Equal(t, []string{late, poison}, sink.got)
	require.Equal(t, 0, mem.OutboxLen(), "what the publisher took is acknowledged")
}
