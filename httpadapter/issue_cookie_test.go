package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FusionAuth's Issue a JWT (apis/jwt.mdx): the refresh token may come as the
// refresh_token cookie, which takes precedence over ?refreshToken=.
func TestIssueReadsRefreshTokenCookie(t *testing.T) {
	w := newTokenWorld(t)
	const app2ID = "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f51"
	require.NoError(t, w.store.CreateApplication(w.ctx, &authcore.Application{ID: app2ID, TenantID: w.tenant.ID, Name: "Hooli", Active: true,
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}}))
	require.NoError(t, w.store.CreateRegistration(w.ctx, &authcore.UserRegistration{ID: "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f52", UserID: w.user.ID, ApplicationID: app2ID}))
	access, refresh, _ := w.login()
	r := w.do("GET", "/api/jwt/issue?applicationId="+app2ID, "", "Authorization", "Bearer "+access, "Cookie", "refresh_token="+refresh)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var body map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
	assert.NotEmpty(t, body["refreshToken"], "the refresh_token cookie is the request's refresh token")
}
