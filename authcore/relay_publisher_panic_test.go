package authcore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// panickySink panics on its first call, then delivers.
type panickySink struct {
	mu    sync.Mutex
	calls int
	got   []string
}

func (p *panickySink) Publish(_ context.Context, events []*authcore.OutboxEvent) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.calls == 1 {
		panic("publisher bug")
	}
	for _, ev := range events {
		p.got = append(p.got, ev.ID)
	}
	return len(events), nil
}

// TestPublisherPanicIsAFailedDelivery: a publisher that panicked took
// RunRelay's goroutine, and with it the process, down (a subscriber's panic
// was already caught). The panic is a failed delivery now: the relay backs
// off and offers the events again, and they are delivered once.
func TestPublisherPanicIsAFailedDelivery(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	first := appendEvent(t, s, "user-1")
	second := appendEvent(t, s, "user-2")
	sink := &panickySink{}
	e, err := authcore.New(ctx, s, quiet(), authcore.WithPublisher(sink), authcore.WithRelay(authcore.RelayConfig{
		PollInterval: 7 * time.Millisecond, MinBackoff: time.Second, MaxBackoff: 10 * time.Second,
	}))
	require.NoError(t, err)
	r := e.NewRelayStepper(ctx)
	defer r.Close()

	require.Equal(t, time.Second, r.Step(ctx), "a panic is a failure: the relay backs off")
	require.Equal(t, 2, s.OutboxLen(), "nothing acknowledged")
	r.Step(ctx)
	r.Step(ctx) // acknowledges what the step before delivered
	require.Equal(t, []string{first, second}, sink.got)
	require.Equal(t, 0, s.OutboxLen())
}
