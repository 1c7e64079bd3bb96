package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A tenant's delete while a user's delete of that tenant holds the user's
// links and has not yet locked the user's refresh tokens (a user's delete
// with events recorded locks the links, the tokens and then the user). The
// tenant's delete locked the tokens and then reached the links through its
// users' cascade: each waited for the other, a deadlock on PostgreSQL. The
// tenant's delete locks the tenant's links before the tokens now: it waits
// for the user's delete.
func TestDeleteTenantDuringUserDelete(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			c := newCluster(t, open, 1)
			e := c.engines[0]
			r, err := twitterLogin(ctx, e, c.tw, c.account(1))
			require.NoError(t, err)
			require.NotEmpty(t, r.RefreshToken)
			keepAnotherTenant(t, e)

			userDeleter, us := c.pausedEngine(t, open, "ListLinks",
				authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }))
			tenantDeleter, ts := c.pausedEngine(t, open, "")

			// The tenant's delete waits for the user's links.
			userErr, tenantErr := raceAround(t, k, us, "SELECT user_id FROM links WHERE tenant_id %",
				func() error { return userDeleter.DeleteUser(ctx, r.User.ID) },
				func() error { return tenantDeleter.DeleteTenant(ctx, r.User.TenantID) })
			assert.Zero(t, us.conflicts.Load()+ts.conflicts.Load(), "transactions lost to a deadlock")
			require.NoError(t, userErr, "the user's delete that held the links first goes on")
			require.NoError(t, tenantErr)
		})
	}
}
