package httpadapter_test

import (
	"context"
	"testing"

	"github.com/authcore/authcore/authcore"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A two-factor method must say which of FusionAuth's three it is and carry
// what a code is sent to (user.twoFactor.methods[x] in FusionAuth's User
// API; its Two Factor API requires email and mobilePhone the same way).
// Each error names the method's index, on every write of a user, and
// nothing is stored.
func TestUserTwoFactorMethodsChecked(t *testing.T) {
	f := newFixture(t)
	bad := []struct {
		name, methods string
		want          []string
	}{
		{"empty method", `[{}]`, []string{"[blank]user.twoFactor.methods[0].method"}},
		{"null method", `[null]`, []string{"[blank]user.twoFactor.methods[0].method"}},
		{"unknown method", `[{"method":"fax"}]`, []string{"[invalid]user.twoFactor.methods[0].method"}},
		{"method in upper case", `[{"method":"EMAIL","email":"tf@example.com"}]`, []string{"[invalid]user.twoFactor.methods[0].method"}},
		{"email without its address", `[{"method":"email"}]`, []string{"[blank]user.twoFactor.methods[0].email"}},
		{"email not an address", `[{"method":"email","email":"not-an-address"}]`, []string{"[notEmail]user.twoFactor.methods[0].email"}},
		{"sms without its phone", `[{"method":"sms","mobilePhone":" "}]`, []string{"[blank]user.twoFactor.methods[0].mobilePhone"}},
		{"index of the second", `[{"method":"sms","mobilePhone":"555-555-5555"},{"method":"email"}]`, []string{"[blank]user.twoFactor.methods[1].email"}},
		{"a phone of the wrong type, in the second", `[{"method":"email","email":"tf@example.com"},{"method":"sms","mobilePhone":5}]`, []string{"[invalidJSON]user.twoFactor.methods[1].mobilePhone"}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			f.do("POST", "/api/user", `{"user":{"email":"tf@example.com","twoFactor":{"methods":`+tc.methods+`}}}`).codes(t, tc.want...)
			f.do("GET", "/api/user?email=tf%40example.com", "").empty(t, 404)
		})
	}

	app := f.do("POST", "/api/application", `{"application":{"name":"a"}}`).obj(t, "application")
	f.do("POST", "/api/user/registration", `{"user":{"email":"tf@example.com","twoFactor":{"methods":[{"method":"sms"}]}},"registration":{"applicationId":"`+str(app, "id")+`"}}`).
		codes(t, "[blank]user.twoFactor.methods[0].mobilePhone")
	f.do("GET", "/api/user?email=tf%40example.com", "").empty(t, 404)

	// FusionAuth's own create example: all three methods, the
	// authenticator with its secret.
	u := f.do("POST", "/api/user", `{"user":{"email":"tf@example.com","twoFactor":{"methods":[`+
		`{"authenticator":{"algorithm":"HmacSHA1","codeLength":6,"timeStep":30},"secret":"aGVsbG8Kd29ybGQKaGVsbG8gaGVsbG8=","method":"authenticator"},`+
		`{"method":"sms","mobilePhone":"555-555-5555"},{"method":"email","email":"example@fusionauth.io"}]}}}`).obj(t, "user")
	uid := str(u, "id")
	stored := f.do("GET", "/api/user/"+uid, "").obj(t, "user")["twoFactor"]
	assert.Len(t, stored.(map[string]any)["methods"], 3)

	f.do("PUT", "/api/user/"+uid, `{"user":{"email":"tf@example.com","twoFactor":{"methods":[{"method":"email","email":""}]}}}`).
		codes(t, "[blank]user.twoFactor.methods[0].email")
	// A legacy PATCH appends: the index counts the stored methods first.
	f.do("PATCH", "/api/user/"+uid, `{"user":{"twoFactor":{"methods":[null]}}}`).
		codes(t, "[blank]user.twoFactor.methods[3].method")
	f.do("PATCH", "/api/user/"+uid, `[{"op":"add","path":"/user/twoFactor/methods/-","value":{"method":"push"}}]`, "Content-Type", "application/json-patch+json").
		codes(t, "[invalid]user.twoFactor.methods[3].method")
	f.do("PATCH", "/api/user/"+uid, `{"user":{"twoFactor":{"methods":[{"method":"sms"}]}}}`, "Content-Type", "application/merge-patch+json").
		codes(t, "[blank]user.twoFactor.methods[0].mobilePhone")
	assert.Equal(t, stored, f.do("GET", "/api/user/"+uid, "").obj(t, "user")["twoFactor"], "nothing stored")
}

// FusionAuth gives each two-factor method an id ("35VW": its create
// example sends none and its response shows one), by which a login's 242
// and the Two Factor API name it. A method sent back without its id keeps
// the stored one.
func TestUserTwoFactorMethodIDs(t *testing.T) {
	f := newFixture(t)
	u := f.do("POST", "/api/user", `{"user":{"email":"ids@example.com","twoFactor":{"methods":[`+
		`{"secret":"aGVsbG8Kd29ybGQKaGVsbG8gaGVsbG8=","method":"authenticator"},`+
		`{"method":"sms","mobilePhone":"555-555-5555"},{"method":"email","email":"example@fusionauth.io"}]}}}`).obj(t, "user")
	uid := str(u, "id")
	ids := methodIDs(t, u)
	require.Len(t, ids, 3)
	for _, id := range ids {
		assert.Regexp(t, `^[A-Z2-7]{4}$`, id)
	}
	assert.Len(t, map[string]bool{ids[0]: true, ids[1]: true, ids[2]: true}, 3, "distinct")
	assert.Equal(t, ids, methodIDs(t, f.do("GET", "/api/user/"+uid, "").obj(t, "user")))

	// The legacy PATCH appends: a stored method sent again without its id
	// is that method, not a new one.
	same := f.do("PATCH", "/api/user/"+uid, `{"user":{"twoFactor":{"methods":[{"method":"email","email":"example@fusionauth.io"}]}}}`).obj(t, "user")
	assert.Equal(t, ids, methodIDs(t, same))
	added := methodIDs(t, f.do("PATCH", "/api/user/"+uid, `{"user":{"twoFactor":{"methods":[{"method":"email","email":"other@example.com"}]}}}`).obj(t, "user"))
	require.Len(t, added, 4)
	assert.Equal(t, ids, added[:3])
	assert.Regexp(t, `^[A-Z2-7]{4}$`, added[3])
	assert.NotContains(t, ids, added[3])

	// PUT replaces: methods sent without ids keep the stored ones, an id
	// sent is kept, and a method dropped is gone.
	put := f.do("PUT", "/api/user/"+uid, `{"user":{"email":"ids@example.com","twoFactor":{"methods":[`+
		`{"method":"email","email":"example@fusionauth.io"},{"id":"7K2G","method":"sms","mobilePhone":"555-555-0000"}]}}}`).obj(t, "user")
	assert.Equal(t, []string{ids[2], "7K2G"}, methodIDs(t, put))
	// An id-less copy of a stored method whose id the request gives to
	// another method gets an id of its own.
	clash := methodIDs(t, f.do("PUT", "/api/user/"+uid, `{"user":{"email":"ids@example.com","twoFactor":{"methods":[`+
		`{"id":"`+ids[2]+`","method":"sms","mobilePhone":"555-555-1111"},{"method":"email","email":"example@fusionauth.io"}]}}}`).obj(t, "user"))
	require.Len(t, clash, 2)
	assert.Equal(t, ids[2], clash[0])
	assert.NotEqual(t, ids[2], clash[1])
}

func methodIDs(t *testing.T, user map[string]any) []string {
	t.Helper()
	tf, _ := user["twoFactor"].(map[string]any)
	ms, _ := tf["methods"].([]any)
	var ids []string
	for _, m := range ms {
		id, _ := m.(map[string]any)["id"].(string)
		ids = append(ids, id)
	}
	return ids
}

// FusionAuth answers an authenticator method with its TOTP configuration
// (user.twoFactor.methods[x].authenticator: HmacSHA1, 6, 30, "always" in
// its User API docs); other methods have none. What a request sends there
// is not kept, as FusionAuth's Import API ignores other values.
func TestUserTwoFactorAuthenticatorConfiguration(t *testing.T) {
	f := newFixture(t)
	want := map[string]any{"algorithm": "HmacSHA1", "codeLength": float64(6), "timeStep": float64(30)}
	u := f.do("POST", "/api/user", `{"user":{"email":"totp@example.com","twoFactor":{"methods":[`+
		`{"method":"authenticator","secret":"aGVsbG8=","authenticator":{"algorithm":"HmacSHA512","codeLength":8,"timeStep":60}},`+
		`{"method":"sms","mobilePhone":"555-555-5555","authenticator":{"algorithm":"HmacSHA1"}}]}}}`).obj(t, "user")
	ms := u["twoFactor"].(map[string]any)["methods"].([]any)
	require.Len(t, ms, 2)
	assert.Equal(t, want, ms[0].(map[string]any)["authenticator"])
	assert.NotContains(t, ms[1], "authenticator")
	assert.Equal(t, u["twoFactor"], f.do("GET", "/api/user/"+str(u, "id"), "").obj(t, "user")["twoFactor"])

	// A method stored before authcore set the configuration shows it after
	// the user's next write, and sent back without its id is still itself.
	ctx := context.Background()
	old := &authcore.User{ID: "00000000-0000-0001-0000-0000000000aa", TenantID: str(u, "tenantId"), Email: "old@example.com", Active: true, Verified: true,
		TwoFactor: &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{{ID: "35VW", Method: "authenticator"}}}}
	require.NoError(t, f.store.CreateUser(ctx, old))
	patched := f.do("PATCH", "/api/user/"+old.ID, `{"user":{"twoFactor":{"methods":[{"method":"authenticator"}]}}}`).obj(t, "user")
	assert.Equal(t, []any{map[string]any{"id": "35VW", "method": "authenticator", "authenticator": want}}, patched["twoFactor"].(map[string]any)["methods"])
}
