package kafka_test

import (
	"context"
	"crypto/tls"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"

	"github.com/authcore/authcore/events/kafka"
)

// TestSecurityOptions pins what each security.protocol builds: whether the
// connection is TLS, and which SASL mechanism, under which name, with which
// credentials. TestProducerOptions only checks that SCRAM is accepted.
func TestSecurityOptions(t *testing.T) {
	const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="u\\v" password="p\"q";`
	for _, tc := range []struct {
		name     string
		producer map[string]string
		tls      bool
		mech     string // "": no SASL
		first    string // the mechanism's first message, up to its nonce
	}{
		{"plaintext", map[string]string{"security.protocol": "PLAINTEXT"}, false, "", ""},
		{"ssl", map[string]string{"security.protocol": "SSL"}, true, "", ""},
		{"ssl with https spelled in capitals", map[string]string{"security.protocol": "SSL", "ssl.endpoint.identification.algorithm": " HTTPS "}, true, "", ""},
		{"ssl ignores a truststore type without certificates", map[string]string{"security.protocol": "SSL", "ssl.truststore.type": "JKS"}, true, "", ""},
		{"sasl plaintext defaults to PLAIN", map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.jaas.config": jaas}, false, "PLAIN", "\x00u\\v\x00p\"q"},
		{"sasl plain", map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": " plain ", "sasl.jaas.config": jaas}, false, "PLAIN", "\x00u\\v\x00p\"q"},
		{"sasl scram-sha-256", map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "scram-sha-256", "sasl.jaas.config": jaas}, false, "SCRAM-SHA-256", "n,,n=u\\v,r="},
		{"sasl_ssl scram-sha-512", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "sasl.jaas.config": jaas}, true, "SCRAM-SHA-512", "n,,n=u\\v,r="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := map[string]string{"bootstrap.servers": "k:9092"}
			for k, v := range tc.producer {
				p[k] = v
			}
			opts, _, ignored, err := kafka.ProducerOptions(p)
			require.NoError(t, err)
			require.Empty(t, ignored)
			require.Equal(t, tc.tls, optValue(t, opts, kgo.DialTLS))
			if tc.tls {
				cfg, ok := optValue(t, opts, kgo.DialTLSConfig).(*tls.Config)
				require.True(t, ok)
				require.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)
				require.Nil(t, cfg.RootCAs, "no truststore: the system's roots")
			}
			mechs, ok := optValue(t, opts, kgo.SASL).([]sasl.Mechanism)
			require.True(t, ok)
			if tc.mech == "" {
				require.Empty(t, mechs)
				return
			}
			require.Len(t, mechs, 1)
			require.Equal(t, tc.mech, mechs[0].Name())
			_, first, err := mechs[0].Authenticate(context.Background(), "k:9092")
			require.NoError(t, err)
			require.Equal(t, tc.first, string(first)[:min(len(first), len(tc.first))])
		})
	}
}

// TestSecurityTruststore: certificates in the truststore become the only
// roots; a type other than PEM is refused only when certificates are given.
func TestSecurityTruststore(t *testing.T) {
	_, caPEM := selfSigned(t)
	p := map[string]string{"bootstrap.servers": "k:9092", "security.protocol": "SSL", "ssl.truststore.type": "pem", "ssl.truststore.certificates": caPEM}
	opts, _, _, err := kafka.ProducerOptions(p)
	require.NoError(t, err)
	cfg, ok := optValue(t, opts, kgo.DialTLSConfig).(*tls.Config)
	require.True(t, ok)
	require.NotNil(t, cfg.RootCAs)

	p["ssl.truststore.type"] = "JKS"
	_, _, _, err = kafka.ProducerOptions(p)
	require.EqualError(t, err, "kafka: ssl.truststore.type: only PEM is supported")
}

// TestSecurityErrorOrder pins which refusal wins when several settings are
// wrong: the protocol first, then TLS's keys in their order, then SASL's.
func TestSecurityErrorOrder(t *testing.T) {
	for _, tc := range []struct {
		name     string
		producer map[string]string
		err      string
	}{
		{"protocol before all", map[string]string{"security.protocol": "TLS", "ssl.endpoint.identification.algorithm": "none", "sasl.mechanism": "GSSAPI"},
			"kafka: security.protocol is not PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"},
		{"host name verification before the truststore", map[string]string{"security.protocol": "SASL_SSL", "ssl.endpoint.identification.algorithm": "none", "ssl.truststore.type": "JKS", "ssl.truststore.certificates": "x"},
			"kafka: ssl.endpoint.identification.algorithm: only https (host name verification) is supported"},
		{"truststore type before its certificates", map[string]string{"security.protocol": "SSL", "ssl.truststore.type": "JKS", "ssl.truststore.certificates": "x"},
			"kafka: ssl.truststore.type: only PEM is supported"},
		{"certificates before SASL", map[string]string{"security.protocol": "SASL_SSL", "ssl.truststore.certificates": "x", "sasl.mechanism": "GSSAPI"},
			"kafka: ssl.truststore.certificates holds no PEM certificate"},
		{"credentials before the mechanism", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "GSSAPI", "sasl.jaas.config": `x password="p";`},
			"kafka: SASL needs sasl.jaas.config with a username and a password"},
		{"an unknown mechanism", map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "OAUTHBEARER", "sasl.jaas.config": `x username="u" password="p";`},
			"kafka: sasl.mechanism is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := map[string]string{"bootstrap.servers": "k:9092"}
			for k, v := range tc.producer {
				p[k] = v
			}
			opts, _, _, err := kafka.ProducerOptions(p)
			require.EqualError(t, err, tc.err)
			require.Nil(t, opts)
		})
	}
}
