package integration

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/authcore/authcore/validation"
)

// Integrations is the global integrations configuration, wire-shaped.
type Integrations struct {
	CleanSpeak CleanSpeak `json:"cleanspeak"`
	Kafka      Kafka      `json:"kafka"`
}

// CleanSpeak configures username moderation by CleanSpeak.
type CleanSpeak struct {
	APIKey             string             `json:"apiKey,omitempty"`
	ApplicationIDs     []string           `json:"applicationIds,omitempty"`
	Enabled            bool               `json:"enabled"`
	URL                string             `json:"url,omitempty"`
	UsernameModeration UsernameModeration `json:"usernameModeration"`
}

// UsernameModeration is cleanspeak.usernameModeration.
type UsernameModeration struct {
	ApplicationID string `json:"applicationId,omitempty"`
	Enabled       bool   `json:"enabled"`
}

// Kafka configures the Kafka event producer.
type Kafka struct {
	DefaultTopic string            `json:"defaultTopic,omitempty"`
	Enabled      bool              `json:"enabled"`
	Producer     map[string]string `json:"producer,omitempty"`
}

// Input is the body of PUT /api/integration: {"integrations": {...}}, with the
// documented "cleanSpeakConfiguration" alias. When both spellings are sent,
// "cleanspeak" wins.
type Input struct {
	Integrations *InputIntegrations `json:"integrations"`
}

// InputIntegrations is what Input carries under "integrations".
type InputIntegrations struct {
	CleanSpeak              *CleanSpeak `json:"cleanspeak"`
	CleanSpeakConfiguration *CleanSpeak `json:"cleanSpeakConfiguration"`
	Kafka                   Kafka       `json:"kafka"`
}

// Value returns the Integrations that in describes: the defaults when it
// has no "integrations".
func (in *Input) Value() Integrations {
	if in.Integrations == nil {
		return Defaults()
	}
	out := Integrations{Kafka: in.Integrations.Kafka}
	switch {
	case in.Integrations.CleanSpeak != nil:
		out.CleanSpeak = *in.Integrations.CleanSpeak
	case in.Integrations.CleanSpeakConfiguration != nil:
		out.CleanSpeak = *in.Integrations.CleanSpeakConfiguration
	}
	return out
}

// RequireIntegrations refuses a replacement without "integrations" (absent
// or null): [missing]integrations. PUT replaces everything, so such a body,
// a misspelt wrapper included (the docs' tables write "integration"), would
// otherwise reset both integrations to their defaults and answer 200.
func (in *Input) RequireIntegrations() error {
	if in.Integrations != nil {
		return nil
	}
	var errs validation.Errors
	errs.Field("integrations", validation.KindMissing, "You must specify the [integrations] property.")
	return errs.Err()
}

// Output is the response body of GET/PUT/PATCH /api/integration.
type Output struct {
	Integrations Integrations `json:"integrations"`
}

// Defaults returns what GET answers before anything was stored: both
// integrations disabled.
func Defaults() Integrations { return Integrations{} }

// ReplacePaths are the arrays that a legacy (application/json) PATCH replaces
// instead of appending to: FusionAuth treats the CleanSpeak application list
// as a set.
var ReplacePaths = []string{"integrations.cleanspeak.applicationIds"}

// Producer defaults FusionAuth fills in when Kafka is enabled without
// bootstrap servers.
var producerDefaults = map[string]string{
	"bootstrap.servers":  "localhost:9092",
	"max.block.ms":       "5000",
	"request.timeout.ms": "2000",
}

// Clone returns a copy of in that shares no map or slice with it: a copy
// kept (a store's, an engine's cache) must not change with the caller's.
func (in Integrations) Clone() Integrations {
	out := in
	out.CleanSpeak.ApplicationIDs = slices.Clone(in.CleanSpeak.ApplicationIDs)
	out.Kafka.Producer = maps.Clone(in.Kafka.Producer)
	return out
}

// Normalize applies FusionAuth's normalisation: trimmed strings, and the
// producer defaults when Kafka is enabled and bootstrap.servers is missing.
// The application ids are lower-cased, as every id is stored, so an id sent
// in upper case is returned as FusionAuth renders a UUID and compares equal
// to the application's own id. It returns a copy; in is not changed.
func Normalize(in Integrations) Integrations {
	out := in
	out.CleanSpeak.URL = strings.TrimSpace(in.CleanSpeak.URL)
	out.CleanSpeak.UsernameModeration.ApplicationID = normalizeID(in.CleanSpeak.UsernameModeration.ApplicationID)
	if len(in.CleanSpeak.ApplicationIDs) > 0 {
		out.CleanSpeak.ApplicationIDs = make([]string, len(in.CleanSpeak.ApplicationIDs))
		for i, id := range in.CleanSpeak.ApplicationIDs {
			out.CleanSpeak.ApplicationIDs[i] = normalizeID(id)
		}
	}
	out.Kafka.DefaultTopic = strings.TrimSpace(in.Kafka.DefaultTopic)
	if len(in.Kafka.Producer) > 0 || in.Kafka.Enabled {
		out.Kafka.Producer = make(map[string]string, len(in.Kafka.Producer)+len(producerDefaults))
		for k, v := range in.Kafka.Producer {
			out.Kafka.Producer[k] = v
		}
	}
	if in.Kafka.Enabled && strings.TrimSpace(out.Kafka.Producer["bootstrap.servers"]) == "" {
		for k, v := range producerDefaults {
			if strings.TrimSpace(out.Kafka.Producer[k]) == "" {
				out.Kafka.Producer[k] = v
			}
		}
	}
	return out
}

// Validate checks the integrations and returns *validation.Errors (nil when
// valid). Field paths include the "integrations" wrapper. Enabled CleanSpeak
// needs an absolute http(s) url, and with username moderation enabled
// usernameModeration.applicationId (CleanSpeak's application, a UUID);
// application ids must be UUIDs whenever they are sent. Enabled Kafka needs
// a legal defaultTopic (IsTopicName). Unknown producer keys are never
// refused: the producer takes any string keys, but not an empty one.
func Validate(in Integrations) error {
	var errs validation.Errors
	cs := in.CleanSpeak
	switch {
	case cs.URL != "" && !validation.IsURI(cs.URL):
		// FusionAuth's domain types the url as a java.net.URI
		// (CleanSpeakConfiguration in fusionauth-client-builder; seed 000
		// writes [String]): a value that cannot be one fails as the JSON
		// is read, enabled or not, as a user's imageUrl does. While
		// CleanSpeak was disabled it was stored and returned by every GET.
		errs.NotOfType("integrations.cleanspeak.url", "The [integrations.cleanspeak.url] property must be a URI, such as http://localhost:8001.")
	case !cs.Enabled:
	case cs.URL == "":
		errs.Blank("integrations.cleanspeak.url")
	case !isHTTPURL(cs.URL):
		errs.Invalid("integrations.cleanspeak.url", "The [integrations.cleanspeak.url] property must be an absolute http or https URL with a host, and a port from 1 to 65535 if it names one.")
	}
	// The key travels in CleanSpeak's Authorization header. One holding a
	// control character (a newline pasted with it) cannot be sent at all:
	// net/http refuses the request before it leaves, so every username was
	// kept PENDING as if CleanSpeak were down, with only the event log to
	// say why. Refused whether or not CleanSpeak is enabled: a stored key is
	// used as soon as it is.
	if !isHeaderValue(cs.APIKey) {
		errs.Invalid("integrations.cleanspeak.apiKey", "The [integrations.cleanspeak.apiKey] property may not contain control characters: it is sent in an HTTP header.")
	}
	// FusionAuth types the moderation application id as a UUID (seed 000):
	// it may be absent while moderation is off, but one that is sent must be
	// a UUID whatever "enabled" says, as applicationIds must, or a value no
	// moderation could use is stored and returned.
	switch id := cs.UsernameModeration.ApplicationID; {
	case id == "":
		if cs.Enabled && cs.UsernameModeration.Enabled {
			errs.Blank("integrations.cleanspeak.usernameModeration.applicationId")
		}
	case !isUUID(id):
		errs.Invalid("integrations.cleanspeak.usernameModeration.applicationId", "The [integrations.cleanspeak.usernameModeration.applicationId] property must be a UUID.")
	}
	for _, id := range cs.ApplicationIDs {
		if !isUUID(id) {
			errs.Invalid("integrations.cleanspeak.applicationIds", "Each of [integrations.cleanspeak.applicationIds] must be a UUID.")
			break
		}
	}
	if in.Kafka.Enabled {
		switch topic := in.Kafka.DefaultTopic; {
		case topic == "":
			errs.Blank("integrations.kafka.defaultTopic")
		case !IsTopicName(topic):
			errs.Invalid("integrations.kafka.defaultTopic", "The [integrations.kafka.defaultTopic] property is not a legal Kafka topic name: 1 to 249 characters of [a-zA-Z0-9._-], not \".\" or \"..\".")
		}
	}
	for k := range in.Kafka.Producer {
		if strings.TrimSpace(k) == "" {
			errs.Invalid("integrations.kafka.producer", "The [integrations.kafka.producer] property may not have an empty key.")
			break
		}
	}
	errs.NotStorableText("integrations", in)
	return errs.Err()
}

// IsTopicName reports whether s is a legal Kafka topic name (Kafka's own rule).
func IsTopicName(s string) bool {
	if s == "" || len(s) > 249 || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// isHTTPURL reports whether s is an absolute http(s) URL that names a host
// and, when it names a port, one that can be dialled. The host name, not the
// authority: "http://:8001" has an authority and no host, and Go dials such
// an address on the local machine. url.Parse takes any digits as a port, but
// the dialer refuses one above 65535 and nothing listens on port 0, so such
// a URL failed every call and kept every username PENDING.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return false
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		return err == nil && n >= 1 && n <= 65535
	}
	return true
}

// isHeaderValue reports whether s can be sent as an HTTP header value: no
// control character but the tab (RFC 9110 field-value), which is what
// net/http checks before sending.
func isHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// normalizeID trims and lower-cases an id, the form every id is stored in.
func normalizeID(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// isUUID accepts the 8-4-4-4-12 hex form, the only one FusionAuth emits.
func isUUID(s string) bool { return validation.IsUUID(s) }
