package multistore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Registrations follow an application's roles by id: an update that swaps
// two roles' names renames both on them, and one that removes a role and
// gives its name to another takes the removed role off them rather than
// handing its holders the other one.
func TestRoleNameReusedInOneUpdateFollowsOnRegistrations(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			n := rvNodes(t, k, 1)[0]
			// setup: an application with roles admin and viewer, and a user
			// registered with viewer only.
			setup := func(email string) (appID, adminID, viewerID, uid string) {
				app := n.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"admin"},{"name":"viewer"}]}}`).m(t, "application")
				appID = rvStr(app, "id")
				roles := app["roles"].([]any)
				adminID, viewerID = rvStr(roles[0].(map[string]any), "id"), rvStr(roles[1].(map[string]any), "id")
				u := n.do("POST", "/api/user", `{"user":{"email":"`+email+`"}}`).m(t, "user")
				uid = rvStr(u, "id")
				n.do("POST", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+appID+`","roles":["viewer"]}}`).m(t, "registration")
				return
			}

			appID, adminID, viewerID, uid := setup("swap@example.com")
			n.do("PUT", "/api/application/"+appID, `{"application":{"name":"a","roles":[{"id":"`+adminID+`","name":"viewer"},{"id":"`+viewerID+`","name":"admin"}]}}`).m(t, "application")
			reg := n.do("GET", "/api/user/registration/"+uid+"/"+appID, "").m(t, "registration")
			assert.Equal(t, []any{"admin"}, reg["roles"], "swapped names: the registration keeps its role (id %s) under its new name", viewerID)

			appID, adminID, viewerID, uid = setup("reuse@example.com")
			n.do("PUT", "/api/application/"+appID, `{"application":{"name":"a","roles":[{"id":"`+adminID+`","name":"viewer"}]}}`).m(t, "application")
			reg = n.do("GET", "/api/user/registration/"+uid+"/"+appID, "").m(t, "registration")
			assert.Empty(t, reg["roles"], "the registration's role (id %s) was removed; its name now belongs to role %s", viewerID, adminID)
		})
	}
}
