package httpadapter_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FusionAuth's JWT-authenticated APIs take the access token under the JWT
// scheme as well as Bearer: its official clients sent "Authorization: JWT
// <token>" to /api/jwt/validate and /api/jwt/issue (the Java client's
// issueAccessToken, the Python client's issue_jwt, the 2019 TypeScript
// client's validateJWT), and applications built on them still do. Those
// calls answered 401 here.
func TestJWTAuthorizationScheme(t *testing.T) {
	w := newTokenWorld(t)
	const app2ID = "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f60"
	w.refreshingApp(app2ID, "Hooli")
	access, _, refreshID := w.login()

	for _, scheme := range []string{"JWT ", "jwt "} {
		r := w.do("GET", "/api/jwt/validate", "", "Authorization", scheme+access)
		require.Equal(t, http.StatusOK, r.Code, "validate, %q: %s", scheme, r.Body)
		assert.Equal(t, userID, str(r.obj(t, "jwt"), "sub"))

		r = w.do("GET", "/api/jwt/issue?applicationId="+app2ID, "", "Authorization", scheme+access)
		require.Equal(t, http.StatusAccepted, r.Code, "issue, %q (not registered to app2: 202): %s", scheme, r.Body)
		assert.NotEmpty(t, str(r.body(t), "token"))
	}

	// The owner's access token revokes its own refresh token.
	w.do("DELETE", "/api/jwt/refresh/"+refreshID, "", "Authorization", "JWT "+access).empty(t, http.StatusOK)
	_, err := w.store.GetRefreshToken(w.ctx, refreshID)
	assert.Error(t, err, "revoked")

	// The scheme still has to hold a token that verifies.
	w.do("GET", "/api/jwt/validate", "", "Authorization", "JWT "+access[:len(access)-4]+"AAAA").empty(t, http.StatusUnauthorized)
	w.do("GET", "/api/jwt/validate", "", "Authorization", "JWT").empty(t, http.StatusUnauthorized)
}
