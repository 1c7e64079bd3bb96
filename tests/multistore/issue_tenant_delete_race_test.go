package multistore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
)

// A tenant deleted while a token exchange (GET /api/jwt/issue) into an
// application of it runs, after the exchange read the user and the tenant
// and before it signed. The access token presented was signed by its
// application's own key, so the tenant had no key yet, and signing the new
// token makes one, in a transaction that reads the tenant again: the
// exchange failed with the store's not-found, answered 404. It is answered
// as an exchange that came after the delete, whose user is gone: 401, no
// token and no key for the deleted tenant.
func TestDeleteTenantBeforeIssueJWTSigns(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			c := newCluster(t, open, 1)
			e := c.engines[0]
			keepAnotherTenant(t, e)
			key, err := e.GenerateKey(ctx, authcore.AlgHS256, "the login application's own")
			require.NoError(t, err)
			_, err = e.PatchApplication(ctx, appID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
				Body: []byte(`{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"` + key.ID + `"}}}`)})
			require.NoError(t, err)
			r, err := twitterLogin(ctx, e, c.tw, c.account(1))
			require.NoError(t, err)
			require.NotEmpty(t, r.Token)
			tenant := appTenant(t, open(t))
			require.Empty(t, tenant.JWTConfiguration.AccessTokenKeyID, "the application's own key signed the login's token")
			other, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{TenantID: tenant.ID, Name: "other"}})
			require.NoError(t, err)
			keys := keyCount(t, open(t))

			// The exchange has read the user, the tenant and the
			// registration, outside any transaction, holding no lock; the
			// delete runs to its commit.
			issuer, is := c.pausedEngine(t, open, "GetRegistration")
			h, err := httpadapter.New(issuer)
			require.NoError(t, err)
			rec := httptest.NewRecorder()
			_, deleteErr := pauseAround(t, is,
				func() error {
					req := httptest.NewRequest("GET", "/api/jwt/issue?applicationId="+other.ID, nil)
					req.Header.Set("Authorization", "Bearer "+r.Token)
					h.ServeHTTP(rec, req)
					return nil
				},
				func() error { return e.DeleteTenant(ctx, tenant.ID) })
			require.NoError(t, deleteErr)
			assert.Equal(t, http.StatusUnauthorized, rec.Code, "body: %s", rec.Body)
			assert.NotContains(t, rec.Body.String(), `"token"`)
			assert.Equal(t, keys, keyCount(t, open(t)), "no key was made for the deleted tenant")
		})
	}
}
