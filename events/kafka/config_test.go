package kafka_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/authcore/authcore/events/kafka"
)

func TestProducerOptions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		producer map[string]string
		ignored  []string
		err      string
	}{
		{"FusionAuth's defaults", map[string]string{"bootstrap.servers": "localhost:9092", "max.block.ms": "5000", "request.timeout.ms": "2000"}, nil, ""},
		{"every supported key", map[string]string{
			"bootstrap.servers": "a:9092, b:9092", "client.id": "authcore", "acks": "1", "compression.type": "zstd",
			"linger.ms": "5", "delivery.timeout.ms": "30000", "max.request.size": "1048576", "retries": "5",
			"enable.idempotence": "false", "key.serializer": "org.apache.kafka.common.serialization.StringSerializer",
			"value.serializer":  "org.apache.kafka.common.serialization.StringSerializer",
			"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
			"sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p\"q";`,
		}, nil, ""},
		{"unknown keys and unreadable values are ignored, never refused", map[string]string{
			"bootstrap.servers": "k:9092", "batch.size": "16384", "acks": "some", "linger.ms": "-1", "compression.type": "brotli",
		}, []string{"acks (not all, -1, 1 or 0)", "batch.size", "compression.type (not none, gzip, snappy, lz4 or zstd)", "linger.ms (not a number of milliseconds)"}, ""},
		{"no broker", map[string]string{"bootstrap.servers": " , "}, nil, "bootstrap.servers"},
		{"an unknown protocol never falls back to plaintext", map[string]string{"bootstrap.servers": "k:9092", "security.protocol": "SSLv2"}, nil, "security.protocol"},
		{"SASL without credentials", map[string]string{"bootstrap.servers": "k:9092", "security.protocol": "SASL_PLAINTEXT"}, nil, "sasl.jaas.config"},
		{"unknown SASL mechanism", map[string]string{"bootstrap.servers": "k:9092", "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "GSSAPI", "sasl.jaas.config": `x username="u" password="p";`}, nil, "sasl.mechanism"},
		{"host name verification cannot be turned off", map[string]string{"bootstrap.servers": "k:9092", "security.protocol": "SSL", "ssl.endpoint.identification.algorithm": "none"}, nil, "ssl.endpoint.identification.algorithm"},
		{"a truststore that is not PEM", map[string]string{"bootstrap.servers": "k:9092", "security.protocol": "SSL", "ssl.truststore.certificates": "not a certificate"}, nil, "PEM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, ignored, err := kafka.ProducerOptions(tc.producer)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.ignored, ignored)
		})
	}
}

func TestSupportedKeysAreApplied(t *testing.T) {
	// Every key the README promises is one ProducerOptions reads.
	for key := range kafka.SupportedKeys {
		p := map[string]string{"bootstrap.servers": "k:9092", key: "x"}
		_, _, ignored, _ := kafka.ProducerOptions(p)
		require.NotContains(t, ignored, key, "%s is supported, so never ignored as unknown", key)
	}
}

// TestHugeMillisecondsDoNotWrap: a number of milliseconds too large for a
// time.Duration means "as long as can be", never a wrapped-around value: a
// max.block.ms of 18446744073710 (about 585 years) wrapped to 448µs, so every
// delivery attempt timed out and events never left the outbox.
func TestHugeMillisecondsDoNotWrap(t *testing.T) {
	for _, v := range []string{"18446744073710", "10000000000000", "9223372036854775807"} {
		_, set, ignored, err := kafka.ProducerOptions(map[string]string{"bootstrap.servers": "k:9092", "max.block.ms": v})
		require.NoError(t, err)
		require.Empty(t, ignored)
		require.GreaterOrEqual(t, set.MaxBlock, 100*365*24*time.Hour, "max.block.ms %s", v)
	}
}

// A refused producer setting is named, never quoted: the error reaches the
// log and the event log, and an administrator may have pasted a secret into
// the wrong key.
func TestConfigErrorsQuoteNoValue(t *testing.T) {
	const secret = "hunter2-not-a-protocol"
	for _, producer := range []map[string]string{
		{"bootstrap.servers": "k:9092", "security.protocol": secret},
		{"bootstrap.servers": "k:9092", "security.protocol": "SSL", "ssl.endpoint.identification.algorithm": secret},
		{"bootstrap.servers": "k:9092", "security.protocol": "SSL", "ssl.truststore.type": secret, "ssl.truststore.certificates": "-----BEGIN CERTIFICATE-----"},
		{"bootstrap.servers": "k:9092", "security.protocol": "SASL_SSL", "sasl.mechanism": secret, "sasl.jaas.config": `x username="u" password="p";`},
	} {
		_, _, _, err := kafka.ProducerOptions(producer)
		require.Error(t, err)
		require.NotContains(t, err.Error(), secret)
	}
}

// retries is Kafka's number of retries after the first try, so 0 means one
// try and no retry. It was read as "not given" and left franz-go's
// unlimited default in place, without saying so: a producer configured not
// to retry retried for ever.
func TestRetriesZeroMeansNoRetry(t *testing.T) {
	for v, want := range map[string]int64{"0": 0, "3": 3} {
		opts, _, ignored, err := kafka.ProducerOptions(map[string]string{"bootstrap.servers": "k:9092", "retries": v})
		require.NoError(t, err)
		require.Empty(t, ignored)
		cl, err := kgo.NewClient(opts...)
		require.NoError(t, err)
		got := cl.OptValue(kgo.RecordRetries)
		cl.Close()
		require.Equal(t, want, got, "retries=%s", v)
	}
}
