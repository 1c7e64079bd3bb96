package httpadapter_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every route that names an object by id takes the id in any case: ids are
// stored lower-cased, and a client may print UUIDs in upper case.
func TestRoutesTakeIDsInAnyCase(t *testing.T) {
	f := newFixture(t)
	tenantID := defaultTenant0(t, f)
	app := f.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"r"}]}}`).obj(t, "application")
	appID := str(app, "id")
	roleID := str(app["roles"].([]any)[0].(map[string]any), "id")
	u := f.do("POST", "/api/user", `{"user":{"email":"case@example.com"}}`).obj(t, "user")
	uid := str(u, "id")
	f.do("POST", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+appID+`"}}`).obj(t, "registration")
	up := strings.ToUpper
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/tenant/" + up(tenantID), ""},
		{"GET", "/api/application/" + up(appID), ""},
		{"PUT", "/api/application/" + up(appID) + "/role/" + up(roleID), `{"role":{"name":"r2"}}`},
		{"GET", "/api/user/" + up(uid), ""},
		{"GET", "/api/user/registration/" + up(uid) + "/" + up(appID), ""},
		{"GET", "/api/identity-provider/link?userId=" + up(uid), ""},
		{"GET", "/api/jwt/refresh?userId=" + up(uid), ""},
		{"PATCH", "/api/user/" + up(uid), `{"user":{"firstName":"A"}}`},
		{"DELETE", "/api/application/" + up(appID) + "/role/" + up(roleID), ""},
		{"DELETE", "/api/user/registration/" + up(uid) + "/" + up(appID), ""},
		{"DELETE", "/api/user/" + up(uid) + "?hardDelete=true", ""},
		{"DELETE", "/api/application/" + up(appID) + "?hardDelete=true", ""},
	} {
		r := f.do(c.method, c.path, c.body)
		assert.Equal(t, http.StatusOK, r.Code, "%s %s: %s", c.method, c.path, r.Body)
	}
}
