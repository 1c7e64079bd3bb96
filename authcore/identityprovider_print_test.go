package authcore_test

import (
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
)

// The search's answer holds whole providers: slog's JSON handler marshalled
// it with encoding/json, which writes each consumer secret (Secret's
// MarshalJSON is the API's way out), although each provider alone logs
// redacted.
func TestIdentityProviderSearchResponseNeverPrintsSecrets(t *testing.T) {
	const top, app = "TOP-CONSUMER-SECRET-0123", "APP-CONSUMER-SECRET-0123"
	const appID = "3c219e58-ed0e-4b18-ad48-f4f92793ae32"
	p := twitter.Provider{ID: twitter.ProviderID, Type: twitter.TypeName, Name: "Twitter", ConsumerKey: "consumer-key", ConsumerSecret: top,
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{appID: {Enabled: true, ConsumerSecret: app}}}
	resp := authcore.IdentityProviderSearchResponse{IdentityProviders: []twitter.Provider{p}, Total: 7}
	outs := printed(resp, &resp)
	for _, out := range outs {
		for _, s := range []string{top, app} {
			if strings.Contains(out, s) {
				t.Errorf("printed %q: %s", s, out)
			}
		}
	}
	// fmt prints each field with its own verb (%x writes the ids in hex);
	// the two slog handlers still show what is no secret.
	for _, out := range outs[len(outs)-2:] {
		for _, p := range []string{twitter.ProviderID, appID, "consumer-key", "[redacted]", "7"} {
			if !strings.Contains(out, p) {
				t.Errorf("lost %q, no secret: %s", p, out)
			}
		}
	}
}
