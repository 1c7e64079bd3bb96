package kafka_test

import (
	"context"
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

// Publish counts the events delivered from the first, in the order it was
// given them. franz-go's ProduceSync reports results in the order the
// records completed, not the order they were passed: here the first event's
// partition keeps failing while the second's succeeds at once, so the
// second completes first. Counting results in completion order called the
// first event delivered, and the relay acknowledged it: it never reached
// Kafka.
func TestPublishCountsFromTheFirstEventGiven(t *testing.T) {
	c := newCluster(t)
	p := kafka.NewPublisher(kafka.WithLogger(quiet()))
	t.Cleanup(func() { _ = p.Close() })
	_, err := p.Configure(context.Background(), integration.Kafka{Enabled: true, DefaultTopic: topic, Producer: producerFor(c)})
	require.NoError(t, err)

	// Two keys on different partitions (the client hashes keys as Kafka
	// does).
	part := kgo.StickyKeyPartitioner(nil).ForTopic(topic)
	partitionOf := func(key string) int32 { return int32(part.Partition(&kgo.Record{Key: []byte(key)}, 3)) }
	first, second := "user-a", ""
	for _, k := range []string{"user-b", "user-c", "user-d", "user-e", "user-f"} {
		if partitionOf(k) != partitionOf(first) {
			second = k
			break
		}
	}
	require.NotEmpty(t, second)

	fault := c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: topic, Partitions: []int32{partitionOf(first)},
		Err: kerr.NotEnoughReplicas, Count: -1})
	events := []*authcore.OutboxEvent{
		{Seq: 1, ID: "e1", Type: authcore.EventUserCreate, Key: first, Payload: []byte(`{"event":{"id":"e1"}}`)},
		{Seq: 2, ID: "e2", Type: authcore.EventUserCreate, Key: second, Payload: []byte(`{"event":{"id":"e2"}}`)},
	}
	n, err := p.Publish(context.Background(), events)
	require.Error(t, err)
	require.Zero(t, n, "the first event was not delivered")
	require.Contains(t, err.Error(), "e1", "the error names the event that failed")

	// Once the partition takes records again, offered again as the relay
	// does, both arrive.
	fault.Remove()
	require.Eventually(t, func() bool {
		n, err := p.Publish(context.Background(), events[:1])
		return err == nil && n == 1
	}, 20*time.Second, 10*time.Millisecond)
	consume(t, c.ListenAddrs(), topic, 2)
}
