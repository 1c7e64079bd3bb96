package kafka_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/authcore/authcore/events/kafka"
)

// optValue builds the client the options describe, as the publisher does,
// and reads one setting back: what franz-go was told, not how.
func optValue(t *testing.T, opts []kgo.Opt, opt any) any {
	t.Helper()
	cl, err := kgo.NewClient(opts...)
	require.NoError(t, err)
	defer cl.Close()
	return cl.OptValue(opt)
}

// TestProducerOptionsValues pins what each supported key becomes in
// franz-go, value by value, and which unreadable values are ignored and
// why: TestProducerOptions only looks at the ignored keys and the errors.
func TestProducerOptionsValues(t *testing.T) {
	defaults, _, _, err := kafka.ProducerOptions(map[string]string{"bootstrap.servers": "k:9092"})
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		producer map[string]string
		opt      any
		want     func(defaults []kgo.Opt) any
		ignored  []string
	}{
		{"seed brokers trimmed, blanks dropped", map[string]string{"bootstrap.servers": " a:1 , ,b:2 "}, kgo.SeedBrokers, fixed([]string{"a:1", "b:2"}), nil},
		{"client id", map[string]string{"client.id": " me "}, kgo.ClientID, fixed("me"), nil},
		{"acks all", map[string]string{"acks": "ALL"}, kgo.RequiredAcks, fixed(kgo.AllISRAcks()), nil},
		{"acks -1", map[string]string{"acks": "-1"}, kgo.RequiredAcks, fixed(kgo.AllISRAcks()), nil},
		{"acks 1", map[string]string{"acks": "1"}, kgo.RequiredAcks, fixed(kgo.LeaderAck()), nil},
		{"acks 0", map[string]string{"acks": "0"}, kgo.RequiredAcks, fixed(kgo.NoAck()), nil},
		{"acks 1 turns idempotence off", map[string]string{"acks": "1"}, kgo.DisableIdempotentWrite, fixed(true), nil},
		{"acks all keeps idempotence", map[string]string{"acks": "all"}, kgo.DisableIdempotentWrite, fixed(false), nil},
		{"unreadable acks", map[string]string{"acks": "2"}, kgo.DisableIdempotentWrite, fixed(false), []string{"acks (not all, -1, 1 or 0)"}},
		{"idempotence true", map[string]string{"enable.idempotence": "TRUE"}, kgo.DisableIdempotentWrite, fixed(false), nil},
		{"idempotence false", map[string]string{"enable.idempotence": "false"}, kgo.DisableIdempotentWrite, fixed(true), nil},
		{"idempotence false keeps all acks", map[string]string{"enable.idempotence": "false"}, kgo.RequiredAcks, fixed(kgo.AllISRAcks()), nil},
		{"unreadable idempotence", map[string]string{"enable.idempotence": "maybe"}, kgo.DisableIdempotentWrite, fixed(false), []string{"enable.idempotence (not true or false)"}},
		{"compression none", map[string]string{"compression.type": "none"}, kgo.ProducerBatchCompression, fixed([]kgo.CompressionCodec{kgo.NoCompression()}), nil},
		{"compression gzip", map[string]string{"compression.type": "GZIP"}, kgo.ProducerBatchCompression, fixed([]kgo.CompressionCodec{kgo.GzipCompression()}), nil},
		{"compression snappy", map[string]string{"compression.type": "snappy"}, kgo.ProducerBatchCompression, fixed([]kgo.CompressionCodec{kgo.SnappyCompression()}), nil},
		{"compression lz4", map[string]string{"compression.type": "lz4"}, kgo.ProducerBatchCompression, fixed([]kgo.CompressionCodec{kgo.Lz4Compression()}), nil},
		{"compression zstd", map[string]string{"compression.type": "zstd"}, kgo.ProducerBatchCompression, fixed([]kgo.CompressionCodec{kgo.ZstdCompression()}), nil},
		{"linger", map[string]string{"linger.ms": " 5 "}, kgo.ProducerLinger, fixed(5 * time.Millisecond), nil},
		{"linger zero", map[string]string{"linger.ms": "0"}, kgo.ProducerLinger, fixed(time.Duration(0)), nil},
		{"request timeout", map[string]string{"request.timeout.ms": "2000"}, kgo.ProduceRequestTimeout, fixed(2 * time.Second), nil},
		{"request timeout zero keeps the default", map[string]string{"request.timeout.ms": "0"}, kgo.ProduceRequestTimeout, byDefault(kgo.ProduceRequestTimeout), nil},
		{"unreadable request timeout", map[string]string{"request.timeout.ms": "soon"}, kgo.ProduceRequestTimeout, byDefault(kgo.ProduceRequestTimeout), []string{"request.timeout.ms (not a number of milliseconds)"}},
		{"delivery timeout", map[string]string{"delivery.timeout.ms": "30000"}, kgo.RecordDeliveryTimeout, fixed(30 * time.Second), nil},
		{"delivery timeout zero keeps the default", map[string]string{"delivery.timeout.ms": "0"}, kgo.RecordDeliveryTimeout, byDefault(kgo.RecordDeliveryTimeout), nil},
		{"unreadable delivery timeout", map[string]string{"delivery.timeout.ms": "-5"}, kgo.RecordDeliveryTimeout, byDefault(kgo.RecordDeliveryTimeout), []string{"delivery.timeout.ms (not a number of milliseconds)"}},
		{"max request size", map[string]string{"max.request.size": "1000"}, kgo.ProducerBatchMaxBytes, fixed(int32(1000)), nil},
		{"max request size zero", map[string]string{"max.request.size": "0"}, kgo.ProducerBatchMaxBytes, byDefault(kgo.ProducerBatchMaxBytes), []string{"max.request.size (not a positive number of bytes)"}},
		{"max request size beyond int32", map[string]string{"max.request.size": "4294967296"}, kgo.ProducerBatchMaxBytes, byDefault(kgo.ProducerBatchMaxBytes), []string{"max.request.size (not a positive number of bytes)"}},
		{"retries", map[string]string{"retries": "7"}, kgo.RecordRetries, fixed(int64(7)), nil},
		{"unreadable retries", map[string]string{"retries": "-1"}, kgo.RecordRetries, byDefault(kgo.RecordRetries), []string{"retries (not a number)"}},
		{"a lower-case protocol is read", map[string]string{"security.protocol": "ssl"}, kgo.DialTLS, fixed(true), nil},
		{"plaintext by default", map[string]string{}, kgo.DialTLS, fixed(false), nil},
		{"accepted no-op keys", map[string]string{"key.serializer": "x", "value.serializer": "y", "sasl.mechanism": "PLAIN", "ssl.truststore.type": "JKS"}, kgo.DialTLS, fixed(false), nil},
		{"several ignored keys, sorted", map[string]string{"zeta": "1", "acks": "x", "alpha": "2"}, kgo.DialTLS, fixed(false), []string{"acks (not all, -1, 1 or 0)", "alpha", "zeta"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := map[string]string{"bootstrap.servers": "k:9092"}
			for k, v := range tc.producer {
				p[k] = v
			}
			opts, _, ignored, err := kafka.ProducerOptions(p)
			require.NoError(t, err)
			require.Equal(t, tc.ignored, ignored)
			require.Equal(t, tc.want(defaults), optValue(t, opts, tc.opt))
		})
	}
}

func fixed(v any) func([]kgo.Opt) any { return func([]kgo.Opt) any { return v } }

// byDefault is franz-go's own value: the key changed nothing.
func byDefault(opt any) func([]kgo.Opt) any {
	return func(defaults []kgo.Opt) any {
		cl, err := kgo.NewClient(defaults...)
		if err != nil {
			return err
		}
		defer cl.Close()
		return cl.OptValue(opt)
	}
}

// TestMaxBlockSetting: max.block.ms is authcore's own setting, not an
// option; an unreadable one leaves it 0 (only the caller's context bounds a
// publish) and says why.
func TestMaxBlockSetting(t *testing.T) {
	_, set, ignored, err := kafka.ProducerOptions(map[string]string{"bootstrap.servers": "k:9092", "max.block.ms": "1500"})
	require.NoError(t, err)
	require.Empty(t, ignored)
	require.Equal(t, 1500*time.Millisecond, set.MaxBlock)

	_, set, ignored, err = kafka.ProducerOptions(map[string]string{"bootstrap.servers": "k:9092", "max.block.ms": "x"})
	require.NoError(t, err)
	require.Equal(t, []string{"max.block.ms (not a number of milliseconds)"}, ignored)
	require.Zero(t, set.MaxBlock)
}
