package twitter

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/authcore/authcore/internal/redact"
)

// Secret is a credential (a consumer secret or an OAuth token secret). It
// never prints: every fmt verb, %#v included, and slog show "[redacted]", so
// that a Provider or a Consumer can be logged or wrapped in an error without
// leaking. JSON is the exception, because FusionAuth's API returns
// consumerSecret in the identity provider's body; use Reveal to read it.
type Secret string

// Reveal returns the secret itself. It is the one way out besides JSON, so a
// grep for Reveal finds every place a secret is used.
func (s Secret) Reveal() string { return string(s) }

// String returns "[redacted]".
func (s Secret) String() string { return redact.Mark }

// GoString returns "[redacted]".
func (s Secret) GoString() string { return redact.Mark }

// Format makes every verb print "[redacted]". Without it %d or %x would reach
// the underlying string through fmt's bad-verb path.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redact.Mark)) }

// LogValue returns "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redact.Mark) }

// MarshalJSON emits the real value: the Identity Provider API returns it.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(string(s)) }
