package authcore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// A store that fails at any lock, read or delete of a tenant's delete
// answers with its own error, and the tenant, its application and its API
// key are still there.
func TestDeleteTenantStoreFailures(t *testing.T) {
	for _, method := range []string{
		"ListIdentityProviders", "LockTenantLinks", "LockTenantTokens", "LockTenantModerationItems", "LockTenantUsers",
		"GetTenant", "ListTenants", "ListAPIKeys", "DeleteAPIKey", "ListApplications", "DeleteTenant",
	} {
		t.Run(method, func(t *testing.T) {
			s, f, other, app := newTenantToDelete(t)
			key, _, err := f.engine.CreateAPIKey(f.ctx, authcore.NewAPIKey{Name: "other's", TenantID: other.ID})
			require.NoError(t, err)
			s.p.arm(method, 1, errInjected)
			err = f.engine.DeleteTenant(f.ctx, other.ID)
			require.True(t, s.p.injected(), "the store call was made")
			require.ErrorIs(t, err, errInjected)
			_, err = f.store.GetTenant(f.ctx, other.ID)
			assert.NoError(t, err, "the tenant is still there")
			_, err = f.store.GetApplication(f.ctx, app.ID)
			assert.NoError(t, err, "its application is still there")
			keys, err := f.store.ListAPIKeys(f.ctx)
			require.NoError(t, err)
			assert.True(t, func() bool {
				for _, k := range keys {
					if k.ID == key.ID {
						return true
					}
				}
				return false
			}(), "its API key is still there")
		})
	}
}

// newTenantToDelete gives a token fixture on a store whose calls a test
// can make fail, with a second tenant ("other") and an application of it.
func newTenantToDelete(t *testing.T) (planStore, *tokenFixture, *authcore.Tenant, *authcore.Application) {
	t.Helper()
	s := newPlanStore(memstore.New())
	f := newTokenFixtureOn(t, s)
	other, err := f.engine.CreateTenant(f.ctx, "", authcore.Tenant{Name: "other"})
	require.NoError(t, err)
	app, err := f.engine.CreateApplication(f.ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{TenantID: other.ID, Name: "other's"}})
	require.NoError(t, err)
	return s, f, other, app
}
