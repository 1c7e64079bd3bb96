package httpadapter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	twitterID   = "45bb233c-0901-4236-b5ca-ac46e2e0a5a5"
	seedAppID   = "1c212e59-0d0e-6b1a-ad48-f4f92793be32"
	seedTenant  = "e872a880-b14f-6d62-c312-cb40f22af465"
	otherAppID  = "2c212e59-0d0e-6b1a-ad48-f4f92793be32"
	reconcileID = "9f2b0a3e-3f0c-4b5e-9a51-7d6c1c0b8e11"
	googleID    = "8a2b0a3e-3f0c-4b5e-9a51-7d6c1c0b8e12"
)

const seedIdPRequest = `{
"identityProvider": {
"applicationConfiguration": {
"1c212e59-0d0e-6b1a-ad48-f4f92793be32": {
"createRegistration": true,
"enabled": true
}
},
"buttonText": "Login with Twitter",
"consumerKey": "24iuleLRKIZUNhxuuUK6yDZwb",
"consumerSecret": "e2ZpAaAfxv2j9eeh6JTeNcXMWdVLjRNriXm4wSZt1f1Ss3Syp4",
"debug": false,
"enabled": true,
"tenantConfiguration": {
"e872a880-b14f-6d62-c312-cb40f22af465": {
"limitUserLinkCount": {
"enabled": false,
"maximumLinks": 42
}
}
},
"type": "Twitter"
}
}`

// The seed's example response, with linkingStrategy (documented with its
// default, left out of the example) and without the instants.
const seedIdPResponse = `{
"identityProvider": {
"applicationConfiguration": {"1c212e59-0d0e-6b1a-ad48-f4f92793be32": {"createRegistration": true, "enabled": true}},
"buttonText": "Login with Twitter",
"consumerKey": "24iuleLRKIZUNhxuuUK6yDZwb",
"consumerSecret": "e2ZpAaAfxv2j9eeh6JTeNcXMWdVLjRNriXm4wSZt1f1Ss3Syp4",
"debug": false,
"enabled": true,
"id": "45bb233c-0901-4236-b5ca-ac46e2e0a5a5",
"linkingStrategy": "LinkByEmail",
"name": "Twitter",
"tenantConfiguration": {"e872a880-b14f-6d62-c312-cb40f22af465": {"limitUserLinkCount": {"enabled": false, "maximumLinks": 42}}},
"type": "Twitter"
}
}`

// steppingClock moves one second on every reading, so each write gets a new
// instant.
func steppingClock() func() time.Time {
	var n atomic.Int64
	base := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	return func() time.Time { return base.Add(time.Duration(n.Add(1)) * time.Second) }
}

func newIdPFixture(t *testing.T, engineOpts ...authcore.Option) *fixture {
	t.Helper()
	opts := append([]authcore.Option{
		authcore.WithClock(steppingClock()),
		authcore.WithLambda(authcore.Lambda{ID: reconcileID, Type: authcore.LambdaTwitterReconcile, Reconcile: func(context.Context, *authcore.User, *authcore.UserRegistration, map[string]any) error { return nil }}),
		authcore.WithLambda(authcore.Lambda{ID: googleID, Type: "GoogleReconcile"}),
	}, engineOpts...)
	f := newFixtureWith(t, opts)
	ctx := context.Background()
	require.NoError(t, f.store.CreateTenant(ctx, &authcore.Tenant{ID: seedTenant, Name: "seed tenant"}))
	def := defaultTenant0(t, f)
	require.NoError(t, f.store.CreateApplication(ctx, &authcore.Application{ID: seedAppID, TenantID: def, Name: "seed app", Active: true}))
	require.NoError(t, f.store.CreateApplication(ctx, &authcore.Application{ID: otherAppID, TenantID: def, Name: "other app", Active: true}))
	return f
}

// defaultTenant0 finds the tenant the engine created (the oldest one).
func defaultTenant0(t *testing.T, f *fixture) string {
	t.Helper()
	ts, err := f.store.ListTenants(context.Background())
	require.NoError(t, err)
	for _, tn := range ts {
		if tn.Name == authcore.DefaultTenantName {
			return tn.ID
		}
	}
	t.Fatal("no default tenant")
	return ""
}

func stripInstants(t *testing.T, body string) (string, int64, int64) {
	t.Helper()
	var m map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &m))
	p := m["identityProvider"]
	ins, _ := p["insertInstant"].(float64)
	upd, _ := p["lastUpdateInstant"].(float64)
	delete(p, "insertInstant")
	delete(p, "lastUpdateInstant")
	b, _ := json.Marshal(m)
	return string(b), int64(ins), int64(upd)
}

func TestIdentityProviderSeedExample(t *testing.T) {
	for _, path := range []string{"/api/identity-provider", "/api/identity-provider/" + twitterID} {
		t.Run(path, func(t *testing.T) {
			f := newIdPFixture(t)
			r := f.do("POST", path, seedIdPRequest)
			require.Equal(t, 200, r.Code, r.Body)
			got, ins, upd := stripInstants(t, r.Body)
			assert.JSONEq(t, seedIdPResponse, got)
			assert.NotZero(t, ins)
			assert.Equal(t, ins, upd)
			assert.NotContains(t, r.Body, "null")

			for _, get := range []string{"/api/identity-provider/" + twitterID, "/api/identity-provider/" + strings.ToUpper(twitterID)} {
				g := f.do("GET", get, "")
				require.Equal(t, 200, g.Code)
				assert.JSONEq(t, r.Body, g.Body)
			}
			byType := f.do("GET", "/api/identity-provider?type=Twitter", "")
			require.Equal(t, 200, byType.Code)
			var bt struct {
				IdentityProvider  json.RawMessage   `json:"identityProvider"`
				IdentityProviders []json.RawMessage `json:"identityProviders"`
			}
			require.NoError(t, json.Unmarshal([]byte(byType.Body), &bt))
			require.Len(t, bt.IdentityProviders, 1)
			assert.JSONEq(t, r.Body, `{"identityProvider":`+string(bt.IdentityProvider)+`}`)
			all := f.do("GET", "/api/identity-provider", "")
			require.Equal(t, 200, all.Code)
			assert.Contains(t, all.Body, `"identityProviders":[{`)
		})
	}
}

func TestIdentityProviderEmptyAndMissing(t *testing.T) {
	f := newIdPFixture(t)
	all := f.do("GET", "/api/identity-provider", "")
	require.Equal(t, 200, all.Code)
	assert.JSONEq(t, `{"identityProviders":[]}`, all.Body)
	for _, req := range []struct{ method, path, body string }{
		{"GET", "/api/identity-provider/" + twitterID, ""},
		{"GET", "/api/identity-provider?type=Twitter", ""},
		{"GET", "/api/identity-provider?type=Google", ""},
		{"DELETE", "/api/identity-provider/" + twitterID, ""},
		{"DELETE", "/api/identity-provider?type=Twitter", ""},
		{"PUT", "/api/identity-provider/" + twitterID, seedIdPRequest},
		{"PATCH", "/api/identity-provider/" + twitterID, `{"identityProvider":{"debug":true}}`},
	} {
		r := f.do(req.method, req.path, req.body)
		assert.Equal(t, 404, r.Code, "%s %s", req.method, req.path)
		assert.Empty(t, r.Body)
	}
	r := f.do("GET", "/api/identity-provider/not-a-uuid", "")
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[couldNotConvert]identityProviderId"))
}

func TestIdentityProviderValidation(t *testing.T) {
	mod := func(edit func(p map[string]any)) string {
		var m map[string]map[string]any
		require.NoError(t, json.Unmarshal([]byte(seedIdPRequest), &m))
		edit(m["identityProvider"])
		b, _ := json.Marshal(m)
		return string(b)
	}
	tests := []struct {
		name, path, body, code string
	}{
		{"blank buttonText", "", mod(func(p map[string]any) { p["buttonText"] = " " }), "[blank]identityProvider.buttonText"},
		{"null buttonText", "", mod(func(p map[string]any) { p["buttonText"] = nil }), "[blank]identityProvider.buttonText"},
		{"missing consumerKey", "", mod(func(p map[string]any) { delete(p, "consumerKey") }), "[blank]identityProvider.consumerKey"},
		{"null consumerSecret", "", mod(func(p map[string]any) { p["consumerSecret"] = nil }), "[blank]identityProvider.consumerSecret"},
		{"unknown linkingStrategy", "", mod(func(p map[string]any) { p["linkingStrategy"] = "LinkByShoeSize" }), "[invalid]identityProvider.linkingStrategy"},
		{"type not Twitter", "", mod(func(p map[string]any) { p["type"] = "Google" }), "[invalid]identityProvider.type"},
		{"type missing", "", mod(func(p map[string]any) { delete(p, "type") }), "[blank]identityProvider.type"},
		{"another id in the URI", "/11111111-2222-3333-4444-555555555555", seedIdPRequest, "[invalid]identityProviderId"},
		{"unknown application", "", mod(func(p map[string]any) {
			p["applicationConfiguration"] = map[string]any{"99999999-0d0e-6b1a-ad48-f4f92793be32": map[string]any{"enabled": true}}
		}), "[invalid]identityProvider.applicationConfiguration"},
		{"unknown tenant", "", mod(func(p map[string]any) {
			p["tenantConfiguration"] = map[string]any{"99999999-b14f-6d62-c312-cb40f22af465": map[string]any{}}
		}), "[invalid]identityProvider.tenantConfiguration"},
		{"maximumLinks 0", "", mod(func(p map[string]any) {
			p["tenantConfiguration"] = map[string]any{seedTenant: map[string]any{"limitUserLinkCount": map[string]any{"enabled": true, "maximumLinks": 0}}}
		}), "[invalid]identityProvider.tenantConfiguration[" + seedTenant + "].limitUserLinkCount.maximumLinks"},
		{"maximumLinks beyond a Java int", "", mod(func(p map[string]any) {
			p["tenantConfiguration"] = map[string]any{seedTenant: map[string]any{"limitUserLinkCount": map[string]any{"maximumLinks": 2147483648}}}
		}), "[invalid]identityProvider.tenantConfiguration[" + seedTenant + "].limitUserLinkCount.maximumLinks"},
		{"unknown reconcile", "", mod(func(p map[string]any) {
			p["lambdaConfiguration"] = map[string]any{"reconcileId": "7f2b0a3e-3f0c-4b5e-9a51-7d6c1c0b8e10"}
		}), "[invalid]identityProvider.lambdaConfiguration.reconcileId"},
		{"reconcile of another type", "", mod(func(p map[string]any) {
			p["lambdaConfiguration"] = map[string]any{"reconcileId": googleID}
		}), "[invalid]identityProvider.lambdaConfiguration.reconcileId"},
		{"wrong type for debug", "", mod(func(p map[string]any) { p["debug"] = "yes" }), "[invalidJSON]identityProvider.debug"},
		{"wrong type in an application's override", "", mod(func(p map[string]any) {
			p["applicationConfiguration"] = map[string]any{seedAppID: map[string]any{"createRegistration": "yes"}}
		}), "[invalidJSON]identityProvider.applicationConfiguration[" + seedAppID + "].createRegistration"},
		{"wrong type in a tenant's link limit", "", mod(func(p map[string]any) {
			p["tenantConfiguration"] = map[string]any{seedTenant: map[string]any{"limitUserLinkCount": map[string]any{"maximumLinks": "3"}}}
		}), "[invalidJSON]identityProvider.tenantConfiguration[" + seedTenant + "].limitUserLinkCount.maximumLinks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newIdPFixture(t)
			r := f.do("POST", "/api/identity-provider"+tc.path, tc.body)
			require.Equal(t, 400, r.Code, r.Body)
			assert.True(t, r.errors(t).Has(tc.code), "want %s, got %v", tc.code, r.errors(t).Codes())
			assert.Equal(t, 404, f.do("GET", "/api/identity-provider/"+twitterID, "").Code, "nothing stored")
		})
		t.Run(tc.name+" on PUT", func(t *testing.T) {
			if tc.path != "" {
				return // the URI rule is about create
			}
			f := newIdPFixture(t)
			require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
			before := f.do("GET", "/api/identity-provider/"+twitterID, "").Body
			r := f.do("PUT", "/api/identity-provider/"+twitterID, tc.body)
			require.Equal(t, 400, r.Code, r.Body)
			assert.True(t, r.errors(t).Has(tc.code) || tc.code == "[invalid]identityProvider.type", "want %s, got %v", tc.code, r.errors(t).Codes())
			assert.JSONEq(t, before, f.do("GET", "/api/identity-provider/"+twitterID, "").Body, "nothing changed")
		})
	}
	t.Run("valid reconcile", func(t *testing.T) {
		f := newIdPFixture(t)
		r := f.do("POST", "/api/identity-provider", mod(func(p map[string]any) {
			p["lambdaConfiguration"] = map[string]any{"reconcileId": reconcileID}
		}))
		require.Equal(t, 200, r.Code, r.Body)
		assert.Contains(t, r.Body, reconcileID)
	})
	t.Run("second create", func(t *testing.T) {
		f := newIdPFixture(t)
		require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
		r := f.do("POST", "/api/identity-provider/"+twitterID, seedIdPRequest)
		require.Equal(t, 400, r.Code)
		assert.True(t, r.errors(t).Has("[duplicate]identityProviderId"))
	})
}

func TestIdentityProviderUpdateAndPatch(t *testing.T) {
	f := newIdPFixture(t)
	both := strings.Replace(seedIdPRequest, `"applicationConfiguration": {`, `"applicationConfiguration": {"`+otherAppID+`": {"enabled": true, "consumerKey": "appKey"},`, 1)
	created := f.do("POST", "/api/identity-provider", both)
	require.Equal(t, 200, created.Code, created.Body)
	_, ins0, upd0 := stripInstants(t, created.Body)

	// PUT replaces: debug and the tenant configuration left out return to
	// their defaults.
	put := f.do("PUT", "/api/identity-provider?type=Twitter", `{"identityProvider":{"type":"Twitter","buttonText":"B","consumerKey":"K","consumerSecret":"S","debug":false,"enabled":true}}`)
	require.Equal(t, 200, put.Code, put.Body)
	got, ins1, upd1 := stripInstants(t, put.Body)
	assert.JSONEq(t, `{"identityProvider":{"buttonText":"B","consumerKey":"K","consumerSecret":"S","debug":false,"enabled":true,"id":"`+twitterID+`","linkingStrategy":"LinkByEmail","name":"Twitter","type":"Twitter"}}`, got)
	assert.Equal(t, ins0, ins1, "insertInstant survives PUT")
	assert.Greater(t, upd1, upd0, "lastUpdateInstant moves")

	// Restore two applications, then legacy-PATCH one application's enabled.
	require.Equal(t, 200, f.do("PUT", "/api/identity-provider/"+twitterID, both).Code)
	p := f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"applicationConfiguration":{"`+seedAppID+`":{"enabled":false}}}}`)
	require.Equal(t, 200, p.Code, p.Body)
	var out struct {
		IdentityProvider struct {
			ApplicationConfiguration map[string]map[string]any `json:"applicationConfiguration"`
			InsertInstant            int64                     `json:"insertInstant"`
			LastUpdateInstant        int64                     `json:"lastUpdateInstant"`
			ConsumerKey              string                    `json:"consumerKey"`
		} `json:"identityProvider"`
	}
	require.NoError(t, json.Unmarshal([]byte(p.Body), &out))
	ac := out.IdentityProvider.ApplicationConfiguration
	assert.Equal(t, false, ac[seedAppID]["enabled"])
	assert.Equal(t, true, ac[seedAppID]["createRegistration"], "untouched fields of the patched entry stay")
	assert.Equal(t, true, ac[otherAppID]["enabled"], "the other application's entry stays")
	assert.Equal(t, "appKey", ac[otherAppID]["consumerKey"])
	assert.Equal(t, ins0, out.IdentityProvider.InsertInstant, "insertInstant survives PATCH")
	assert.Greater(t, out.IdentityProvider.LastUpdateInstant, upd1)

	// Read-only fields cannot be patched.
	ro := f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"id":"11111111-2222-3333-4444-555555555555","insertInstant":5,"name":"X"}}`, "Content-Type", "application/merge-patch+json")
	require.Equal(t, 200, ro.Code, ro.Body)
	assert.Contains(t, ro.Body, `"id":"`+twitterID+`"`)
	assert.Contains(t, ro.Body, `"name":"Twitter"`)
	assert.NotContains(t, ro.Body, `"insertInstant":5`)

	// A PATCH that blanks the consumer key is refused, in every form.
	before := f.do("GET", "/api/identity-provider/"+twitterID, "").Body
	for ct, body := range map[string]string{
		"application/json":             `{"identityProvider":{"consumerKey":null}}`,
		"application/merge-patch+json": `{"identityProvider":{"consumerKey":""}}`,
		"application/json-patch+json":  `[{"op":"remove","path":"/identityProvider/consumerKey"}]`,
	} {
		r := f.do("PATCH", "/api/identity-provider/"+twitterID, body, "Content-Type", ct)
		require.Equal(t, 400, r.Code, ct)
		assert.True(t, r.errors(t).Has("[blank]identityProvider.consumerKey"), ct)
	}
	assert.JSONEq(t, before, f.do("GET", "/api/identity-provider/"+twitterID, "").Body)

	// JSON Patch test op.
	r := f.do("PATCH", "/api/identity-provider?type=Twitter", `[{"op":"test","path":"/identityProvider/linkingStrategy","value":"LinkByEmail"},{"op":"replace","path":"/identityProvider/linkingStrategy","value":"CreatePendingLink"}]`, "Content-Type", "application/json-patch+json")
	require.Equal(t, 200, r.Code, r.Body)
	assert.Contains(t, r.Body, `"linkingStrategy":"CreatePendingLink"`)
}

func TestIdentityProviderDeleteRemovesLinks(t *testing.T) {
	f := newIdPFixture(t)
	ctx := context.Background()
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	tenant := defaultTenant0(t, f)
	u := &authcore.User{ID: "aaaaaaaa-0000-0000-0000-000000000001", TenantID: tenant, Email: "a@example.com", Active: true}
	require.NoError(t, f.store.CreateUser(ctx, u))
	require.NoError(t, f.store.CreateLink(ctx, &authcore.IdentityProviderLink{TenantID: tenant, IdentityProviderID: twitterID, IdentityProviderUserID: "123", UserID: u.ID}))
	require.NoError(t, f.store.CreatePendingLink(ctx, &authcore.PendingLink{ID: "p1", TenantID: tenant, IdentityProviderID: twitterID, IdentityProviderUserID: "456", ExpirationInstant: 1 << 62}))

	r := f.do("DELETE", "/api/identity-provider/"+twitterID, "")
	require.Equal(t, 200, r.Code)
	assert.Empty(t, r.Body)
	assert.Equal(t, 404, f.do("GET", "/api/identity-provider/"+twitterID, "").Code)
	links, err := f.store.ListLinks(ctx, u.ID, "")
	require.NoError(t, err)
	assert.Empty(t, links)
	_, err = f.store.GetPendingLink(ctx, "p1", 0)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = f.store.GetUser(ctx, u.ID)
	assert.NoError(t, err, "the user stays")
}

func TestIdentityProviderTenantLockedKey(t *testing.T) {
	f := newIdPFixture(t)
	_, locked, err := f.engine.CreateAPIKey(context.Background(), authcore.NewAPIKey{TenantID: seedTenant})
	require.NoError(t, err)
	r := f.do("POST", "/api/identity-provider", seedIdPRequest, "Authorization", locked)
	assert.Equal(t, 401, r.Code)
	assert.Empty(t, r.Body)
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	assert.Equal(t, 200, f.do("GET", "/api/identity-provider/"+twitterID, "", "Authorization", locked).Code, "a locked key may read")
	assert.Equal(t, 401, f.do("PUT", "/api/identity-provider/"+twitterID, seedIdPRequest, "Authorization", locked).Code)
	assert.Equal(t, 401, f.do("PATCH", "/api/identity-provider/"+twitterID, `{}`, "Authorization", locked).Code)
	assert.Equal(t, 401, f.do("DELETE", "/api/identity-provider/"+twitterID, "", "Authorization", locked).Code)
	assert.Equal(t, 401, f.do("GET", "/api/identity-provider/"+twitterID, "", "Authorization", "").Code)
}

func TestIdentityProviderSecretNeverLogged(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newIdPFixture(t, authcore.WithLogger(logger))
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	require.Equal(t, 200, f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"debug":true}}`).Code)
	require.Equal(t, 400, f.do("PUT", "/api/identity-provider/"+twitterID, `{"identityProvider":{"consumerSecret":"e2ZpAaAfxv2j9eeh6JTeNcXMWdVLjRNriXm4wSZt1f1Ss3Syp4"}}`).Code)
	assert.NotEmpty(t, buf.String(), "the engine logged something")
	assert.NotContains(t, buf.String(), "e2ZpAaAfxv2j9eeh6JTeNcXMWdVLjRNriXm4wSZt1f1Ss3Syp4")
}

func TestDeletingAnApplicationRemovesItsProviderEntry(t *testing.T) {
	f := newIdPFixture(t)
	both := strings.Replace(seedIdPRequest, `"applicationConfiguration": {`, `"applicationConfiguration": {"`+otherAppID+`": {"enabled": true},`, 1)
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", both).Code)
	require.NoError(t, f.engine.DeleteApplication(context.Background(), otherAppID))
	g := f.do("GET", "/api/identity-provider/"+twitterID, "")
	require.Equal(t, 200, g.Code)
	assert.NotContains(t, g.Body, otherAppID)
	assert.Contains(t, g.Body, seedAppID)
	// The provider stays valid: a PATCH goes through.
	assert.Equal(t, 200, f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"debug":true}}`).Code)
}

// Deleting a tenant removes its entry from the provider's
// tenantConfiguration, and its applications' entries (the store deletes
// them with it) from applicationConfiguration: left there, they made every
// later PUT and PATCH of the provider fail validation, even a PUT of what
// GET returned.
func TestDeletingATenantLeavesItsProviderValid(t *testing.T) {
	f := newIdPFixture(t)
	ctx := context.Background()
	tenantApp := "5c212e59-0d0e-6b1a-ad48-f4f92793be32"
	require.NoError(t, f.store.CreateApplication(ctx, &authcore.Application{ID: tenantApp, TenantID: seedTenant, Name: "seed-tenant app", Active: true}))
	body := strings.Replace(seedIdPRequest, `"applicationConfiguration": {`, `"applicationConfiguration": {"`+tenantApp+`": {"enabled": true},`, 1)
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", body).Code)
	require.Contains(t, f.do("GET", "/api/identity-provider/"+twitterID, "").Body, seedTenant, "the tenant is configured on the provider")

	d := f.do("DELETE", "/api/tenant/"+seedTenant, "")
	require.Equal(t, 200, d.Code, d.Body)

	g := f.do("GET", "/api/identity-provider/"+twitterID, "")
	require.Equal(t, 200, g.Code)
	assert.NotContains(t, g.Body, seedTenant, "the deleted tenant's entry is gone")
	assert.NotContains(t, g.Body, tenantApp, "the deleted tenant's application's entry is gone")
	p := f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"debug":true}}`)
	assert.Equal(t, 200, p.Code, p.Body)
	put := f.do("PUT", "/api/identity-provider/"+twitterID, g.Body)
	assert.Equal(t, 200, put.Code, put.Body)
}

// The domain's free-form "data" maps (on the provider, on each application
// configuration, on each tenant configuration) are stored and returned:
// GET gives back what PUT stored, and each PATCH form reaches into them
// (the legacy form merges and removes with null, merge-patch likewise,
// JSON Patch by path).
func TestIdentityProviderDataRoundTrips(t *testing.T) {
	f := newIdPFixture(t)
	body := strings.Replace(seedIdPRequest, `"type": "Twitter"`, `"type": "Twitter", "data": {"top": {"a": 1, "b": "two"}}`, 1)
	body = strings.Replace(body, `"createRegistration": true,`, `"createRegistration": true, "data": {"app": "x"},`, 1)
	body = strings.Replace(body, `"limitUserLinkCount": {`, `"data": {"tenant": true}, "limitUserLinkCount": {`, 1)
	created := f.do("POST", "/api/identity-provider", body)
	require.Equal(t, 200, created.Code, created.Body)
	type shape struct {
		IdentityProvider struct {
			Data                     map[string]any `json:"data"`
			ApplicationConfiguration map[string]struct {
				Data map[string]any `json:"data"`
			} `json:"applicationConfiguration"`
			TenantConfiguration map[string]struct {
				Data map[string]any `json:"data"`
			} `json:"tenantConfiguration"`
		} `json:"identityProvider"`
	}
	read := func(s string) shape {
		var out shape
		require.NoError(t, json.Unmarshal([]byte(s), &out))
		return out
	}
	get := func() shape {
		g := f.do("GET", "/api/identity-provider/"+twitterID, "")
		require.Equal(t, 200, g.Code)
		return read(g.Body)
	}
	for _, got := range []shape{read(created.Body), get()} {
		assert.Equal(t, map[string]any{"top": map[string]any{"a": float64(1), "b": "two"}}, got.IdentityProvider.Data)
		assert.Equal(t, map[string]any{"app": "x"}, got.IdentityProvider.ApplicationConfiguration[seedAppID].Data)
		assert.Equal(t, map[string]any{"tenant": true}, got.IdentityProvider.TenantConfiguration[seedTenant].Data)
	}

	legacy := f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"data":{"top":{"a":null,"c":3}},"applicationConfiguration":{"`+seedAppID+`":{"data":{"more":1}}}}}`)
	require.Equal(t, 200, legacy.Code, legacy.Body)
	got := get()
	assert.Equal(t, map[string]any{"top": map[string]any{"b": "two", "c": float64(3)}}, got.IdentityProvider.Data, "legacy PATCH merges, null removes")
	assert.Equal(t, map[string]any{"app": "x", "more": float64(1)}, got.IdentityProvider.ApplicationConfiguration[seedAppID].Data)

	merge := f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"tenantConfiguration":{"`+seedTenant+`":{"data":{"tenant":null,"k":"v"}}}}}`, "Content-Type", "application/merge-patch+json")
	require.Equal(t, 200, merge.Code, merge.Body)
	assert.Equal(t, map[string]any{"k": "v"}, get().IdentityProvider.TenantConfiguration[seedTenant].Data)

	jp := f.do("PATCH", "/api/identity-provider/"+twitterID, `[{"op":"test","path":"/identityProvider/data/top/c","value":3},{"op":"remove","path":"/identityProvider/data"}]`, "Content-Type", "application/json-patch+json")
	require.Equal(t, 200, jp.Code, jp.Body)
	assert.NotContains(t, jp.Body, `"top"`)
	assert.Nil(t, get().IdentityProvider.Data)
}

// lambdaConfiguration.reconcileId is a UUID and, as every id here, is
// accepted in any case and stored lower-cased; a function registered under
// an upper-case id is the same function.
func TestIdentityProviderReconcileIDInAnyCase(t *testing.T) {
	withReconcile := func(id string) string {
		return strings.Replace(seedIdPRequest, `"type": "Twitter"`, `"type": "Twitter", "lambdaConfiguration": {"reconcileId": "`+id+`"}`, 1)
	}
	t.Run("upper-case in the request", func(t *testing.T) {
		f := newIdPFixture(t)
		r := f.do("POST", "/api/identity-provider", withReconcile(strings.ToUpper(reconcileID)))
		require.Equal(t, 200, r.Code, r.Body)
		assert.Contains(t, r.Body, `"reconcileId":"`+reconcileID+`"`)
		assert.Contains(t, f.do("GET", "/api/identity-provider/"+twitterID, "").Body, `"reconcileId":"`+reconcileID+`"`)
	})
	t.Run("upper-case at registration", func(t *testing.T) {
		upper := "7E2B0A3E-3F0C-4B5E-9A51-7D6C1C0B8E13"
		f := newIdPFixture(t, authcore.WithLambda(authcore.Lambda{ID: upper, Type: authcore.LambdaTwitterReconcile, Reconcile: func(context.Context, *authcore.User, *authcore.UserRegistration, map[string]any) error { return nil }}))
		r := f.do("POST", "/api/identity-provider", withReconcile(strings.ToLower(upper)))
		require.Equal(t, 200, r.Code, r.Body)
	})
}

// The response leaves out a lambdaConfiguration without a reconcileId, as it
// leaves out empty maps; an RFC 6902 PATCH finds it empty, not missing, so
// that "add .../lambdaConfiguration/reconcileId" sets the first reconcile
// lambda (it answered [invalidJSON] "no member lambdaConfiguration"), and a
// test of it as {} matches what GET shows by leaving it out.
func TestIdentityProviderJSONPatchSetsTheFirstReconcileID(t *testing.T) {
	f := newIdPFixture(t)
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	require.NotContains(t, f.do("GET", "/api/identity-provider/"+twitterID, "").Body, "lambdaConfiguration")

	r := f.do("PATCH", "/api/identity-provider/"+twitterID,
		`[{"op":"test","path":"/identityProvider/lambdaConfiguration","value":{}},{"op":"add","path":"/identityProvider/lambdaConfiguration/reconcileId","value":"`+reconcileID+`"}]`,
		"Content-Type", "application/json-patch+json")
	require.Equal(t, 200, r.Code, r.Body)
	assert.Contains(t, r.Body, `"lambdaConfiguration":{"reconcileId":"`+reconcileID+`"}`)
	assert.Contains(t, f.do("GET", "/api/identity-provider/"+twitterID, "").Body, `"reconcileId":"`+reconcileID+`"`)

	// A path through a member that is not there and not an omitted empty
	// one still fails, as RFC 6902 has it.
	bad := f.do("PATCH", "/api/identity-provider/"+twitterID, `[{"op":"add","path":"/identityProvider/nothing/reconcileId","value":"x"}]`, "Content-Type", "application/json-patch+json")
	require.Equal(t, 400, bad.Code, bad.Body)
	assert.True(t, bad.errors(t).Has("[invalidJSON]"))
}
