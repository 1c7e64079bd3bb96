package httpadapter_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// GET /api/jwt/public-key?applicationId= takes no API key, but FusionAuth's
// docs for it carry the tenant paragraph that lets a tenant-locked key scope
// the request as X-FusionAuth-TenantId does. The header naming another
// tenant than the application's is 404; a key locked to that tenant was
// ignored and answered the application's key.
func TestPublicKeyByApplicationIDScopedByATenantLockedKey(t *testing.T) {
	w := newTokenWorld(t)
	_, err := w.engine.RotateTenantKey(w.ctx, w.tenant.ID, authcore.AlgRS256)
	require.NoError(t, err)
	other, locked := w.otherTenant()
	path := "/api/jwt/public-key?applicationId=" + appID

	require.Equal(t, http.StatusNotFound, w.do("GET", path, "", "Authorization", "", "X-FusionAuth-TenantId", other).Code)
	r := w.do("GET", path, "", "Authorization", locked)
	assert.Equal(t, http.StatusNotFound, r.Code, r.Body)
	assert.Empty(t, r.Body)
	// A key locked to the application's tenant with a header naming
	// another: 401, as on every route.
	own := w.lockedKey(w.tenant.ID)
	assert.Equal(t, http.StatusUnauthorized, w.do("GET", path, "", "Authorization", own, "X-FusionAuth-TenantId", other).Code)
	for _, auth := range []string{own, testKey, "Bearer not-an-api-key", ""} {
		r = w.do("GET", path, "", "Authorization", auth)
		assert.Equal(t, http.StatusOK, r.Code, "%q: %s", auth, r.Body)
	}
}
