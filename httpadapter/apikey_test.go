package httpadapter_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A key locked to a tenant named in upper case locks it to that tenant, as
// ids are taken in any case everywhere else (DECISIONS: API conventions):
// it was refused as naming no tenant.
func TestAPIKeyTenantIDInAnyCase(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	def := defaultTenant(t, f)
	second := f.do("POST", "/api/tenant", `{"tenant":{"name":"second"}}`)
	require.Equal(t, 200, second.Code, second.Body)
	var created struct{ Tenant struct{ ID string } }
	require.NoError(t, json.Unmarshal([]byte(second.Body), &created))
	other := created.Tenant.ID
	k, plain, err := f.engine.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: " " + strings.ToUpper(other) + " "})
	require.NoError(t, err)
	assert.Equal(t, other, k.TenantID, "stored as every id is")
	assert.Equal(t, 200, f.do("GET", "/api/tenant/"+other, "", "Authorization", plain).Code)
	assert.Equal(t, 404, f.do("GET", "/api/tenant/"+def, "", "Authorization", plain).Code, "locked to its tenant")

	// Deleting the tenant revokes the key.
	require.Equal(t, 200, f.do("DELETE", "/api/tenant/"+other, "").Code)
	assert.Equal(t, 401, f.do("GET", "/api/integration", "", "Authorization", plain).Code)
}
