package multistore_test

import (
	"context"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/stretchr/testify/require"
)

// outboxTypes claims (as a probe that never acknowledges) what the outbox
// of s holds, and returns the event types.
func outboxTypes(t *testing.T, s authcore.Store) []string {
	t.Helper()
	ctx := context.Background()
	evs, err := s.ClaimOutbox(ctx, "probe", time.Now().UnixMilli(), time.Millisecond, 100)
	require.NoError(t, err)
	require.NoError(t, s.ReleaseOutbox(ctx, "probe"))
	var types []string
	for _, ev := range evs {
		types = append(types, ev.Type)
	}
	return types
}

// When one instance turns Kafka on, the next write another instance makes
// records its event: the events are what Kafka is enabled for. The other
// instance kept its cached integrations (Kafka off) for a second after the
// change, and past that answered its next caller from the stale copy while
// it read them again in the background, so the events of those writes were
// never recorded, and never published.
func TestIntegrationsChangeReachesOtherInstancesAtOnce(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			c := newCluster(t, open, 2)
			a, b := c.engines[0], c.engines[1]
			kafkaOn := integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: "events", Producer: map[string]string{"bootstrap.servers": "kafka:9092"}}}
			_, err := a.UpdateIntegrations(ctx, kafkaOn)
			require.NoError(t, err)

			_, err = b.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "on@example.com"}})
			require.NoError(t, err)
			require.Contains(t, outboxTypes(t, open(t)), "user.create", "instance B did not record the event of a write made after A enabled Kafka")

			// And off again: B stops recording at once too.
			_, err = a.UpdateIntegrations(ctx, integration.Integrations{})
			require.NoError(t, err)
			before := len(outboxTypes(t, open(t)))
			_, err = b.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "off@example.com"}})
			require.NoError(t, err)
			require.Len(t, outboxTypes(t, open(t)), before, "instance B recorded an event after A disabled Kafka")
		})
	}
}
