package authcore_test

import (
	"errors"
	"testing"

	"github.com/authcore/authcore/authcore"
)

// DECISIONS "Tokens": GET /api/jwt/issue exchanges only a login's token: "a
// vended token, whatever its sub, is no login". Vend signs with the tenant's
// access-token key by default and keeps the caller's sub and tid (FusionAuth
// reserves only exp and iat), so those two cannot tell a vended token apart.
func TestIssueRefusesVendedToken(t *testing.T) {
	w := newTokenFixture(t)

	_, _ = w.issue(authcore.TokenRequest{}) // the tenant's key exists
	vended, err := w.engine.VendJWT(w.ctx, authcore.JWTVendRequest{Claims: map[string]any{
		"sub": w.user.ID, "tid": w.tenant.ID, "aud": w.app.ID, "applicationId": w.app.ID,
		"authenticationType": authcore.AuthenticationTypeTwitter, "auth_time": 1,
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.engine.IssueJWT(w.ctx, authcore.IssueRequest{AccessToken: vended, ApplicationID: w.app.ID})
	if !errors.Is(err, authcore.ErrUnauthorized) {
		t.Fatalf("a vended token was exchanged for a login token: err = %v", err)
	}
}
