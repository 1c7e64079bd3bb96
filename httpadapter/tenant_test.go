package httpadapter_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTenantAPI(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)

	tn := f.do("POST", "/api/tenant", `{"tenant":{"name":"Second","issuer":"example.com","jwtConfiguration":{"timeToLiveInSeconds":60,"refreshTokenUsagePolicy":"OneTimeUse"},"emailConfiguration":{"verifyEmail":true},"unknownProperty":1}}`).obj(t, "tenant")
	id := str(tn, "id")
	assert.Len(t, id, 36)
	assert.Equal(t, "Second", tn["name"])
	assert.Equal(t, "example.com", tn["issuer"])
	assert.Equal(t, map[string]any{"timeToLiveInSeconds": 60.0, "refreshTokenTimeToLiveInMinutes": 43200.0, "refreshTokenUsagePolicy": "OneTimeUse", "refreshTokenExpirationPolicy": "Fixed"}, tn["jwtConfiguration"])
	assert.Equal(t, map[string]any{"verifyEmail": true}, tn["emailConfiguration"])
	assert.NotZero(t, tn["insertInstant"])

	const fixedID = "3f0a8c52-8c8e-4bb1-9f55-1c0e6a4c2d11"
	fixed := f.do("POST", "/api/tenant/"+fixedID, `{"tenant":{"name":"Third"}}`).obj(t, "tenant")
	assert.Equal(t, fixedID, fixed["id"])

	list := f.do("GET", "/api/tenant", "")
	require.Equal(t, 200, list.Code)
	tenants, ok := list.body(t)["tenants"].([]any)
	require.True(t, ok, list.Body)
	require.Len(t, tenants, 3)
	var ids []any
	for _, tn := range tenants {
		ids = append(ids, tn.(map[string]any)["id"])
	}
	// Tenants created in the same millisecond have no defined order.
	assert.ElementsMatch(t, []any{def, id, fixedID}, ids)

	assert.Equal(t, tn, f.do("GET", "/api/tenant/"+id, "").obj(t, "tenant"))

	put := f.do("PUT", "/api/tenant/"+id, `{"tenant":{"name":"Second renamed"}}`).obj(t, "tenant")
	assert.Equal(t, "Second renamed", put["name"])
	assert.Equal(t, "acme.com", put["issuer"], "PUT replaces")
	assert.Equal(t, tn["insertInstant"], put["insertInstant"])

	patched := f.do("PATCH", "/api/tenant/"+id, `{"tenant":{"issuer":"patched.example.com"}}`).obj(t, "tenant")
	assert.Equal(t, "Second renamed", patched["name"])
	assert.Equal(t, "patched.example.com", patched["issuer"])
	merged := f.do("PATCH", "/api/tenant/"+id, `{"tenant":{"emailConfiguration":{"verifyEmail":true}}}`, "Content-Type", "application/merge-patch+json").obj(t, "tenant")
	assert.Equal(t, map[string]any{"verifyEmail": true}, merged["emailConfiguration"])

	f.do("DELETE", "/api/tenant/"+id, "").empty(t, 200)
	f.do("GET", "/api/tenant/"+id, "").empty(t, 404)
	f.do("DELETE", "/api/tenant/"+id, "").empty(t, 404)
	f.do("PUT", "/api/tenant/"+id, `{"tenant":{"name":"x"}}`).empty(t, 404)
	f.do("PATCH", "/api/tenant/"+id, `{"tenant":{"name":"x"}}`).empty(t, 404)
}

func TestTenantAPIErrors(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)
	tests := []struct {
		name, method, path, body string
		codes                    []string
	}{
		{"blank name", "POST", "/api/tenant", `{"tenant":{}}`, []string{"[blank]tenant.name"}},
		{"null name", "POST", "/api/tenant", `{"tenant":{"name":null}}`, []string{"[blank]tenant.name"}},
		{"duplicate name", "POST", "/api/tenant", `{"tenant":{"name":"DEFAULT"}}`, []string{"[duplicate]tenant.name"}},
		{"duplicate id", "POST", "/api/tenant/" + def, `{"tenant":{"name":"x"}}`, []string{"[duplicate]tenantId"}},
		{"usage policy", "POST", "/api/tenant", `{"tenant":{"name":"x","jwtConfiguration":{"refreshTokenUsagePolicy":"Twice"}}}`, []string{"[invalid]tenant.jwtConfiguration.refreshTokenUsagePolicy"}},
		{"expiration policy", "POST", "/api/tenant", `{"tenant":{"name":"x","jwtConfiguration":{"refreshTokenExpirationPolicy":"Forever"}}}`, []string{"[invalid]tenant.jwtConfiguration.refreshTokenExpirationPolicy"}},
		{"sliding window wrong type", "POST", "/api/tenant", `{"tenant":{"name":"x","jwtConfiguration":{"refreshTokenSlidingWindowConfiguration":{"maximumTimeToLiveInMinutes":"long"}}}}`, []string{"[invalidJSON]tenant.jwtConfiguration.refreshTokenSlidingWindowConfiguration.maximumTimeToLiveInMinutes"}},
		{"wrong type", "POST", "/api/tenant", `{"tenant":{"name":"x","jwtConfiguration":{"timeToLiveInSeconds":"long"}}}`, []string{"[invalidJSON]tenant.jwtConfiguration.timeToLiveInSeconds"}},
		{"malformed", "POST", "/api/tenant", `{"tenant":`, []string{"[invalidJSON]"}},
		{"bad uuid", "GET", "/api/tenant/nope", "", []string{"[couldNotConvert]tenantId"}},
		{"bad uuid on create", "POST", "/api/tenant/nope", `{"tenant":{"name":"x"}}`, []string{"[couldNotConvert]tenantId"}},
		{"last tenant", "DELETE", "/api/tenant/" + def, "", []string{"[invalid]tenantId"}},
		{"patch result invalid", "PATCH", "/api/tenant/" + def, `{"tenant":{"name":""}}`, []string{"[blank]tenant.name"}},
		{"issuer too long", "POST", "/api/tenant", `{"tenant":{"name":"x","issuer":"` + strings.Repeat("i", 256) + `"}}`, []string{"[tooLong]tenant.issuer"}},
		{"issuer too long on patch", "PATCH", "/api/tenant/" + def, `{"tenant":{"issuer":"` + strings.Repeat("ñ", 256) + `"}}`, []string{"[tooLong]tenant.issuer"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.do(tc.method, tc.path, tc.body).codes(t, tc.codes...)
		})
	}
	list := f.do("GET", "/api/tenant", "")
	assert.Len(t, list.body(t)["tenants"], 1, "nothing was created")
}

func TestTenantAPILockedKey(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)
	other := f.newTenant("other")
	key := f.lockedKey(other)
	as := func(method, path, body string) response { return f.do(method, path, body, "Authorization", key) }

	as("GET", "/api/tenant/"+def, "").empty(t, 404)
	assert.Equal(t, other, as("GET", "/api/tenant/"+other, "").obj(t, "tenant")["id"])
	list := as("GET", "/api/tenant", "").body(t)["tenants"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, other, list[0].(map[string]any)["id"])

	as("POST", "/api/tenant", `{"tenant":{"name":"mine"}}`).empty(t, 401)
	as("DELETE", "/api/tenant/"+def, "").empty(t, 401)
	as("DELETE", "/api/tenant/"+other, "").empty(t, 401)
	as("PATCH", "/api/tenant/"+def, `{"tenant":{"issuer":"x"}}`).empty(t, 404)
	assert.Equal(t, "mine.example.com", as("PATCH", "/api/tenant/"+other, `{"tenant":{"issuer":"mine.example.com"}}`).obj(t, "tenant")["issuer"])

	// The tenant header also scopes reads; a header for an unknown tenant is 401.
	f.do("GET", "/api/tenant/"+def, "", "X-FusionAuth-TenantId", other).empty(t, 404)
	f.do("GET", "/api/tenant", "", "X-FusionAuth-TenantId", "8f2b3c4d-0000-4000-8000-000000000000").empty(t, 401)

	// Deleting the tenant also revokes the keys locked to it.
	f.do("DELETE", "/api/tenant/"+other, "").empty(t, 200)
	as("GET", "/api/tenant", "").empty(t, 401)
}

// FusionAuth's tenant responses carry tenant.state (since 1.22; the clients'
// Tenant.state): Active, or PendingDelete while an asynchronous delete runs.
// Deletes here finish before they answer, so a tenant a response shows is
// Active. It is output only.
func TestTenantState(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)
	created := f.do("POST", "/api/tenant", `{"tenant":{"name":"Second","state":"PendingDelete"}}`).obj(t, "tenant")
	id := str(created, "id")
	assert.Equal(t, "Active", created["state"], "state is output only")
	assert.Equal(t, "Active", f.do("GET", "/api/tenant/"+id, "").obj(t, "tenant")["state"])
	assert.Equal(t, "Active", f.do("PUT", "/api/tenant/"+id, `{"tenant":{"name":"Second"}}`).obj(t, "tenant")["state"])
	list := f.do("GET", "/api/tenant", "").body(t)["tenants"].([]any)
	require.Len(t, list, 2)
	for _, tn := range list {
		assert.Equal(t, "Active", tn.(map[string]any)["state"])
	}
	// An RFC 6902 test of the state read by GET holds, and a legacy PATCH
	// that sends the retrieved tenant back (state included) is taken.
	patched := f.do("PATCH", "/api/tenant/"+id, `[{"op":"test","path":"/tenant/state","value":"Active"},{"op":"replace","path":"/tenant/name","value":"Third"}]`, "Content-Type", "application/json-patch+json").obj(t, "tenant")
	assert.Equal(t, "Third", patched["name"])
	assert.Equal(t, "Active", patched["state"])
	back := f.do("GET", "/api/tenant/"+def, "").obj(t, "tenant")
	back["name"] = "Renamed"
	body, err := json.Marshal(map[string]any{"tenant": back})
	require.NoError(t, err)
	again := f.do("PATCH", "/api/tenant/"+def, string(body)).obj(t, "tenant")
	assert.Equal(t, "Renamed", again["name"])
	assert.Equal(t, "Active", again["state"])
}

// TestTenantCopy: a create with sourceTenantId (the clients'
// TenantRequest.sourceTenantId, FusionAuth's "Create a Tenant from an
// existing Tenant") takes every setting from the source but the id and the
// name. The source was ignored, and the copy got the defaults.
func TestTenantCopy(t *testing.T) {
	f := newFixture(t)
	defaultTenant0(t, f)
	src := f.do("POST", "/api/tenant", `{"tenant":{"name":"Source","issuer":"source.example.com","jwtConfiguration":{"timeToLiveInSeconds":60,"refreshTokenTimeToLiveInMinutes":120,"refreshTokenUsagePolicy":"OneTimeUse","refreshTokenExpirationPolicy":"SlidingWindow"},"emailConfiguration":{"verifyEmail":true},"data":{"k":"v"}}}`).obj(t, "tenant")

	const copyID = "6d1f7c0e-2a4b-4c3d-9e8f-0a1b2c3d4e5f"
	// Settings sent beside the name are not the copy's: the source's are.
	cp := f.do("POST", "/api/tenant/"+copyID, `{"sourceTenantId":"`+str(src, "id")+`","tenant":{"name":"Copy","issuer":"ignored.example.com"}}`).obj(t, "tenant")
	assert.Equal(t, copyID, cp["id"])
	assert.Equal(t, "Copy", cp["name"])
	for _, k := range []string{"issuer", "jwtConfiguration", "emailConfiguration", "data", "state"} {
		assert.Equal(t, src[k], cp[k], k)
	}
	assert.Equal(t, cp, f.do("GET", "/api/tenant/"+copyID, "").obj(t, "tenant"))
	// Without an id on the URI the copy gets a new one.
	cp2 := f.do("POST", "/api/tenant", `{"sourceTenantId":"`+strings.ToUpper(str(src, "id"))+`","tenant":{"name":"Copy 2"}}`).obj(t, "tenant")
	assert.NotEqual(t, src["id"], cp2["id"])
	assert.Equal(t, src["issuer"], cp2["issuer"])

	for _, tc := range []struct{ body, code string }{
		{`{"sourceTenantId":"3c1e4a7b-0000-4000-8000-000000000000","tenant":{"name":"x"}}`, "[invalid]sourceTenantId"},
		{`{"sourceTenantId":"nope","tenant":{"name":"x"}}`, "[invalid]sourceTenantId"},
		{`{"sourceTenantId":"` + str(src, "id") + `","tenant":{}}`, "[blank]tenant.name"},
		{`{"sourceTenantId":"` + str(src, "id") + `","tenant":{"name":"source"}}`, "[duplicate]tenant.name"},
	} {
		f.do("POST", "/api/tenant", tc.body).codes(t, tc.code)
	}
	// An empty sourceTenantId is none (SPEC §0): a plain create.
	plain := f.do("POST", "/api/tenant", `{"sourceTenantId":"","tenant":{"name":"Plain"}}`).obj(t, "tenant")
	assert.Equal(t, "acme.com", plain["issuer"])
	// So is a blank one, as a blank sourceApplicationId is: it answered
	// [invalid]sourceTenantId.
	blank := f.do("POST", "/api/tenant", `{"sourceTenantId":" \t","tenant":{"name":"Blank","issuer":"blank.example.com"}}`).obj(t, "tenant")
	assert.Equal(t, "blank.example.com", blank["issuer"])
	assert.Len(t, f.do("GET", "/api/tenant", "").body(t)["tenants"], 6, "default, source, two copies and the plain and blank ones; the refused made none")
}
