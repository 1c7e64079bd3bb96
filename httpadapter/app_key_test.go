package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An application's own signing key (jwtConfiguration.accessTokenKeyId,
// used when its JWT configuration is enabled) signs its access tokens
// instead of the tenant's key; it was dropped on input, and the tokens were
// signed with the tenant's key.
func TestApplicationSigningKey(t *testing.T) {
	w := newTokenWorld(t)
	var gen struct {
		Key struct {
			ID string `json:"id"`
		} `json:"key"`
	}
	r := w.do("POST", "/api/key/generate", `{"key":{"algorithm":"ES384","name":"app key"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	require.NoError(t, json.Unmarshal([]byte(r.Body), &gen))
	keyID := gen.Key.ID

	// Refused: a key that does not exist, an id that is none.
	for _, id := range []string{"0b1c2d3e-0000-4000-8000-000000000000", "not-a-key"} {
		w.do("PATCH", "/api/application/"+appID, `{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"`+id+`"}}}`).
			codes(t, "[invalid]application.jwtConfiguration.accessTokenKeyId")
	}
	app := w.do("PATCH", "/api/application/"+appID, `{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"`+strings.ToUpper(keyID)+`"}}}`).obj(t, "application")
	assert.Equal(t, keyID, app["jwtConfiguration"].(map[string]any)["accessTokenKeyId"], "stored lower-cased and returned")

	// The application's tokens are signed with its key, and verify.
	reload := func() {
		t.Helper()
		a, err := w.store.GetApplication(w.ctx, appID)
		require.NoError(t, err)
		w.app = a
	}
	reload()
	access, _, _ := w.login()
	obj, err := jose.ParseSignedCompact(access, []jose.SignatureAlgorithm{jose.ES384})
	require.NoError(t, err, "signed with the ES384 key, not the tenant's")
	assert.Equal(t, keyID, obj.Signatures[0].Header.KeyID)
	claims, err := w.engine.ValidateAccessToken(w.ctx, access)
	require.NoError(t, err)
	assert.Equal(t, appID, claims["aud"])

	// Its public key is the application's key.
	r = w.do("GET", "/api/jwt/public-key?applicationId="+appID, "", "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	pub := w.do("GET", "/api/jwt/public-key?kid="+keyID, "", "Authorization", "")
	assert.JSONEq(t, pub.Body, r.Body)

	// The key cannot be deleted while the application names it.
	w.do("DELETE", "/api/key/"+keyID, "").codes(t, "[KeyInUse]")

	// A token of the application exchanges for another application's.
	const app2 = "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f51"
	w.refreshingApp(app2, "Hooli")
	r = w.do("GET", "/api/jwt/issue?applicationId="+app2, "", "Authorization", "Bearer "+access)
	require.Equal(t, http.StatusAccepted, r.Code, r.Body)

	// Disabled again: the tenant's key signs, and the key may then go once
	// no application names it.
	w.do("PATCH", "/api/application/"+appID, `{"application":{"jwtConfiguration":{"enabled":false}}}`).obj(t, "application")
	reload()
	access, _, _ = w.login()
	obj, err = jose.ParseSignedCompact(access, []jose.SignatureAlgorithm{jose.HS256})
	require.NoError(t, err)
	assert.NotEqual(t, keyID, obj.Signatures[0].Header.KeyID)
	w.do("DELETE", "/api/key/"+keyID, "").codes(t, "[KeyInUse]")
	w.do("PATCH", "/api/application/"+appID, `{"application":{"jwtConfiguration":{"accessTokenKeyId":null}}}`).obj(t, "application")
	assert.Equal(t, http.StatusOK, w.do("DELETE", "/api/key/"+keyID, "").Code)

	// A tenant-scoped request may not choose an application's key: keys
	// are global.
	r = w.do("POST", "/api/key/generate", `{"key":{"algorithm":"HS256","name":"another"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	require.NoError(t, json.Unmarshal([]byte(r.Body), &gen))
	w.do("PATCH", "/api/application/"+appID, `{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"`+gen.Key.ID+`"}}}`,
		"Authorization", w.lockedKey(w.tenant.ID)).codes(t, "[invalid]application.jwtConfiguration.accessTokenKeyId")
	// ... with the same answer whether the key exists or not.
	exists := w.do("PATCH", "/api/application/"+appID, `{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"`+gen.Key.ID+`"}}}`,
		"Authorization", w.lockedKey(w.tenant.ID))
	missing := w.do("PATCH", "/api/application/"+appID, `{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"0b1c2d3e-0000-4000-8000-000000000001"}}}`,
		"Authorization", w.lockedKey(w.tenant.ID))
	assert.Equal(t, exists.Body, missing.Body)
}

// A copy (sourceApplicationId) takes the source's signing key with its
// other token settings. A request scoped to the source's tenant may copy
// it: the key already signs that tenant's tokens, and the request chose
// nothing. It was refused with [invalid]application.jwtConfiguration.
// accessTokenKeyId, a property the request never sent. Choosing a key is
// still refused to it, in a copy as in a plain create.
func TestScopedCopyKeepsTheSourcesSigningKey(t *testing.T) {
	w := newTokenWorld(t)
	var gen struct {
		Key struct {
			ID string `json:"id"`
		} `json:"key"`
	}
	r := w.do("POST", "/api/key/generate", `{"key":{"algorithm":"ES256","name":"app key"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	require.NoError(t, json.Unmarshal([]byte(r.Body), &gen))
	keyID := gen.Key.ID
	w.do("PATCH", "/api/application/"+appID, `{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"`+keyID+`"}}}`).obj(t, "application")

	for name, scope := range map[string][]string{
		"tenant-locked key": {"Authorization", w.lockedKey(w.tenant.ID)},
		"tenant header":     {"X-FusionAuth-TenantId", w.tenant.ID},
	} {
		cp := w.do("POST", "/api/application", `{"sourceApplicationId":"`+appID+`","application":{"name":"Copy by `+name+`"}}`, scope...).obj(t, "application")
		assert.Equal(t, keyID, cp["jwtConfiguration"].(map[string]any)["accessTokenKeyId"], name)
		assert.Equal(t, w.tenant.ID, cp["tenantId"], name)
	}

	// A scoped plain create still may not choose the key.
	w.do("POST", "/api/application", `{"application":{"name":"Chooser","jwtConfiguration":{"enabled":true,"accessTokenKeyId":"`+keyID+`"}}}`,
		"Authorization", w.lockedKey(w.tenant.ID)).codes(t, "[invalid]application.jwtConfiguration.accessTokenKeyId")
}
