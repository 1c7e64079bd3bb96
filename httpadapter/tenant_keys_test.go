package httpadapter_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
)

// Signing keys are global objects; an API key locked to one tenant must
// not reach another tenant's through them. Each case was a way from a
// key locked to "Other" to a genuine token of the Default tenant's user.

// otherTenant adds a tenant "Other" and an API key locked to it.
func (w *tokenWorld) otherTenant() (tenantID, lockedKey string) {
	w.t.Helper()
	other, err := w.engine.CreateTenant(w.ctx, "", authcore.Tenant{Name: "Other"})
	require.NoError(w.t, err)
	lockedKey = "locked-api-key-0123456789abcdef"
	_, _, err = w.engine.CreateAPIKey(w.ctx, authcore.NewAPIKey{Key: lockedKey, TenantID: other.ID})
	require.NoError(w.t, err)
	return other.ID, lockedKey
}

func (w *tokenWorld) defaultKeyID() string {
	w.t.Helper()
	def, err := w.store.GetTenant(w.ctx, w.tenant.ID)
	require.NoError(w.t, err)
	require.NotEmpty(w.t, def.JWTConfiguration.AccessTokenKeyID)
	return def.JWTConfiguration.AccessTokenKeyID
}

func TestLockedKeyCannotVendWithAnotherTenantsKey(t *testing.T) {
	w := newTokenWorld(t, httpadapter.WithLogger(quietLogger()))
	w.login() // Default's key
	_, locked := w.otherTenant()
	body := `{"keyId":"` + w.defaultKeyID() + `","claims":{"sub":"` + userID + `","roles":["admin"]}}`
	w.do("POST", "/api/jwt/vend", body, "Authorization", locked).codes(t, "[invalid]keyId")
	// A global key may (naming the tenant: there are two).
	r := w.do("POST", "/api/jwt/vend", body, "X-FusionAuth-TenantId", w.tenant.ID)
	assert.Equal(t, http.StatusOK, r.Code, r.Body)
}

// A token vended with any key and a user's id as its subject is no login
// of that user: /api/jwt/issue exchanges only tokens the user's tenant
// signed for that tenant.
func TestIssueExchangesOnlyTheTenantsOwnTokens(t *testing.T) {
	w := newTokenWorld(t, httpadapter.WithLogger(quietLogger()))
	access, _, _ := w.login()
	_, locked := w.otherTenant()

	vended := vendToken(t, w.do("POST", "/api/jwt/vend", `{"claims":{"sub":"`+userID+`"}}`, "Authorization", locked))
	w.do("GET", "/api/jwt/issue?applicationId="+appID, "", "Authorization", "Bearer "+vended).empty(t, http.StatusUnauthorized)

	// Signed with Default's key by a global API key, but claiming no tenant.
	noTid := vendToken(t, w.do("POST", "/api/jwt/vend", `{"claims":{"sub":"`+userID+`"}}`, "X-FusionAuth-TenantId", w.tenant.ID))
	w.do("GET", "/api/jwt/issue?applicationId="+appID, "", "Authorization", "Bearer "+noTid).empty(t, http.StatusUnauthorized)

	r := w.do("GET", "/api/jwt/issue?applicationId="+appID, "", "Authorization", "Bearer "+access)
	assert.Equal(t, http.StatusOK, r.Code, "a login's token is exchanged: %s", r.Body)
}

func TestLockedKeyCannotPointItsTenantAtAnotherKey(t *testing.T) {
	w := newTokenWorld(t, httpadapter.WithLogger(quietLogger()))
	w.login()
	victim := w.defaultKeyID()
	other, locked := w.otherTenant()
	w.do("PATCH", "/api/tenant/"+other, `{"tenant":{"jwtConfiguration":{"accessTokenKeyId":"`+victim+`"}}}`, "Authorization", locked).
		codes(t, "[invalid]tenant.jwtConfiguration.accessTokenKeyId")
	// Other changes of its own tenant still go through, and a global key
	// may choose the key.
	assert.Equal(t, http.StatusOK, w.do("PATCH", "/api/tenant/"+other, `{"tenant":{"issuer":"other.example"}}`, "Authorization", locked).Code)
	assert.Equal(t, http.StatusOK, w.do("PATCH", "/api/tenant/"+other, `{"tenant":{"jwtConfiguration":{"accessTokenKeyId":"`+victim+`"}}}`).Code)
}

func TestValidateHonoursTheTenantHeader(t *testing.T) {
	w := newTokenWorld(t, httpadapter.WithLogger(quietLogger()))
	access, _, _ := w.login()
	other, _ := w.otherTenant()
	w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+access, "X-FusionAuth-TenantId", other).empty(t, http.StatusUnauthorized)
	assert.Equal(t, http.StatusOK, w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+access, "X-FusionAuth-TenantId", w.tenant.ID).Code)
	assert.Equal(t, http.StatusOK, w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+access).Code)
}

// The refusal comes before the key is looked up, so a locked key cannot
// tell from the answer whether a key id exists (as for an application's
// key: validateApplicationKey).
func TestLockedKeyCannotProbeKeyIDsThroughItsTenant(t *testing.T) {
	w := newTokenWorld(t, httpadapter.WithLogger(quietLogger()))
	w.login()
	existing := w.defaultKeyID()
	other, locked := w.otherTenant()
	patch := func(keyID string) response {
		return w.do("PATCH", "/api/tenant/"+other, `{"tenant":{"jwtConfiguration":{"accessTokenKeyId":"`+keyID+`"}}}`, "Authorization", locked)
	}
	known := patch(existing)
	known.codes(t, "[invalid]tenant.jwtConfiguration.accessTokenKeyId")
	unknown := patch("8f2b3c4d-0000-4000-8000-000000000000")
	assert.Equal(t, known.Code, unknown.Code)
	assert.JSONEq(t, known.Body, unknown.Body, "the same answer for a key that exists and one that does not")
}
