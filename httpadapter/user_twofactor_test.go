package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
