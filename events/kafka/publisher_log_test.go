package kafka_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/events/kafka"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/internal/logtest"
	"github.com/authcore/authcore/store/memstore"
)

// The publisher logs a configuration through WithLogger's logger, at Debug
// (an engine's relay logs it at Info): the topic and the names of ignored
// keys, never a producer value (a SASL password is one).
func TestConfigureLogsThroughItsLogger(t *testing.T) {
	var logs bytes.Buffer
	p := kafka.NewPublisher(kafka.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	t.Cleanup(func() { _ = p.Close() })
	ignored, err := p.Configure(context.Background(), integration.Kafka{Enabled: true, DefaultTopic: "events", Producer: map[string]string{
		"bootstrap.servers": "127.0.0.1:1",
		"security.protocol": "SASL_PLAINTEXT",
		"sasl.mechanism":    "PLAIN",
		"sasl.jaas.config":  `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2";`,
		"linger.ms":         "soon",
	}})
	require.NoError(t, err)
	require.NotEmpty(t, ignored)
	out := logs.String()
	require.Contains(t, out, "kafka producer configured")
	require.Contains(t, out, "topic=events")
	require.Contains(t, out, "linger.ms")
	require.NotContains(t, out, "hunter2")
}

// The debug line names at most the first excerpt.MaxItems ignored keys,
// each by its excerpt, and counts the rest: a producer of long unknown keys
// made a line of megabytes. Configure still returns every key.
func TestConfigureLogsABoundedListOfIgnoredKeys(t *testing.T) {
	var logs bytes.Buffer
	p := kafka.NewPublisher(kafka.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	t.Cleanup(func() { _ = p.Close() })
	producer := map[string]string{"bootstrap.servers": "127.0.0.1:1"}
	for i := range 30 {
		producer[fmt.Sprintf("unknown.%02d.", i)+strings.Repeat("x", 64<<10)] = "v"
	}
	ignored, err := p.Configure(context.Background(), integration.Kafka{Enabled: true, DefaultTopic: "events", Producer: producer})
	require.NoError(t, err)
	require.Len(t, ignored, 30)
	out := logs.String()
	require.Less(t, len(out), 8<<10, "the line stays small")
	require.Contains(t, out, "kafka producer configured")
	require.Contains(t, out, excerpt.Of(ignored[0]))
	require.Contains(t, out, "and 10 more")
	require.NotContains(t, out, "unknown.20.")
}

// Under an engine, one Kafka configuration is one line at Info, the
// relay's: the publisher and the relay both logged it at Info.
func TestEngineLogsAConfigurationOnce(t *testing.T) {
	c := newCluster(t)
	var logs logtest.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{authcore.WithLogger(log),
		authcore.WithKafkaPublisher(kafka.NewPublisher(kafka.WithLogger(log))), authcore.WithRelay(eventstest.FastRelay),
	}})
	_, err := env.Engine.UpdateIntegrations(env.Ctx, integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: topic, Producer: producerFor(c)}})
	require.NoError(t, err)
	env.RunRelay()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "Kafka publisher configured") }, 10*time.Second, 5*time.Millisecond)
	require.Equal(t, 1, strings.Count(strings.ToLower(logs.String()), " configured"), "logs:\n%s", logs.String())
}
