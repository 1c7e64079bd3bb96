package httpadapter_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An HTTP header value cannot begin or end with white space (net/http and
// the clients' fetch trim it) nor hold control characters, so a key like
// that (a secret read from a file with its newline, say) was stored but
// answered 401 on every request. It is refused when created.
func TestAPIKeyThatNoHeaderCanCarryIsRefused(t *testing.T) {
	f := newFixture(t)
	const valid = "0123456789abcdef-0123456789"
	for name, key := range map[string]string{
		"trailing newline": valid + "\n",
		"leading space":    " " + valid,
		"trailing tab":     valid + "\t",
		"inner newline":    "0123456789abcdef\n0123456789",
		"inner NUL":        "0123456789abcdef\x000123456789",
		"DEL":              valid + "\x7f",
		"beyond ASCII":     valid + "é",
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.engine.CreateAPIKey(context.Background(), authcore.NewAPIKey{Key: key})
			var v *validation.Errors
			require.True(t, errors.As(err, &v), "got %v", err)
			assert.True(t, v.Has("[invalid]apiKey.key"), "%v", v.Codes())
		})
	}
	// Inner spaces are part of a header value: such a key works.
	_, _, err := f.engine.CreateAPIKey(context.Background(), authcore.NewAPIKey{Key: "0123456789 abcdef 0123456789"})
	require.NoError(t, err)
	assert.Equal(t, 200, f.do("GET", "/api/integration", "", "Authorization", "0123456789 abcdef 0123456789").Code)
}

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
