package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// An application's or a tenant's delete while a refresh of one of the
// application's tokens holds the token and has not yet read its tenant and
// application (the refresher's store hides ConfigVersioner, so its
// transaction reads them, as any engine's does on a configuration change).
// A refresh locks the token, then the tenant and the application; the
// deletes locked the application (or the tenant and its applications) and
// then waited for the token in their DELETE, a deadlock on PostgreSQL that
// one of them lost and ran again (after the server's deadlock timeout). The
// deletes lock the tokens first now: they wait for the refresh, which goes
// on, and then delete the token.
func TestDeleteDuringRefresh(t *testing.T) {
	forEachStoreAndOwner(t, func(t *testing.T, k storeKind, tenant bool) {
		ctx := context.Background()
		open := k.open(t)
		c := newCluster(t, open, 1)
		e := c.engines[0]
		r, err := twitterLogin(ctx, e, c.tw, c.account(1))
		require.NoError(t, err)
		require.NotEmpty(t, r.RefreshToken)
		if tenant {
			keepAnotherTenant(t, e)
		}

		refresher, fs := c.pausedEngine(t, open, "GetRefreshTokenByHash")
		deleter, ds := c.pausedEngine(t, open, "")

		// The delete waits for the refresh's token.
		refreshErr, deleteErr := raceAround(t, k, fs, "%FROM refresh_tokens WHERE %",
			func() error {
				_, err := refresher.RefreshAccessToken(ctx, authcore.RefreshRequest{RefreshToken: r.RefreshToken})
				return err
			},
			func() error { return deleteOwner(ctx, deleter, tenant, r.User.TenantID) })
		assert.Zero(t, fs.conflicts.Load()+ds.conflicts.Load(), "transactions lost to a deadlock")
		assert.NoError(t, refreshErr, "the refresh that held its token first goes on")
		require.NoError(t, deleteErr)
		left, err := open(t).ListRefreshTokens(ctx, r.User.ID)
		require.NoError(t, err)
		assert.Empty(t, left, "the deleted application's token is gone")
	})
}

// A revocation of an application's tokens while the application's delete
// holds them and has not yet locked the application. The delete locks the
// tokens before the application, as a refresh does; a revocation that read
// the application first (shared) and then waited for the tokens kept the
// delete from locking the application for update, a deadlock on
// PostgreSQL. The revocation locks the tokens first too: it waits for the
// delete and then finds no application.
func TestRevokeApplicationTokensDuringDelete(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			c := newCluster(t, open, 1)
			_, err := twitterLogin(ctx, c.engines[0], c.tw, c.account(1))
			require.NoError(t, err)

			deleter, ds := c.pausedEngine(t, open, "LockApplicationTokens")
			revoker, rs := c.pausedEngine(t, open, "")

			// The revocation waits for the delete's lock of the tokens.
			deleteErr, revokeErr := raceAround(t, k, ds, "%FROM refresh_tokens WHERE %",
				func() error { return deleter.DeleteApplication(ctx, appID) },
				func() error {
					_, err := revoker.RevokeRefreshTokens(ctx, authcore.RevokeRequest{ApplicationID: appID})
					return err
				})
			assert.Zero(t, ds.conflicts.Load()+rs.conflicts.Load(), "transactions lost to a deadlock")
			require.NoError(t, deleteErr)
			assert.ErrorIs(t, revokeErr, authcore.ErrNotFound, "the revocation comes after the delete")
		})
	}
}
