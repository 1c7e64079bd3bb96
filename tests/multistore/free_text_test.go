package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
)

// A Go caller's free text (a name, a button text, a data value) that holds
// U+0000 or bytes that are not UTF-8 is [invalid]<path> on every store,
// with nothing written, as the adapter refuses it in a body. memstore kept
// bytes that are not UTF-8 as given and the SQL stores, which keep
// documents as JSON, gave U+FFFD: one object read back differently from
// each store. Text that is UTF-8, U+FFFD itself included, is kept as sent
// everywhere.
func TestGoCallerUnstorableFreeTextOnEveryStore(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			c, _, u := loggedIn(t, k)
			e := c.engines[0]
			app, err := e.Application(ctx, appID)
			require.NoError(t, err)
			tenant, err := e.Tenant(ctx, u.TenantID)
			require.NoError(t, err)
			provider, err := e.IdentityProvider(ctx, twitter.ProviderID)
			require.NoError(t, err)
			reg, err := e.Registration(ctx, u.ID, appID)
			require.NoError(t, err)
			integrations, err := e.Integrations(ctx)
			require.NoError(t, err)
			userInput := func() authcore.UserInput {
				return authcore.UserInput{Email: u.Email, Username: u.Username, FullName: u.FullName}
			}

			for _, bad := range []string{"nul\x00here", "bad\xc3\x28utf8"} {
				calls := []struct {
					path string
					call func() error
				}{
					{"user.fullName", func() error {
						_, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "new@example.com", FullName: bad}})
						return err
					}},
					{"user.firstName", func() error {
						in := userInput()
						in.FirstName = bad
						_, err := e.UpdateUser(ctx, u.ID, authcore.UserRequest{User: in})
						return err
					}},
					{"user.data.note", func() error {
						in := userInput()
						in.Data = map[string]any{"note": []any{"fine", bad}}
						_, err := e.UpdateUser(ctx, u.ID, authcore.UserRequest{User: in})
						return err
					}},
					{"user.data", func() error { // the key itself
						in := userInput()
						in.Data = map[string]any{bad: "value"}
						_, err := e.UpdateUser(ctx, u.ID, authcore.UserRequest{User: in})
						return err
					}},
					{"application.name", func() error {
						_, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: bad}})
						return err
					}},
					{"application.roles.description", func() error {
						roles := append([]authcore.ApplicationRole(nil), app.Roles...)
						roles[0].Description = bad
						_, err := e.UpdateApplication(ctx, appID, authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: app.Name, Roles: roles}})
						return err
					}},
					{"tenant.data.theme", func() error {
						_, err := e.UpdateTenant(ctx, tenant.ID, authcore.Tenant{Name: tenant.Name, Data: map[string]any{"theme": bad}})
						return err
					}},
					{"registration.data.plan", func() error {
						_, err := e.UpdateRegistration(ctx, u.ID, appID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{
							ApplicationID: appID, Data: map[string]any{"plan": bad}}})
						return err
					}},
					{"identityProvider.buttonText", func() error {
						p := *provider
						p.ButtonText = bad
						_, err := e.UpdateIdentityProvider(ctx, twitter.ProviderID, p)
						return err
					}},
					{"identityProviderLink.displayName", func() error {
						_, err := e.CreateLink(ctx, authcore.LinkRequest{IdentityProviderLink: authcore.IdentityProviderLink{
							IdentityProviderID: twitter.ProviderID, IdentityProviderUserID: "4242", UserID: u.ID, DisplayName: bad}})
						return err
					}},
					{"role.description", func() error {
						_, err := e.CreateApplicationRole(ctx, appID, "", authcore.ApplicationRoleRequest{Role: authcore.ApplicationRole{Name: "fresh", Description: bad}})
						return err
					}},
					{"integrations.kafka.producer.client.id", func() error {
						in := integrations
						in.Kafka.Producer = map[string]string{"client.id": bad}
						_, err := e.UpdateIntegrations(ctx, in)
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
			_, err = e.UserByEmail(ctx, "new@example.com")
			assert.ErrorIs(t, err, authcore.ErrNotFound)
			gotUser, err := e.User(ctx, u.ID)
			require.NoError(t, err)
			assert.Empty(t, gotUser.FirstName)
			assert.Empty(t, gotUser.Data)
			apps, err := e.Applications(ctx)
			require.NoError(t, err)
			assert.Len(t, apps, 1)
			gotApp, err := e.Application(ctx, appID)
			require.NoError(t, err)
			assert.Equal(t, app.Roles, gotApp.Roles)
			gotReg, err := e.Registration(ctx, u.ID, appID)
			require.NoError(t, err)
			assert.Equal(t, reg.Data, gotReg.Data)
			gotProvider, err := e.IdentityProvider(ctx, twitter.ProviderID)
			require.NoError(t, err)
			assert.Equal(t, provider.ButtonText, gotProvider.ButtonText)
			links, err := e.Links(ctx, u.ID, "")
			require.NoError(t, err)
			assert.Len(t, links, 1, "the login's link only")
			gotTenant, err := e.Tenant(ctx, tenant.ID)
			require.NoError(t, err)
			assert.Equal(t, tenant.Data, gotTenant.Data)
			gotIntegrations, err := e.Integrations(ctx)
			require.NoError(t, err)
			assert.Equal(t, integrations, gotIntegrations)

			// UTF-8 text, U+FFFD and a character outside the BMP included,
			// reads back as sent from every store.
			const good = "Zoë \ufffd 🐦"
			in := userInput()
			in.FirstName = good
			in.Data = map[string]any{good: good}
			_, err = e.UpdateUser(ctx, u.ID, authcore.UserRequest{User: in})
			require.NoError(t, err)
			gotUser, err = e.User(ctx, u.ID)
			require.NoError(t, err)
			assert.Equal(t, good, gotUser.FirstName)
			assert.Equal(t, map[string]any{good: good}, gotUser.Data)
		})
	}
}
