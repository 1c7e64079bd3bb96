package httpadapter_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
)

// A tenant's key rotation logs nobody out (RotateTenantKey's doc; DECISIONS:
// old keys verify until deleted), and FusionAuth takes a token of any key
// it has: a token signed before the rotation still exchanges on
// GET /api/jwt/issue, passes RequireToken and RequireTokenFor, and revokes
// its owner's refresh token. All four answered 401; only
// GET /api/jwt/validate took it.
func TestTokenSignedBeforeRotationStillServes(t *testing.T) {
	w := newTokenWorld(t)
	h := w.handler.(*httpadapter.Handler)
	access, _, refreshID := w.login()
	oldKey := w.defaultKeyID()
	_, err := w.engine.RotateTenantKey(w.ctx, w.tenant.ID, authcore.AlgRS256)
	require.NoError(t, err)
	require.NotEqual(t, oldKey, w.defaultKeyID())

	bearer := "Bearer " + access
	require.Equal(t, http.StatusOK, w.do("GET", "/api/jwt/validate", "", "Authorization", bearer).Code)
	r := w.do("GET", "/api/jwt/issue?applicationId="+appID, "", "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	for name, mw := range map[string]func(http.Handler) http.Handler{
		"RequireToken":    h.RequireToken("admin"),
		"RequireTokenFor": h.RequireTokenFor(appID, "admin"),
	} {
		req := httptest.NewRequest("GET", "/host", nil)
		req.Header.Set("Authorization", bearer)
		rec := httptest.NewRecorder()
		mw(echoClaims).ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", name, rec.Body)
	}
	w.do("DELETE", "/api/jwt/refresh/"+refreshID, "", "Authorization", bearer).empty(t, http.StatusOK)

	// The old key deleted, its tokens go.
	require.NoError(t, w.engine.DeleteKey(w.ctx, oldKey))
	require.Equal(t, http.StatusUnauthorized, w.do("GET", "/api/jwt/issue?applicationId="+appID, "", "Authorization", bearer).Code)
}
