package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// searchResult decodes a search answer: {"identityProviders": [...], "total": n}.
func searchResult(t *testing.T, r response) (ids []string, total int) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Contains(t, r.Header.Get("Content-Type"), "application/json")
	assertNoNull(t, r.body(t), "")
	var out struct {
		IdentityProviders []map[string]any `json:"identityProviders"`
		Total             *int             `json:"total"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &out))
	require.NotNil(t, out.IdentityProviders, "identityProviders is always there: %s", r.Body)
	require.NotNil(t, out.Total, "total is always there: %s", r.Body)
	for _, p := range out.IdentityProviders {
		ids = append(ids, p["id"].(string))
	}
	return ids, *out.Total
}

// The official clients' searchIdentityProviders (POST, {"search": {...}})
// and searchIdentityProvidersByParameters (GET, the same criteria as
// parameters) were answered an empty 404, as a feature authcore lacks;
// FusionAuth documents both since 1.45.
func TestIdentityProviderSearch(t *testing.T) {
	f := newIdPFixture(t)
	ids, total := searchResult(t, f.do("POST", "/api/identity-provider/search", `{"search":{}}`))
	assert.Empty(t, ids, "no provider yet")
	assert.Equal(t, 0, total)

	require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	byID := f.do("GET", "/api/identity-provider/"+twitterID, "")
	require.Equal(t, 200, byID.Code)
	var one map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(byID.Body), &one))
	r := f.do("POST", "/api/identity-provider/search", `{"search":{"name":"Twit"}}`)
	var many struct {
		IdentityProviders []json.RawMessage `json:"identityProviders"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &many))
	require.Len(t, many.IdentityProviders, 1)
	assert.JSONEq(t, string(one["identityProvider"]), string(many.IdentityProviders[0]), "each provider as the retrieve shows it")

	for _, tc := range []struct {
		name   string
		search map[string]any
		total  int
		page   int
	}{
		{"no criteria", map[string]any{}, 1, 1},
		{"name without a wildcard is *name*", map[string]any{"name": "WITT"}, 1, 1},
		{"name with a wildcard matches the whole name", map[string]any{"name": "witt*"}, 0, 0},
		{"name prefix", map[string]any{"name": "twi*"}, 1, 1},
		{"name of no provider", map[string]any{"name": "Google"}, 0, 0},
		{"type", map[string]any{"type": "Twitter"}, 1, 1},
		{"a type authcore has none of", map[string]any{"type": "SAMLv2"}, 0, 0},
		{"enabled for the application", map[string]any{"applicationId": seedAppID}, 1, 1},
		{"not configured for the application", map[string]any{"applicationId": otherAppID}, 0, 0},
		{"tenant", map[string]any{"tenantId": seedTenant}, 1, 1},
		{"page past the end", map[string]any{"startRow": 1, "numberOfResults": 10}, 1, 0},
		{"order", map[string]any{"orderBy": "insertInstant DESC"}, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, err := json.Marshal(map[string]any{"search": tc.search})
			require.NoError(t, err)
			ids, total := searchResult(t, f.do("POST", "/api/identity-provider/search", string(body)))
			assert.Equal(t, tc.total, total, "POST")
			assert.Len(t, ids, tc.page, "POST")

			q := url.Values{}
			for k, v := range tc.search {
				b, _ := json.Marshal(v)
				q.Set(k, strings.Trim(string(b), `"`))
			}
			ids, total = searchResult(t, f.do("GET", "/api/identity-provider/search?"+q.Encode(), ""))
			assert.Equal(t, tc.total, total, "GET")
			assert.Len(t, ids, tc.page, "GET")
		})
	}

	// The TypeScript client sends every argument of
	// searchIdentityProvidersByParameters, an omitted one as null or
	// undefined: those are absent.
	ids, total = searchResult(t, f.do("GET", "/api/identity-provider/search?applicationId=null&name=Twitter&numberOfResults=undefined&orderBy=null&startRow=null&tenantId=undefined&type=undefined", ""))
	assert.Equal(t, []string{twitterID}, ids)
	assert.Equal(t, 1, total)
}

func TestIdentityProviderSearchRefusesBadCriteria(t *testing.T) {
	f := newIdPFixture(t)
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	for _, tc := range []struct {
		name, method, target, body string
		want                       []string
	}{
		{"negative startRow", "POST", "", `{"search":{"startRow":-1}}`, []string{"[invalid]search.startRow"}},
		{"negative numberOfResults", "POST", "", `{"search":{"numberOfResults":-1}}`, []string{"[invalid]search.numberOfResults"}},
		{"numberOfResults past a Java int", "POST", "", `{"search":{"numberOfResults":2147483648}}`, []string{"[invalid]search.numberOfResults"}},
		{"unknown orderBy", "POST", "", `{"search":{"orderBy":"consumerSecret"}}`, []string{"[invalid]search.orderBy"}},
		{"unknown direction", "POST", "", `{"search":{"orderBy":"name UP"}}`, []string{"[invalid]search.orderBy"}},
		{"unknown type", "POST", "", `{"search":{"type":"MySpace"}}`, []string{"[invalid]search.type"}},
		{"applicationId not a UUID", "POST", "", `{"search":{"applicationId":"app"}}`, []string{"[invalid]search.applicationId"}},
		{"startRow of the wrong type", "POST", "", `{"search":{"startRow":"ten"}}`, []string{"[invalidJSON]search.startRow"}},
		{"numberOfResults not whole", "POST", "", `{"search":{"numberOfResults":2.5}}`, []string{"[invalidJSON]search.numberOfResults"}},
		{"name of the wrong type", "POST", "", `{"search":{"name":7}}`, []string{"[invalidJSON]search.name"}},
		{"malformed", "POST", "", `{"search":`, []string{"[invalidJSON]"}},
		{"startRow not a number", "GET", "?startRow=ten", "", []string{"[couldNotConvert]startRow"}},
		{"numberOfResults past a Java int", "GET", "?numberOfResults=2147483648", "", []string{"[couldNotConvert]numberOfResults"}},
		{"applicationId not a UUID", "GET", "?applicationId=app", "", []string{"[couldNotConvert]applicationId"}},
		{"tenantId not a UUID", "GET", "?tenantId=t", "", []string{"[couldNotConvert]tenantId"}},
		{"negative startRow", "GET", "?startRow=-1", "", []string{"[invalid]search.startRow"}},
		{"unknown type", "GET", "?type=twitter", "", []string{"[invalid]search.type"}},
	} {
		t.Run(tc.method+" "+tc.name, func(t *testing.T) {
			r := f.do(tc.method, "/api/identity-provider/search"+tc.target, tc.body)
			require.Equal(t, http.StatusBadRequest, r.Code, r.Body)
			assert.Equal(t, tc.want, r.errors(t).Codes())
		})
	}
}

// The search reads the provider as GET does: it needs an API key, and a
// tenant-scoped request (locked key or tenant header) sees only its
// tenant's entries, so another tenant's application finds nothing.
func TestIdentityProviderSearchScope(t *testing.T) {
	f := newIdPFixture(t)
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	f.do("POST", "/api/identity-provider/search", `{"search":{}}`, "Authorization", "").empty(t, http.StatusUnauthorized)
	f.do("GET", "/api/identity-provider/search", "", "Authorization", "not-a-key-0123456789").empty(t, http.StatusUnauthorized)

	locked := f.lockedKey(seedTenant)
	for _, h := range [][]string{{"Authorization", locked}, {"X-FusionAuth-TenantId", seedTenant}} {
		r := f.do("POST", "/api/identity-provider/search", `{"search":{}}`, h...)
		ids, total := searchResult(t, r)
		assert.Equal(t, []string{twitterID}, ids, h[0])
		assert.Equal(t, 1, total, h[0])
		assert.NotContains(t, r.Body, seedAppID, "%s: another tenant's application", h[0])
		assert.Contains(t, r.Body, seedTenant, "%s: its own tenant's configuration", h[0])

		ids, total = searchResult(t, f.do("GET", "/api/identity-provider/search?applicationId="+seedAppID, "", h...))
		assert.Empty(t, ids, "%s: another tenant's application", h[0])
		assert.Equal(t, 0, total, h[0])
	}
}

// FusionAuth's lookup by e-mail domain takes no API key and answers 404
// for a domain no provider manages: with Twitter only, every domain.
func TestIdentityProviderLookup(t *testing.T) {
	f := newIdPFixture(t)
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	for _, q := range []string{"?domain=acme.com", "?domain=jenny%40acme.com", "?domain=twitter.com&tenantId=" + seedTenant} {
		f.do("GET", "/api/identity-provider/lookup"+q, "", "Authorization", "").empty(t, http.StatusNotFound)
		f.do("GET", "/api/identity-provider/lookup"+q, "").empty(t, http.StatusNotFound)
	}
	f.do("GET", "/api/identity-provider/lookup", "", "Authorization", "").codes(t, "[missing]domain")
	f.do("GET", "/api/identity-provider/lookup?domain=null", "", "Authorization", "").codes(t, "[missing]domain")
	f.do("GET", "/api/identity-provider/lookup?domain=acme.com&tenantId=t", "", "Authorization", "").codes(t, "[couldNotConvert]tenantId")
	// A tenant header is checked as on every route.
	f.do("GET", "/api/identity-provider/lookup?domain=acme.com", "", "Authorization", "", "X-FusionAuth-TenantId", "0f0e0d0c-0b0a-4908-8706-050403020100").empty(t, http.StatusUnauthorized)
}

// Both routes are served now: another method is the API's 405, no longer
// the {id} route's.
func TestIdentityProviderSearchAndLookupMethods(t *testing.T) {
	f := newIdPFixture(t)
	for _, tc := range []struct{ method, path, allow string }{
		{"PUT", "/api/identity-provider/search", "GET, HEAD, POST"},
		{"PATCH", "/api/identity-provider/search", "GET, HEAD, POST"},
		{"DELETE", "/api/identity-provider/search", "GET, HEAD, POST"},
		{"POST", "/api/identity-provider/lookup", "GET, HEAD"},
		{"DELETE", "/api/identity-provider/lookup", "GET, HEAD"},
	} {
		r := f.do(tc.method, tc.path, "")
		assert.Equal(t, http.StatusMethodNotAllowed, r.Code, "%s %s", tc.method, tc.path)
		assert.Equal(t, tc.allow, r.Header.Get("Allow"), "%s %s", tc.method, tc.path)
	}
}
