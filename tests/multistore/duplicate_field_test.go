package multistore_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// A create that clashes on more than one unique value names the same field
// on every store: SQLite checked its indexes in another order, so the same
// request answered [duplicate]user.username there and [duplicate]user.email
// on memstore and PostgreSQL.
func TestDuplicateFieldIsTheSameOnEveryStore(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			n := rvNodes(t, k, 1)[0]
			userID := n.do("POST", "/api/user", `{"user":{"email":"ada@example.com","username":"ada"}}`).m(t, "user")["id"].(string)
			tenantID := n.do("POST", "/api/tenant", `{"tenant":{"name":"Acme"}}`).m(t, "tenant")["id"].(string)
			defaultTenant := n.do("GET", "/api/user/"+userID, "").m(t, "user")["tenantId"].(string)
			for _, c := range []struct{ path, body, tenant, field string }{
				{"/api/user", `{"user":{"email":"ADA@example.com","username":"Ada"}}`, defaultTenant, "user.email"},
				{"/api/user/" + userID, `{"user":{"email":"ada@example.com","username":"other"}}`, defaultTenant, "userId"},
				{"/api/tenant/" + tenantID, `{"tenant":{"name":"acme"}}`, "", "tenantId"},
			} {
				var headers []string
				if c.tenant != "" {
					headers = []string{"X-FusionAuth-TenantId", c.tenant}
				}
				r := n.do("POST", c.path, c.body, headers...)
				require.Equal(t, 400, r.Code, "%s %s: %s", c.path, c.body, r.Body)
				var out struct {
					FieldErrors map[string][]struct{ Code string } `json:"fieldErrors"`
				}
				require.NoError(t, json.Unmarshal([]byte(r.Body), &out), r.Body)
				require.Equal(t, []string{c.field}, slices.Sorted(maps.Keys(out.FieldErrors)), "%s %s: %s", c.path, c.body, r.Body)
				require.Equal(t, "[duplicate]"+c.field, out.FieldErrors[c.field][0].Code, c.path)
			}
		})
	}
}
