package httpadapter_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/testclock"
)

// keySearchResult decodes {"keys": [...], "total": n} into the names and the
// total, and checks that the answer holds nothing secret.
func keySearchResult(t *testing.T, r response) ([]string, float64) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))
	assert.NotContains(t, r.Body, "PRIVATE")
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Body), &out))
	require.Contains(t, out, "keys")
	require.Contains(t, out, "total")
	names := []string{}
	for _, k := range out["keys"].([]any) {
		key := k.(map[string]any)
		assert.NotContains(t, key, "secret")
		assert.NotContains(t, key, "privateKey")
		names = append(names, key["name"].(string))
	}
	return names, out["total"].(float64)
}

// POST and GET /api/key/search (the client's searchKeys and
// searchKeysByParameters) answer FusionAuth's {keys, total}; they were an
// empty 404.
func TestSearchKeysAPI(t *testing.T) {
	clock := testclock.New(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	f := newFixtureWith(t, []authcore.Option{authcore.WithClock(clock.Now)})
	for _, k := range []string{
		`{"key":{"algorithm":"RS256","name":"RSA with SHA-256"}}`,
		`{"key":{"algorithm":"ES256","name":"EC with SHA-256"}}`,
		`{"key":{"algorithm":"HS256","name":"HMAC with SHA-256"}}`,
		`{"key":{"algorithm":"RS512","name":"Other RSA"}}`,
	} {
		clock.Advance(time.Second)
		keyOf(t, f.do("POST", "/api/key/generate", k))
	}

	for _, tc := range []struct {
		name, method, target, body string
		want                       []string
		total                      float64
	}{
		{"the docs' example request", "POST", "/api/key/search", `{"search":{"algorithm":"RS256","name":"with","numberOfResults":1,"orderBy":"insertInstant","startRow":0,"type":"RSA"}}`, []string{"RSA with SHA-256"}, 1},
		{"everything", "POST", "/api/key/search", `{"search":{}}`, []string{"EC with SHA-256", "HMAC with SHA-256", "Other RSA", "RSA with SHA-256"}, 4},
		{"no search at all", "POST", "/api/key/search", `{}`, []string{"EC with SHA-256", "HMAC with SHA-256", "Other RSA", "RSA with SHA-256"}, 4},
		{"a page of a type", "POST", "/api/key/search", `{"search":{"type":"RSA","orderBy":"insertInstant DESC","numberOfResults":1}}`, []string{"Other RSA"}, 2},
		{"nothing found", "POST", "/api/key/search", `{"search":{"name":"nope"}}`, []string{}, 0},
		{"GET", "GET", "/api/key/search?type=RSA&orderBy=name+DESC", "", []string{"RSA with SHA-256", "Other RSA"}, 2},
		{"GET with a wildcard", "GET", "/api/key/search?name=*SHA-256&numberOfResults=2&startRow=1", "", []string{"HMAC with SHA-256", "RSA with SHA-256"}, 3},
		{"GET as the client sends omitted arguments", "GET", "/api/key/search?algorithm=ES256&name=undefined&numberOfResults=null&orderBy=null&startRow=undefined&type=null", "", []string{"EC with SHA-256"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			names, total := keySearchResult(t, f.do(tc.method, tc.target, tc.body))
			assert.Equal(t, tc.want, names)
			assert.Equal(t, tc.total, total)
		})
	}

	for _, tc := range []struct{ name, method, target, body, code string }{
		{"unknown type", "POST", "/api/key/search", `{"search":{"type":"DSA"}}`, "[invalid]search.type"},
		{"unknown algorithm", "POST", "/api/key/search", `{"search":{"algorithm":"PS256"}}`, "[invalid]search.algorithm"},
		{"unknown order", "POST", "/api/key/search", `{"search":{"orderBy":"kid"}}`, "[invalid]search.orderBy"},
		{"negative page", "POST", "/api/key/search", `{"search":{"numberOfResults":-1}}`, "[invalid]search.numberOfResults"},
		{"a number of another type", "POST", "/api/key/search", `{"search":{"startRow":"x"}}`, "[invalidJSON]search.startRow"},
		{"GET unknown type", "GET", "/api/key/search?type=DSA", "", "[invalid]search.type"},
		{"GET number that is no number", "GET", "/api/key/search?numberOfResults=ten", "", "[couldNotConvert]numberOfResults"},
		{"GET number beyond an int", "GET", "/api/key/search?startRow=4294967296", "", "[couldNotConvert]startRow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.do(tc.method, tc.target, tc.body).codes(t, tc.code)
		})
	}
}

// A key search's name pattern may be as long as a body: 600 KB of "*a".
// It was worked out again for every stored key, so 300 keys took 6 s and
// 1.4 GB of allocation for one search; it is worked out once per search.
func TestKeySearchPatternIsReadOnce(t *testing.T) {
	f := newFixture(t)
	for i := range 64 {
		r := f.do("POST", "/api/key/generate", fmt.Sprintf(`{"key":{"algorithm":"HS256","name":"k%d"}}`, i))
		require.Equal(t, http.StatusOK, r.Code, r.Body)
	}
	body := `{"search":{"name":"` + strings.Repeat("*a", 300_000) + `"}}`
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := f.do("POST", "/api/key/search", body)
	runtime.ReadMemStats(&after)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.JSONEq(t, `{"keys":[],"total":0}`, r.Body)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "bytes allocated by a search of 64 keys")

	// The pattern still matches as before: "k6", without a star, is *k6*.
	r = f.do("POST", "/api/key/search", `{"search":{"name":"k6"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.EqualValues(t, 5, r.body(t)["total"], "k6, k60 … k63")
}
