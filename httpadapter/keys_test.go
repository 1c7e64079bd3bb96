package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeyAPI(t *testing.T) {
	w := newTokenWorld(t)

	tests := []struct {
		name, body, typ, alg string
		length               float64
	}{
		{"RSA", `{"key":{"algorithm":"RS256","name":"rsa","length":2048}}`, "RSA", "RS256", 2048},
		{"EC", `{"key":{"algorithm":"ES256","name":"ec"}}`, "EC", "ES256", 256},
		{"Ed25519", `{"key":{"algorithm":"Ed25519","name":"ed"}}`, "OKP", "Ed25519", 0},
		{"HMAC", `{"key":{"algorithm":"HS256","name":"hmac"}}`, "HMAC", "HS256", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.do("POST", "/api/key/generate", tc.body)
			require.Equal(t, http.StatusOK, r.Code, r.Body)
			var out struct {
				Key map[string]any `json:"key"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.Body), &out))
			k := out.Key
			assert.Equal(t, tc.typ, k["type"])
			assert.Equal(t, tc.alg, k["algorithm"])
			assert.Equal(t, k["id"], k["kid"])
			assert.NotContains(t, k, "secret")
			assert.NotContains(t, k, "privateKey")
			assert.NotContains(t, r.Body, "PRIVATE")
			if tc.typ == "HMAC" {
				assert.NotContains(t, k, "publicKey")
			} else {
				assert.True(t, strings.HasPrefix(k["publicKey"].(string), "-----BEGIN PUBLIC KEY-----"))
				assert.Equal(t, true, k["hasPrivateKey"])
			}
			if tc.length != 0 {
				assert.Equal(t, tc.length, k["length"])
			}

			id := k["id"].(string)
			r = w.do("GET", "/api/key/"+id, "")
			require.Equal(t, http.StatusOK, r.Code)
			assert.Contains(t, r.Body, id)
			r = w.do("DELETE", "/api/key/"+id, "")
			require.Equal(t, http.StatusOK, r.Code, r.Body)
			r = w.do("GET", "/api/key/"+id, "")
			assert.Equal(t, http.StatusNotFound, r.Code)
		})
	}

	const id = "0a1b2c3d-0000-4000-8000-000000000000"
	r := w.do("POST", "/api/key/generate/"+id, `{"key":{"algorithm":"ES256","name":"fixed"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Contains(t, r.Body, `"id":"`+id+`"`)
	r = w.do("GET", "/api/key", "")
	require.Equal(t, http.StatusOK, r.Code)
	assert.Contains(t, r.Body, id)

	errs := []struct {
		method, path, body, code string
	}{
		{"POST", "/api/key/generate", `{"key":{"algorithm":"PS256","name":"x"}}`, "[invalid]key.algorithm"},
		{"POST", "/api/key/generate", `{"key":{"algorithm":"RS256"}}`, "[blank]key.name"},
		{"POST", "/api/key/generate/" + id, `{"key":{"algorithm":"HS256","name":"again"}}`, "[duplicate]keyId"},
		{"POST", "/api/key/generate/nope", `{"key":{"algorithm":"HS256","name":"x"}}`, "[couldNotConvert]keyId"},
	}
	for _, e := range errs {
		r := w.do(e.method, e.path, e.body)
		require.Equal(t, http.StatusBadRequest, r.Code, r.Body)
		assert.Equal(t, []string{e.code}, r.errors(t).Codes())
	}

	// The tenant's signing key cannot be deleted.
	w.login()
	tenant, err := w.store.GetTenant(w.ctx, w.tenant.ID)
	require.NoError(t, err)
	r = w.do("DELETE", "/api/key/"+tenant.JWTConfiguration.AccessTokenKeyID, "")
	require.Equal(t, http.StatusBadRequest, r.Code)
	assert.Equal(t, []string{"[KeyInUse]"}, r.errors(t).Codes())

	r = w.do("POST", "/api/key/generate", `{"key":{"algorithm":"HS256","name":"x"}}`, "Authorization", "")
	assert.Equal(t, http.StatusUnauthorized, r.Code, "API key required")
}

// Keys and the event log are global, and name every tenant: a tenant-locked
// key or a tenant header reads neither (401), as it creates and deletes no
// key. A key for every tenant reads both.
func TestGlobalReadsRefuseTenantScope(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)
	locked := f.lockedKey(def)
	k := f.do("POST", "/api/key/generate", `{"key":{"algorithm":"HS256","name":"k"}}`)
	require.Equal(t, http.StatusOK, k.Code, k.Body)
	keyID := str(k.obj(t, "key"), "id")
	f.do("POST", "/api/application", `{"application":{"name":"a"}}`).obj(t, "application") // an event log entry or none: the reads are what is checked
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/key", ""},
		{"GET", "/api/key/" + keyID, ""},
		{"POST", "/api/system/event-log/search", `{"search":{}}`},
		{"GET", "/api/system/event-log/1", ""},
	} {
		f.do(c.method, c.path, c.body, "Authorization", locked).empty(t, http.StatusUnauthorized)
		f.do(c.method, c.path, c.body, "X-FusionAuth-TenantId", def).empty(t, http.StatusUnauthorized)
		r := f.do(c.method, c.path, c.body)
		assert.Contains(t, []int{http.StatusOK, http.StatusNotFound}, r.Code, "%s %s without scope: %s", c.method, c.path, r.Body)
	}
	assert.Equal(t, http.StatusOK, f.do("GET", "/api/key/"+keyID, "").Code)
}
