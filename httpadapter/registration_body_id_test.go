package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The update and patch routes without the application on the URI (the
// clients' updateRegistration and patchRegistration) name the registration
// by registration.applicationId in the body. One that is no UUID is
// [invalid]registration.applicationId, as on create, not the empty 404
// that says the user or the registration does not exist; nothing changes.
func TestRegistrationBodyApplicationIDNotUUID(t *testing.T) {
	f := newFixture(t)
	app := f.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"admin"}]}}`).obj(t, "application")
	u := f.do("POST", "/api/user", `{"user":{"email":"rb@example.com"}}`).obj(t, "user")
	path := "/api/user/registration/" + str(u, "id")
	reg := f.do("POST", path, `{"registration":{"applicationId":"`+str(app, "id")+`"}}`).obj(t, "registration")

	f.do("PUT", path, `{"registration":{"applicationId":"not-a-uuid","roles":["admin"]}}`).codes(t, "[invalid]registration.applicationId")
	f.do("PATCH", path, `{"registration":{"applicationId":"not-a-uuid","roles":["admin"]}}`).codes(t, "[invalid]registration.applicationId")
	f.do("PATCH", path, `{"registration":{"applicationId":"not-a-uuid"}}`, "Content-Type", "application/merge-patch+json").codes(t, "[invalid]registration.applicationId")
	assert.Equal(t, reg, f.do("GET", path+"/"+str(app, "id"), "").obj(t, "registration"))

	// A UUID that names no registration of the user is still an empty 404.
	f.do("PUT", path, `{"registration":{"applicationId":"8f2b3c4d-0000-4000-8000-000000000000"}}`).empty(t, 404)
}
