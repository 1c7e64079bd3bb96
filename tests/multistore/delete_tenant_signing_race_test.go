package multistore_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
)

// A tenant deleted after a login committed and before it signed its access
// token (the login signs after its commit, docs/DECISIONS.md). The tenant's
// first token creates its signing key, in a transaction that reads the
// tenant again: the login failed with the store's not-found, which the
// adapter answered 404, "no such user". It is answered as a login into an
// application that is gone, 400 [invalid]applicationId, as a tenant deleted
// before the login's commit is: no token, and no key for the deleted tenant.
func TestDeleteTenantBeforeLoginSigns(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			c := newCluster(t, open, 1)
			e := c.engines[0]
			keepAnotherTenant(t, e)
			tenant := appTenant(t, open(t))
			require.Empty(t, tenant.JWTConfiguration.AccessTokenKeyID, "the tenant's first token makes its key")
			keys := keyCount(t, open(t))

			loginEngine, ls := c.pausedEngine(t, open, "LoginCommitted",
				authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }))
			h, err := httpadapter.New(loginEngine)
			require.NoError(t, err)
			rec := httptest.NewRecorder()
			_, deleteErr := pauseAround(t, ls,
				func() error {
					req := httptest.NewRequest("POST", "/api/identity-provider/login", strings.NewReader(c.loginBody(c.account(1))))
					req.Header.Set("Content-Type", "application/json")
					h.ServeHTTP(rec, req)
					return nil
				},
				func() error { return e.DeleteTenant(ctx, tenant.ID) })
			require.NoError(t, deleteErr)
			require.Equal(t, http.StatusBadRequest, rec.Code, "body: %s", rec.Body)
			var body struct {
				FieldErrors map[string][]struct{ Code string } `json:"fieldErrors"`
				Token       string                             `json:"token"`
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.Empty(t, body.Token)
			require.Len(t, body.FieldErrors["applicationId"], 1, "body: %s", rec.Body)
			assert.Equal(t, "[invalid]applicationId", body.FieldErrors["applicationId"][0].Code)
			assert.Equal(t, keys, keyCount(t, open(t)), "no key was made for the deleted tenant")
			// The login committed, and its user.login.success with it: what
			// failed after is no refusal of the login, and records no
			// user.login.failed.
			events, err := open(t).ClaimOutbox(ctx, "test", time.Now().UnixMilli(), time.Minute, 1000)
			require.NoError(t, err)
			var types []string
			for _, ev := range events {
				types = append(types, ev.Type)
			}
			assert.Contains(t, types, authcore.EventUserLoginSuccess)
			assert.NotContains(t, types, authcore.EventUserLoginFailed)
		})
	}
}
