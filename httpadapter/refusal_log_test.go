package httpadapter_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/internal/logtest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A 401 has an empty body, as FusionAuth's, which leaves an embedder
// guessing why: the reason goes to the handler's logger at Debug, never the
// key or the token itself.
func TestRefusalsAreLoggedAtDebug(t *testing.T) {
	ctx := context.Background()
	var logs logtest.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	engine, err := authcore.New(ctx, memstore.New(), authcore.WithLogger(logger))
	require.NoError(t, err)
	tenants, err := engine.Tenants(ctx)
	require.NoError(t, err)
	_, key, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{})
	require.NoError(t, err)
	_, locked, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: tenants[0].ID})
	require.NoError(t, err)
	h, err := httpadapter.New(engine)
	require.NoError(t, err)
	token, err := engine.VendJWT(ctx, authcore.JWTVendRequest{Claims: map[string]any{"sub": "svc"}})
	require.NoError(t, err)
	logs.Take()

	for _, tc := range []struct {
		name, auth, tenant string
		path               string // default /api/integration
		handler            http.Handler
		status             int
		reason             string
	}{
		{"no key", "", "", "", h, 401, "no Authorization header"},
		{"key sent as a bearer token", "Bearer " + key, "", "", h, 401, `starts with \"Bearer \": the API takes the key itself`},
		{"key sent under the JWT scheme", "JWT " + key, "", "", h, 401, `starts with \"JWT \": the API takes the key itself`},
		{"unknown key", key + "x", "", "", h, 401, "no API key matches the Authorization header"},
		{"locked key on a global object", locked, "", "", h, 401, "may not read or change a global object"},
		{"tenant header not a UUID", key, "acme", "", h, 401, "X-FusionAuth-TenantId is not a UUID"},
		{"middleware, no token", "", "", "", h.RequireToken()(http.NotFoundHandler()), 401, "no token"},
		{"middleware, vended token", "Bearer " + token, "", "", h.RequireToken()(http.NotFoundHandler()), 401, "not a login's token"},
		{"validate without a token", "", "", "/api/jwt/validate", h, 401, "no access token"},
		{"issue without a token", "", "", "/api/jwt/issue?applicationId=" + tenants[0].ID, h, 401, "no access token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = "/api/integration"
			}
			req := httptest.NewRequest("GET", path, nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			if tc.tenant != "" {
				req.Header.Set("X-FusionAuth-TenantId", tc.tenant)
			}
			rec := httptest.NewRecorder()
			tc.handler.ServeHTTP(rec, req)
			require.Equal(t, tc.status, rec.Code)
			assert.Empty(t, rec.Body.String())
			out := logs.Take()
			assert.Contains(t, out, "level=DEBUG")
			assert.Contains(t, out, tc.reason)
			assert.NotContains(t, out, key)
			assert.NotContains(t, out, locked)
			assert.NotContains(t, out, token)
		})
	}
}
