package authcore_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/internal/logtest"
	"github.com/authcore/authcore/store/memstore"
)

// unknownKeys is a KafkaPublisher that ignores every producer key but
// bootstrap.servers, as events/kafka ignores the keys it does not know.
type unknownKeys struct{}

func (unknownKeys) Publish(_ context.Context, evs []*authcore.OutboxEvent) (int, error) {
	return len(evs), nil
}

func (unknownKeys) Configure(_ context.Context, cfg integration.Kafka) ([]string, error) {
	var ignored []string
	for k := range cfg.Producer {
		if k != "bootstrap.servers" {
			ignored = append(ignored, k)
		}
	}
	return ignored, nil
}

func (unknownKeys) Close() error { return nil }

// The event-log entry and the log line that report ignored producer keys
// name at most excerpt.MaxItems keys, each by its excerpt, and count the
// rest: they joined every key whole, so a producer of long unknown keys
// made one entry, and one log line, of megabytes.
func TestIgnoredProducerKeysAreBounded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs logtest.Buffer
	e, err := authcore.New(ctx, memstore.New(), authcore.WithKafkaPublisher(unknownKeys{}),
		authcore.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)

	producer := map[string]string{"bootstrap.servers": "kafka:9092"}
	var keys []string
	for i := range 60 {
		k := fmt.Sprintf("unknown.%02d.", i) + strings.Repeat("x", 64<<10)
		producer[k] = "v"
		keys = append(keys, k)
	}
	slices.Sort(keys)
	_, err = e.UpdateIntegrations(ctx, integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: "events", Producer: producer}})
	require.NoError(t, err)

	done := make(chan error, 1)
	go func() { done <- e.RunRelay(ctx) }()
	defer func() { cancel(); <-done }()
	var entry *authcore.EventLog
	require.Eventually(t, func() bool {
		res, err := e.SearchEventLogs(ctx, authcore.EventLogSearchCriteria{Type: authcore.EventLogInformation, Message: "*ignored*"})
		if err != nil || res.Total == 0 {
			return false
		}
		entry = res.EventLogs[0]
		return true
	}, 10*time.Second, 5*time.Millisecond, "the relay reports the ignored keys")

	// Compared by length first: a failure would print megabytes.
	require.Less(t, len(entry.Message), 8<<10, "the entry stays small")
	want := fmt.Sprintf("Kafka producer settings not supported by authcore, ignored: [%s].", excerpt.List(keys))
	assert.Equal(t, want, entry.Message)
	assert.Contains(t, entry.Message, "["+excerpt.Of(keys[0])+", "+excerpt.Of(keys[1])+", ")
	assert.Contains(t, entry.Message, excerpt.Of(keys[19])+", and 40 more].")
	assert.NotContains(t, entry.Message, "unknown.20.", "only the first 20 keys are named")

	var line string
	for l := range strings.Lines(logs.String()) {
		if strings.Contains(l, "Kafka producer settings ignored") {
			line = l
		}
	}
	require.NotEmpty(t, line, "the warning is logged")
	require.Less(t, len(line), 8<<10, "the log line stays small")
	assert.Contains(t, line, "and 40 more")
}
