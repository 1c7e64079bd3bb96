package httpadapter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A key locked to one tenant may read the provider (SPEC §4), but it sees
// only its tenant's data (SPEC §1): not the overrides of another tenant's
// applications (their consumer secrets) nor another tenant's link limit.
func TestIdentityProviderLockedKeySeesOnlyItsTenant(t *testing.T) {
	f := newIdPFixture(t)
	def := defaultTenant0(t, f)
	const otherSecret = "other-tenants-app-secret-0123456789"
	body := `{"identityProvider":{"type":"Twitter","enabled":true,"buttonText":"b","consumerKey":"k","consumerSecret":"s",
"applicationConfiguration":{"` + seedAppID + `":{"enabled":true,"consumerKey":"default-key","consumerSecret":"` + otherSecret + `"}},
"tenantConfiguration":{"` + def + `":{"limitUserLinkCount":{"enabled":true,"maximumLinks":3}},"` + seedTenant + `":{"limitUserLinkCount":{"enabled":true,"maximumLinks":7}}}}}`
	require.Equal(t, 200, f.do("POST", "/api/identity-provider", body).Code)
	_, locked, err := f.engine.CreateAPIKey(context.Background(), authcore.NewAPIKey{TenantID: seedTenant})
	require.NoError(t, err)

	for _, path := range []string{"/api/identity-provider/" + twitterID, "/api/identity-provider?type=Twitter", "/api/identity-provider"} {
		for _, h := range [][]string{{"Authorization", locked}, {"X-FusionAuth-TenantId", seedTenant}} {
			r := f.do("GET", path, "", h...)
			require.Equal(t, 200, r.Code, path)
			assert.NotContains(t, r.Body, otherSecret, "%s with %s: another tenant's application override", path, h[0])
			assert.NotContains(t, r.Body, seedAppID, "%s with %s: another tenant's application", path, h[0])
			assert.NotContains(t, r.Body, def, "%s with %s: another tenant's link limit", path, h[0])
			assert.Contains(t, r.Body, seedTenant, "%s with %s: its own link limit", path, h[0])
		}
	}
	// A request for every tenant still sees everything.
	r := f.do("GET", "/api/identity-provider/"+twitterID, "")
	assert.Contains(t, r.Body, otherSecret)
	assert.Contains(t, r.Body, def)
}
