package httpadapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUserAPI(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)

	u := f.do("POST", "/api/user", `{"user":{"email":"ann@example.com","username":"ann","firstName":"Ann","fullName":"Ann Example","imageUrl":"https://example.com/a.png","preferredLanguages":["en"],"timezone":"America/Denver","data":{"k":"v"},"birthDate":"1976-05-30","twoFactor":{"methods":[{"id":"7K2G","method":"email","email":"ann@example.com"}]}},"skipVerification":true,"applicationId":"ignored"}`).obj(t, "user")
	id := str(u, "id")
	assert.Len(t, id, 36)
	assert.Equal(t, def, u["tenantId"])
	assert.Equal(t, true, u["active"])
	assert.Equal(t, true, u["verified"])
	assert.NotZero(t, u["verifiedInstant"])
	assert.Equal(t, "ACTIVE", u["usernameStatus"])
	assert.Equal(t, false, u["passwordChangeRequired"])
	assert.Equal(t, []any{"en"}, u["preferredLanguages"])
	assert.Equal(t, map[string]any{"methods": []any{map[string]any{"id": "7K2G", "method": "email", "email": "ann@example.com"}}}, u["twoFactor"])
	assert.NotContains(t, u, "registrations", "omitted when there are none")
	assert.NotContains(t, u, "password")

	const fixedID = "00000000-0000-0001-0000-000000000000"
	fixed := f.do("POST", "/api/user/"+fixedID, `{"user":{"username":"johnny123"}}`).obj(t, "user")
	assert.Equal(t, fixedID, fixed["id"])

	assert.Equal(t, u, f.do("GET", "/api/user/"+id, "").obj(t, "user"))
	assert.Equal(t, u, f.do("GET", "/api/user?email=ANN%40example.com", "").obj(t, "user"))
	assert.Equal(t, u, f.do("GET", "/api/user?username=Ann", "").obj(t, "user"))
	assert.Equal(t, u, f.do("GET", "/api/user?loginId=ann", "").obj(t, "user"))
	assert.Equal(t, fixedID, f.do("GET", "/api/user?loginId=johnny123", "").obj(t, "user")["id"])
	// loginIdTypes (retrieveUserByLoginIdWithLoginIdTypes) limits the
	// lookup to the types it names, sent as repeated parameters.
	f.do("GET", "/api/user?loginId=johnny123&loginIdTypes=email", "").empty(t, 404)
	f.do("GET", "/api/user?loginId=johnny123&loginIdTypes=phoneNumber", "").empty(t, 404)
	assert.Equal(t, fixedID, f.do("GET", "/api/user?loginId=johnny123&loginIdTypes=username", "").obj(t, "user")["id"])
	assert.Equal(t, fixedID, f.do("GET", "/api/user?loginId=johnny123&loginIdTypes=email&loginIdTypes=username", "").obj(t, "user")["id"])
	assert.Equal(t, u, f.do("GET", "/api/user?loginId=ann%40example.com&loginIdTypes=email", "").obj(t, "user"))
	f.do("GET", "/api/user?loginId=ann%40example.com&loginIdTypes=username", "").empty(t, 404)
	f.do("GET", "/api/user?loginId=ann&loginIdTypes=fax", "").codes(t, "[invalid]loginIdTypes")
	f.do("GET", "/api/user?email=nobody%40example.com", "").empty(t, 404)
	f.do("GET", "/api/user?email=&username=", "").codes(t, "[missing]userId")

	appended := f.do("PATCH", "/api/user/"+id, `{"user":{"preferredLanguages":["fr"]}}`).obj(t, "user")
	assert.Equal(t, []any{"en", "fr"}, appended["preferredLanguages"], "legacy PATCH appends")
	assert.Equal(t, "Ann", appended["firstName"])
	replaced := f.do("PATCH", "/api/user/"+id, `{"user":{"preferredLanguages":["de"]}}`, "Content-Type", "application/merge-patch+json").obj(t, "user")
	assert.Equal(t, []any{"de"}, replaced["preferredLanguages"], "RFC 7396 replaces")
	jp := f.do("PATCH", "/api/user/"+id, `[{"op":"add","path":"/user/lastName","value":"Patched"}]`, "Content-Type", "application/json-patch+json").obj(t, "user")
	assert.Equal(t, "Patched", jp["lastName"])
	assert.Equal(t, u["insertInstant"], jp["insertInstant"])

	put := f.do("PUT", "/api/user/"+id, `{"user":{"email":"ann2@example.com","id":"`+fixedID+`","tenantId":"`+fixedID+`"}}`).obj(t, "user")
	assert.Equal(t, id, put["id"])
	assert.Equal(t, def, put["tenantId"])
	assert.Equal(t, "ann2@example.com", put["email"])
	assert.NotContains(t, put, "username", "PUT replaces")

	// DELETE without hardDelete deactivates (the client's deactivateUser).
	f.do("DELETE", "/api/user/"+id, "").empty(t, 200)
	assert.Equal(t, false, f.do("GET", "/api/user/"+id, "").obj(t, "user")["active"])
	assert.Equal(t, true, f.do("PUT", "/api/user/"+id+"?reactivate=true", "").obj(t, "user")["active"])
	f.do("DELETE", "/api/user/"+id+"?hardDelete=true", "").empty(t, 200)
	f.do("GET", "/api/user/"+id, "").empty(t, 404)
	f.do("GET", "/api/user?email=ann2%40example.com", "").empty(t, 404)
	f.do("PUT", "/api/user/"+id, `{"user":{"email":"x@example.com"}}`).empty(t, 404)
	f.do("PATCH", "/api/user/"+id, `{"user":{}}`).empty(t, 404)
	f.do("DELETE", "/api/user/"+id+"?hardDelete=true", "").empty(t, 404)
}

func TestUserAPIErrors(t *testing.T) {
	f := newFixture(t)
	taken := f.do("POST", "/api/user", `{"user":{"email":"taken@example.com","username":"taken"}}`).obj(t, "user")
	tests := []struct {
		name, method, path, body string
		codes                    []string
	}{
		{"no email or username", "POST", "/api/user", `{"user":{"firstName":"x"}}`, []string{"[blank]user.email"}},
		{"no user", "POST", "/api/user", `{}`, []string{"[blank]user.email"}},
		{"not an email", "POST", "/api/user", `{"user":{"email":"x@"}}`, []string{"[notEmail]user.email"}},
		{"duplicate email", "POST", "/api/user", `{"user":{"email":"Taken@Example.com"}}`, []string{"[duplicate]user.email"}},
		{"duplicate username", "POST", "/api/user", `{"user":{"email":"n@example.com","username":"TAKEN"}}`, []string{"[duplicate]user.username"}},
		{"duplicate id", "POST", "/api/user/" + str(taken, "id"), `{"user":{"email":"n@example.com"}}`, []string{"[duplicate]userId"}},
		{"password", "POST", "/api/user", `{"user":{"email":"n@example.com","password":"password"}}`, []string{"[notSupported]user.password"}},
		{"password on PUT", "PUT", "/api/user/" + str(taken, "id"), `{"user":{"email":"n@example.com","password":"password"}}`, []string{"[notSupported]user.password"}},
		{"wrong type", "POST", "/api/user", `{"user":{"email":"n@example.com","active":"yes"}}`, []string{"[invalidJSON]user.active"}},
		{"bad uuid", "GET", "/api/user/123", "", []string{"[couldNotConvert]userId"}},
		{"bad uuid on create", "POST", "/api/user/123", `{"user":{"email":"n@example.com"}}`, []string{"[couldNotConvert]userId"}},
		{"bad reactivate", "PUT", "/api/user/" + str(taken, "id") + "?reactivate=perhaps", "", []string{"[couldNotConvert]reactivate"}},
		{"patch to invalid", "PATCH", "/api/user/" + str(taken, "id"), `{"user":{"email":null,"username":null}}`, []string{"[blank]user.email"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.do(tc.method, tc.path, tc.body).codes(t, tc.codes...)
		})
	}
	f.do("GET", "/api/user?email=n%40example.com", "").empty(t, 404)
	assert.Equal(t, taken, f.do("GET", "/api/user/"+str(taken, "id"), "").obj(t, "user"), "unchanged")
	msg := f.do("POST", "/api/user", `{"user":{"email":"n@example.com","password":"password"}}`).errors(t).FieldErrors["user.password"][0].Message
	assert.Contains(t, msg, "not supported by authcore")
}

func TestUserAPITenantIsolation(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)
	other := f.newTenant("other")

	f.do("POST", "/api/user", `{"user":{"email":"a@example.com"}}`).codes(t, "[TenantIdRequired]")
	a := f.do("POST", "/api/user", `{"user":{"email":"a@example.com"}}`, "X-FusionAuth-TenantId", def).obj(t, "user")
	b := f.do("POST", "/api/user", `{"user":{"email":"a@example.com"}}`, "X-FusionAuth-TenantId", other).obj(t, "user")
	assert.NotEqual(t, a["id"], b["id"])
	assert.Equal(t, other, b["tenantId"])

	f.do("GET", "/api/user?email=a%40example.com", "").codes(t, "[TenantIdRequired]")
	f.do("GET", "/api/user?username=a", "").codes(t, "[TenantIdRequired]")
	assert.Equal(t, b["id"], f.do("GET", "/api/user?email=a%40example.com", "", "X-FusionAuth-TenantId", other).obj(t, "user")["id"])
	assert.Equal(t, a["id"], f.do("GET", "/api/user?email=a%40example.com", "", "X-FusionAuth-TenantId", def).obj(t, "user")["id"])

	// By id the tenant comes from the user; another tenant's scope hides it.
	assert.Equal(t, b["id"], f.do("GET", "/api/user/"+str(b, "id"), "").obj(t, "user")["id"])
	f.do("GET", "/api/user/"+str(b, "id"), "", "X-FusionAuth-TenantId", def).empty(t, 404)

	key := f.lockedKey(def)
	as := func(method, path, body string) response { return f.do(method, path, body, "Authorization", key) }
	assert.Equal(t, a["id"], as("GET", "/api/user?email=a%40example.com", "").obj(t, "user")["id"])
	assert.Equal(t, a["id"], as("GET", "/api/user/"+str(a, "id"), "").obj(t, "user")["id"])
	as("GET", "/api/user/"+str(b, "id"), "").empty(t, 404)
	as("PATCH", "/api/user/"+str(b, "id"), `{"user":{"firstName":"x"}}`).empty(t, 404)
	as("DELETE", "/api/user/"+str(b, "id")+"?hardDelete=true", "").empty(t, 404)
	as("GET", "/api/user/"+str(a, "id"), "").obj(t, "user")
	as("GET", "/api/user", "").codes(t, "[missing]userId")
	c := as("POST", "/api/user", `{"user":{"email":"c@example.com"}}`).obj(t, "user")
	assert.Equal(t, def, c["tenantId"], "a locked key creates in its tenant")
	f.do("GET", "/api/user/"+str(b, "id"), "", "Authorization", key, "X-FusionAuth-TenantId", other).empty(t, 401)
}

func TestUserAPIConcurrentCreate(t *testing.T) {
	f := newFixture(t)
	const n = 50
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		out   = make([]response, n)
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			out[i] = f.do("POST", "/api/user", `{"user":{"email":"race@example.com"}}`)
		}(i)
	}
	close(start)
	wg.Wait()
	created := 0
	for _, r := range out {
		switch r.Code {
		case 200:
			created++
		case 400:
			assert.Equal(t, []string{"[duplicate]user.email"}, r.errors(t).Codes())
		default:
			t.Errorf("status %d: %s", r.Code, r.Body)
		}
	}
	assert.Equal(t, 1, created)
}

func TestUserAPIHardDeleteLeavesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	app := f.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"user","isDefault":true}]}}`).obj(t, "application")
	u := f.do("POST", "/api/user", `{"user":{"email":"gone@example.com"}}`).obj(t, "user")
	uid, tid := str(u, "id"), str(u, "tenantId")
	f.do("POST", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+str(app, "id")+`"}}`).obj(t, "registration")
	require.NoError(t, f.store.CreateIdentityProvider(ctx, &authcore.IdentityProviderRecord{ID: "45bb233c-0901-4236-b5ca-ac46e2e0a5a5", Type: "Twitter", Document: []byte(`{}`)}))
	require.NoError(t, f.store.CreateLink(ctx, &authcore.IdentityProviderLink{IdentityProviderID: "45bb233c-0901-4236-b5ca-ac46e2e0a5a5", IdentityProviderUserID: "tw-1", UserID: uid, TenantID: tid}))
	require.NoError(t, f.store.CreateRefreshToken(ctx, &authcore.RefreshToken{ID: "11111111-1111-4111-8111-111111111111", TokenHash: []byte("h"), UserID: uid, ApplicationID: str(app, "id"), TenantID: tid}))

	f.do("DELETE", "/api/user/"+uid+"?hardDelete=true", "").empty(t, 200)

	_, err := f.store.GetUser(ctx, uid)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	regs, err := f.store.ListRegistrations(ctx, uid)
	require.NoError(t, err)
	assert.Empty(t, regs)
	links, err := f.store.ListLinks(ctx, uid, "")
	require.NoError(t, err)
	assert.Empty(t, links)
	tokens, err := f.store.ListRefreshTokens(ctx, uid)
	require.NoError(t, err)
	assert.Empty(t, tokens)
	_, err = f.store.GetRefreshToken(ctx, "11111111-1111-4111-8111-111111111111")
	assert.ErrorIs(t, err, authcore.ErrNotFound)
}

func TestRegistrationAPI(t *testing.T) {
	f := newFixture(t)
	app := f.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"admin"},{"name":"user","isDefault":true}]}}`).obj(t, "application")
	appID := str(app, "id")
	u := f.do("POST", "/api/user", `{"user":{"email":"ann@example.com"}}`).obj(t, "user")
	uid := str(u, "id")

	r := f.do("POST", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+appID+`","username":"annie","data":{"k":"v"}},"generateAuthenticationToken":false}`)
	reg := r.obj(t, "registration")
	assert.Equal(t, appID, reg["applicationId"])
	assert.Equal(t, []any{"user"}, reg["roles"], "default roles")
	assert.Equal(t, "annie", reg["username"])
	assert.Equal(t, "ACTIVE", reg["usernameStatus"])
	assert.Equal(t, true, reg["verified"])
	assert.NotContains(t, reg, "userId")
	user := r.obj(t, "user")
	assert.Equal(t, uid, user["id"])
	assert.Equal(t, []any{reg}, user["registrations"])

	assert.Equal(t, reg, f.do("GET", "/api/user/registration/"+uid+"/"+appID, "").obj(t, "registration"))
	assert.Equal(t, []any{reg}, f.do("GET", "/api/user/"+uid, "").obj(t, "user")["registrations"])

	// The client's patchRegistration names the application in the body.
	patched := f.do("PATCH", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+appID+`","roles":["admin"]}}`).obj(t, "registration")
	assert.Equal(t, []any{"admin", "user"}, patched["roles"], "legacy PATCH appends; roles are a sorted set")
	replaced := f.do("PATCH", "/api/user/registration/"+uid+"/"+appID, `{"registration":{"roles":["admin"]}}`, "Content-Type", "application/merge-patch+json").obj(t, "registration")
	assert.Equal(t, []any{"admin"}, replaced["roles"], "RFC 7396 replaces")
	f.do("PATCH", "/api/user/registration/"+uid, `[{"op":"replace","path":"/registration/roles","value":[]}]`, "Content-Type", "application/json-patch+json").codes(t, "[blank]registration.applicationId")

	put := f.do("PUT", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+appID+`","roles":["user"],"timezone":"UTC"}}`).obj(t, "registration")
	assert.Equal(t, []any{"user"}, put["roles"])
	assert.Equal(t, "UTC", put["timezone"])
	assert.Equal(t, reg["id"], put["id"])
	assert.NotContains(t, put, "username", "PUT replaces")

	other := f.do("POST", "/api/application", `{"application":{"name":"b"}}`).obj(t, "application")
	tests := []struct {
		name, method, path, body string
		codes                    []string
	}{
		{"duplicate", "POST", "/api/user/registration/" + uid, `{"registration":{"applicationId":"` + appID + `"}}`, []string{"[duplicate]registration.applicationId"}},
		{"unknown application", "POST", "/api/user/registration/" + uid, `{"registration":{"applicationId":"8f2b3c4d-0000-4000-8000-000000000000"}}`, []string{"[invalid]registration.applicationId"}},
		{"no application", "POST", "/api/user/registration/" + uid, `{"registration":{}}`, []string{"[blank]registration.applicationId"}},
		{"unknown role", "POST", "/api/user/registration/" + uid, `{"registration":{"applicationId":"` + str(other, "id") + `","roles":["admin"]}}`, []string{"[invalid]registration.roles"}},
		{"no user", "POST", "/api/user/registration", `{"registration":{"applicationId":"` + appID + `"}}`, []string{"[missing]userId"}},
		{"bad user id", "GET", "/api/user/registration/x/" + appID, "", []string{"[couldNotConvert]userId"}},
		{"bad application id", "GET", "/api/user/registration/" + uid + "/x", "", []string{"[couldNotConvert]applicationId"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.do(tc.method, tc.path, tc.body).codes(t, tc.codes...)
		})
	}
	f.do("POST", "/api/user/registration/8f2b3c4d-0000-4000-8000-000000000000", `{"registration":{"applicationId":"`+appID+`"}}`).empty(t, 404)
	f.do("GET", "/api/user/registration/"+uid+"/"+str(other, "id"), "").empty(t, 404)

	// The applicationId on the URI wins over the body's (FusionAuth 1.25+).
	viaURI := f.do("POST", "/api/user/registration/"+uid+"/"+str(other, "id"), `{"registration":{"applicationId":"`+appID+`"}}`).obj(t, "registration")
	assert.Equal(t, other["id"], viaURI["applicationId"])

	f.do("DELETE", "/api/user/registration/"+uid+"/"+appID, "").empty(t, 200)
	f.do("GET", "/api/user/registration/"+uid+"/"+appID, "").empty(t, 404)
	f.do("DELETE", "/api/user/registration/"+uid+"/"+appID, "").empty(t, 404)
}

func TestRegistrationAPICombinedCreate(t *testing.T) {
	f := newFixture(t)
	other := f.newTenant("other")
	app := f.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"user","isDefault":true}]}}`, "X-FusionAuth-TenantId", other).obj(t, "application")

	r := f.do("POST", "/api/user/registration", `{"user":{"email":"new@example.com"},"registration":{"applicationId":"`+str(app, "id")+`"},"skipVerification":true}`)
	user := r.obj(t, "user")
	reg := r.obj(t, "registration")
	assert.Equal(t, other, user["tenantId"], "the tenant comes from the application")
	assert.Equal(t, []any{"user"}, reg["roles"])
	assert.Equal(t, []any{reg}, user["registrations"])

	const fixedID = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"
	fixed := f.do("POST", "/api/user/registration/"+fixedID, `{"user":{"username":"fixed"},"registration":{"applicationId":"`+str(app, "id")+`"}}`).obj(t, "user")
	assert.Equal(t, fixedID, fixed["id"])

	bad := f.do("POST", "/api/user/registration", `{"user":{"email":"bad"},"registration":{"applicationId":"`+str(app, "id")+`","roles":["root"]}}`)
	bad.codes(t, "[invalid]registration.roles", "[notEmail]user.email")
	f.do("POST", "/api/user/registration", `{"user":{"email":"x@example.com"},"registration":{}}`).codes(t, "[TenantIdRequired]")

	var body struct {
		User struct {
			Registrations []json.RawMessage `json:"registrations"`
		} `json:"user"`
	}
	require.NoError(t, json.Unmarshal([]byte(f.do("GET", "/api/user/"+str(user, "id"), "").Body), &body))
	assert.Len(t, body.User.Registrations, 1)
	users := 0
	for _, email := range []string{"new@example.com", "bad", "x@example.com"} {
		if f.do("GET", fmt.Sprintf("/api/user?email=%s", email), "", "X-FusionAuth-TenantId", other).Code == 200 {
			users++
		}
	}
	assert.Equal(t, 1, users, "failed combined creates leave no user")
}

// A registration PATCH of an unsupported type is [PatchNotSupported] on both
// routes, the one without the application id in the URI included (it had
// answered [blank]registration.applicationId).
func TestPatchRegistrationUnsupportedType(t *testing.T) {
	f := newFixture(t)
	app := f.do("POST", "/api/application", `{"application":{"name":"a"}}`).obj(t, "application")
	u := f.do("POST", "/api/user", `{"user":{"email":"pt@example.com"}}`).obj(t, "user")
	f.do("POST", "/api/user/registration/"+str(u, "id"), `{"registration":{"applicationId":"`+str(app, "id")+`"}}`).obj(t, "registration")
	body := `{"registration":{"applicationId":"` + str(app, "id") + `","roles":[]}}`
	f.do("PATCH", "/api/user/registration/"+str(u, "id"), body, "Content-Type", "text/plain").codes(t, "[PatchNotSupported]")
	f.do("PATCH", "/api/user/registration/"+str(u, "id")+"/"+str(app, "id"), body, "Content-Type", "text/plain").codes(t, "[PatchNotSupported]")
}

// TestUserByLoginIDTypesOmitted: retrieveUserByLoginIdWithLoginIdTypes with
// its types left out sends ?loginIdTypes=undefined (or null); those, and an
// empty value, are no types at all, so every type is tried, as without the
// parameter. They were [invalid]loginIdTypes.
func TestUserByLoginIDTypesOmitted(t *testing.T) {
	f := newFixture(t)
	id := str(f.do("POST", "/api/user", `{"user":{"email":"kay@example.com","username":"kay"}}`).obj(t, "user"), "id")
	for _, types := range []string{"undefined", "null", "", "%20"} {
		assert.Equal(t, id, f.do("GET", "/api/user?loginId=kay&loginIdTypes="+types, "").obj(t, "user")["id"], types)
		assert.Equal(t, id, f.do("GET", "/api/user?loginId=KAY%40example.com&loginIdTypes="+types, "").obj(t, "user")["id"], types)
	}
	// Beside a named type it is dropped: the named type still limits the
	// lookup, and an unknown one is still refused.
	assert.Equal(t, id, f.do("GET", "/api/user?loginId=kay&loginIdTypes=undefined&loginIdTypes=username", "").obj(t, "user")["id"])
	f.do("GET", "/api/user?loginId=kay%40example.com&loginIdTypes=undefined&loginIdTypes=username", "").empty(t, 404)
	f.do("GET", "/api/user?loginId=kay&loginIdTypes=undefined&loginIdTypes=fax", "").codes(t, "[invalid]loginIdTypes")
}
