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
