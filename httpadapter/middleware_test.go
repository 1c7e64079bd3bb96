package httpadapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoClaims is a host application's handler: it answers with the claims
// the middleware put in the context.
var echoClaims = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_ = json.NewEncoder(w).Encode(httpadapter.Claims(r.Context()))
})

func TestRequireToken(t *testing.T) {
	w := newTokenWorld(t)
	h := w.handler.(*httpadapter.Handler)
	access, _, _ := w.login()

	// A token for a user not registered to the application: no roles claim.
	visitor := &authcore.User{ID: "22222222-2222-4333-8444-555555555555", TenantID: w.tenant.ID, Active: true}
	require.NoError(t, w.store.CreateUser(w.ctx, visitor))
	tenant, err := w.store.GetTenant(w.ctx, w.tenant.ID)
	require.NoError(t, err)
	noRoles, _, err := w.engine.IssueAccessToken(w.ctx, w.store, authcore.TokenRequest{Tenant: tenant, Application: w.app, User: visitor})
	require.NoError(t, err)

	tests := []struct {
		name       string
		mw         func(http.Handler) http.Handler
		header     string
		cookie     string
		status     int
		challenge  string
		wantClaims bool
	}{
		{"bearer, no role needed", h.RequireToken(), "Bearer " + access, "", 200, "", true},
		{"cookie", h.RequireToken(), "", access, 200, "", true},
		{"lower-case scheme", h.RequireToken(), "bearer " + access, "", 200, "", true},
		{"one of the roles", h.RequireToken("editor", "admin"), "Bearer " + access, "", 200, "", true},
		{"missing token", h.RequireToken(), "", "", 401, "Bearer", false},
		{"invalid token", h.RequireToken(), "Bearer " + access + "x", "", 401, `Bearer error="invalid_token"`, false},
		{"API key is not a token", h.RequireToken(), testKey, "", 401, "Bearer", false},
		{"role missing", h.RequireToken("editor"), "Bearer " + access, "", 403, `Bearer error="insufficient_scope"`, false},
		{"not registered, role required", h.RequireToken("admin"), "Bearer " + noRoles, "", 403, `Bearer error="insufficient_scope"`, false},
		{"not registered, no role required", h.RequireToken(), "Bearer " + noRoles, "", 200, "", true},
		{"right application", h.RequireTokenFor(appID, "admin"), "Bearer " + access, "", 200, "", true},
		{"other application", h.RequireTokenFor("7b3f1c3e-7d7e-4a5e-9a43-0a5b1c2d3e4f"), "Bearer " + access, "", 401, `Bearer error="invalid_token"`, false},
		{"package func", httpadapter.RequireToken(w.engine, "", "admin"), "Bearer " + access, "", 200, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/app/private", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			if tc.cookie != "" {
				req.AddCookie(&http.Cookie{Name: "access_token", Value: tc.cookie})
			}
			rec := httptest.NewRecorder()
			tc.mw(echoClaims).ServeHTTP(rec, req)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			assert.Equal(t, tc.challenge, rec.Header().Get("WWW-Authenticate"))
			if !tc.wantClaims {
				assert.Empty(t, rec.Body.String(), "the host handler did not run")
				return
			}
			var claims map[string]any
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &claims))
			assert.Equal(t, appID, claims["aud"])
			assert.NotEmpty(t, claims["sub"])
		})
	}

	assert.Nil(t, httpadapter.Claims(httptest.NewRequest("GET", "/", nil).Context()), "no claims outside the middleware")
}

// A host application protects its own route with the middleware; the
// handler reads the verified claims from the request context.
func ExampleHandler_RequireToken() {
	ctx := context.Background()
	store := memstore.New()
	engine, _ := authcore.New(ctx, store, authcore.WithLogger(quietLogger()))
	h, _ := httpadapter.New(engine)

	// What a login would have stored and issued.
	tenants, _ := store.ListTenants(ctx)
	app := &authcore.Application{ID: "6a2f1c3e-7d7e-4a5e-9a43-0a5b1c2d3e4f", TenantID: tenants[0].ID, Name: "Pied Piper", Active: true}
	_ = store.CreateApplication(ctx, app)
	user := &authcore.User{ID: "11111111-2222-4333-8444-555555555555", TenantID: tenants[0].ID, Email: "richard@piedpiper.com", Active: true}
	_ = store.CreateUser(ctx, user)
	reg := &authcore.UserRegistration{ApplicationID: app.ID, UserID: user.ID, Roles: []string{"admin"}}
	_ = store.CreateRegistration(ctx, reg)
	token, _, _ := engine.IssueAccessToken(ctx, store, authcore.TokenRequest{Tenant: tenants[0], Application: app, User: user, Registration: reg, AuthenticationType: "TWITTER"})

	mux := http.NewServeMux()
	mux.Handle("/admin", h.RequireToken("admin")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello", httpadapter.Claims(r.Context())["email"])
	})))
	for _, auth := range []string{"Bearer " + token, "", "Bearer forged"} {
		req := httptest.NewRequest("GET", "/admin", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Println(strings.TrimSpace(fmt.Sprint(rec.Code, " ", rec.Body.String())))
	}
	// Output:
	// 200 hello richard@piedpiper.com
	// 401
	// 401
}

// RequireTokenFor guards one application: a token that another tenant's
// key signed is no token of that application, whatever its aud and roles.
// Any API key may vend a token with any claims, so a key locked to tenant
// B could otherwise mint an admin token for tenant A's application.
func TestRequireTokenForRefusesAnotherTenantsKey(t *testing.T) {
	w := newTokenWorld(t)
	h := w.handler.(*httpadapter.Handler)
	access, _, _ := w.login()
	other := w.newTenant("Hooli")
	locked := w.lockedKey(other)

	r := w.do("POST", "/api/jwt/vend", `{"claims":{"aud":"`+appID+`","sub":"`+userID+`","applicationId":"`+appID+`","roles":["admin"]}}`, "Authorization", locked)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	forged := str(r.body(t), "token")

	for _, tc := range []struct {
		name   string
		token  string
		status int
	}{
		{"the application's own login", access, http.StatusOK},
		{"vended by another tenant's key", forged, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/app/private", nil)
			req.Header.Set("Authorization", "Bearer "+tc.token)
			rec := httptest.NewRecorder()
			h.RequireTokenFor(appID, "admin")(echoClaims).ServeHTTP(rec, req)
			assert.Equal(t, tc.status, rec.Code, rec.Body.String())
		})
	}
}

// RequireToken (no application) takes a login's token only: a vended token,
// whether from a key locked to another tenant or from a global key with the
// tenant's own signing key, carries whatever subject and roles its caller
// chose, so it would let any API key holder act as any user here.
func TestRequireTokenRefusesVendedTokens(t *testing.T) {
	w := newTokenWorld(t)
	h := w.handler.(*httpadapter.Handler)
	access, _, _ := w.login()
	other := w.newTenant("Hooli")
	vend := func(headers ...string) string {
		t.Helper()
		r := w.do("POST", "/api/jwt/vend", `{"claims":{"aud":"`+appID+`","sub":"`+userID+`","roles":["admin"]}}`, headers...)
		require.Equal(t, http.StatusOK, r.Code, r.Body)
		return str(r.body(t), "token")
	}
	for _, tc := range []struct {
		name   string
		token  string
		status int
	}{
		{"a login's token", access, http.StatusOK},
		{"vended by another tenant's locked key", vend("Authorization", w.lockedKey(other)), http.StatusUnauthorized},
		{"vended by a global key, with the tenant's key", vend("X-FusionAuth-TenantId", w.tenant.ID), http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/me", nil)
			req.Header.Set("Authorization", "Bearer "+tc.token)
			rec := httptest.NewRecorder()
			h.RequireToken("admin")(echoClaims).ServeHTTP(rec, req)
			assert.Equal(t, tc.status, rec.Code, rec.Body.String())
		})
	}
}

// RequireTokenFor with an empty application id (an id left unset in the
// host's settings) guarded the routes with every application's tokens: ""
// is how the middleware spells "any application". It panics at set-up, as
// http.Handle does for a nil handler, so the mistake shows at start.
func TestRequireTokenForNeedsAnApplicationID(t *testing.T) {
	w := newTokenWorld(t)
	h := w.handler.(*httpadapter.Handler)
	for _, id := range []string{"", "  "} {
		assert.PanicsWithValue(t, "httpadapter: RequireTokenFor needs an application id (RequireToken takes any application's tokens)",
			func() { h.RequireTokenFor(id, "admin") }, "RequireTokenFor(%q)", id)
	}
	// The id set, the guard is the application's (the rest of its rules are
	// TestRequireTokenForRefusesAnotherTenantsKey's).
	access, _, _ := w.login()
	req := httptest.NewRequest("GET", "/app/private", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	rec := httptest.NewRecorder()
	h.RequireTokenFor(appID, "admin")(echoClaims).ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}
