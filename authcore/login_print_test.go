package authcore_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
)

// An application that logs or prints the login request it passes on must
// not write Twitter's token, secret or verifier: %v of the struct printed
// its Data map as it was.
func TestLoginRequestNeverPrintsTwitterCredentials(t *testing.T) {
	const token, secret, verifier = "1179659262-REQUEST-TOKEN", "TOKEN-SECRET-VALUE", "VERIFIER-VALUE"
	req := authcore.IdentityProviderLoginRequest{
		ApplicationID: "3c219e58-ed0e-4b18-ad48-f4f92793ae32", IdentityProviderID: "45bb233c-0901-4236-b5ca-ac46e2e0a5a5",
		Data:      map[string]string{"oauth_token": token, "oauth_token_secret": secret, "oauth_verifier": verifier},
		IPAddress: "192.0.2.7",
	}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%s", "%#v", "%q"} {
		outs = append(outs, fmt.Sprintf(verb, req), fmt.Sprintf(verb, &req))
	}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("login", "request", req)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("login", "request", &req)
	outs = append(outs, text.String(), js.String())
	for _, out := range outs {
		for _, v := range []string{token, secret, verifier} {
			if strings.Contains(out, v) {
				t.Errorf("printed %q: %s", v, out)
			}
		}
		// What is no credential is still there to debug with.
		if !strings.Contains(out, req.ApplicationID) || !strings.Contains(out, "oauth_verifier") || !strings.Contains(out, "192.0.2.7") {
			t.Errorf("lost what is no secret: %s", out)
		}
	}
}
