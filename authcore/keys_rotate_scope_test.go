package authcore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// Signing keys are global: a request scoped to a tenant (a tenant-locked API
// key, or X-FusionAuth-TenantId) may not rotate even its own tenant's key,
// as it may not create, update or delete a key. RotateTenantKey created a
// key for it and made the tenant sign with it. A call for every tenant still
// rotates.
func TestRotateTenantKeyRefusesAScopedRequest(t *testing.T) {
	f := newTokenFixture(t)
	f.issue(authcore.TokenRequest{}) // makes the tenant's first key
	signer := f.reloadTenant().JWTConfiguration.AccessTokenKeyID
	require.NotEmpty(t, signer)
	before, err := f.store.ListKeys(f.ctx)
	require.NoError(t, err)

	for _, scope := range []authcore.Scope{{TenantID: f.tenant.ID}, {KeyTenantID: f.tenant.ID}, {KeyTenantID: f.tenant.ID, TenantID: f.tenant.ID}} {
		k, err := f.engine.RotateTenantKey(authcore.WithScope(f.ctx, scope), f.tenant.ID, authcore.AlgHS256)
		assert.Nil(t, k)
		require.ErrorIs(t, err, authcore.ErrUnauthorized, "scope %+v", scope)
	}
	after, err := f.store.ListKeys(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after, "no key created or changed")
	assert.Equal(t, signer, f.reloadTenant().JWTConfiguration.AccessTokenKeyID, "the tenant signs as before")

	k, err := f.engine.RotateTenantKey(f.ctx, f.tenant.ID, authcore.AlgHS256)
	require.NoError(t, err)
	assert.Equal(t, k.ID, f.reloadTenant().JWTConfiguration.AccessTokenKeyID, "an unscoped call rotates")
	assert.NotEqual(t, signer, k.ID)
}
