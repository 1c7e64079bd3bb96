package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Requests a review sent to find 500s, silent corruption and FusionAuth
// mismatches; each case failed before its fix. See also the Errors-object
// cases in the route tests.

// Lifetimes are bounded (100 years) so that no expiry wraps around.
func TestLifetimesAreBounded(t *testing.T) {
	w := newTokenWorld(t)
	w.do("POST", "/api/jwt/vend", `{"claims":{"sub":"svc"},"timeToLiveInSeconds":10000000000}`).codes(t, "[invalid]timeToLiveInSeconds")
	for _, tc := range []struct{ body, code string }{
		{`{"tenant":{"jwtConfiguration":{"timeToLiveInSeconds":10000000000}}}`, "[invalid]tenant.jwtConfiguration.timeToLiveInSeconds"},
		{`{"tenant":{"jwtConfiguration":{"refreshTokenTimeToLiveInMinutes":9223372036854775807}}}`, "[invalid]tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes"},
	} {
		w.do("PATCH", "/api/tenant/"+w.tenant.ID, tc.body).codes(t, tc.code)
	}
	// A hundred years is still a lifetime, and the token it makes is valid.
	r := w.do("POST", "/api/jwt/vend", `{"claims":{"sub":"svc"},"timeToLiveInSeconds":3153600000}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Equal(t, http.StatusOK, w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+vendToken(t, r)).Code)
}

// A member named in another case than its field is an unknown property, as
// in FusionAuth: ignored, never a type error, and never an overwrite.
func TestCaseVariantMembersAreIgnored(t *testing.T) {
	base := `"type":"Twitter","buttonText":"b","consumerKey":"k","consumerSecret":"s"`
	f := newIdPFixture(t)
	r := f.do("POST", "/api/identity-provider", `{"identityProvider":{`+base+`,"debug":true,"DEBUG":false,"Debug":"yes"},"IdentityProvider":{"consumerSecret":"attacker"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	got := r.obj(t, "identityProvider")
	assert.Equal(t, true, got["debug"])
	assert.Equal(t, "s", got["consumerSecret"])
}

// A body that is JSON but no object has no field to name.
func TestNonObjectBodyIsGeneralInvalidJSON(t *testing.T) {
	f := newIdPFixture(t)
	for _, body := range []string{`[]`, `"x"`, `5`, `true`} {
		r := f.do("POST", "/api/identity-provider", body)
		r.codes(t, "[invalidJSON]")
		var v struct {
			GeneralErrors []any `json:"generalErrors"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.Body), &v))
		assert.Len(t, v.GeneralErrors, 1, body)
	}
}

// A PATCH's Content-Type whose parameters the media-type parser refuses is
// [InvalidContentType], as on POST and PUT, with nothing changed: the
// engine chose the form from the media type alone and took such a body
// ("application/json;charset" patched where a PUT with it was refused).
func TestPatchWithOddContentTypeIsChecked(t *testing.T) {
	f := newIdPFixture(t)
	require.Equal(t, http.StatusOK, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	before := f.do("GET", "/api/identity-provider/"+twitterID, "").Body
	for _, ct := range []string{"application/json; charset=utf-8; charset=iso-8859-1", "application/json;charset", "application/merge-patch+json; =x"} {
		f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"debug":true}}`, "Content-Type", ct).codes(t, "[InvalidContentType]")
		f.do("PUT", "/api/identity-provider/"+twitterID, before, "Content-Type", ct).codes(t, "[InvalidContentType]")
	}
	assert.JSONEq(t, before, f.do("GET", "/api/identity-provider/"+twitterID, "").Body)
	// Well-formed parameters are still taken.
	r := f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"debug":true}}`, "Content-Type", "application/merge-patch+json; charset=UTF-8")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
}

// Tenant ids are UUIDs, whatever their case, in the header as in the URI.
func TestUpperCaseTenantHeader(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)
	assert.Equal(t, http.StatusOK, f.do("GET", "/api/tenant/"+def, "", "X-FusionAuth-TenantId", strings.ToUpper(def)).Code)
	locked := f.lockedKey(def)
	assert.Equal(t, http.StatusOK, f.do("GET", "/api/tenant/"+def, "", "Authorization", locked, "X-FusionAuth-TenantId", strings.ToUpper(def)).Code)
}

// Strings no store keeps as sent are refused, and nothing is written:
// invalid UTF-8 and unpaired surrogates (which would become U+FFFD) and
// U+0000.
func TestUnstorableStringsAreRefused(t *testing.T) {
	f := newIdPFixture(t)
	for _, body := range []string{
		"{\"identityProvider\":{\"type\":\"Twitter\",\"buttonText\":\"b\",\"consumerKey\":\"k\",\"consumerSecret\":\"s\xff\xfe\"}}",
		`{"identityProvider":{"type":"Twitter","buttonText":"b","consumerKey":"k","consumerSecret":"s\u0000"}}`,
		`{"identityProvider":{"type":"Twitter","buttonText":"b","consumerKey":"k","consumerSecret":"s\ud83d"}}`,
	} {
		f.do("POST", "/api/identity-provider", body).codes(t, "[invalidJSON]")
	}
	assert.JSONEq(t, `{"identityProviders":[]}`, f.do("GET", "/api/identity-provider", "").Body)
	r := f.do("GET", "/api/user?username=a%00b", "")
	r.codes(t, "[invalid]username")
}

// PATCH of a registration named only in the body reads the body as the
// engine will: a malformed one is [invalidJSON], not a missing id.
func TestPatchRegistrationMalformedBody(t *testing.T) {
	w := newTokenWorld(t)
	w.do("PATCH", "/api/user/registration/"+userID, `{"registration":`).codes(t, "[invalidJSON]")
	w.do("PATCH", "/api/user/registration/"+userID, `{"registration":{"applicationId":5}}`).codes(t, "[invalidJSON]registration.applicationId")
}

func TestEventLogSearchNamesTheNegativeField(t *testing.T) {
	f := newFixture(t)
	f.do("POST", "/api/system/event-log/search", `{"search":{"startRow":-1}}`).codes(t, "[invalid]search.startRow")
	f.do("POST", "/api/system/event-log/search", `{"search":{"numberOfResults":-1,"startRow":-1}}`).codes(t, "[invalid]search.numberOfResults", "[invalid]search.startRow")
}

// A literal route beside a wildcard one (…/login beside …/{id}) answers a
// method it does not take as every route does: 405 with Allow, not the
// wildcard route's 400 for an id that is no UUID. The mux's own 405 for
// /api/integration shows the Allow it gives.
func TestMethodsOfLiteralRoutesBesideWildcards(t *testing.T) {
	f := newFixture(t)
	mux := f.do("POST", "/api/integration", `{}`)
	require.Equal(t, http.StatusMethodNotAllowed, mux.Code)
	assert.Equal(t, "GET, HEAD, PATCH, PUT", mux.Header.Get("Allow"))
	for _, tc := range []struct{ method, path, allow string }{
		{"GET", "/api/identity-provider/login", "POST"},
		{"DELETE", "/api/identity-provider/login", "POST"},
		{"PATCH", "/api/identity-provider/link", "DELETE, GET, HEAD, POST"},
		{"PUT", "/api/identity-provider/link", "DELETE, GET, HEAD, POST"},
		{"GET", "/api/user/registration", "POST"},
		{"DELETE", "/api/user/registration", "POST"},
		{"GET", "/api/key/generate", "POST"},
		{"DELETE", "/api/system/event-log/search", "GET, HEAD, POST"},
		{"HEAD", "/api/identity-provider/login", "POST"},
		// OPTIONS, which no route takes, got the mux's 405, whose Allow
		// listed the 405s above as if they were the route's methods.
		{"OPTIONS", "/api/identity-provider/login", "POST"},
		{"OPTIONS", "/api/identity-provider/link", "DELETE, GET, HEAD, POST"},
		{"OPTIONS", "/api/user/registration", "POST"},
		{"OPTIONS", "/api/key/generate", "POST"},
		{"PATCH", "/api/key/generate", "POST"}, // no /api/key/{keyId} PATCH: the same mux 405
		{"OPTIONS", "/api/key/search", "GET, HEAD, POST"},
		{"OPTIONS", "/api/system/event-log/search", "GET, HEAD, POST"},
	} {
		r := f.do(tc.method, tc.path, "")
		assert.Equal(t, http.StatusMethodNotAllowed, r.Code, "%s %s: %s", tc.method, tc.path, r.Body)
		assert.Equal(t, tc.allow, r.Header.Get("Allow"), "%s %s", tc.method, tc.path)
		assert.Empty(t, r.Body)
	}
	// A FusionAuth route authcore does not serve is an empty 404 under
	// OPTIONS too, not a 405 naming the methods it answers 404.
	r := f.do("OPTIONS", "/api/user/search", "")
	assert.Equal(t, http.StatusNotFound, r.Code)
	assert.Empty(t, r.Header.Get("Allow"))
	// The wildcard routes still serve their ids, and the literal routes
	// their own methods.
	assert.Equal(t, http.StatusNotFound, f.do("GET", "/api/identity-provider/"+twitterID, "").Code)
	f.do("GET", "/api/key/not-a-uuid", "").codes(t, "[couldNotConvert]keyId")
}

// A null entry of a map reads as absent, as a null property does: not
// stored as "" (Kafka's producer) or as a null the API would later show.
func TestNullMapEntriesAreAbsent(t *testing.T) {
	f := newFixture(t)
	r := f.do("PUT", "/api/integration", `{"integrations":{"kafka":{"enabled":false,"producer":{"a":null,"linger.ms":"5"}}}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	kafka := r.obj(t, "integrations")["kafka"].(map[string]any)
	assert.Equal(t, map[string]any{"linger.ms": "5"}, kafka["producer"])
	assert.NotContains(t, f.do("GET", "/api/integration", "").Body, `"a"`)
}

// A body of null is no object: a PUT of it, or a PATCH whose result is
// null, would otherwise store the defaults over everything.
func TestNullBodyChangesNothing(t *testing.T) {
	for _, c := range []struct{ method, ct, body string }{
		{"PUT", "application/json", `null`},
		{"PATCH", "application/json", `null`},
		{"PATCH", "application/merge-patch+json", `null`},
		{"PATCH", "application/json-patch+json", `[{"op":"replace","path":"","value":null}]`},
	} {
		t.Run(c.method+" "+c.ct, func(t *testing.T) {
			f := newFixture(t)
			require.Equal(t, http.StatusOK, f.do("PUT", "/api/integration", kafkaOn).Code)
			before := f.do("GET", "/api/integration", "").Body
			r := f.do(c.method, "/api/integration", c.body, "Content-Type", c.ct)
			assert.Equal(t, http.StatusBadRequest, r.Code, r.Body)
			assert.JSONEq(t, before, f.do("GET", "/api/integration", "").Body)
		})
	}
}

// net/url drops every parameter of a query that has more than 10,000
// (Go's urlmaxqueryparams): an event-log search for one message with
// 10,000 more parameters answered 200 with every entry, the filter gone,
// and a parameter holding U+0000 escaped the check that refuses it. Such a
// query is refused, as a body over the limit is.
func TestQueryWithTooManyParametersIsRefused(t *testing.T) {
	f := newFixture(t)
	pad := strings.Repeat("&x=1", 10_000)
	for _, path := range []string{
		"/api/system/event-log/search?message=nothing-matches" + pad,
		"/api/user?email=a%00b" + pad,
		"/api/identity-provider/search?name=nothing" + pad,
	} {
		r := f.do("GET", path, "")
		r.codes(t, "[RequestTooLarge]")
		assert.Contains(t, r.Body, "10000 parameters")
	}
	// At the limit the query is read as sent.
	r := f.do("GET", "/api/system/event-log/search?numberOfResults=x"+strings.Repeat("&x=1", 9_999), "")
	r.codes(t, "[couldNotConvert]numberOfResults")
}
