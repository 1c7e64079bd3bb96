package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/testclock"
)

// keyOf decodes {"key": {...}}.
func keyOf(t *testing.T, r response) map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var out struct {
		Key map[string]any `json:"key"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &out))
	require.NotNil(t, out.Key, r.Body)
	return out.Key
}

// PUT /api/key/{keyId} (the client's updateKey) changes the name only, as
// FusionAuth's Update a Key documents; everything else a client sends with
// it, the whole key it retrieved included, is ignored. It was 405.
func TestUpdateKeyAPI(t *testing.T) {
	clock := testclock.New(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	f := newFixtureWith(t, []authcore.Option{authcore.WithClock(clock.Now)})
	created := keyOf(t, f.do("POST", "/api/key/generate", `{"key":{"algorithm":"ES256","name":"before"}}`))
	id := created["id"].(string)
	before := keyOf(t, f.do("GET", "/api/key/"+id, ""))
	assert.Equal(t, before["insertInstant"], before["lastUpdateInstant"], "a key never updated was last written when it was made")

	clock.Advance(time.Minute)
	sent := map[string]any{}
	for k, v := range before {
		sent[k] = v
	}
	sent["name"] = "after"
	// What FusionAuth keeps whatever is sent: material, algorithm, kid.
	sent["algorithm"], sent["kid"], sent["type"] = "HS256", "another-kid", "HMAC"
	sent["secret"], sent["privateKey"] = "a-secret-that-is-long-enough-for-hs256", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"
	sent["publicKey"], sent["certificate"] = "junk", "junk"
	body, err := json.Marshal(map[string]any{"key": sent})
	require.NoError(t, err)
	r := f.do("PUT", "/api/key/"+id, string(body))
	assert.NotContains(t, r.Body, "PRIVATE")
	assert.NotContains(t, r.Body, "a-secret")
	updated := keyOf(t, r)
	want := map[string]any{}
	for k, v := range before {
		want[k] = v
	}
	want["name"] = "after"
	want["lastUpdateInstant"] = float64(clock.Now().UnixMilli())
	assert.Equal(t, want, updated)
	assert.Equal(t, updated, keyOf(t, f.do("GET", "/api/key/"+id, "")))

	// The engine signs with it as before: it is still an ES256 key under
	// its own kid.
	stored, err := f.store.GetKey(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, authcore.AlgES256, stored.Algorithm)
	assert.Equal(t, id, stored.EffectiveKid())
}

func TestUpdateKeyAPIRefusals(t *testing.T) {
	f := newFixture(t)
	id := keyOf(t, f.do("POST", "/api/key/generate", `{"key":{"algorithm":"HS256","name":"keep"}}`))["id"].(string)
	for _, tc := range []struct{ name, path, body, code string }{
		{"no key", "/api/key/" + id, `{}`, "[blank]key.name"},
		{"no name", "/api/key/" + id, `{"key":{"secret":"x"}}`, "[blank]key.name"},
		{"blank name", "/api/key/" + id, `{"key":{"name":"  "}}`, "[blank]key.name"},
		{"null name", "/api/key/" + id, `{"key":{"name":null}}`, "[blank]key.name"},
		{"name of another type", "/api/key/" + id, `{"key":{"name":5}}`, "[invalidJSON]key.name"},
		{"id that is no UUID", "/api/key/nope", `{"key":{"name":"x"}}`, "[couldNotConvert]keyId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.do("PUT", tc.path, tc.body).codes(t, tc.code)
		})
	}
	f.do("PUT", "/api/key/0a1b2c3d-0000-4000-8000-00000000dead", `{"key":{"name":"x"}}`).empty(t, http.StatusNotFound)
	assert.Equal(t, "keep", keyOf(t, f.do("GET", "/api/key/"+id, ""))["name"], "nothing refused is stored")

	// Literal paths beside the id take no PUT: 405, not an id to refuse.
	for _, path := range []string{"/api/key", "/api/key/search", "/api/key/generate", "/api/key/import"} {
		r := f.do("PUT", path, `{"key":{"name":"x"}}`)
		assert.Equal(t, http.StatusMethodNotAllowed, r.Code, path)
		assert.NotContains(t, r.Header.Get("Allow"), "PUT", path)
	}
}
