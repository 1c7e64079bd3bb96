package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func roleNamesOf(t *testing.T, app map[string]any) []string {
	t.Helper()
	roles, _ := app["roles"].([]any)
	out := []string{}
	for _, r := range roles {
		out = append(out, r.(map[string]any)["name"].(string))
	}
	return out
}

func TestApplicationAPI(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)

	app := f.do("POST", "/api/application", `{"application":{"name":"Web","roles":[{"name":"admin","isSuperRole":true,"description":"everything"},{"name":"user","isDefault":true}],"loginConfiguration":{"generateRefreshTokens":true},"verifyRegistration":true,"jwtConfiguration":{"enabled":true,"timeToLiveInSeconds":300}}}`).obj(t, "application")
	id := str(app, "id")
	assert.Len(t, id, 36)
	assert.Equal(t, def, app["tenantId"])
	assert.Equal(t, true, app["active"], "active by default")
	assert.Equal(t, map[string]any{"generateRefreshTokens": true}, app["loginConfiguration"])
	assert.Equal(t, true, app["verifyRegistration"])
	assert.Equal(t, map[string]any{"enabled": true, "timeToLiveInSeconds": 300.0}, app["jwtConfiguration"])
	roles := app["roles"].([]any)
	require.Len(t, roles, 2)
	admin := roles[0].(map[string]any)
	assert.Len(t, str(admin, "id"), 36, "role ids are generated")
	assert.Equal(t, true, admin["isSuperRole"])
	assert.Equal(t, false, admin["isDefault"])
	assert.Equal(t, "everything", admin["description"])

	const fixedID = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"
	inactive := f.do("POST", "/api/application/"+fixedID, `{"application":{"name":"Batch","active":false}}`).obj(t, "application")
	assert.Equal(t, fixedID, inactive["id"])
	assert.Equal(t, false, inactive["active"])

	// Without ?inactive=true only the active ones, as FusionAuth lists them.
	list := f.do("GET", "/api/application", "")
	require.Equal(t, 200, list.Code)
	assert.Equal(t, []any{app}, list.body(t)["applications"])
	assert.Equal(t, []any{inactive}, f.do("GET", "/api/application?inactive=true", "").body(t)["applications"])
	assert.Equal(t, []any{app}, f.do("GET", "/api/application?inactive=false", "").body(t)["applications"])
	f.do("GET", "/api/application?inactive=sometimes", "").codes(t, "[couldNotConvert]inactive")
	assert.Equal(t, app, f.do("GET", "/api/application/"+id, "").obj(t, "application"))

	appended := f.do("PATCH", "/api/application/"+id, `{"application":{"roles":[{"name":"editor"}]}}`).obj(t, "application")
	assert.Equal(t, []string{"admin", "user", "editor"}, roleNamesOf(t, appended), "legacy PATCH appends")
	assert.Equal(t, admin["id"], appended["roles"].([]any)[0].(map[string]any)["id"])
	replaced := f.do("PATCH", "/api/application/"+id, `{"application":{"roles":[{"name":"user","isDefault":true}]}}`, "Content-Type", "application/merge-patch+json").obj(t, "application")
	assert.Equal(t, []string{"user"}, roleNamesOf(t, replaced), "RFC 7396 replaces")
	f.do("PATCH", "/api/application/"+id, `{"application":{"roles":[{"name":"USER"}]}}`).codes(t, "[duplicate]application.roles")

	put := f.do("PUT", "/api/application/"+id, `{"application":{"name":"Web 2","roles":[{"name":"user"}]}}`).obj(t, "application")
	assert.Equal(t, "Web 2", put["name"])
	assert.Equal(t, true, put["active"])
	assert.Equal(t, map[string]any{"generateRefreshTokens": false}, put["loginConfiguration"], "PUT replaces")
	assert.Nil(t, put["jwtConfiguration"])
	assert.Equal(t, app["insertInstant"], put["insertInstant"])

	// DELETE without hardDelete deactivates (the client's deactivateApplication).
	f.do("DELETE", "/api/application/"+id, "").empty(t, 200)
	assert.Equal(t, false, f.do("GET", "/api/application/"+id, "").obj(t, "application")["active"])
	assert.Len(t, f.do("GET", "/api/application?inactive=true", "").body(t)["applications"], 2)
	assert.Empty(t, f.do("GET", "/api/application", "").body(t)["applications"])
	assert.Equal(t, true, f.do("PUT", "/api/application/"+id+"?reactivate=true", "").obj(t, "application")["active"])
	f.do("DELETE", "/api/application/"+id+"?hardDelete=true", "").empty(t, 200)
	f.do("GET", "/api/application/"+id, "").empty(t, 404)
	f.do("DELETE", "/api/application/"+id+"?hardDelete=true", "").empty(t, 404)
	f.do("PATCH", "/api/application/"+id, `{"application":{}}`).empty(t, 404)
}

func TestApplicationAPIErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, method, path, body string
		codes                    []string
	}{
		{"blank name", "POST", "/api/application", `{"application":{"roles":[{"name":"a"}]}}`, []string{"[blank]application.name"}},
		{"duplicate roles", "POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"a"},{"name":"a"}]}}`, []string{"[duplicate]application.roles"}},
		{"wrong type", "POST", "/api/application", `{"application":{"name":"a","active":"yes"}}`, []string{"[invalidJSON]application.active"}},
		{"bad uuid", "GET", "/api/application/x", "", []string{"[couldNotConvert]applicationId"}},
		{"bad hardDelete", "DELETE", "/api/application/b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e?hardDelete=maybe", "", []string{"[couldNotConvert]hardDelete"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.do(tc.method, tc.path, tc.body).codes(t, tc.codes...)
		})
	}
	assert.Empty(t, f.do("GET", "/api/application", "").body(t)["applications"])
}

func TestApplicationAPITenants(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)
	other := f.newTenant("other")

	f.do("POST", "/api/application", `{"application":{"name":"a"}}`).codes(t, "[TenantIdRequired]")
	a := f.do("POST", "/api/application", `{"application":{"name":"a"}}`, "X-FusionAuth-TenantId", other).obj(t, "application")
	assert.Equal(t, other, a["tenantId"])
	key := f.lockedKey(def)
	b := f.do("POST", "/api/application", `{"application":{"name":"b"}}`, "Authorization", key).obj(t, "application")
	assert.Equal(t, def, b["tenantId"])
	f.do("POST", "/api/application", `{"application":{"name":"c"}}`, "Authorization", key, "X-FusionAuth-TenantId", other).empty(t, 401)

	f.do("GET", "/api/application/"+str(a, "id"), "", "Authorization", key).empty(t, 404)
	f.do("DELETE", "/api/application/"+str(a, "id")+"?hardDelete=true", "", "Authorization", key).empty(t, 404)
	mine := f.do("GET", "/api/application", "", "Authorization", key).body(t)["applications"].([]any)
	require.Len(t, mine, 1)
	assert.Equal(t, b["id"], mine[0].(map[string]any)["id"])
	assert.Len(t, f.do("GET", "/api/application", "").body(t)["applications"], 2)
	assert.Len(t, f.do("GET", "/api/application", "", "X-FusionAuth-TenantId", other).body(t)["applications"], 1)
}

func TestApplicationRoleAPI(t *testing.T) {
	f := newFixture(t)
	app := f.do("POST", "/api/application", `{"application":{"name":"Web","roles":[{"name":"admin"},{"name":"user","isDefault":true}]}}`).obj(t, "application")
	appID := str(app, "id")
	roles := app["roles"].([]any)
	adminID := str(roles[0].(map[string]any), "id")
	u := f.do("POST", "/api/user", `{"user":{"email":"roles@example.com"}}`).obj(t, "user")
	uid := str(u, "id")
	f.do("POST", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+appID+`","roles":["admin","user"]}}`).obj(t, "registration")
	regRoles := func() []any {
		return f.do("GET", "/api/user/registration/"+uid+"/"+appID, "").obj(t, "registration")["roles"].([]any)
	}
	rolesPath := "/api/application/" + appID + "/role"

	// Create: a generated id, or the one on the URI; the answer is {"role": …}.
	editor := f.do("POST", rolesPath, `{"role":{"name":"editor","description":"writes","isDefault":true}}`).obj(t, "role")
	assert.Len(t, str(editor, "id"), 36)
	assert.Equal(t, "writes", editor["description"])
	assert.Equal(t, true, editor["isDefault"])
	assert.Equal(t, false, editor["isSuperRole"])
	assert.NotZero(t, editor["insertInstant"])
	const fixedRole = "0f7d6c5b-4a39-4281-9f0e-1d2c3b4a5968"
	super := f.do("POST", rolesPath+"/"+fixedRole, `{"role":{"name":"root","isSuperRole":true}}`).obj(t, "role")
	assert.Equal(t, fixedRole, super["id"])
	stored := f.do("GET", "/api/application/"+appID, "").obj(t, "application")
	assert.Equal(t, []string{"admin", "user", "editor", "root"}, roleNamesOf(t, stored))

	// Refused: blank and duplicate names, a taken id, bad ids, unknown application.
	f.do("POST", rolesPath, `{"role":{"description":"no name"}}`).codes(t, "[blank]role.name")
	f.do("POST", rolesPath, `{"role":{"name":"ADMIN"}}`).codes(t, "[duplicate]role.name")
	f.do("POST", rolesPath+"/"+fixedRole, `{"role":{"name":"other"}}`).codes(t, "[duplicate]roleId")
	f.do("POST", rolesPath, `{"role":{"id":"nope","name":"other"}}`).codes(t, "[invalid]role.id")
	f.do("POST", rolesPath+"/nope", `{"role":{"name":"other"}}`).codes(t, "[couldNotConvert]roleId")
	f.do("POST", rolesPath, `{"role":{"name":5}}`).codes(t, "[invalidJSON]role.name")
	f.do("POST", "/api/application/"+fixedRole+"/role", `{"role":{"name":"x"}}`).empty(t, 404)
	assert.Len(t, f.do("GET", "/api/application/"+appID, "").obj(t, "application")["roles"], 4, "nothing stored by a refused request")

	// Update renames the role on the registrations that have it.
	renamed := f.do("PUT", rolesPath+"/"+adminID, `{"role":{"name":"administrator"}}`).obj(t, "role")
	assert.Equal(t, adminID, renamed["id"])
	assert.Equal(t, "administrator", renamed["name"])
	assert.ElementsMatch(t, []any{"administrator", "user"}, regRoles())
	f.do("PUT", rolesPath+"/"+adminID, `{"role":{"name":"user"}}`).codes(t, "[duplicate]role.name")
	f.do("PUT", rolesPath+"/"+adminID, `{"role":{}}`).codes(t, "[blank]role.name")
	f.do("PUT", rolesPath+"/"+fixedRole[:35]+"0", `{"role":{"name":"z"}}`).empty(t, 404)

	// PATCH in the legacy and RFC 6902 forms.
	patched := f.do("PATCH", rolesPath+"/"+adminID, `{"role":{"description":"runs things"}}`).obj(t, "role")
	assert.Equal(t, "administrator", patched["name"], "legacy PATCH keeps what it does not name")
	assert.Equal(t, "runs things", patched["description"])
	patched = f.do("PATCH", rolesPath+"/"+adminID, `[{"op":"replace","path":"/role/isSuperRole","value":true}]`, "Content-Type", "application/json-patch+json").obj(t, "role")
	assert.Equal(t, true, patched["isSuperRole"])
	f.do("PATCH", rolesPath+"/"+adminID, `{"role":{"name":null}}`).codes(t, "[blank]role.name")

	// Delete by id and by name takes the role off the registrations too.
	f.do("DELETE", rolesPath+"/"+adminID, "").empty(t, 200)
	assert.Equal(t, []any{"user"}, regRoles())
	f.do("DELETE", rolesPath+"/"+adminID, "").empty(t, 404)
	f.do("DELETE", rolesPath+"?name=USER", "").empty(t, 200)
	assert.Empty(t, f.do("GET", "/api/user/registration/"+uid+"/"+appID, "").obj(t, "registration")["roles"])
	f.do("DELETE", rolesPath+"?name=user", "").empty(t, 404)
	f.do("DELETE", rolesPath, "").codes(t, "[blank]name")
	assert.Equal(t, []string{"editor", "root"}, roleNamesOf(t, f.do("GET", "/api/application/"+appID, "").obj(t, "application")))
}

func TestApplicationRoleAPITenantScope(t *testing.T) {
	f := newFixture(t)
	defaultTenant0(t, f)
	other := f.newTenant("other")
	app := f.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"r"}]}}`, "X-FusionAuth-TenantId", other).obj(t, "application")
	roleID := str(app["roles"].([]any)[0].(map[string]any), "id")
	key := f.lockedKey(defaultTenant0(t, f))
	path := "/api/application/" + str(app, "id") + "/role"
	f.do("POST", path, `{"role":{"name":"s"}}`, "Authorization", key).empty(t, 404)
	f.do("PUT", path+"/"+roleID, `{"role":{"name":"s"}}`, "Authorization", key).empty(t, 404)
	f.do("DELETE", path+"/"+roleID, "", "Authorization", key).empty(t, 404)
	f.do("DELETE", path+"?name=r", "", "Authorization", key).empty(t, 404)
	assert.Equal(t, []string{"r"}, roleNamesOf(t, f.do("GET", "/api/application/"+str(app, "id"), "").obj(t, "application")))
}

// Bodies the Role API must refuse without changing the application.
func TestApplicationRoleAPIBadBodies(t *testing.T) {
	f := newFixture(t)
	app := f.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"r","description":"d"}]}}`).obj(t, "application")
	roleID := str(app["roles"].([]any)[0].(map[string]any), "id")
	path := "/api/application/" + str(app, "id") + "/role"
	for _, c := range []struct{ method, path, ct, body, code string }{
		{"POST", path, "application/json", `null`, "[invalidJSON]"},
		{"POST", path, "application/json", `[]`, "[invalidJSON]"},
		{"POST", path, "application/json", `{"role":`, "[invalidJSON]"},
		{"POST", path, "application/json", `{"role":{"name":"s","isDefault":"yes"}}`, "[invalidJSON]role.isDefault"},
		{"POST", path, "application/json", `{"role":null}`, "[blank]role.name"},
		{"POST", path, "text/plain", `{"role":{"name":"s"}}`, ""},
		{"PUT", path + "/" + roleID, "application/json", `null`, "[invalidJSON]"},
		{"PATCH", path + "/" + roleID, "application/json", `null`, "[invalidJSON]"},
		{"PATCH", path + "/" + roleID, "application/merge-patch+json", `{"role":null}`, "[blank]role.name"},
		{"PATCH", path + "/" + roleID, "application/json-patch+json", `[{"op":"remove","path":"/role"}]`, "[blank]role.name"},
		{"PATCH", path + "/" + roleID, "application/json-patch+json", `[{"op":"test","path":"/role/name","value":"x"}]`, ""},
	} {
		t.Run(c.method+" "+c.ct+" "+c.body, func(t *testing.T) {
			r := f.do(c.method, c.path, c.body, "Content-Type", c.ct)
			require.GreaterOrEqual(t, r.Code, 400, r.Body)
			require.Less(t, r.Code, 500, r.Body)
			if c.code != "" {
				r.codes(t, c.code)
			}
			assert.Equal(t, app, f.do("GET", "/api/application/"+str(app, "id"), "").obj(t, "application"))
		})
	}
}

// FusionAuth's responses carry application.state (active is deprecated
// since 1.22); it follows active and is not read on input.
func TestApplicationState(t *testing.T) {
	f := newFixture(t)
	app := f.do("POST", "/api/application", `{"application":{"name":"Web","state":"Inactive"}}`).obj(t, "application")
	id := str(app, "id")
	assert.Equal(t, "Active", app["state"], "state is output only: active decides")
	assert.Equal(t, true, app["active"])
	assert.Equal(t, "Active", f.do("GET", "/api/application/"+id, "").obj(t, "application")["state"])

	f.do("DELETE", "/api/application/"+id, "").empty(t, 200)
	off := f.do("GET", "/api/application/"+id, "").obj(t, "application")
	assert.Equal(t, "Inactive", off["state"])
	assert.Equal(t, false, off["active"])
	inactive := f.do("GET", "/api/application?inactive=true", "").body(t)["applications"].([]any)
	require.Len(t, inactive, 1)
	assert.Equal(t, "Inactive", inactive[0].(map[string]any)["state"])

	// An RFC 6902 test of the state read by GET holds.
	patched := f.do("PATCH", "/api/application/"+id, `[{"op":"test","path":"/application/state","value":"Inactive"},{"op":"replace","path":"/application/active","value":true}]`, "Content-Type", "application/json-patch+json").obj(t, "application")
	assert.Equal(t, "Active", patched["state"])
	list := f.do("GET", "/api/application", "").body(t)["applications"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, "Active", list[0].(map[string]any)["state"])
	assert.Equal(t, "Inactive", f.do("PUT", "/api/application/"+id, `{"application":{"name":"Web","active":false}}`).obj(t, "application")["state"])
}

// TestApplicationCopy: a create with sourceApplicationId (the clients'
// ApplicationRequest.sourceApplicationId, FusionAuth's copy of an
// application) takes the request's name and everything else from the
// source, in the source's tenant; the roles get new ids. The source was
// ignored: the copy had no roles and default settings.
func TestApplicationCopy(t *testing.T) {
	f := newFixture(t)
	defaultTenant0(t, f)
	other := f.newTenant("other")
	src := f.do("POST", "/api/application", `{"application":{"name":"Source","roles":[{"name":"admin","isSuperRole":true,"description":"d"},{"name":"user","isDefault":true}],"loginConfiguration":{"generateRefreshTokens":true},"verifyRegistration":true,"jwtConfiguration":{"enabled":true,"timeToLiveInSeconds":60,"refreshTokenTimeToLiveInMinutes":30},"data":{"k":"v"}}}`, "X-FusionAuth-TenantId", other).obj(t, "application")

	const copyID = "0b6a2f3e-5c4d-4e1f-8a9b-7c6d5e4f3a2b"
	// Only the name of the request is the copy's.
	cp := f.do("POST", "/api/application/"+copyID, `{"sourceApplicationId":"`+str(src, "id")+`","application":{"name":"Copy","verifyRegistration":false}}`).obj(t, "application")
	assert.Equal(t, copyID, cp["id"])
	assert.Equal(t, "Copy", cp["name"])
	assert.Equal(t, other, cp["tenantId"], "the source's tenant: no header needed")
	for _, k := range []string{"active", "state", "loginConfiguration", "verifyRegistration", "jwtConfiguration", "data"} {
		assert.Equal(t, src[k], cp[k], k)
	}
	srcRoles, cpRoles := src["roles"].([]any), cp["roles"].([]any)
	require.Len(t, cpRoles, 2)
	for i := range cpRoles {
		s, c := srcRoles[i].(map[string]any), cpRoles[i].(map[string]any)
		assert.NotEqual(t, s["id"], c["id"], "a new role id")
		for _, k := range []string{"name", "description", "isDefault", "isSuperRole"} {
			assert.Equal(t, s[k], c[k], k)
		}
	}
	assert.Equal(t, cp, f.do("GET", "/api/application/"+copyID, "").obj(t, "application"))
	assert.Equal(t, src, f.do("GET", "/api/application/"+str(src, "id"), "").obj(t, "application"), "the source is unchanged")

	f.do("POST", "/api/application", `{"sourceApplicationId":"3c1e4a7b-0000-4000-8000-000000000000","application":{"name":"x"}}`).codes(t, "[invalid]sourceApplicationId")
	f.do("POST", "/api/application", `{"sourceApplicationId":"nope","application":{"name":"x"}}`).codes(t, "[invalid]sourceApplicationId")
	f.do("POST", "/api/application", `{"sourceApplicationId":"`+str(src, "id")+`","application":{}}`).codes(t, "[blank]application.name")
	// A request scoped to another tenant does not see the source.
	f.do("POST", "/api/application", `{"sourceApplicationId":"`+str(src, "id")+`","application":{"name":"x"}}`, "Authorization", f.lockedKey(defaultTenant0(t, f))).codes(t, "[invalid]sourceApplicationId")
	assert.Len(t, f.do("GET", "/api/application", "", "X-FusionAuth-TenantId", other).body(t)["applications"], 2, "the source and one copy")
}
