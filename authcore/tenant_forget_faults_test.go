package authcore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/idp/twitter"
)

// A tenant's delete whose store fails while the delete removes the tenant
// and its application from the Twitter provider (forgetInProviders: its
// read of the providers, the second of the delete after the lock, or its
// write) answers with the store's error and leaves the tenant, its
// application and the provider's configuration as they were.
func TestDeleteTenantStoreFailsWhileForgettingItInTheProvider(t *testing.T) {
	for _, c := range []struct {
		method string
		nth    int
	}{{"ListIdentityProviders", 2}, {"UpdateIdentityProvider", 1}} {
		t.Run(c.method, func(t *testing.T) {
			s, f, other, app := newTenantToDelete(t)
			five := 5
			_, err := f.engine.CreateIdentityProvider(f.ctx, "", twitter.Provider{
				Type: "Twitter", ButtonText: "Login with Twitter", ConsumerKey: "ck", ConsumerSecret: "cs", Enabled: true,
				ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{app.ID: {Enabled: true}},
				TenantConfiguration: map[string]twitter.TenantConfiguration{other.ID: {
					LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: true, MaximumLinks: &five},
				}},
			})
			require.NoError(t, err)
			before, err := f.store.GetIdentityProvider(f.ctx, twitter.ProviderID)
			require.NoError(t, err)
			f.clock.Advance(time.Second)

			s.p.arm(c.method, c.nth, errInjected)
			err = f.engine.DeleteTenant(f.ctx, other.ID)
			require.True(t, s.p.injected(), "the store call was made")
			require.ErrorIs(t, err, errInjected)

			_, err = f.store.GetTenant(f.ctx, other.ID)
			assert.NoError(t, err, "the tenant is still there")
			_, err = f.store.GetApplication(f.ctx, app.ID)
			assert.NoError(t, err, "its application is still there")
			after, err := f.store.GetIdentityProvider(f.ctx, twitter.ProviderID)
			require.NoError(t, err)
			assert.Equal(t, before, after, "the provider's record is unchanged")
			p, err := f.engine.IdentityProvider(f.ctx, twitter.ProviderID)
			require.NoError(t, err)
			assert.Contains(t, p.ApplicationConfiguration, app.ID)
			assert.Contains(t, p.TenantConfiguration, other.ID)
		})
	}
}
