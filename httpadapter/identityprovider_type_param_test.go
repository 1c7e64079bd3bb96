package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ?type= is read as FusionAuth's IdentityProviderType enum: a value that is
// none of its types is a parameter that does not convert, 400
// [couldNotConvert]type, not the empty 404 that says "no such provider" (a
// client that wrote "twitter" learnt nothing of its typo). Another real type
// stays 404 (only Twitter is implemented), and the TypeScript client's
// omitted argument ("null", "undefined") is no type at all.
func TestIdentityProviderTypeParameter(t *testing.T) {
	f := newIdPFixture(t)
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)

	for _, req := range []struct{ method, path, body string }{
		{"GET", "/api/identity-provider?type=twitter", ""},
		{"GET", "/api/identity-provider?type=Bogus", ""},
		{"PUT", "/api/identity-provider?type=TWITTER", seedIdPRequest},
		{"PATCH", "/api/identity-provider?type=Nope", `{"identityProvider":{"debug":true}}`},
		{"DELETE", "/api/identity-provider?type=twitter", ""},
	} {
		r := f.do(req.method, req.path, req.body)
		require.Equal(t, 400, r.Code, "%s %s: %s", req.method, req.path, r.Body)
		assert.True(t, r.errors(t).Has("[couldNotConvert]type"), "%s %s: %s", req.method, req.path, r.Body)
	}
	// Nothing was deleted or changed by the refused requests.
	got := f.do("GET", "/api/identity-provider?type=Twitter", "")
	require.Equal(t, 200, got.Code)
	assert.Contains(t, got.Body, `"debug":false`)

	// A FusionAuth type authcore lacks names no provider here.
	for _, method := range []string{"GET", "DELETE"} {
		r := f.do(method, "/api/identity-provider?type=Google", "")
		assert.Equal(t, 404, r.Code, method)
		assert.Empty(t, r.Body, method)
	}

	// retrieveIdentityProviderByType(undefined) sends ?type=undefined: no
	// type, so the list, as without the parameter.
	for _, v := range []string{"undefined", "null"} {
		r := f.do("GET", "/api/identity-provider?type="+v, "")
		require.Equal(t, 200, r.Code, v)
		assert.Contains(t, r.Body, `"identityProviders":[{`, v)
		assert.NotContains(t, r.Body, `"identityProvider":{`, v)
		// Without an id or a type, a write names no provider.
		d := f.do("DELETE", "/api/identity-provider?type="+v, "")
		require.Equal(t, 400, d.Code, v)
		assert.True(t, d.errors(t).Has("[missing]identityProviderId"), "%s: %s", v, d.Body)
	}
	require.Equal(t, 200, f.do("GET", "/api/identity-provider/"+twitterID, "").Code)
}
