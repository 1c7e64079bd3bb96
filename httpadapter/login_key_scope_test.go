package httpadapter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// The login takes no API key, but the seed says a tenant-locked key scopes
// it as X-FusionAuth-TenantId does: a key locked to another tenant than the
// application's refuses the application. A header that is no key at all (an
// app's own bearer token, passed on by a proxy) is not a key: ignored.
func TestLoginScopedByATenantLockedKey(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	ctx := context.Background()
	other, err := f.engine.CreateTenant(ctx, "", authcore.Tenant{Name: "Other"})
	require.NoError(t, err)
	f.account("5001", "kim", "kim@example.com")

	r := f.login("5001", nil, "Authorization", f.lockedKey(other.ID))
	r.codes(t, "[invalid]applicationId")
	assert.Equal(t, 0, stats(f).Users, "nothing stored")

	// A key locked to a tenant, with a header naming another: 401, as on
	// every route.
	assert.Equal(t, 401, f.login("5001", nil, "Authorization", f.lockedKey(f.tenant), "X-FusionAuth-TenantId", other.ID).Code)

	for _, auth := range []string{f.lockedKey(f.tenant), testKey, "Bearer not-an-api-key"} {
		r = f.login("5001", nil, "Authorization", auth)
		require.Equal(t, 200, r.Code, "%s: %s", auth, r.Body)
	}
}
