package authcore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

// pickySink is a publisher that delivers events in order and refuses the
// ones refuse names (an event it can never take, such as a record larger
// than the broker accepts), or every event while down is set.
type pickySink struct {
	mu       sync.Mutex
	refuse   map[string]bool
	down     bool
	attempts int
	got      []*authcore.OutboxEvent
	// refusals counts, by event id, how many times it was refused.
	refusals map[string]int
}

func (p *pickySink) Publish(_ context.Context, events []*authcore.OutboxEvent) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.attempts++
	for i, ev := range events {
		if p.down {
			return i, errors.New("broker unreachable")
		}
		if p.refuse[ev.ID] {
			if p.refusals == nil {
				p.refusals = map[string]int{}
			}
			p.refusals[ev.ID]++
			return i, fmt.Errorf("event %s is too large", ev.ID)
		}
		p.got = append(p.got, ev)
	}
	return len(events), nil
}

func (p *pickySink) ids() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, ev := range p.got {
		out = append(out, ev.ID)
	}
	return out
}

// idsByKey is what the sink got, by key, in the order it got them.
func (p *pickySink) idsByKey() map[string][]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string][]string{}
	for _, ev := range p.got {
		out[ev.Key] = append(out[ev.Key], ev.ID)
	}
	return out
}

func appendEvent(t *testing.T, s authcore.Store, key string) string {
	t.Helper()
	id := uuid.NewString()
	require.NoError(t, s.AppendOutbox(context.Background(), &authcore.OutboxEvent{ID: id, Type: authcore.EventUserUpdate, Key: key,
		InsertInstant: 1, Payload: []byte(`{"event":{"type":"user.update","id":"` + id + `"}}`)}))
	return id
}

// refused is how many times p refused the event id.
func (p *pickySink) refused(id string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refusals[id]
}

// appendWithComplete appends a user.update of key followed, in the same
// call, by its user.update.complete with the same body, as emit does, and
// returns both ids.
func appendWithComplete(t *testing.T, s authcore.Store, key string) (string, string) {
	t.Helper()
	ev, done := uuid.NewString(), uuid.NewString()
	body := `,"user":{"id":"` + key + `"}}}`
	require.NoError(t, s.AppendOutbox(context.Background(),
		&authcore.OutboxEvent{ID: ev, Type: authcore.EventUserUpdate, Key: key, InsertInstant: 1,
			Payload: []byte(`{"event":{"type":"user.update","id":"` + ev + `"` + body)},
		&authcore.OutboxEvent{ID: done, Type: authcore.EventUserUpdateComplete, Key: key, InsertInstant: 1,
			Payload: []byte(`{"event":{"type":"user.update.complete","id":"` + done + `"` + body)}))
	return ev, done
}

// setAsideLogged is how many event-log entries say that the event id was
// set aside.
func setAsideLogged(t *testing.T, e *authcore.Engine, id string) int {
	t.Helper()
	res, err := e.SearchEventLogs(context.Background(), authcore.EventLogSearchCriteria{Message: "Event " + id + " *set aside*", Type: authcore.EventLogError})
	require.NoError(t, err)
	return len(res.EventLogs)
}

func poisonRelay(t *testing.T, s authcore.Store, pubs ...authcore.Publisher) *authcore.Engine {
	t.Helper()
	return poisonRelayBatch(t, s, 0, pubs...)
}

// poisonRelayBatch is poisonRelay with claims of batch events (0: the
// default).
func poisonRelayBatch(t *testing.T, s authcore.Store, batch int, pubs ...authcore.Publisher) *authcore.Engine {
	t.Helper()
	opts := []authcore.Option{quiet(), authcore.WithRelay(authcore.RelayConfig{
		PollInterval: 2 * time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		LeaseTTL: 3 * time.Second, PoisonAttempts: 3, BatchSize: batch,
	})}
	for _, p := range pubs {
		opts = append(opts, authcore.WithPublisher(p))
	}
	e, err := authcore.New(context.Background(), s, opts...)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.RunRelay(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return e
}

// TestPoisonEventDoesNotBlockTheOutbox: an event a publisher refuses every
// time kept the relay retrying it forever, and every event behind it, of
// every user, waited with it. Once the publisher has refused it
// PoisonAttempts times in a row and taken later events of other keys, it is
// set aside (recorded in the event log, payload included) and the rest go
// on, each key's events still in order.
func TestPoisonEventDoesNotBlockTheOutbox(t *testing.T) {
	s := memstore.New()
	poison := appendEvent(t, s, "user-1")
	var want []string
	for i := range 4 {
		want = append(want, appendEvent(t, s, fmt.Sprintf("user-%d", i%2+1)))
	}
	sink := &pickySink{refuse: map[string]bool{poison: true}}
	other := &pickySink{}
	e := poisonRelay(t, s, sink, other)

	require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond, "the outbox drains past the poison event")
	require.ElementsMatch(t, want, sink.ids(), "every other event was delivered, once")
	var user1 []string
	sink.mu.Lock()
	for _, ev := range sink.got {
		if ev.Key == "user-1" {
			user1 = append(user1, ev.ID)
		}
	}
	sink.mu.Unlock()
	require.Equal(t, []string{want[0], want[2]}, user1, "the poison event's key keeps its order")
	require.Equal(t, append([]string{poison}, want...), other.ids(), "a publisher that takes the event still gets it, in order")

	res, err := e.SearchEventLogs(context.Background(), authcore.EventLogSearchCriteria{Message: "Event " + poison + " *set aside*", Type: authcore.EventLogError})
	require.NoError(t, err)
	require.Len(t, res.EventLogs, 1, "the event set aside is in the event log")
	require.Contains(t, res.EventLogs[0].Message, `{"event":{"type":"user.update","id":"`+poison+`"}}`, "with its payload, to publish by hand")
}

// TestPoisonEventsInARow: the event right behind a refused one, of another
// key, is refused too. Trying the events behind the first one stopped at
// the second, took the sink for down, and set nothing aside: both blocked
// the outbox forever. The second is set aside in turn once an event behind
// it shows the sink up (alone at the end of the outbox, it holds back
// nothing).
func TestPoisonEventsInARow(t *testing.T) {
	s := memstore.New()
	first := appendEvent(t, s, "big-1")
	second := appendEvent(t, s, "big-2")
	var want []string
	for i := range 3 {
		want = append(want, appendEvent(t, s, fmt.Sprintf("user-%d", i)))
	}
	sink := &pickySink{refuse: map[string]bool{first: true, second: true}}
	poisonRelay(t, s, sink)
	require.Eventually(t, func() bool { return len(sink.ids()) == len(want) }, 10*time.Second, 2*time.Millisecond, "the events behind both are delivered")
	require.Equal(t, want, sink.ids())
	want = append(want, appendEvent(t, s, "user-9"))
	require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond, "both are set aside")
	require.Equal(t, want, sink.ids())
}

// TestOutageSetsNothingAside: a publisher that refuses every event is down,
// not refusing one event: however often the first event fails, it is
// delivered, in order, once the publisher is back.
func TestOutageSetsNothingAside(t *testing.T) {
	s := memstore.New()
	var want []string
	for i := range 3 {
		want = append(want, appendEvent(t, s, fmt.Sprintf("user-%d", i)))
	}
	sink := &pickySink{down: true}
	poisonRelay(t, s, sink)
	require.Eventually(t, func() bool {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		return sink.attempts >= 20
	}, 10*time.Second, time.Millisecond, "the relay keeps trying")
	sink.mu.Lock()
	sink.down = false
	sink.mu.Unlock()
	require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond)
	require.Equal(t, want, sink.ids())
}

// TestPoisonAttemptsNegativeIsAccepted: a negative PoisonAttempts means
// "never set an event aside", unlike the other fields' negative values.
func TestPoisonAttemptsNegativeIsAccepted(t *testing.T) {
	_, err := authcore.New(context.Background(), memstore.New(), quiet(), authcore.WithRelay(authcore.RelayConfig{PoisonAttempts: -1}))
	require.NoError(t, err)
	_, err = authcore.New(context.Background(), memstore.New(), quiet(), authcore.WithRelay(authcore.RelayConfig{BatchSize: -1}))
	require.Error(t, err)
}

// TestPoisonEventFollowedOnlyByItsOwnKey: an event refused for good, with
// only events of its own key behind it (one user's burst, or a first login's
// user.create, link, registration and login events behind a user too large
// for Kafka, on a quiet system), was never set aside: the probe that shows
// the publisher up offered only other keys' events, and there were none, so
// the key's events, and every event recorded later, waited until another
// user's event happened to arrive. The events of its own key right behind it
// show the publisher up as well (they go to the same Kafka partition), and
// taking them keeps the key's order once the refused event is set aside.
func TestPoisonEventFollowedOnlyByItsOwnKey(t *testing.T) {
	s := memstore.New()
	poison := appendEvent(t, s, "user-1")
	var want []string
	for range 3 {
		want = append(want, appendEvent(t, s, "user-1"))
	}
	sink := &pickySink{refuse: map[string]bool{poison: true}}
	e := poisonRelay(t, s, sink)

	require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond, "the outbox drains past the poison event")
	require.Equal(t, want, sink.ids(), "the key's later events, in order, once")
	require.Equal(t, 3, sink.refused(poison), "set aside after PoisonAttempts refusals")
	require.Equal(t, 1, setAsideLogged(t, e, poison))
}

// TestCompleteOfAPoisonEventIsSetAsideAfterOneRefusal: an event's .complete
// carries the same body, so a publisher that refuses the event for its size
// refuses the .complete too. It went through PoisonAttempts refusals of its
// own after the event was set aside (two minutes more with the defaults),
// and with only its key's events behind the pair, neither was ever set
// aside. Now the .complete is offered once: refused by a publisher that
// takes the events behind it, it is set aside with its event.
func TestCompleteOfAPoisonEventIsSetAsideAfterOneRefusal(t *testing.T) {
	for _, tc := range []struct {
		name   string
		behind []string // keys of the events behind the pair
	}{
		{"other keys behind", []string{"user-2", "user-1", "user-3"}},
		{"only its key behind", []string{"user-1", "user-1", "user-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := memstore.New()
			bad, done := appendWithComplete(t, s, "user-1")
			want := map[string][]string{}
			for _, k := range tc.behind {
				want[k] = append(want[k], appendEvent(t, s, k))
			}
			sink := &pickySink{refuse: map[string]bool{bad: true, done: true}}
			e := poisonRelay(t, s, sink)

			require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond, "the outbox drains past both")
			require.Equal(t, want, sink.idsByKey(), "the events behind them, each key in order, once")
			require.Equal(t, 3, sink.refused(bad), "the event: PoisonAttempts refusals")
			require.Equal(t, 1, sink.refused(done), "its .complete: one")
			require.Equal(t, 1, setAsideLogged(t, e, bad))
			require.Equal(t, 1, setAsideLogged(t, e, done), "the .complete is in the event log too, with its payload")
			res, err := e.SearchEventLogs(context.Background(), authcore.EventLogSearchCriteria{Message: "Event " + done + " *set aside*", Type: authcore.EventLogError})
			require.NoError(t, err)
			require.Contains(t, res.EventLogs[0].Message, "event "+done+" is too large", "with the publisher's own answer to it")
		})
	}
}

// TestCompleteOfAPoisonEventIsOfferedOnce: a publisher that refuses an
// event but takes its .complete (a subscriber that fails on one type) gets
// the .complete, in order: only what it refused is set aside.
func TestCompleteOfAPoisonEventIsOfferedOnce(t *testing.T) {
	s := memstore.New()
	bad, done := appendWithComplete(t, s, "user-1")
	after := appendEvent(t, s, "user-1")
	other := appendEvent(t, s, "user-2")
	sink := &pickySink{refuse: map[string]bool{bad: true}}
	e := poisonRelay(t, s, sink)

	require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond)
	require.Equal(t, map[string][]string{"user-1": {done, after}, "user-2": {other}}, sink.idsByKey(), "each key in order, once")
	require.Equal(t, 1, setAsideLogged(t, e, bad))
	require.Equal(t, 0, setAsideLogged(t, e, done))
}

// TestCompleteBehindAnotherPoisonEvent: the probe that shows the publisher
// up may stop at another key's refused event before it reaches the
// .complete (on PostgreSQL other transactions' events can fall between an
// event and its .complete). The .complete is still offered, once, when its
// event is set aside, rather than left for a count of its own behind the
// other poison event, or left in the outbox with nothing behind it.
func TestCompleteBehindAnotherPoisonEvent(t *testing.T) {
	s := memstore.New()
	bad := appendEvent(t, s, "user-1")
	y := appendEvent(t, s, "user-2")
	z := appendEvent(t, s, "user-3")
	done := uuid.NewString()
	require.NoError(t, s.AppendOutbox(context.Background(), &authcore.OutboxEvent{ID: done, Type: authcore.EventUserUpdateComplete, Key: "user-1",
		InsertInstant: 1, Payload: []byte(`{"event":{"type":"user.update.complete","id":"` + done + `"}}`)}))
	w := appendEvent(t, s, "user-4")
	sink := &pickySink{refuse: map[string]bool{bad: true, z: true, done: true}}
	e := poisonRelay(t, s, sink)

	require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond)
	require.ElementsMatch(t, []string{y, w}, sink.ids(), "the others, once")
	require.Equal(t, 1, sink.refused(done))
	require.Equal(t, 4, sink.refused(z), "another key's refused event counts on its own: 3 times first in the batch, once in the probe behind bad")
	for _, id := range []string{bad, z, done} {
		require.Equal(t, 1, setAsideLogged(t, e, id))
	}
}

// TestFirstLoginBehindARefusedUser: a first login records the user's
// user.create and user.create.complete, then its link, registration and
// login events, all under the user's key. A publisher that refuses the user
// (Kafka, for a user whose data passes its size limit) held all of them,
// and every later event, until another user's event arrived; on a quiet
// system nothing did. Both refused events are set aside, the .complete after
// one refusal, and the rest is delivered in order.
func TestFirstLoginBehindARefusedUser(t *testing.T) {
	// On every store: the .complete is found as the next event of its key in
	// the batch, whatever Seqs the store hands out.
	for _, st := range eventStores(t) {
		t.Run(st.name, func(t *testing.T) {
			var createRefusals, completeRefusals atomic.Int32
			c := &eventstest.Collector{Fail: func(ev authcore.Event) error {
				switch ev.Type {
				case authcore.EventUserCreate:
					createRefusals.Add(1)
				case authcore.EventUserCreateComplete:
					completeRefusals.Add(1)
				default:
					return nil
				}
				return errors.New("record too large")
			}}
			cfg := eventstest.FastRelay
			cfg.PoisonAttempts = 3
			s := st.open(t)
			env := eventstest.New(t, s, eventstest.Options{Engine: []authcore.Option{quiet(),
				authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(cfg)}})
			env.RunRelay()
			env.Account("161", "dee", "dee@example.com")
			resp := env.MustLogin("161")

			require.Eventually(t, func() bool { return outboxLen(t, s) == 0 }, 10*time.Second, 2*time.Millisecond, "the outbox drains")
			require.Equal(t, []string{authcore.EventUserIdentityProviderLink, authcore.EventUserRegistrationCreate,
				authcore.EventUserRegistrationCreateComplete, authcore.EventUserLoginSuccess}, c.Types())
			require.Equal(t, int32(3), createRefusals.Load())
			require.Equal(t, int32(1), completeRefusals.Load())
			res, err := env.Engine.SearchEventLogs(env.Ctx, authcore.EventLogSearchCriteria{Message: "*set aside*" + resp.User.ID + "*", Type: authcore.EventLogError})
			require.NoError(t, err)
			require.Len(t, res.EventLogs, 2, "user.create and user.create.complete, with their payloads")
		})
	}
}

// outboxLen counts the events waiting in s's outbox.
func outboxLen(t *testing.T, s authcore.Store) int {
	t.Helper()
	switch s := s.(type) {
	case *memstore.Store:
		return s.OutboxLen()
	case *sqlstore.Store:
		n, err := s.OutboxLen(context.Background())
		require.NoError(t, err)
		return n
	}
	t.Fatalf("no outbox length for %T", s)
	return 0
}

// TestCompleteBehindAnotherPoisonEventTaken: as
// TestCompleteBehindAnotherPoisonEvent, but the publisher takes the
// .complete it is offered once bad is known refused alone: it is delivered,
// and only what was refused is set aside.
func TestCompleteBehindAnotherPoisonEventTaken(t *testing.T) {
	s := memstore.New()
	bad := appendEvent(t, s, "user-1")
	y := appendEvent(t, s, "user-2")
	z := appendEvent(t, s, "user-3")
	done := uuid.NewString()
	require.NoError(t, s.AppendOutbox(context.Background(), &authcore.OutboxEvent{ID: done, Type: authcore.EventUserUpdateComplete, Key: "user-1",
		InsertInstant: 1, Payload: []byte(`{"event":{"type":"user.update.complete","id":"` + done + `"}}`)}))
	w := appendEvent(t, s, "user-4")
	sink := &pickySink{refuse: map[string]bool{bad: true, z: true}}
	e := poisonRelay(t, s, sink)

	require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond)
	require.Equal(t, map[string][]string{"user-1": {done}, "user-2": {y}, "user-4": {w}}, sink.idsByKey(), "the others, once, the .complete included")
	require.Equal(t, 0, sink.refused(done))
	for id, want := range map[string]int{bad: 1, z: 1, done: 0} {
		require.Equal(t, want, setAsideLogged(t, e, id))
	}
}
