package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An RFC 6902 PATCH of a user applies to the user as GET shows it, its
// registrations included: a "test" of a value the client read there holds,
// and the answer is what a GET then shows. The patched document had no
// registrations, so such a test failed with [JSONPatchTestFailed] and
// nothing was changed.
func TestPatchUserDocumentIsWhatGetShows(t *testing.T) {
	f := newFixture(t)
	app := f.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"user","isDefault":true}]}}`).obj(t, "application")
	r := f.do("POST", "/api/user/registration", `{"user":{"email":"doc@example.com"},"registration":{"applicationId":"`+str(app, "id")+`"}}`)
	uid := str(r.obj(t, "user"), "id")

	got := f.do("PATCH", "/api/user/"+uid, `[
		{"op":"test","path":"/user/registrations/0/applicationId","value":"`+str(app, "id")+`"},
		{"op":"test","path":"/user/registrations/0/roles","value":["user"]},
		{"op":"add","path":"/user/firstName","value":"Doc"}]`, "Content-Type", "application/json-patch+json")
	require.Equal(t, 200, got.Code, got.Body)
	assert.Equal(t, "Doc", got.obj(t, "user")["firstName"])
	assert.JSONEq(t, got.Body, f.do("GET", "/api/user/"+uid, "").Body, "the PATCH answers what GET shows")

	// The registrations are read-only here (the Registration API changes
	// them): a patch of them changes nothing, and a failed test still
	// refuses the whole patch.
	f.do("PATCH", "/api/user/"+uid, `[{"op":"test","path":"/user/registrations/0/roles","value":["admin"]},{"op":"replace","path":"/user/firstName","value":"No"}]`,
		"Content-Type", "application/json-patch+json").codes(t, "[JSONPatchTestFailed]")
	kept := f.do("PATCH", "/api/user/"+uid, `[{"op":"replace","path":"/user/registrations/0/roles","value":[]}]`, "Content-Type", "application/json-patch+json")
	require.Equal(t, 200, kept.Code, kept.Body)
	assert.Equal(t, "Doc", kept.obj(t, "user")["firstName"])
	assert.Equal(t, []any{"user"}, f.do("GET", "/api/user/registration/"+uid+"/"+str(app, "id"), "").obj(t, "registration")["roles"])
}

// A legacy PATCH appends arrays, so sending back the user as GET showed it
// (the clients' patchUser with the retrieved user) appended a copy of each
// two-factor method: the user then had every method twice, and a login's
// 242 listed each twice. A method that repeats one the user has is now
// kept once, as a repeated language is; two different methods under one id
// are refused, on every form, with nothing stored.
func TestPatchUserTwoFactorMethodsNotRepeated(t *testing.T) {
	f := newFixture(t)
	u := f.do("POST", "/api/user", `{"user":{"email":"tf@example.com","twoFactor":{"methods":[{"id":"7K2G","method":"email","email":"tf@example.com"}]}}}`).obj(t, "user")
	uid := str(u, "id")
	want := map[string]any{"methods": []any{map[string]any{"id": "7K2G", "method": "email", "email": "tf@example.com"}}}

	back := f.do("PATCH", "/api/user/"+uid, `{"user":{"twoFactor":{"methods":[{"id":"7K2G","method":"email","email":"tf@example.com"}]},"firstName":"Tf"}}`).obj(t, "user")
	assert.Equal(t, want, back["twoFactor"])
	assert.Equal(t, "Tf", back["firstName"])
	assert.Equal(t, want, f.do("GET", "/api/user/"+uid, "").obj(t, "user")["twoFactor"])

	added := f.do("PATCH", "/api/user/"+uid, `{"user":{"twoFactor":{"methods":[{"id":"9XQ3","method":"sms","mobilePhone":"+15555550100"}]}}}`).obj(t, "user")
	assert.Len(t, added["twoFactor"].(map[string]any)["methods"], 2, "a new method is appended")

	for name, tc := range map[string][2]string{
		"legacy":     {"application/json", `{"user":{"twoFactor":{"methods":[{"id":"7K2G","method":"sms","mobilePhone":"+15555550101"}]}}}`},
		"json patch": {"application/json-patch+json", `[{"op":"add","path":"/user/twoFactor/methods/-","value":{"id":"9XQ3","method":"email","email":"x@example.com"}}]`},
	} {
		t.Run(name, func(t *testing.T) {
			f.do("PATCH", "/api/user/"+uid, tc[1], "Content-Type", tc[0]).codes(t, "[duplicate]user.twoFactor.methods")
			assert.Equal(t, added["twoFactor"], f.do("GET", "/api/user/"+uid, "").obj(t, "user")["twoFactor"], "nothing stored")
		})
	}
	f.do("POST", "/api/user", `{"user":{"email":"tf2@example.com","twoFactor":{"methods":[{"id":"A","method":"email","email":"tf2@example.com"},{"id":"A","method":"sms","mobilePhone":"555-555-5555"}]}}}`).codes(t, "[duplicate]user.twoFactor.methods")
}
