package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The official TypeScript client's issueJWT(applicationId, encodedJWT,
// refreshToken) documents refreshToken as optional, and an omitted one goes
// on the URI as the literal "undefined" (or "null" when the caller passes
// null): withParameter keeps it and getQueryString writes
// encodeURIComponent(undefined). FusionAuth then answers the token alone
// (fusionauth-site astro/src/content/docs/apis/jwt/issue-a-jwt.mdx: the
// refresh token is "only returned if a valid non-expired refresh token was
// provided"), so the client's call without a refresh token must work.
func TestIssueWithOmittedRefreshToken(t *testing.T) {
	w := newTokenWorld(t)
	const app2ID = "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f50"
	require.NoError(t, w.store.CreateApplication(w.ctx, &authcore.Application{ID: app2ID, TenantID: w.tenant.ID, Name: "Hooli", Active: true,
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}}))
	access, _, _ := w.login()
	for _, omitted := range []string{"undefined", "null"} {
		t.Run(omitted, func(t *testing.T) {
			r := w.do("GET", "/api/jwt/issue?applicationId="+app2ID+"&refreshToken="+omitted, "", "Authorization", "Bearer "+access)
			require.Equal(t, http.StatusOK, r.Code, r.Body)
			var body map[string]string
			require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
			assert.NotEmpty(t, body["token"])
			assert.NotContains(t, body, "refreshToken")
		})
	}
}
