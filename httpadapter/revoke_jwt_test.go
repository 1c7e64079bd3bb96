package httpadapter_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// FusionAuth's Revoke Refresh Tokens API: a single token, by id or by
// value, may be revoked with the access token of its owner instead of an
// API key (a client logging itself out). Another user's token stays, and a
// revocation by user or application still needs an API key.
func TestRevokeRefreshTokenWithOwnersAccessToken(t *testing.T) {
	w := newTokenWorld(t)
	access, _, refreshID := w.login()
	exists := func(id string) bool {
		_, err := w.store.GetRefreshToken(w.ctx, id)
		return err == nil
	}

	// Another user's refresh token, and that user's access token.
	other := &authcore.User{ID: "22222222-3333-4444-8555-666666666666", TenantID: w.tenant.ID, Email: "gilfoyle@piedpiper.com", Active: true, Verified: true}
	require.NoError(t, w.store.CreateUser(w.ctx, other))
	tenant, err := w.store.GetTenant(w.ctx, w.tenant.ID)
	require.NoError(t, err)
	otherPlain, otherRT, err := w.engine.CreateRefreshToken(w.ctx, w.store, tenant, w.app, other, nil)
	require.NoError(t, err)

	bearer := "Bearer " + access
	w.do("DELETE", "/api/jwt/refresh/"+otherRT.ID, "", "Authorization", bearer).empty(t, http.StatusNotFound)
	w.do("DELETE", "/api/jwt/refresh?token="+otherPlain, "", "Authorization", bearer).empty(t, http.StatusNotFound)
	assert.True(t, exists(otherRT.ID), "another user's token stays")
	w.do("DELETE", "/api/jwt/refresh?userId="+userID, "", "Authorization", bearer).empty(t, http.StatusUnauthorized)
	w.do("DELETE", "/api/jwt/refresh?applicationId="+appID, "", "Authorization", bearer).empty(t, http.StatusUnauthorized)
	w.do("DELETE", "/api/jwt/refresh/"+refreshID, "", "Authorization", "Bearer not.a.jwt").empty(t, http.StatusUnauthorized)
	w.do("DELETE", "/api/jwt/refresh/"+refreshID, "", "Authorization", "").empty(t, http.StatusUnauthorized)
	assert.True(t, exists(refreshID))

	w.do("DELETE", "/api/jwt/refresh/"+refreshID, "", "Authorization", bearer).empty(t, http.StatusOK)
	assert.False(t, exists(refreshID), "the owner revoked its own token")

	// By value, with the access_token cookie.
	access2, plain2, id2 := w.login()
	req := httptest.NewRequest("DELETE", "/api/jwt/refresh?token="+plain2, nil)
	req.AddCookie(&http.Cookie{Name: "access_token", Value: access2})
	require.Equal(t, http.StatusOK, w.send(req).Code)
	assert.False(t, exists(id2))

	// An API key still revokes anyone's.
	w.do("DELETE", "/api/jwt/refresh/"+otherRT.ID, "").empty(t, http.StatusOK)
	assert.False(t, exists(otherRT.ID))
}

// A vended token is no login: any API key may vend one with any subject, so
// a key locked to another tenant (or to the owner's own) could otherwise
// revoke a user's refresh tokens through the owner's path.
func TestRevokeRefreshTokenRefusesVendedToken(t *testing.T) {
	w := newTokenWorld(t)
	_, _, refreshID := w.login()
	other := w.newTenant("Hooli")
	locked := w.lockedKey(other)

	r := w.do("POST", "/api/jwt/vend", `{"claims":{"sub":"`+userID+`"}}`, "Authorization", locked)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	vended := str(r.body(t), "token")

	w.do("DELETE", "/api/jwt/refresh/"+refreshID, "", "Authorization", "Bearer "+vended).empty(t, http.StatusUnauthorized)
	_, err := w.store.GetRefreshToken(w.ctx, refreshID)
	assert.NoError(t, err, "another tenant's key cannot revoke the user's token")

	// Nor a token vended by the user's own tenant.
	r = w.do("POST", "/api/jwt/vend", `{"claims":{"sub":"`+userID+`"}}`, "X-FusionAuth-TenantId", w.tenant.ID)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	vended = str(r.body(t), "token")
	w.do("DELETE", "/api/jwt/refresh/"+refreshID, "", "Authorization", "Bearer "+vended).empty(t, http.StatusUnauthorized)
	_, err = w.store.GetRefreshToken(w.ctx, refreshID)
	assert.NoError(t, err)
}

// The revocation authenticates its API key itself (it also takes an owner's
// access token), and a key limited to some endpoints may revoke only with
// DELETE on /api/jwt/refresh among them, as on every route that takes a
// key: a key for GET /api/user alone revoked every refresh token of a user
// or of an application.
func TestRevokeRefreshTokensHonoursEndpointPermissions(t *testing.T) {
	w := newTokenWorld(t)
	_, _, refreshID := w.login()
	exists := func(id string) bool {
		_, err := w.store.GetRefreshToken(w.ctx, id)
		return err == nil
	}
	const (
		userOnly = "user-get-only-key-0123456789"
		revoker  = "refresh-delete-key-0123456789"
	)
	_, _, err := w.engine.CreateAPIKey(w.ctx, authcore.NewAPIKey{Key: userOnly, Endpoints: map[string][]string{"/api/user": {"GET"}}})
	require.NoError(t, err)
	_, _, err = w.engine.CreateAPIKey(w.ctx, authcore.NewAPIKey{Key: revoker, Endpoints: map[string][]string{"/api/jwt/refresh": {"DELETE"}}})
	require.NoError(t, err)

	for _, target := range []string{"/api/jwt/refresh/" + refreshID, "/api/jwt/refresh?tokenId=" + refreshID,
		"/api/jwt/refresh?userId=" + userID, "/api/jwt/refresh?applicationId=" + appID} {
		w.do("DELETE", target, "", "Authorization", userOnly).empty(t, http.StatusUnauthorized)
		assert.True(t, exists(refreshID), "a key without DELETE /api/jwt/refresh revoked through %s", target)
	}

	w.do("DELETE", "/api/jwt/refresh?userId="+userID, "", "Authorization", revoker).empty(t, http.StatusOK)
	assert.False(t, exists(refreshID), "a key with the permission revokes")
}
