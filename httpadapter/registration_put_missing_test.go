package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// PUT replaces the registration, so a body without "registration" (absent,
// null, or a wrapper spelt otherwise) would store an empty one: the roles,
// data, username, timezone and languages gone, and 200. The user and
// application PUTs fail such a body on their required fields; a
// registration has none once the URI names the application. It is
// [missing]registration, nothing stored, as [missing]integrations is.
func TestRegistrationPutWithoutRegistrationIsRefused(t *testing.T) {
	f := newFixture(t)
	app := f.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"admin"},{"name":"user"}]}}`).obj(t, "application")
	u := f.do("POST", "/api/user", `{"user":{"email":"rp@example.com"}}`).obj(t, "user")
	path := "/api/user/registration/" + str(u, "id")
	reg := f.do("POST", path, `{"registration":{"applicationId":"`+str(app, "id")+`","roles":["admin","user"],"username":"rp",`+
		`"data":{"k":"v"},"timezone":"UTC","preferredLanguages":["en"]}}`).obj(t, "registration")

	for name, body := range map[string]string{
		"empty object":       `{}`,
		"null":               `{"registration":null}`,
		"misspelt wrapper":   `{"Registration":{"roles":["admin"]}}`,
		"flags only":         `{"skipRegistrationVerification":true}`,
		"user instead of it": `{"user":{"email":"rp@example.com"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			f.do("PUT", path+"/"+str(app, "id"), body).codes(t, "[missing]registration")
			f.do("PUT", path, body).codes(t, "[missing]registration")
			assert.Equal(t, reg, f.do("GET", path+"/"+str(app, "id"), "").obj(t, "registration"), "nothing stored")
		})
	}

	// An empty registration is a replacement and still replaces.
	put := f.do("PUT", path+"/"+str(app, "id"), `{"registration":{}}`).obj(t, "registration")
	assert.NotContains(t, put, "roles")
	assert.NotContains(t, put, "data")
}
