package httpadapter_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Key API refuses a name another key has, in any case, on every write
// (generate, import, update), with FusionAuth's Errors object: 400 and the
// field error [duplicate]key.name. A rename to the key's own name is no
// duplicate.
func TestKeyAPIRefusesATakenName(t *testing.T) {
	f := newFixture(t)
	first := keyOf(t, f.do("POST", "/api/key/generate", `{"key":{"algorithm":"HS256","name":"Signing"}}`))["id"].(string)
	second := keyOf(t, f.do("POST", "/api/key/generate/0a1b2c3d-0000-4000-8000-000000000002", `{"key":{"algorithm":"ES256","name":"second"}}`))["id"].(string)

	for _, tc := range []struct{ name, method, path, body string }{
		{"generate", "POST", "/api/key/generate", `{"key":{"algorithm":"HS256","name":"signing"}}`},
		{"generate with an id", "POST", "/api/key/generate/0a1b2c3d-0000-4000-8000-000000000003", `{"key":{"algorithm":"RS256","name":"SIGNING"}}`},
		{"import", "POST", "/api/key/import", `{"key":{"algorithm":"HS256","name":"Signing","secret":"0123456789abcdef0123456789abcdef"}}`},
		{"update", "PUT", "/api/key/" + second, `{"key":{"name":"sIGNING"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(tc.method, tc.path, tc.body)
			require.Equal(t, http.StatusBadRequest, r.Code, r.Body)
			assert.JSONEq(t, `{"fieldErrors":{"key.name":[{"code":"[duplicate]key.name","message":"A key with this [key.name] already exists."}]}}`, r.Body)
		})
	}
	f.do("GET", "/api/key/0a1b2c3d-0000-4000-8000-000000000003", "").empty(t, http.StatusNotFound)
	assert.Equal(t, "second", keyOf(t, f.do("GET", "/api/key/"+second, ""))["name"], "nothing refused is stored")

	assert.Equal(t, "SIGNING", keyOf(t, f.do("PUT", "/api/key/"+first, `{"key":{"name":"SIGNING"}}`))["name"], "its own name, in another case")
	assert.Equal(t, "Signing", keyOf(t, f.do("PUT", "/api/key/"+first, `{"key":{"name":"Signing"}}`))["name"], "and back")
}
