package multistore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
)

// A Go caller's string that no store keeps as sent (U+0000, which
// PostgreSQL's text refuses; bytes that are not UTF-8, which the SQL stores
// turn into U+FFFD) in a property the stores index or look up is
// [invalid]<path> on every store, with nothing written. The HTTP adapter
// refuses both while it decodes a body; the engine's calls took them, and
// PostgreSQL failed the statement (an error no caller could tell from a
// broken database) where memstore and SQLite stored the value.
func TestGoCallerUnstorableStringsOnEveryStore(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			c, _, u := loggedIn(t, k)
			e := c.engines[0]
			keys, err := e.Keys(ctx)
			require.NoError(t, err)
			tenants, err := e.Tenants(ctx)
			require.NoError(t, err)
			app, err := e.Application(ctx, appID)
			require.NoError(t, err)
			apps, err := e.Applications(ctx)
			require.NoError(t, err)

			for _, bad := range []string{"nul\x00here", "bad\xc3\x28utf8"} {
				calls := []struct {
					path string
					call func() error
				}{
					{"user.username", func() error {
						_, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "new@example.com", Username: bad}})
						return err
					}},
					{"user.username", func() error {
						_, err := e.UpdateUser(ctx, u.ID, authcore.UserRequest{User: authcore.UserInput{Email: u.Email, Username: bad}})
						return err
					}},
					{"user.email", func() error {
						_, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: bad + "@example.com", Username: "newname"}})
						return err
					}},
					{"tenant.name", func() error {
						_, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: bad})
						return err
					}},
					{"identityProviderLink.identityProviderUserId", func() error {
						_, err := e.CreateLink(ctx, authcore.LinkRequest{IdentityProviderLink: authcore.IdentityProviderLink{
							IdentityProviderID: twitter.ProviderID, IdentityProviderUserID: bad, UserID: u.ID}})
						return err
					}},
					{"identityProviderLink.identityProviderId", func() error {
						_, err := e.CreateLink(ctx, authcore.LinkRequest{IdentityProviderLink: authcore.IdentityProviderLink{
							IdentityProviderID: bad, IdentityProviderUserID: "42", UserID: u.ID}})
						return err
					}},
					{"identityProviderLink.userId", func() error {
						_, err := e.CreateLink(ctx, authcore.LinkRequest{IdentityProviderLink: authcore.IdentityProviderLink{
							IdentityProviderID: twitter.ProviderID, IdentityProviderUserID: "42", UserID: bad}})
						return err
					}},
					{"key.name", func() error {
						_, err := e.GenerateKey(ctx, authcore.AlgHS256, bad)
						return err
					}},
					{"key.name", func() error {
						_, err := e.UpdateKey(ctx, keys[0].ID, authcore.KeyUpdate{Name: bad})
						return err
					}},
					// A role is named by its name: by a registration's roles, the
					// roles claim and DeleteApplicationRoleByName. memstore kept the
					// bytes and the SQL stores U+FFFD, so a registration naming the
					// role was valid on memstore only.
					{"application.roles.name", func() error {
						_, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
							Name: "new app", Roles: []authcore.ApplicationRole{{Name: bad}}}})
						return err
					}},
					{"application.roles.name", func() error {
						_, err := e.UpdateApplication(ctx, appID, authcore.ApplicationRequest{Application: authcore.ApplicationInput{
							Name: app.Name, Roles: append(slices.Clone(app.Roles), authcore.ApplicationRole{Name: bad})}})
						return err
					}},
					{"role.name", func() error {
						_, err := e.CreateApplicationRole(ctx, appID, "", authcore.ApplicationRoleRequest{Role: authcore.ApplicationRole{Name: bad}})
						return err
					}},
					{"role.name", func() error {
						_, err := e.UpdateApplicationRole(ctx, appID, app.Roles[0].ID, authcore.ApplicationRoleRequest{Role: authcore.ApplicationRole{Name: bad}})
						return err
					}},
				}
				for _, cl := range calls {
					err := cl.call()
					var v *authcore.ValidationError
					if assert.ErrorAs(t, err, &v, "%s %q", cl.path, bad) {
						assert.Equal(t, []string{"[invalid]" + cl.path}, v.Codes(), "%s %q", cl.path, bad)
					}
				}
			}
			// Nothing was written.
			_, err = e.UserByUsername(ctx, "newname")
			assert.ErrorIs(t, err, authcore.ErrNotFound)
			_, err = e.UserByEmail(ctx, "new@example.com")
			assert.ErrorIs(t, err, authcore.ErrNotFound)
			got, err := e.User(ctx, u.ID)
			require.NoError(t, err)
			assert.Equal(t, u.Username, got.Username)
			after, err := e.Tenants(ctx)
			require.NoError(t, err)
			assert.Len(t, after, len(tenants))
			links, err := e.Links(ctx, u.ID, "")
			require.NoError(t, err)
			assert.Len(t, links, 1, "the login's link only")
			afterKeys, err := e.Keys(ctx)
			require.NoError(t, err)
			assert.Len(t, afterKeys, len(keys))
			k0, err := e.Key(ctx, keys[0].ID)
			require.NoError(t, err)
			assert.Equal(t, keys[0].Name, k0.Name)
			afterApps, err := e.Applications(ctx)
			require.NoError(t, err)
			assert.Len(t, afterApps, len(apps))
			app0, err := e.Application(ctx, appID)
			require.NoError(t, err)
			assert.Equal(t, app.Roles, app0.Roles)
		})
	}
}

// A Go caller's lookup or delete by text no store holds finds nothing, on
// every store: PostgreSQL answered a bare driver error where memstore and SQLite
// answered ErrNotFound, so an application that passed its own path
// segment to Engine.User turned it into a 500 on PostgreSQL only.
func TestGoCallerLookupsOfUnstorableTextOnEveryStore(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			c, _, u := loggedIn(t, k)
			e := c.engines[0]
			for _, bad := range []string{"nul\x00here", "bad\xc3\x28utf8"} {
				for name, lookup := range map[string]func() error{
					"User":             func() error { _, err := e.User(ctx, bad); return err },
					"UserByEmail":      func() error { _, err := e.UserByEmail(ctx, bad+"@example.com"); return err },
					"UserByUsername":   func() error { _, err := e.UserByUsername(ctx, bad); return err },
					"UserByLoginID":    func() error { _, err := e.UserByLoginID(ctx, bad); return err },
					"Tenant":           func() error { _, err := e.Tenant(ctx, bad); return err },
					"Application":      func() error { _, err := e.Application(ctx, bad); return err },
					"Registration":     func() error { _, err := e.Registration(ctx, u.ID, bad); return err },
					"Link":             func() error { _, err := e.Link(ctx, twitter.ProviderID, bad, u.ID); return err },
					"DeleteLink":       func() error { _, err := e.DeleteLink(ctx, twitter.ProviderID, bad, u.ID); return err },
					"Key":              func() error { _, err := e.Key(ctx, bad); return err },
					"RefreshToken":     func() error { _, err := e.RefreshToken(ctx, bad); return err },
					"IdentityProvider": func() error { _, err := e.IdentityProvider(ctx, bad); return err },
				} {
					assert.ErrorIs(t, lookup(), authcore.ErrNotFound, "%s(%q)", name, bad)
				}
				links, err := e.Links(ctx, bad, "")
				assert.NoError(t, err, "Links(%q)", bad)
				assert.Empty(t, links)
				for name, del := range map[string]func() error{
					"DeleteTenant":           func() error { return e.DeleteTenant(ctx, bad) },
					"DeleteApplication":      func() error { return e.DeleteApplication(ctx, bad) },
					"DeleteIdentityProvider": func() error { return e.DeleteIdentityProvider(ctx, bad) },
					"RevokeAPIKey":           func() error { return e.RevokeAPIKey(ctx, bad) },
					"DeleteUser":             func() error { return e.DeleteUser(ctx, bad) },
					"DeleteKey":              func() error { return e.DeleteKey(ctx, bad) },
				} {
					assert.ErrorIs(t, del(), authcore.ErrNotFound, "%s(%q)", name, bad)
				}
			}
		})
	}
}

// Engine.CreateRefreshToken takes the user and the application as a Go
// caller holds them; one whose id no store can hold names nothing, and the
// create is ErrNotFound on every store, with no token written. PostgreSQL
// refused the insert with a bare driver error (22021).
func TestGoCallerRefreshTokenForUnstorableIDsOnEveryStore(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			c, _, u := loggedIn(t, k)
			e := c.engines[0]
			tn, err := e.Tenant(ctx, u.TenantID)
			require.NoError(t, err)
			app, err := e.Application(ctx, appID)
			require.NoError(t, err)
			before, err := e.RefreshTokens(ctx, u.ID)
			require.NoError(t, err)
			for _, bad := range []string{"nul\x00here", "bad\xc3\x28utf8"} {
				ghostUser := *u
				ghostUser.ID = bad
				_, _, err := e.CreateRefreshToken(ctx, e.Store(), tn, app, &ghostUser, nil)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "user %q", bad)
				ghostApp := *app
				ghostApp.ID = bad
				_, _, err = e.CreateRefreshToken(ctx, e.Store(), tn, &ghostApp, u, nil)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "application %q", bad)
			}
			after, err := e.RefreshTokens(ctx, u.ID)
			require.NoError(t, err)
			assert.Len(t, after, len(before))
		})
	}
}
