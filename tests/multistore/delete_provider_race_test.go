package multistore_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/validation"
)

// An application, or a tenant with its application, deleted while the
// identity provider is patched to enable the application (and configure
// the tenant). The delete locked the application or tenant and then the
// provider (to forget them there), the PATCH the provider and then the
// applications and tenants it names: on PostgreSQL the two deadlocked, the
// delete answered 409 [retryableConflict], and a PATCH run again at once
// could meet the same cycle on every attempt. Now both deletes lock the
// provider first: the delete of an existing application or tenant always
// succeeds, the PATCH succeeds or finds it gone ([invalid]), and the
// provider never names what was deleted.
func TestDeleteRacesProviderPatch(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			e, err := authcore.New(ctx, k.open(t)(t), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			require.NoError(t, err)
			_, err = e.CreateIdentityProvider(ctx, "", twitter.Provider{Type: twitter.TypeName, ButtonText: "Twitter", ConsumerKey: ck, ConsumerSecret: cs})
			require.NoError(t, err)
			for _, deleteTenant := range []bool{false, true} {
				for round := range 100 {
					tenantID := ""
					if deleteTenant {
						tenant, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "contested " + strconv.Itoa(round)})
						require.NoError(t, err)
						tenantID = tenant.ID
					}
					app, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "contested", TenantID: tenantID}})
					require.NoError(t, err)
					body := `{"identityProvider":{"applicationConfiguration":{"` + app.ID + `":{"enabled":true}}}}`
					del := func() error { return e.DeleteApplication(ctx, app.ID) }
					if deleteTenant {
						body = `{"identityProvider":{"applicationConfiguration":{"` + app.ID + `":{"enabled":true}},` +
							`"tenantConfiguration":{"` + tenantID + `":{"limitUserLinkCount":{"enabled":true,"maximumLinks":3}}}}}`
						del = func() error { return e.DeleteTenant(ctx, tenantID) }
					}
					var delErr, patchErr error
					deleting := func() { delErr = del() }
					patching := func() {
						_, patchErr = e.PatchIdentityProvider(ctx, twitter.ProviderID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(body)})
					}
					// Started in both orders: the goroutine started last
					// tends to run first.
					first, second := deleting, patching
					if round%2 == 0 {
						first, second = patching, deleting
					}
					var wg sync.WaitGroup
					for _, f := range []func(){first, second} {
						wg.Go(f)
					}
					wg.Wait()

					what := "application"
					if deleteTenant {
						what = "tenant"
					}
					require.NoError(t, delErr, "%s, round %d: the delete", what, round)
					if patchErr != nil {
						var verrs *validation.Errors
						require.True(t, errors.As(patchErr, &verrs), "%s, round %d: the patch: %v", what, round, patchErr)
					}
					p, err := e.IdentityProvider(ctx, twitter.ProviderID)
					require.NoError(t, err)
					require.NotContains(t, p.ApplicationConfiguration, app.ID, "%s, round %d: the provider names the deleted application", what, round)
					if deleteTenant {
						require.NotContains(t, p.TenantConfiguration, tenantID, "round %d: the provider names the deleted tenant", round)
					}
				}
			}
		})
	}
}
