package kafka_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/events/kafka"
	"github.com/authcore/authcore/integration"
)

// holdProduce makes the cluster take every produce request and answer
// none, until release is called: a broker that stops answering with the
// request in flight. franz-go cannot fail an idempotent record whose
// request was sent (the broker may have written it), so ProduceSync waited
// for the broker, whatever the context said. arrived is closed once a
// produce request has reached the cluster (and is held there).
func holdProduce(c *kfake.Cluster) (release func(), arrived <-chan struct{}) {
	released, got := make(chan struct{}), make(chan struct{})
	var once sync.Once
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		select {
		case <-released:
			c.DropControl()
			return nil, nil, false
		default:
			c.KeepControl()
			once.Do(func() { close(got) })
			return nil, nil, true
		}
	})
	return sync.OnceFunc(func() { close(released) }), got
}

// requireNextAfterWarm publishes "next" once the broker answers again and
// requires the topic to hold "warm" and then "next": one key, one
// partition, in order, so a record the client still held ("stuck") would
// come between them.
func requireNextAfterWarm(t *testing.T, c *kfake.Cluster, p *kafka.Publisher) {
	t.Helper()
	n, err := p.Publish(context.Background(), []*authcore.OutboxEvent{{ID: "next", Key: "k", Payload: []byte(`{"event":{"id":"next"}}`)}})
	require.NoError(t, err, "the publish once the broker answers again")
	require.Equal(t, 1, n)
	var ids []string
	for _, r := range consume(t, c.ListenAddrs(), topic, 2) {
		ids = append(ids, r.EventID)
	}
	require.Equal(t, []string{"warm", "next"}, ids)
}

// Publish returns when its context ends even while a request is in
// flight to a broker that does not answer: the relay stuck in it could
// neither stop (RunRelay ignored its context) nor take a new Kafka
// configuration.
func TestPublishReturnsWhenTheBrokerHangs(t *testing.T) {
	c := newCluster(t)
	p := kafka.NewPublisher(kafka.WithLogger(quiet()))
	t.Cleanup(func() { _ = p.Close() })
	_, err := p.Configure(context.Background(), integration.Kafka{Enabled: true, DefaultTopic: topic, Producer: producerFor(c)})
	require.NoError(t, err)
	n, err := p.Publish(context.Background(), []*authcore.OutboxEvent{{ID: "warm", Key: "k", Payload: []byte(`{"event":{"id":"warm"}}`)}})
	require.NoError(t, err)
	require.Equal(t, 1, n)

	holdProduce(c)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		n, err := p.Publish(ctx, []*authcore.OutboxEvent{{ID: "stuck", Key: "k", Payload: []byte(`{"event":{"id":"stuck"}}`)}})
		if err == nil || n != 0 {
			t.Errorf("Publish to a hung broker: n=%d err=%v", n, err)
		}
		done <- err
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.DeadlineExceeded)
	case <-time.After(10 * time.Second):
		t.Fatal("Publish still blocked 10s after its context ended")
	}
}

// A relay whose broker stopped answering mid-request takes the new
// configuration when the integrations change (here: another cluster), and
// the events that waited reach it. It used to stay in Publish for good.
func TestRelayLeavesAHungBrokerForANewConfiguration(t *testing.T) {
	hung, good := newCluster(t), newCluster(t)
	env := newKafkaEnv(t, producerFor(hung))
	env.Account("1", "ada", "ada@example.com")
	env.MustLogin("1")
	require.Eventually(t, func() bool { return env.mem.OutboxLen() == 0 }, 10*time.Second, 5*time.Millisecond)

	_, hanging := holdProduce(hung)
	env.MustLogin("1")
	select { // the relay is in Publish, waiting for the hung broker
	case <-hanging:
	case <-time.After(10 * time.Second):
		t.Fatal("the relay sent no produce request to the hung broker within 10s")
	}
	_, err := env.Engine.PatchIntegrations(env.Ctx, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"integrations":{"kafka":{"producer":{"bootstrap.servers":"` + good.ListenAddrs()[0] + `"}}}}`)})
	require.NoError(t, err)
	rs := consume(t, good.ListenAddrs(), topic, 1)
	require.Equal(t, authcore.EventUserLoginSuccess, rs[0].Type())
	require.Eventually(t, func() bool { return env.mem.OutboxLen() == 0 }, 10*time.Second, 5*time.Millisecond)
}

// A publish that ran out of time left its records in the client's buffer,
// and the client sent them once the broker answered again: after the relay
// had offered them again from the outbox, so each failed attempt of an
// outage became one more copy on the topic (and in the buffer until then).
// The client is now replaced and closed, which fails what it held: the
// broker, answering again, gets only what is published next.
func TestTimedOutPublishLeavesNothingBehind(t *testing.T) {
	c := newCluster(t)
	p := kafka.NewPublisher(kafka.WithLogger(quiet()))
	t.Cleanup(func() { _ = p.Close() })
	producer := producerFor(c)
	producer["max.block.ms"] = "10000" // the later publish has the time to wait for the records before it
	_, err := p.Configure(context.Background(), integration.Kafka{Enabled: true, DefaultTopic: topic, Producer: producer})
	require.NoError(t, err)
	publish := func(ctx context.Context, id string) (int, error) {
		return p.Publish(ctx, []*authcore.OutboxEvent{{ID: id, Key: "k", Payload: []byte(`{"event":{"id":"` + id + `"}}`)}})
	}
	n, err := publish(context.Background(), "warm")
	require.NoError(t, err)
	require.Equal(t, 1, n)

	release, _ := holdProduce(c)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	n, err = publish(ctx, "stuck")
	cancel()
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Zero(t, n)

	release()
	requireNextAfterWarm(t, c, p)
}

// A publish whose first record the client refused at once (larger than
// max.request.size: an event the relay sets aside after a few attempts)
// while the records after it waited for a broker that took their request
// and never answered. Publish replaced its client only when the first
// record not delivered was still waiting, so the ones behind a refused
// record stayed in the old client: sent once the broker answered again,
// after the relay had offered them again, and blocking their partition
// until then.
func TestTimedOutPublishBehindARefusedRecordLeavesNothingBehind(t *testing.T) {
	c := newCluster(t)
	refused := make(chan struct{})
	var refusedOnce sync.Once
	p := kafka.NewPublisher(kafka.WithLogger(quiet()), kafka.WithClientOptions(kgo.WithHooks(unbufferedHook(func(r *kgo.Record, err error) {
		if errors.Is(err, kerr.MessageTooLarge) {
			refusedOnce.Do(func() { close(refused) })
		}
	}))))
	t.Cleanup(func() { _ = p.Close() })
	producer := producerFor(c)
	producer["max.block.ms"] = "10000"    // the later publish has the time to wait for the records before it
	producer["max.request.size"] = "2048" // the refused record is larger
	_, err := p.Configure(context.Background(), integration.Kafka{Enabled: true, DefaultTopic: topic, Producer: producer})
	require.NoError(t, err)
	event := func(id string, payload string) *authcore.OutboxEvent {
		return &authcore.OutboxEvent{ID: id, Key: "k", Payload: []byte(`{"event":{"id":"` + id + `"` + payload + `}}`)}
	}
	n, err := p.Publish(context.Background(), []*authcore.OutboxEvent{event("warm", "")})
	require.NoError(t, err)
	require.Equal(t, 1, n)

	release, arrived := holdProduce(c)
	// Ended once the broker holds the request of the record behind the
	// refused one, and the client has failed the refused one (its promise
	// runs right after the hook), not after a guessed delay: a record
	// still unsent when the context ends is failed by the client and never
	// left behind.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for _, ch := range []<-chan struct{}{arrived, refused} {
			select {
			case <-ch:
			case <-ctx.Done():
				return
			}
		}
		cancel()
	}()
	big := event("big", `,"data":"`+strings.Repeat("x", 4096)+`"`)
	n, err = p.Publish(ctx, []*authcore.OutboxEvent{big, event("stuck", "")})
	require.ErrorIs(t, err, kerr.MessageTooLarge, "the first record not delivered is the refused one")
	require.Zero(t, n)
	select {
	case <-arrived:
	default:
		t.Fatal("the record behind the refused one never reached the broker")
	}

	release()
	requireNextAfterWarm(t, c, p)
}

// unbufferedHook is a franz-go hook that sees each produced record just
// before its promise is called, with the error it is called with.
type unbufferedHook func(*kgo.Record, error)

func (h unbufferedHook) OnProduceRecordUnbuffered(r *kgo.Record, err error) { h(r, err) }
