package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An application's or a tenant's delete while a repeat login of the
// application has inserted its refresh token and not yet committed: the
// login holds its user and its registration, which the delete removes
// after it, so the delete waits for the login. On PostgreSQL (READ
// COMMITTED) the application's delete removed the tokens before it waited,
// in a statement that did not see the login's, and that token outlived the
// application. The delete now removes the tokens last, once it holds the
// application's token lock exclusively (each token insert holds it
// shared). A tenant's delete removes the tenant's users, whose foreign key
// the token's insert holds, and needed nothing.
func TestDeleteDuringRepeatLogin(t *testing.T) {
	forEachStoreAndOwner(t, func(t *testing.T, k storeKind, tenant bool) {
		ctx := context.Background()
		open := k.open(t)
		c := newCluster(t, open, 1)
		e := c.engines[0]
		acct := c.account(1)
		first, err := twitterLogin(ctx, e, c.tw, acct)
		require.NoError(t, err)
		require.NotEmpty(t, first.RefreshToken)
		if tenant {
			keepAnotherTenant(t, e)
		}

		login, ls := c.pausedEngine(t, open, "CreateRefreshToken")
		deleter, ds := c.pausedEngine(t, open, "")

		// The delete waits for the login: the application's for
		// the login's registration (the cascade of its DELETE),
		// the tenant's for the login's link (its lock of the
		// tenant's links).
		pattern := "DELETE FROM applications %"
		if tenant {
			pattern = "SELECT user_id FROM links WHERE tenant_id %"
		}
		var refreshToken string
		loginErr, deleteErr := raceAround(t, k, ls, pattern,
			func() error {
				r, err := twitterLogin(ctx, login, c.tw, acct)
				if err == nil {
					refreshToken = r.RefreshToken
				}
				return err
			},
			func() error { return deleteOwner(ctx, deleter, tenant, first.User.TenantID) })
		assert.Zero(t, ls.conflicts.Load()+ds.conflicts.Load(), "transactions lost to a deadlock")
		require.NoError(t, loginErr, "the login that held its registration first goes on")
		require.NotEmpty(t, refreshToken, "the login created its token before the delete")
		require.NoError(t, deleteErr)
		left, err := open(t).ListRefreshTokens(ctx, first.User.ID)
		require.NoError(t, err)
		assert.Empty(t, left, "no token of the deleted application is left")
	})
}
