package authcore_test

import (
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
)

// A password in a user request is refused, but it is the user's all the
// same: %v of a UserRequest printed it, and slog's JSON handler marshalled
// it, alone or inside a combined registration.
func TestUserRequestsNeverPrintThePassword(t *testing.T) {
	const password, email = "CORRECT-HORSE-BATTERY", "ada@example.com"
	const appID = "3c219e58-ed0e-4b18-ad48-f4f92793ae32"
	in := authcore.UserInput{Email: email, Password: password}
	user := authcore.UserRequest{User: in}
	reg := authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: appID}, User: &in}
	for _, c := range []struct {
		name   string
		v, ptr any
		plain  []string
	}{
		{"UserInput", in, &in, []string{email}},
		{"UserRequest", user, &user, []string{email}},
		{"RegistrationRequest", reg, &reg, []string{appID}},
	} {
		t.Run(c.name, func(t *testing.T) {
			outs := printed(c.v, c.ptr)
			for _, out := range outs {
				if strings.Contains(out, password) {
					t.Errorf("printed the password: %s", out)
				}
			}
			// The slog handlers still show the rest, and that a
			// password was sent.
			for _, out := range outs[len(outs)-2:] {
				for _, p := range append(c.plain, "[redacted]") {
					if !strings.Contains(out, p) {
						t.Errorf("lost %q, no secret: %s", p, out)
					}
				}
			}
		})
	}
}
