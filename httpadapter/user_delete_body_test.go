package httpadapter_test

import (
	"testing"
)

// The official clients' deleteUserWithRequest sends DELETE /api/user/{id}
// with a JSON body, UserDeleteSingleRequest {"hardDelete": true}
// (fusionauth-client-builder src/main/domain/io.fusionauth.domain.api.UserDeleteSingleRequest.json):
// that deletes the user for good, as ?hardDelete=true does; a body without
// it deactivates.
func TestDeleteUserWithRequestBody(t *testing.T) {
	f := newFixture(t)
	id := str(f.do("POST", "/api/user", `{"user":{"email":"gone@example.com"}}`).obj(t, "user"), "id")
	kept := str(f.do("POST", "/api/user", `{"user":{"email":"kept@example.com"}}`).obj(t, "user"), "id")

	f.do("DELETE", "/api/user/"+kept, `{"hardDelete":false}`).empty(t, 200)
	if got := f.do("GET", "/api/user/"+kept, "").obj(t, "user")["active"]; got != false {
		t.Fatalf("hardDelete false: the user is deactivated, active = %v", got)
	}

	f.do("DELETE", "/api/user/"+id, `{"hardDelete":true}`).empty(t, 200)
	f.do("GET", "/api/user/"+id, "").empty(t, 404)
	f.do("DELETE", "/api/user/"+id, `{"hardDelete":true}`).empty(t, 404)

	f.do("DELETE", "/api/user/"+kept, `{"hardDelete":"yes"}`).codes(t, "[invalidJSON]hardDelete")
}
