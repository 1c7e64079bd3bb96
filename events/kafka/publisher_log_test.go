package kafka_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/events/kafka"
	"github.com/authcore/authcore/integration"
)

// The publisher logs a configuration through WithLogger's logger: the
// topic and the names of ignored keys, never a producer value (a SASL
// password is one).
func TestConfigureLogsThroughItsLogger(t *testing.T) {
	var logs bytes.Buffer
	p := kafka.NewPublisher(kafka.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
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
