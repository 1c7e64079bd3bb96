package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// SupportedKeys are the producer keys ProducerOptions applies, with what
// each becomes. The README lists them.
var SupportedKeys = map[string]string{
	"bootstrap.servers":                     "the seed brokers (comma-separated host:port)",
	"client.id":                             "the client id sent to the brokers",
	"acks":                                  "all (or -1), 1 or 0; 1 and 0 turn idempotent writes off",
	"enable.idempotence":                    "false turns idempotent writes off (on by default)",
	"compression.type":                      "none, gzip, snappy, lz4 or zstd",
	"linger.ms":                             "how long a partition waits for more records",
	"request.timeout.ms":                    "how long a broker may take to answer a produce request",
	"max.block.ms":                          "how long one delivery attempt of a batch may block before the relay backs off and retries",
	"delivery.timeout.ms":                   "how long a record may wait to be delivered",
	"max.request.size":                      "the largest batch sent",
	"retries":                               "how many times a failed record is tried again (0: tried once; default: without limit)",
	"security.protocol":                     "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL",
	"sasl.mechanism":                        "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
	"sasl.jaas.config":                      `the username="…" and password="…" of a PlainLoginModule or ScramLoginModule entry`,
	"ssl.truststore.type":                   "PEM (the only type read)",
	"ssl.truststore.certificates":           "PEM CA certificates that verify the brokers (default: the system's)",
	"ssl.endpoint.identification.algorithm": "https (the default) checks the broker's host name; no other value is accepted",
	"key.serializer":                        "accepted and unused: keys are always UTF-8 strings",
	"value.serializer":                      "accepted and unused: values are always UTF-8 JSON",
}

// Settings are the producer settings authcore applies itself rather than
// hand to franz-go.
type Settings struct {
	// MaxBlock bounds one Publish call (max.block.ms); 0: only the caller's
	// context does.
	MaxBlock time.Duration
}

var jaasField = regexp.MustCompile(`(username|password)\s*=\s*"((?:[^"\\]|\\.)*)"`)

// ProducerOptions translates a producer map to franz-go options. It returns
// the keys it ignores (unknown keys, and known keys whose value it cannot
// read, named "key (why)"), sorted. A setting that would change how the
// connection is secured and cannot be honoured is an error, never ignored:
// an unreadable security.protocol must not fall back to plaintext.
func ProducerOptions(producer map[string]string) ([]kgo.Opt, Settings, []string, error) {
	var (
		opts     []kgo.Opt
		set      Settings
		ignored  []string
		idem     = true
		acks     = kgo.AllISRAcks()
		ackSet   bool
		protocol = "PLAINTEXT"
	)
	millis := func(k, v string, apply func(time.Duration)) {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 {
			ignored = append(ignored, k+" (not a number of milliseconds)")
			return
		}
		// More milliseconds than a time.Duration holds (about 292 years)
		// mean as long as can be, not a product that wrapped around.
		n = min(n, int64(math.MaxInt64/time.Millisecond))
		apply(time.Duration(n) * time.Millisecond)
	}
	for k, v := range producer {
		v = strings.TrimSpace(v)
		switch k {
		case "bootstrap.servers":
			var seeds []string
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					seeds = append(seeds, s)
				}
			}
			if len(seeds) == 0 {
				return nil, set, nil, errors.New("kafka: bootstrap.servers names no broker")
			}
			opts = append(opts, kgo.SeedBrokers(seeds...))
		case "client.id":
			opts = append(opts, kgo.ClientID(v))
		case "acks":
			switch strings.ToLower(v) {
			case "all", "-1":
				acks = kgo.AllISRAcks()
			case "1":
				acks, idem = kgo.LeaderAck(), false
			case "0":
				acks, idem = kgo.NoAck(), false
			default:
				ignored = append(ignored, k+" (not all, -1, 1 or 0)")
				continue
			}
			ackSet = true
		case "enable.idempotence":
			switch strings.ToLower(v) {
			case "true":
			case "false":
				idem = false
			default:
				ignored = append(ignored, k+" (not true or false)")
			}
		case "compression.type":
			var c kgo.CompressionCodec
			switch strings.ToLower(v) {
			case "none":
				c = kgo.NoCompression()
			case "gzip":
				c = kgo.GzipCompression()
			case "snappy":
				c = kgo.SnappyCompression()
			case "lz4":
				c = kgo.Lz4Compression()
			case "zstd":
				c = kgo.ZstdCompression()
			default:
				ignored = append(ignored, k+" (not none, gzip, snappy, lz4 or zstd)")
				continue
			}
			opts = append(opts, kgo.ProducerBatchCompression(c))
		case "linger.ms":
			millis(k, v, func(d time.Duration) { opts = append(opts, kgo.ProducerLinger(d)) })
		case "request.timeout.ms":
			millis(k, v, func(d time.Duration) {
				if d > 0 {
					opts = append(opts, kgo.ProduceRequestTimeout(d))
				}
			})
		case "max.block.ms":
			millis(k, v, func(d time.Duration) { set.MaxBlock = d })
		case "delivery.timeout.ms":
			millis(k, v, func(d time.Duration) {
				if d > 0 {
					opts = append(opts, kgo.RecordDeliveryTimeout(d))
				}
			})
		case "max.request.size":
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil || n <= 0 {
				ignored = append(ignored, k+" (not a positive number of bytes)")
				continue
			}
			opts = append(opts, kgo.ProducerBatchMaxBytes(int32(n)))
		case "retries":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				ignored = append(ignored, k+" (not a number)")
				continue
			}
			// Kafka's retries counts the tries after the first, as
			// franz-go's RecordRetries does: 0 is one try. It is applied
			// as given, 0 included, or franz-go's unlimited default would
			// stand for a producer configured not to retry.
			opts = append(opts, kgo.RecordRetries(n))
		case "security.protocol":
			protocol = strings.ToUpper(v)
		case "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.type", "ssl.truststore.certificates",
			"ssl.endpoint.identification.algorithm", "key.serializer", "value.serializer":
			// Read with security.protocol below, or accepted as no-ops.
		default:
			ignored = append(ignored, k)
		}
	}
	if ackSet || !idem {
		opts = append(opts, kgo.RequiredAcks(acks))
	}
	if !idem {
		opts = append(opts, kgo.DisableIdempotentWrite())
	}
	sec, err := security(protocol, producer)
	if err != nil {
		return nil, set, nil, err
	}
	opts = append(opts, sec...)
	sort.Strings(ignored)
	return opts, set, ignored, nil
}

// security reads security.protocol and the SASL and TLS keys it needs.
func security(protocol string, p map[string]string) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	useTLS, useSASL := false, false
	switch protocol {
	case "PLAINTEXT":
	case "SSL":
		useTLS = true
	case "SASL_PLAINTEXT":
		useSASL = true
	case "SASL_SSL":
		useTLS, useSASL = true, true
	default:
		return nil, errors.New("kafka: security.protocol is not PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
	}
	if useTLS {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if alg := strings.TrimSpace(p["ssl.endpoint.identification.algorithm"]); alg != "" && !strings.EqualFold(alg, "https") {
			return nil, errors.New("kafka: ssl.endpoint.identification.algorithm: only https (host name verification) is supported")
		}
		if pem := strings.TrimSpace(p["ssl.truststore.certificates"]); pem != "" {
			if t := strings.TrimSpace(p["ssl.truststore.type"]); t != "" && !strings.EqualFold(t, "PEM") {
				return nil, errors.New("kafka: ssl.truststore.type: only PEM is supported")
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM([]byte(pem)) {
				return nil, errors.New("kafka: ssl.truststore.certificates holds no PEM certificate")
			}
			cfg.RootCAs = pool
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	if useSASL {
		user, pass := "", ""
		for _, m := range jaasField.FindAllStringSubmatch(p["sasl.jaas.config"], -1) {
			val := strings.ReplaceAll(strings.ReplaceAll(m[2], `\"`, `"`), `\\`, `\`)
			if m[1] == "username" {
				user = val
			} else {
				pass = val
			}
		}
		if user == "" {
			return nil, errors.New("kafka: SASL needs sasl.jaas.config with a username and a password")
		}
		var mech sasl.Mechanism
		switch strings.ToUpper(strings.TrimSpace(p["sasl.mechanism"])) {
		case "", "PLAIN":
			mech = plain.Auth{User: user, Pass: pass}.AsMechanism()
		case "SCRAM-SHA-256":
			mech = scram.Auth{User: user, Pass: pass}.AsSha256Mechanism()
		case "SCRAM-SHA-512":
			mech = scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()
		default:
			return nil, errors.New("kafka: sasl.mechanism is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
		}
		opts = append(opts, kgo.SASL(mech))
	}
	return opts, nil
}
