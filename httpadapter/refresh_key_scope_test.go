package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// POST /api/jwt/refresh takes no API key, but FusionAuth's docs for it carry
// the same tenant paragraph as the login's: a tenant-locked key scopes the
// request as X-FusionAuth-TenantId does. A key locked to another tenant than
// the refresh token's was ignored and the refresh answered 200 with a token
// of a tenant the key cannot see, where the header naming that tenant is
// refused.
func TestRefreshScopedByATenantLockedKey(t *testing.T) {
	w := newTokenWorld(t)
	_, refresh, _ := w.login()
	other, locked := w.otherTenant()
	body := `{"refreshToken":"` + refresh + `"}`

	r := w.do("POST", "/api/jwt/refresh", body, "Authorization", locked)
	r.codes(t, "[invalid]refreshToken")
	assert.Empty(t, r.Header.Values("Set-Cookie"), "no token cookies")

	// A key locked to the token's tenant, with a header naming another: 401,
	// as on every route.
	def := w.lockedKey(w.tenant.ID)
	assert.Equal(t, 401, w.do("POST", "/api/jwt/refresh", body, "Authorization", def, "X-FusionAuth-TenantId", other).Code)

	// The token's own tenant, an unlocked key, and a header that names no
	// key (an app's bearer token passed on by a proxy) all refresh.
	for _, auth := range []string{def, testKey, "Bearer not-an-api-key"} {
		r = w.do("POST", "/api/jwt/refresh", body, "Authorization", auth)
		require.Equal(t, 200, r.Code, "%s: %s", auth, r.Body)
	}
}
