package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
)

// A tenant's delete while a first login links an existing user of that
// tenant (LinkByEmail): the login has found, and on PostgreSQL locked, the
// user, and has not yet inserted its link (whose foreign key takes a
// key-share lock on the identity provider). The delete locks the identity
// providers first and reaches the users through its cascade: it held the
// provider and waited for the user while the login held the user and
// waited for the provider, a deadlock that one of them lost. A login
// without a link locks its provider shared before it looks for a user to
// link now, so the delete waits for it.
func TestDeleteTenantDuringLinkingLogin(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			c := newCluster(t, open, 1)
			app, err := open(t).GetApplication(ctx, appID)
			require.NoError(t, err)
			tenantID := app.TenantID
			_, err = c.engines[0].CreateTenant(ctx, "", authcore.Tenant{Name: "survivor"})
			require.NoError(t, err)
			acct := c.account(1)
			existing, err := c.engines[0].CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{TenantID: tenantID, Email: "user" + acct + "@example.com"}})
			require.NoError(t, err)

			login, ls := c.pausedEngine(t, open, "GetUserByEmail")
			deleter, ds := c.pausedEngine(t, open, "")

			var r *authcore.LoginResponse
			loginErr, deleteErr := raceAround(t, k, ls, "%", // the delete, at whichever of its statements meets the login's locks
				func() error {
					var err error
					// No access token: it is signed after the commit,
					// when the delete may have removed the tenant's key.
					r, err = login.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{ApplicationID: appID, IdentityProviderID: twitter.ProviderID,
						Data: tokenData(c.tw, acct), NoJWT: true})
					return err
				},
				func() error { return deleter.DeleteTenant(ctx, tenantID) })
			assert.Zero(t, ls.conflicts.Load()+ds.conflicts.Load(), "transactions lost to a deadlock")
			require.NoError(t, loginErr)
			require.Equal(t, existing.ID, r.User.ID, "the login linked the existing user")
			require.NoError(t, deleteErr)
			s := open(t)
			_, err = s.GetUser(ctx, existing.ID)
			assert.ErrorIs(t, err, authcore.ErrNotFound, "the user went with the tenant")
			_, err = s.GetLink(ctx, tenantID, twitter.ProviderID, acct)
			assert.ErrorIs(t, err, authcore.ErrNotFound, "the login's link went with the tenant")
		})
	}
}
