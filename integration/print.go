package integration

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/authcore/authcore/internal/redact"
)

// plainProducerKeys are the producer settings whose values are no secret
// and are worth seeing when debugging. Every other value is redacted when
// printed: sasl.jaas.config holds the SASL password, and the keys authcore
// does not apply (ssl.key.password, sasl.password, ssl.keystore.password…)
// may hold anything.
var plainProducerKeys = map[string]bool{
	"bootstrap.servers": true, "client.id": true, "acks": true, "enable.idempotence": true,
	"compression.type": true, "linger.ms": true, "request.timeout.ms": true, "max.block.ms": true,
	"delivery.timeout.ms": true, "max.request.size": true, "retries": true, "security.protocol": true,
	"sasl.mechanism": true, "ssl.truststore.type": true, "ssl.endpoint.identification.algorithm": true,
	"key.serializer": true, "value.serializer": true,
}

// String describes c with its API key redacted, and the password of its
// URL's user info.
func (c CleanSpeak) String() string {
	return fmt.Sprintf("{APIKey:%s ApplicationIDs:%v Enabled:%t URL:%q UsernameModeration:{ApplicationID:%q Enabled:%t}}",
		redact.IfSet(c.APIKey), c.ApplicationIDs, c.Enabled, redact.URL(c.URL), c.UsernameModeration.ApplicationID, c.UsernameModeration.Enabled)
}

// Format makes every fmt verb, %#v included, print String: the API key is
// a credential that a logged or printed configuration must not show.
func (c CleanSpeak) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue keeps the API key out of slog's output; the JSON handler would
// otherwise marshal the struct as the API returns it.
func (c CleanSpeak) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("apiKey", redact.IfSet(c.APIKey))}
	if len(c.ApplicationIDs) > 0 {
		attrs = append(attrs, slog.Any("applicationIds", c.ApplicationIDs))
	}
	return slog.GroupValue(append(attrs,
		slog.Bool("enabled", c.Enabled),
		slog.String("url", redact.URL(c.URL)),
		slog.Group("usernameModeration", slog.String("applicationId", c.UsernameModeration.ApplicationID),
			slog.Bool("enabled", c.UsernameModeration.Enabled)),
	)...)
}

// printableProducer returns the producer's keys, sorted, each with its
// value or, unless it is one of plainProducerKeys, "[redacted]".
func (k Kafka) printableProducer() [][2]string {
	keys := make([]string, 0, len(k.Producer))
	for key := range k.Producer {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	out := make([][2]string, len(keys))
	for i, key := range keys {
		v := k.Producer[key]
		if !plainProducerKeys[key] {
			v = redact.IfSet(v)
		}
		out[i] = [2]string{key, v}
	}
	return out
}

// String describes k with the values of producer settings that may hold
// a password redacted.
func (k Kafka) String() string {
	var b strings.Builder
	for i, kv := range k.printableProducer() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(kv[0] + ":" + kv[1])
	}
	return fmt.Sprintf("{DefaultTopic:%q Enabled:%t Producer:map[%s]}", k.DefaultTopic, k.Enabled, b.String())
}

// Format makes every fmt verb, %#v included, print String.
func (k Kafka) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue keeps the producer's secret values out of slog's output.
func (k Kafka) LogValue() slog.Value {
	producer := make([]slog.Attr, 0, len(k.Producer))
	for _, kv := range k.printableProducer() {
		producer = append(producer, slog.String(kv[0], kv[1]))
	}
	return slog.GroupValue(
		slog.String("defaultTopic", k.DefaultTopic),
		slog.Bool("enabled", k.Enabled),
		slog.Attr{Key: "producer", Value: slog.GroupValue(producer...)},
	)
}

// LogValue logs both integrations redacted. fmt needs no method here: it
// formats each field with its own Format.
func (in Integrations) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("cleanspeak", in.CleanSpeak), slog.Any("kafka", in.Kafka))
}

// LogValue logs the integrations redacted.
func (o Output) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("integrations", o.Integrations))
}

// Format prints in as Value reads it, redacted. Without it a verb other
// than %v reaches the pointers below through fmt's bad-verb path, which
// prints what they point to without calling Format.
func (in Input) Format(f fmt.State, _ rune) {
	if in.Integrations == nil {
		_, _ = f.Write([]byte("{Integrations:<nil>}"))
		return
	}
	_, _ = fmt.Fprintf(f, "{Integrations:%v}", in.Value())
}

// Format prints in as Value reads it, redacted (see Input.Format).
func (in InputIntegrations) Format(f fmt.State, _ rune) {
	full := Input{Integrations: &in}
	_, _ = fmt.Fprintf(f, "%v", full.Value())
}

// LogValue logs the request body with its integrations redacted.
func (in Input) LogValue() slog.Value {
	if in.Integrations == nil {
		return slog.GroupValue()
	}
	return slog.GroupValue(slog.Any("integrations", in.Integrations))
}

// LogValue logs what a request carries under "integrations", redacted, as
// Value reads it.
func (in InputIntegrations) LogValue() slog.Value {
	full := Input{Integrations: &in}
	return full.Value().LogValue()
}
