package authcore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/store/memstore"
)

// TestPoisonEventWithBatchSizeOne: an event a publisher refuses for good is
// set aside once the publisher takes an event behind it, and a claim of one
// event holds none behind it. With BatchSize 1 the refused event was retried
// forever and the outbox stalled behind it. The relay now looks past the
// batch for the events it offers the publisher, whatever the batch size:
// other keys' events, its own key's, another refused event, its .complete.
func TestPoisonEventWithBatchSizeOne(t *testing.T) {
	t.Run("other keys behind", func(t *testing.T) {
		s := memstore.New()
		poison := appendEvent(t, s, "user-1")
		want := map[string][]string{}
		for i := range 4 {
			k := fmt.Sprintf("user-%d", i%2+1)
			want[k] = append(want[k], appendEvent(t, s, k))
		}
		sink := &pickySink{refuse: map[string]bool{poison: true}}
		other := &pickySink{}
		e := poisonRelayBatch(t, s, 1, sink, other)

		require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond, "the outbox drains past the poison event")
		require.Equal(t, want, sink.idsByKey(), "each key in order, once")
		require.Len(t, other.ids(), 5, "the publisher that takes the event gets it with the rest")
		require.Equal(t, 3, sink.refused(poison), "set aside after PoisonAttempts refusals")
		require.Equal(t, 1, setAsideLogged(t, e, poison))
	})
	t.Run("another refused event right behind", func(t *testing.T) {
		s := memstore.New()
		first := appendEvent(t, s, "big-1")
		second := appendEvent(t, s, "big-2")
		var want []string
		for i := range 3 {
			want = append(want, appendEvent(t, s, fmt.Sprintf("user-%d", i)))
		}
		sink := &pickySink{refuse: map[string]bool{first: true, second: true}}
		e := poisonRelayBatch(t, s, 1, sink)

		require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond, "both are set aside")
		require.Equal(t, want, sink.ids())
		require.Equal(t, 1, setAsideLogged(t, e, first))
		require.Equal(t, 1, setAsideLogged(t, e, second))
	})
	t.Run("its .complete behind", func(t *testing.T) {
		s := memstore.New()
		bad, done := appendWithComplete(t, s, "user-1")
		after := appendEvent(t, s, "user-1")
		sink := &pickySink{refuse: map[string]bool{bad: true, done: true}}
		e := poisonRelayBatch(t, s, 1, sink)

		require.Eventually(t, func() bool { return s.OutboxLen() == 0 }, 10*time.Second, 2*time.Millisecond, "the outbox drains past both")
		require.Equal(t, []string{after}, sink.ids())
		require.Equal(t, 3, sink.refused(bad))
		require.Equal(t, 1, sink.refused(done), "the .complete is offered once, as with a larger batch")
		require.Equal(t, 1, setAsideLogged(t, e, done))
	})
}
