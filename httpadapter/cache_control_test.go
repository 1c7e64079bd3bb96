package httpadapter_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A response carrying tokens or secrets must not be stored by a cache. GET
// /api/jwt/issue authenticated by the access_token cookie has no
// Authorization header, so RFC 9111 §3.5 does not keep a shared cache from
// storing its 200 (heuristically cacheable) and handing one user's tokens to
// the next caller of the same URL.
func TestTokenResponsesAreNotCacheable(t *testing.T) {
	w := newTokenWorld(t)
	access, refresh, _ := w.login()

	req := httptest.NewRequest("GET", "/api/jwt/issue?applicationId="+appID, nil)
	req.AddCookie(&http.Cookie{Name: "access_token", Value: access})
	r := w.send(req)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Contains(t, r.Header.Get("Cache-Control"), "no-store", "GET /api/jwt/issue by cookie")

	req = httptest.NewRequest("GET", "/api/jwt/validate", nil)
	req.AddCookie(&http.Cookie{Name: "access_token", Value: access})
	r = w.send(req)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Contains(t, r.Header.Get("Cache-Control"), "no-store", "GET /api/jwt/validate by cookie")

	r = w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh+`"}`, "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Contains(t, r.Header.Get("Cache-Control"), "no-store", "POST /api/jwt/refresh")

	// Errors too (a 401 is never stored, but an API answer is not
	// something to cache at all).
	r = w.do("GET", "/api/integration", "", "Authorization", "")
	require.Equal(t, http.StatusUnauthorized, r.Code)
	assert.Contains(t, r.Header.Get("Cache-Control"), "no-store")

	// Public keys stay cacheable.
	r = w.do("GET", "/.well-known/jwks.json", "", "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code)
	assert.Empty(t, r.Header.Get("Cache-Control"))
}
