package httpadapter_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A pending link of another tenant is, to a tenant-scoped request, unknown:
// completing it answers [InvalidPendingIdPLinkId] as the retrieve answers 404,
// not an error that tells the pending link exists.
func TestPendingLinkCompletionOutsideScopeIsUnknown(t *testing.T) {
	f := newLoginFixture(t, providerOpts{strategy: "CreatePendingLink"})
	f.account("2525", "sam", "sam@example.com")
	ctx := context.Background()
	other := "99999999-0000-0000-0000-000000000001"
	require.NoError(t, f.store.CreateTenant(ctx, &authcore.Tenant{ID: other, Name: "other"}))
	u := &authcore.User{ID: "aeaeaeae-0000-0000-0000-000000000001", TenantID: other, Email: "o@example.com", Active: true}
	require.NoError(t, f.store.CreateUser(ctx, u))
	pending := decodeLogin(t, f.login("2525", nil)).PendingIdPLinkID
	require.NotEmpty(t, pending)

	assert.Equal(t, 404, f.do("GET", "/api/identity-provider/link/pending/"+pending, "", "X-FusionAuth-TenantId", other).Code)
	c := f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"pendingIdPLinkId":%q,"identityProviderLink":{"userId":%q}}`, pending, u.ID), "X-FusionAuth-TenantId", other)
	require.Equal(t, 400, c.Code, c.Body)
	assert.True(t, c.errors(t).Has("[InvalidPendingIdPLinkId]"), c.Body)
	// Still usable in its own tenant.
	assert.Equal(t, 200, f.do("GET", "/api/identity-provider/link/pending/"+pending, "").Code)
}
