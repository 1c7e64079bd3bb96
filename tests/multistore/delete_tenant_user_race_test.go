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

// A tenant's delete while a user's update (PUT) or a registration's update
// of that tenant holds the user and has not yet read the tenant (the user's
// update) or the application (the registration's): its store hides
// ConfigVersioner, as on a configuration change. The tenant's delete locked
// the tenant and its applications and then reached the users through the
// tenant's cascade: each waited for the other, a deadlock on PostgreSQL.
// The tenant's delete locks the tenant's users before the tenant now: it
// waits for the update, which commits, and then deletes the user.
func TestDeleteTenantDuringUserOrRegistrationUpdate(t *testing.T) {
	for _, registration := range []bool{false, true} {
		for _, k := range kinds() {
			name := "user/" + k.name
			if registration {
				name = "registration/" + k.name
			}
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				open := k.open(t)
				c := newCluster(t, open, 1)
				e := c.engines[0]
				r, err := twitterLogin(ctx, e, c.tw, c.account(1))
				require.NoError(t, err)
				keepAnotherTenant(t, e)

				updater, us := c.pausedEngine(t, open, "GetUser")
				deleter, ds := c.pausedEngine(t, open, "")

				updateErr, deleteErr := raceAround(t, k, us, "%",
					func() error {
						if registration {
							_, err := updater.UpdateRegistration(ctx, r.User.ID, appID, authcore.RegistrationRequest{
								Registration: authcore.UserRegistration{ApplicationID: appID, Roles: []string{"user"}}})
							return err
						}
						_, err := updater.UpdateUser(ctx, r.User.ID, authcore.UserRequest{User: authcore.UserInput{Email: r.User.Email, FullName: "Renamed"}})
						return err
					},
					func() error { return deleter.DeleteTenant(ctx, r.User.TenantID) })
				assert.Zero(t, us.conflicts.Load()+ds.conflicts.Load(), "transactions lost to a deadlock")
				require.NoError(t, updateErr, "the update that held the user first goes on")
				require.NoError(t, deleteErr)
				s := open(t)
				_, err = s.GetUser(ctx, r.User.ID)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "the user goes with the tenant")
				_, err = s.GetTenant(ctx, r.User.TenantID)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "the tenant")
			})
		}
	}
}
