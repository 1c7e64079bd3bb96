package httpadapter_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An error answer repeats at most an excerpt (a few hundred bytes) of each
// input it names (internal/excerpt): a 400 KB JSON Pointer or content type
// came back whole, some twice, in a 400 answer.
const maxEchoAnswer = 4 << 10

func TestPatchErrorsEchoExcerpts(t *testing.T) {
	f := newIdPFixture(t)
	require.Equal(t, http.StatusOK, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	big := strings.Repeat("a", 400_000)
	jp := []string{"Content-Type", "application/json-patch+json"}
	for _, tc := range []struct {
		name, body, code string
		headers          []string
	}{
		{"pointer", `[{"op":"remove","path":"/identityProvider/` + big + `"}]`, "[invalidJSON]", jp},
		{"op", `[{"op":"` + big + `","path":"/identityProvider/debug"}]`, "[invalidJSON]", jp},
		{"test", `[{"op":"test","path":"/identityProvider/` + big + `","value":1}]`, "[JSONPatchTestFailed]", jp},
		{"content type", `{"identityProvider":{"debug":true}}`, "[PatchNotSupported]", []string{"Content-Type", "application/" + big}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("PATCH", "/api/identity-provider/"+twitterID, tc.body, tc.headers...)
			r.codes(t, tc.code)
			assert.Less(t, len(r.Body), maxEchoAnswer)
			assert.Contains(t, r.Body, "aaaa…")
		})
	}
}

// Field paths built from a client's map keys, and messages that quote a
// refused value, hold an excerpt of it: a 400 KB applicationConfiguration
// key came back three times (the field error's key, its code, its
// message), a 1.2 MB answer.
func TestValidationErrorsEchoExcerpts(t *testing.T) {
	f := newIdPFixture(t)
	big := strings.Repeat("a", 400_000)
	base := `"type":"Twitter","buttonText":"b","consumerKey":"k","consumerSecret":"s"`
	for _, tc := range []struct{ name, body, code string }{
		{"wrong type under a map key", `{"identityProvider":{` + base + `,"applicationConfiguration":{"` + big + `":{"createRegistration":"x"}}}}`,
			"[invalidJSON]identityProvider.applicationConfiguration[" + strings.Repeat("a", 256) + "…].createRegistration"},
		{"unknown application", `{"identityProvider":{` + base + `,"applicationConfiguration":{"` + big + `":{}}}}`, "[invalid]identityProvider.applicationConfiguration"},
		{"unknown tenant with a bad limit", `{"identityProvider":{` + base + `,"tenantConfiguration":{"` + big + `":{"limitUserLinkCount":{"maximumLinks":0}}}}}`,
			"[invalid]identityProvider.tenantConfiguration[" + strings.Repeat("a", 256) + "…].limitUserLinkCount.maximumLinks"},
		{"type", `{"identityProvider":{"type":"` + big + `","buttonText":"b","consumerKey":"k","consumerSecret":"s"}}`, "[invalid]identityProvider.type"},
		{"linking strategy", `{"identityProvider":{` + base + `,"linkingStrategy":"` + big + `"}}`, "[invalid]identityProvider.linkingStrategy"},
		{"reconcile id", `{"identityProvider":{` + base + `,"lambdaConfiguration":{"reconcileId":"` + big + `"}}}`, "[invalid]identityProvider.lambdaConfiguration.reconcileId"},
		{"duplicate key under a long key", `{"identityProvider":{` + base + `,"applicationConfiguration":{"` + big + `":{"enabled":true,"enabled":false}}}}`, "[invalidJSON]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("POST", "/api/identity-provider", tc.body)
			require.Equal(t, http.StatusBadRequest, r.Code)
			assert.True(t, r.errors(t).Has(tc.code), r.Body[:min(len(r.Body), 600)])
			assert.Less(t, len(r.Body), maxEchoAnswer)
			assert.Contains(t, r.Body, "aaaa…")
		})
	}
}

// The engine's own messages that quote a refused value quote an excerpt.
func TestEngineMessagesEchoExcerpts(t *testing.T) {
	w := newTokenWorld(t)
	big := strings.Repeat("a", 400_000)
	for _, tc := range []struct{ name, method, path, body, code string }{
		{"key algorithm", "POST", "/api/key/generate", `{"key":{"algorithm":"` + big + `","name":"k"}}`, "[invalid]key.algorithm"},
		{"key import type", "POST", "/api/key/import", `{"key":{"algorithm":"RS256","type":"` + big + `","name":"k","publicKey":"x"}}`, "[invalid]key.type"},
		{"locale", "POST", "/api/user", `{"user":{"email":"a@example.com","password":"password123","preferredLanguages":["` + big + `"]}}`, "[invalidJSON]user.preferredLanguages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := w.do(tc.method, tc.path, tc.body)
			require.Equal(t, http.StatusBadRequest, r.Code)
			assert.True(t, r.errors(t).Has(tc.code), r.Body[:min(len(r.Body), 600)])
			assert.Less(t, len(r.Body), maxEchoAnswer)
			assert.Contains(t, r.Body, "aaaa…")
		})
	}
}
