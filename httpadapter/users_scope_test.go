package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func applicationNames(t *testing.T, r response) []string {
	t.Helper()
	require.Equal(t, 200, r.Code, r.Body)
	var names []string
	for _, a := range r.body(t)["applications"].([]any) {
		names = append(names, a.(map[string]any)["name"].(string))
	}
	return names
}

// Email and username are unique per tenant case-insensitively on update too.
func TestUpdateToDuplicateCase(t *testing.T) {
	f := newFixture(t)
	f.do("POST", "/api/user", `{"user":{"email":"a@example.com","username":"Alpha"}}`).obj(t, "user")
	b := f.do("POST", "/api/user", `{"user":{"email":"b@example.com","username":"beta"}}`).obj(t, "user")
	f.do("PATCH", "/api/user/"+str(b, "id"), `{"user":{"email":"A@EXAMPLE.com"}}`).codes(t, "[duplicate]user.email")
	f.do("PATCH", "/api/user/"+str(b, "id"), `{"user":{"username":"ALPHA"}}`).codes(t, "[duplicate]user.username")
	f.do("PUT", "/api/user/"+str(b, "id"), `{"user":{"email":"b@example.com","username":"alpha"}}`).codes(t, "[duplicate]user.username")
}

// A locked key or header must not reach another tenant's registrations or applications.
func TestScopedRegistrations(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)
	other := f.newTenant("other")
	appO := f.do("POST", "/api/application", `{"application":{"name":"o","roles":[{"name":"r"}]}}`, "X-FusionAuth-TenantId", other).obj(t, "application")
	uO := f.do("POST", "/api/user/registration", `{"user":{"email":"o@example.com"},"registration":{"applicationId":"`+str(appO, "id")+`"}}`).obj(t, "user")
	key := f.lockedKey(def)
	as := func(method, path, body string) response { return f.do(method, path, body, "Authorization", key) }
	as("GET", "/api/user/registration/"+str(uO, "id")+"/"+str(appO, "id"), "").empty(t, 404)
	as("PATCH", "/api/user/registration/"+str(uO, "id")+"/"+str(appO, "id"), `{"registration":{"roles":["r"]}}`).empty(t, 404)
	as("PUT", "/api/user/registration/"+str(uO, "id")+"/"+str(appO, "id"), `{"registration":{}}`).empty(t, 404)
	as("DELETE", "/api/user/registration/"+str(uO, "id")+"/"+str(appO, "id"), "").empty(t, 404)
	as("GET", "/api/application/"+str(appO, "id"), "").empty(t, 404)
	as("PATCH", "/api/application/"+str(appO, "id"), `{"application":{"name":"x"}}`).empty(t, 404)
	as("DELETE", "/api/application/"+str(appO, "id")+"?hardDelete=true", "").empty(t, 404)
	as("PUT", "/api/application/"+str(appO, "id")+"?reactivate=true", "").empty(t, 404)
	as("GET", "/api/tenant/"+other, "").empty(t, 404)
	as("PATCH", "/api/tenant/"+other, `{"tenant":{"name":"y"}}`).empty(t, 404)
	assert.Empty(t, applicationNames(t, as("GET", "/api/application", "")))
	// Create a registration for another tenant's user with a locked key.
	appD := f.do("POST", "/api/application", `{"application":{"name":"d"}}`, "X-FusionAuth-TenantId", def).obj(t, "application")
	as("POST", "/api/user/registration/"+str(uO, "id"), `{"registration":{"applicationId":"`+str(appD, "id")+`"}}`).empty(t, 404)
	// Combined create naming the other tenant's app under a locked key.
	as("POST", "/api/user/registration", `{"user":{"email":"z@example.com"},"registration":{"applicationId":"`+str(appO, "id")+`"}}`).codes(t, "[invalid]registration.applicationId")
	// A user id another tenant's user holds, POST with that id under a
	// locked key: user ids are unique across tenants, as FusionAuth's are.
	as("POST", "/api/user/"+str(uO, "id"), `{"user":{"email":"q@example.com"}}`).codes(t, "[duplicate]userId")
	as("GET", "/api/user?email=q@example.com", "").empty(t, 404)
}
