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

// A tenant deleted while the identity provider is patched to configure it
// and enable its application. The delete locked the tenant and its
// applications and then the provider (to forget them there), the PATCH the
// provider and then the applications and tenants it names: on PostgreSQL
// the two could deadlock, and an immediate run again meet the same cycle.
// The delete locks the provider first, as an application's delete does:
// the delete of an existing tenant always succeeds, the PATCH succeeds or
// finds the tenant or application gone ([invalid]), and the provider never
// names either once the tenant is gone.
func TestTenantDeleteRacesProviderPatch(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			e, err := authcore.New(ctx, k.open(t)(t), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			require.NoError(t, err)
			_, err = e.CreateIdentityProvider(ctx, "", twitter.Provider{Type: twitter.TypeName, ButtonText: "Twitter", ConsumerKey: ck, ConsumerSecret: cs})
			require.NoError(t, err)
			for round := range 60 {
				tenant, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "contested " + strconv.Itoa(round)})
				require.NoError(t, err)
				app, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "contested", TenantID: tenant.ID}})
				require.NoError(t, err)
				var delErr, patchErr error
				del := func() { delErr = e.DeleteTenant(ctx, tenant.ID) }
				patch := func() {
					_, patchErr = e.PatchIdentityProvider(ctx, twitter.ProviderID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
						Body: []byte(`{"identityProvider":{"applicationConfiguration":{"` + app.ID + `":{"enabled":true}},` +
							`"tenantConfiguration":{"` + tenant.ID + `":{"limitUserLinkCount":{"enabled":true,"maximumLinks":3}}}}}`)})
				}
				first, second := del, patch
				if round%2 == 0 {
					first, second = patch, del
				}
				var wg sync.WaitGroup
				for _, f := range []func(){first, second} {
					wg.Go(f)
				}
				wg.Wait()

				require.NoError(t, delErr, "round %d: the delete", round)
				if patchErr != nil {
					var verrs *validation.Errors
					require.True(t, errors.As(patchErr, &verrs), "round %d: the patch: %v", round, patchErr)
				}
				p, err := e.IdentityProvider(ctx, twitter.ProviderID)
				require.NoError(t, err)
				require.NotContains(t, p.ApplicationConfiguration, app.ID, "round %d: the provider names the deleted application", round)
				require.NotContains(t, p.TenantConfiguration, tenant.ID, "round %d: the provider names the deleted tenant", round)
			}
		})
	}
}
