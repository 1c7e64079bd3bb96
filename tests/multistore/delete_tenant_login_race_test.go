package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
)

// A tenant's delete while a first login into that tenant holds a lock the
// delete needs and has not yet inserted its link (whose foreign key takes a
// key-share lock on the identity provider):
//   - "creates a user": the login is past its user's insert, a key-share
//     lock on the tenant (the users' foreign key), which the delete's
//     FOR UPDATE of the tenant waits for;
//   - "links an existing user" (LinkByEmail): the login found, and on
//     PostgreSQL locked, a user of the tenant, which the delete's cascade
//     waits for.
//
// The delete locks the identity providers first: it held the provider and
// waited for the login while the login waited for the provider, a deadlock
// on PostgreSQL that one of them lost (and ran again). A login without a
// link locks its provider shared before it looks for a user or creates one
// now: the delete waits for the login, which commits, and then deletes the
// tenant with what the login created.
func TestDeleteTenantDuringFirstLogin(t *testing.T) {
	for _, tc := range []struct {
		name     string
		existing bool   // a user of the tenant has the Twitter account's email
		pauseAt  string // where the login holds its lock
		waitsAt  string // the delete's statement that waits (SQL LIKE)
	}{
		// The delete waited at the tenant's FOR UPDATE, and now waits at
		// the providers': a SELECT either way.
		{"creates a user", false, "CreateUser", "SELECT %"},
		// The delete waited in its cascade to the users, and now at the
		// providers' SELECT.
		{"links an existing user", true, "GetUserByEmail", "%"},
	} {
		for _, k := range kinds() {
			t.Run(tc.name+"/"+k.name, func(t *testing.T) {
				ctx := context.Background()
				open := k.open(t)
				c := newCluster(t, open, 1)
				app, err := open(t).GetApplication(ctx, appID)
				require.NoError(t, err)
				tenantID := app.TenantID
				keepAnotherTenant(t, c.engines[0])
				acct := c.account(1)
				var existing *authcore.User
				if tc.existing {
					existing, err = c.engines[0].CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{TenantID: tenantID, Email: "user" + acct + "@example.com"}})
					require.NoError(t, err)
				}

				login, ls := c.pausedEngine(t, open, tc.pauseAt)
				deleter, ds := c.pausedEngine(t, open, "")

				var r *authcore.LoginResponse
				loginErr, deleteErr := raceAround(t, k, ls, tc.waitsAt,
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
				// The login held its locks first: it commits, and the
				// delete that waited for it removes the user and the link
				// with the tenant.
				require.NoError(t, loginErr)
				require.NotNil(t, r.User)
				if existing != nil {
					require.Equal(t, existing.ID, r.User.ID, "the login linked the existing user")
				}
				require.NoError(t, deleteErr)

				s := open(t)
				_, err = s.GetTenant(ctx, tenantID)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "the tenant")
				_, err = s.GetUser(ctx, r.User.ID)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "the login's user")
				_, err = s.GetLink(ctx, tenantID, twitter.ProviderID, acct)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "the login's link")
			})
		}
	}
}

// An application's delete while a first login into it, with default roles,
// is between its user's insert and its link's: the login read (and on
// PostgreSQL locked, shared) the application for its registration's roles
// before the user's insert. The delete locks the identity provider and then
// the application: it held the provider and waited for the application
// while the login held the application and waited for the provider at its
// link's insert. The login locks its provider first now, as in
// TestDeleteTenantDuringFirstLogin.
func TestDeleteApplicationDuringFirstLogin(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			c := newCluster(t, open, 1)
			app, err := open(t).GetApplication(ctx, appID)
			require.NoError(t, err)
			require.NotEmpty(t, authcore.DefaultRoles(app), "the login must read the application before its user's insert")

			login, ls := c.pausedEngine(t, open, "CreateUser")
			deleter, ds := c.pausedEngine(t, open, "")

			acct := c.account(1)
			var r *authcore.LoginResponse
			loginErr, deleteErr := raceAround(t, k, ls, "SELECT %",
				func() error {
					var err error
					r, err = login.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{ApplicationID: appID, IdentityProviderID: twitter.ProviderID,
						Data: tokenData(c.tw, acct), NoJWT: true})
					return err
				},
				func() error { return deleter.DeleteApplication(ctx, appID) })
			assert.Zero(t, ls.conflicts.Load()+ds.conflicts.Load(), "transactions lost to a deadlock")
			require.NoError(t, loginErr)
			require.NotNil(t, r.User)
			require.NoError(t, deleteErr)

			// The user and link belong to the tenant and stay; the
			// registration goes with the application.
			s := open(t)
			_, err = s.GetApplication(ctx, appID)
			assert.ErrorIs(t, err, authcore.ErrNotFound, "the application")
			_, err = s.GetUser(ctx, r.User.ID)
			assert.NoError(t, err, "the login's user")
			_, err = s.GetLink(ctx, r.User.TenantID, twitter.ProviderID, acct)
			assert.NoError(t, err, "the login's link")
			_, err = s.GetRegistration(ctx, r.User.ID, appID)
			assert.ErrorIs(t, err, authcore.ErrNotFound, "the login's registration")
		})
	}
}
