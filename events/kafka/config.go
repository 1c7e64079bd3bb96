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
	c := producerConfig{idem: true, acks: kgo.AllISRAcks(), protocol: "PLAINTEXT"}
	for k, v := range producer {
		if err := c.read(k, strings.TrimSpace(v)); err != nil {
			return nil, c.set, nil, err
		}
	}
	// acks and enable.idempotence are applied once both are read: either
	// may turn idempotent writes off, and franz-go refuses acks other than
	// all while they are on.
	if c.ackSet || !c.idem {
		c.opts = append(c.opts, kgo.RequiredAcks(c.acks))
	}
	if !c.idem {
		c.opts = append(c.opts, kgo.DisableIdempotentWrite())
	}
	sec, err := security(c.protocol, producer)
	if err != nil {
		return nil, c.set, nil, err
	}
	c.opts = append(c.opts, sec...)
	sort.Strings(c.ignored)
	return c.opts, c.set, c.ignored, nil
}

// producerConfig is what ProducerOptions has read so far. The keys are
// dispatched by a switch to methods rather than through a map of handlers:
// a call through a func value would move the config to the heap.
type producerConfig struct {
	opts     []kgo.Opt
	set      Settings
	ignored  []string
	idem     bool
	acks     kgo.Acks
	ackSet   bool
	protocol string
}

// read applies one producer key; only bootstrap.servers can fail, since an
// unreadable value of any other key is ignored (and named).
func (c *producerConfig) read(k, v string) error {
	switch k {
	case "bootstrap.servers":
		return c.seedBrokers(v)
	case "client.id":
		c.opts = append(c.opts, kgo.ClientID(v))
	case "acks":
		c.readAcks(v)
	case "enable.idempotence":
		c.readIdempotence(v)
	case "compression.type":
		c.readCompression(v)
	case "linger.ms", "request.timeout.ms", "max.block.ms", "delivery.timeout.ms":
		c.readMillis(k, v)
	case "max.request.size":
		c.readMaxRequestSize(v)
	case "retries":
		c.readRetries(v)
	case "security.protocol":
		c.protocol = strings.ToUpper(v)
	case "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.type", "ssl.truststore.certificates",
		"ssl.endpoint.identification.algorithm", "key.serializer", "value.serializer":
		// Read with security.protocol by security, or accepted as no-ops.
	default:
		c.ignored = append(c.ignored, k)
	}
	return nil
}

// seedBrokers refuses a list without a broker: a producer with no broker
// to connect to could never deliver, so it is no setting to ignore.
func (c *producerConfig) seedBrokers(v string) error {
	var seeds []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			seeds = append(seeds, s)
		}
	}
	if len(seeds) == 0 {
		return errors.New("kafka: bootstrap.servers names no broker")
	}
	c.opts = append(c.opts, kgo.SeedBrokers(seeds...))
	return nil
}

// readAcks notes the acks; franz-go only writes idempotently with all of
// them, so 1 and 0 turn idempotent writes off.
func (c *producerConfig) readAcks(v string) {
	switch strings.ToLower(v) {
	case "all", "-1":
		c.acks = kgo.AllISRAcks()
	case "1":
		c.acks, c.idem = kgo.LeaderAck(), false
	case "0":
		c.acks, c.idem = kgo.NoAck(), false
	default:
		c.ignored = append(c.ignored, "acks (not all, -1, 1 or 0)")
		return
	}
	c.ackSet = true
}

func (c *producerConfig) readIdempotence(v string) {
	switch strings.ToLower(v) {
	case "true":
	case "false":
		c.idem = false
	default:
		c.ignored = append(c.ignored, "enable.idempotence (not true or false)")
	}
}

// codecs are compression.type's values; franz-go's codecs are values, so
// the table holds their constructors.
var codecs = map[string]func() kgo.CompressionCodec{
	"none":   kgo.NoCompression,
	"gzip":   kgo.GzipCompression,
	"snappy": kgo.SnappyCompression,
	"lz4":    kgo.Lz4Compression,
	"zstd":   kgo.ZstdCompression,
}

func (c *producerConfig) readCompression(v string) {
	codec, ok := codecs[strings.ToLower(v)]
	if !ok {
		c.ignored = append(c.ignored, "compression.type (not none, gzip, snappy, lz4 or zstd)")
		return
	}
	c.opts = append(c.opts, kgo.ProducerBatchCompression(codec()))
}

// readMillis reads the keys whose value is a number of milliseconds. A
// timeout of 0 leaves franz-go's default, which has no "no timeout".
func (c *producerConfig) readMillis(k, v string) {
	d, ok := millis(v)
	if !ok {
		c.ignored = append(c.ignored, k+" (not a number of milliseconds)")
		return
	}
	switch k {
	case "linger.ms":
		c.opts = append(c.opts, kgo.ProducerLinger(d))
	case "max.block.ms":
		c.set.MaxBlock = d
	case "request.timeout.ms":
		if d > 0 {
			c.opts = append(c.opts, kgo.ProduceRequestTimeout(d))
		}
	case "delivery.timeout.ms":
		if d > 0 {
			c.opts = append(c.opts, kgo.RecordDeliveryTimeout(d))
		}
	}
}

// millis reads a non-negative number of milliseconds.
func millis(v string) (time.Duration, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	// More milliseconds than a time.Duration holds (about 292 years)
	// mean as long as can be, not a product that wrapped around.
	n = min(n, int64(math.MaxInt64/time.Millisecond))
	return time.Duration(n) * time.Millisecond, true
}

func (c *producerConfig) readMaxRequestSize(v string) {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n <= 0 {
		c.ignored = append(c.ignored, "max.request.size (not a positive number of bytes)")
		return
	}
	c.opts = append(c.opts, kgo.ProducerBatchMaxBytes(int32(n)))
}

func (c *producerConfig) readRetries(v string) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		c.ignored = append(c.ignored, "retries (not a number)")
		return
	}
	// Kafka's retries counts the tries after the first, as franz-go's
	// RecordRetries does: 0 is one try. It is applied as given, 0
	// included, or franz-go's unlimited default would stand for a
	// producer configured not to retry.
	c.opts = append(c.opts, kgo.RecordRetries(n))
}

// security reads security.protocol and the SASL and TLS keys it needs.
// TLS is read before SASL, so a configuration wrong in both is refused for
// its TLS keys.
func security(protocol string, p map[string]string) ([]kgo.Opt, error) {
	useTLS, useSASL, err := protocolLayers(protocol)
	if err != nil {
		return nil, err
	}
	var opts []kgo.Opt
	if useTLS {
		cfg, err := tlsConfig(p)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	if useSASL {
		mech, err := saslMechanism(p)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.SASL(mech))
	}
	return opts, nil
}

// protocolLayers says which of TLS and SASL a security.protocol asks for.
// An unknown protocol is an error rather than plaintext, so that a typo
// never sends credentials or events in the clear.
func protocolLayers(protocol string) (useTLS, useSASL bool, err error) {
	switch protocol {
	case "PLAINTEXT":
		return false, false, nil
	case "SSL":
		return true, false, nil
	case "SASL_PLAINTEXT":
		return false, true, nil
	case "SASL_SSL":
		return true, true, nil
	}
	return false, false, errors.New("kafka: security.protocol is not PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
}

// tlsConfig always verifies the broker's host name: turning that off would
// let anyone on the path pose as the broker, so no algorithm but https is
// accepted.
func tlsConfig(p map[string]string) (*tls.Config, error) {
	if alg := strings.TrimSpace(p["ssl.endpoint.identification.algorithm"]); alg != "" && !strings.EqualFold(alg, "https") {
		return nil, errors.New("kafka: ssl.endpoint.identification.algorithm: only https (host name verification) is supported")
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	pem := strings.TrimSpace(p["ssl.truststore.certificates"])
	if pem == "" {
		return cfg, nil
	}
	pool, err := truststore(p["ssl.truststore.type"], pem)
	if err != nil {
		return nil, err
	}
	cfg.RootCAs = pool
	return cfg, nil
}

// truststore reads the CA certificates that replace the system's roots.
// Its type only matters when certificates are given, since without them
// the system's roots are used whatever the type says.
func truststore(typ, pem string) (*x509.CertPool, error) {
	if t := strings.TrimSpace(typ); t != "" && !strings.EqualFold(t, "PEM") {
		return nil, errors.New("kafka: ssl.truststore.type: only PEM is supported")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(pem)) {
		return nil, errors.New("kafka: ssl.truststore.certificates holds no PEM certificate")
	}
	return pool, nil
}

// saslMechanism builds sasl.mechanism (PLAIN when unset, as Kafka's
// default) with the credentials of sasl.jaas.config. The credentials are
// checked first, so a missing username is named whatever the mechanism.
func saslMechanism(p map[string]string) (sasl.Mechanism, error) {
	user, pass := jaasCredentials(p["sasl.jaas.config"])
	if user == "" {
		return nil, errors.New("kafka: SASL needs sasl.jaas.config with a username and a password")
	}
	switch strings.ToUpper(strings.TrimSpace(p["sasl.mechanism"])) {
	case "", "PLAIN":
		return plain.Auth{User: user, Pass: pass}.AsMechanism(), nil
	case "SCRAM-SHA-256":
		return scram.Auth{User: user, Pass: pass}.AsSha256Mechanism(), nil
	case "SCRAM-SHA-512":
		return scram.Auth{User: user, Pass: pass}.AsSha512Mechanism(), nil
	}
	return nil, errors.New("kafka: sasl.mechanism is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
}

// jaasCredentials reads the username and password of a JAAS entry, undoing
// its escapes. A field given twice keeps its last value.
func jaasCredentials(jaas string) (user, pass string) {
	for _, m := range jaasField.FindAllStringSubmatch(jaas, -1) {
		val := strings.ReplaceAll(strings.ReplaceAll(m[2], `\"`, `"`), `\\`, `\`)
		if m[1] == "username" {
			user = val
		} else {
			pass = val
		}
	}
	return user, pass
}
