package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// GET /api/jwt/public-key?applicationId= is the official clients'
// retrieveJWTPublicKeyByApplicationId: FusionAuth answers {"publicKey": …},
// the one public key that signs the application's access tokens
// (fusionauth-site astro/src/content/docs/apis/jwt/retrieve-public-keys.mdx),
// never the map of every key.
func TestPublicKeyByApplicationID(t *testing.T) {
	w := newTokenWorld(t)
	other, err := w.engine.GenerateKey(w.ctx, authcore.AlgES256, "not the app's")
	require.NoError(t, err)
	signing, err := w.engine.RotateTenantKey(w.ctx, w.tenant.ID, authcore.AlgRS256)
	require.NoError(t, err)

	r := w.do("GET", "/api/jwt/public-key", "", "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var all struct {
		PublicKeys map[string]string `json:"publicKeys"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &all))
	require.Contains(t, all.PublicKeys, other.ID)
	require.Contains(t, all.PublicKeys, signing.ID)

	r = w.do("GET", "/api/jwt/public-key?applicationId="+appID, "", "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.JSONEq(t, `{"publicKey":`+mustJSON(t, all.PublicKeys[signing.ID])+`}`, r.Body)

	// An unknown application has no key; nor has one whose tenant signs
	// with HMAC (FusionAuth: "a public key may not be available … if a
	// HMAC is the configured algorithm").
	r = w.do("GET", "/api/jwt/public-key?applicationId=0b8a9e0e-8f7e-4d6c-9b5a-4a3f2e1d0c9b", "", "Authorization", "")
	assert.Equal(t, http.StatusNotFound, r.Code, r.Body)
	assert.Empty(t, r.Body)
	_, err = w.engine.RotateTenantKey(w.ctx, w.tenant.ID, authcore.AlgHS256)
	require.NoError(t, err)
	r = w.do("GET", "/api/jwt/public-key?applicationId="+appID, "", "Authorization", "")
	assert.Equal(t, http.StatusNotFound, r.Code, r.Body)
	assert.Empty(t, r.Body)
	r = w.do("GET", "/api/jwt/public-key?applicationId=nope", "", "Authorization", "")
	assert.Equal(t, http.StatusBadRequest, r.Code, r.Body)
	r.codes(t, "[couldNotConvert]applicationId")
}
