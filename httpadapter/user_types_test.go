package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// On the wire: a user's or a registration's value that cannot be its Java
// type (a URI, a LocalDate, a ZoneId, a Locale) is a 400 Errors object
// with [invalidJSON]<path>, on POST, PUT and the three PATCH forms,
// and nothing is stored.
func TestUserTypedFieldsOnTheWire(t *testing.T) {
	f := newFixture(t)
	user := f.do("POST", "/api/user", `{"user":{"email":"ann@example.com","imageUrl":"/a.png","timezone":"UTC-7","preferredLanguages":["en_US"]}}`).obj(t, "user")
	assert.Equal(t, "/a.png", user["imageUrl"], "a relative reference is a URI")
	assert.Equal(t, "UTC-7", user["timezone"], "FusionAuth documents UTC-7 as a time zone")
	id := str(user, "id")
	app := f.do("POST", "/api/application", `{"application":{"name":"Web"}}`).obj(t, "application")
	appID := str(app, "id")
	reg := f.do("POST", "/api/user/registration/"+id, `{"registration":{"applicationId":"`+appID+`","timezone":"+02:00","preferredLanguages":["es_419"]}}`).obj(t, "registration")
	user = f.do("GET", "/api/user/"+id, "").obj(t, "user")

	for _, tc := range []struct{ member, code string }{
		{`"imageUrl":"https://example.com/my picture.png"`, "[invalidJSON]user.imageUrl"},
		{`"birthDate":"1976-02-30"`, "[invalidJSON]user.birthDate"},
		{`"timezone":"Mountain Time"`, "[invalidJSON]user.timezone"},
		{`"preferredLanguages":["English"]`, "[invalidJSON]user.preferredLanguages"},
	} {
		f.do("POST", "/api/user", `{"user":{"email":"new@example.com",`+tc.member+`}}`).codes(t, tc.code)
		body := `{"user":{"email":"ann@example.com",` + tc.member + `}}`
		f.do("PUT", "/api/user/"+id, body).codes(t, tc.code)
		f.do("PATCH", "/api/user/"+id, body).codes(t, tc.code)
		f.do("PATCH", "/api/user/"+id, body, "Content-Type", "application/merge-patch+json").codes(t, tc.code)
	}
	f.do("PATCH", "/api/user/"+id, `[{"op":"replace","path":"/user/imageUrl","value":"not a uri"}]`, "Content-Type", "application/json-patch+json").
		codes(t, "[invalidJSON]user.imageUrl")
	f.do("PATCH", "/api/user/"+id, `[{"op":"add","path":"/user/preferredLanguages/-","value":"en_us"}]`, "Content-Type", "application/json-patch+json").
		codes(t, "[invalidJSON]user.preferredLanguages")
	f.do("GET", "/api/user?email=new%40example.com", "").empty(t, 404)
	assert.Equal(t, user, f.do("GET", "/api/user/"+id, "").obj(t, "user"), "nothing stored")
	msg := f.do("PUT", "/api/user/"+id, `{"user":{"email":"ann@example.com","imageUrl":"a b"}}`).errors(t).FieldErrors["user.imageUrl"][0].Message
	assert.Equal(t, "The [user.imageUrl] property must be a URI, such as https://example.com/avatar.png.", msg)

	regPath := "/api/user/registration/" + id + "/" + appID
	for _, tc := range []struct{ body, code string }{
		{`{"registration":{"timezone":"posix/Europe/Paris"}}`, "[invalidJSON]registration.timezone"},
		{`{"registration":{"preferredLanguages":["fr-fr"]}}`, "[invalidJSON]registration.preferredLanguages"},
	} {
		f.do("PUT", regPath, tc.body).codes(t, tc.code)
		f.do("PATCH", regPath, tc.body).codes(t, tc.code)
		f.do("PATCH", regPath, tc.body, "Content-Type", "application/merge-patch+json").codes(t, tc.code)
	}
	f.do("PATCH", regPath, `[{"op":"replace","path":"/registration/timezone","value":"UTC+19"}]`, "Content-Type", "application/json-patch+json").
		codes(t, "[invalidJSON]registration.timezone")
	assert.Equal(t, reg, f.do("GET", regPath, "").obj(t, "registration"), "nothing stored")
}
