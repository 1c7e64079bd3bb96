package authcore_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
)

// printed returns v as every fmt verb and both slog handlers write it, as a
// value and through a pointer.
func printed(v, ptr any) []string {
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%s", "%#v", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, v), fmt.Sprintf(verb, ptr))
	}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("value", "v", v, "p", ptr)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("value", "v", v, "p", ptr)
	return append(outs, text.String(), js.String())
}

// The results and requests that carry an access token, a refresh token or
// an API key never print it: %v of a LoginResponse, a RefreshResult or a
// RegistrationResponse printed both tokens, and slog's JSON handler
// marshalled them (an APIKeyResponse's key too, through its APIKeyInfo).
func TestTokenCarriersNeverPrintTokens(t *testing.T) {
	const jwt, refresh, key = "eyJhbGciOiJIUzI1NiJ9.SECRET-CLAIMS.SIG", "REFRESH-TOKEN-VALUE", "API-KEY-VALUE-0123456789"
	const id = "3c219e58-ed0e-4b18-ad48-f4f92793ae32"
	login := authcore.LoginResponse{Status: authcore.LoginOK, Token: jwt, RefreshToken: refresh, RefreshTokenID: id, User: &authcore.User{ID: id}}
	refreshed := authcore.RefreshResult{Token: jwt, RefreshToken: refresh, RefreshTokenID: id}
	refreshReq := authcore.RefreshRequest{RefreshToken: refresh, IPAddress: "192.0.2.7"}
	revoke := authcore.RevokeRequest{Token: refresh, UserID: id}
	issueReq := authcore.IssueRequest{AccessToken: jwt, RefreshToken: refresh, ApplicationID: id}
	issued := authcore.IssueResult{Token: jwt, RefreshToken: refresh}
	newKey := authcore.NewAPIKey{Key: key, TenantID: id, Description: "ci key", Endpoints: map[string][]string{"/api/user": {"GET"}}}
	keyUpdate := authcore.APIKeyUpdate{Key: key, TenantID: id, Description: "ci key"}
	keyInfo := authcore.APIKeyInfo{ID: id, Key: key, MetaData: &authcore.APIKeyMetaData{Attributes: map[string]string{"description": "ci key"}}}
	registered := authcore.RegistrationResponse{Token: jwt, RefreshToken: refresh, RefreshTokenID: id, TokenExpirationInstant: 1700000000000,
		Registration: &authcore.UserRegistration{ApplicationID: id}, User: &authcore.User{ID: id}}
	keyReq := authcore.APIKeyRequest{APIKey: &keyInfo}
	keyResp := authcore.APIKeyResponse{APIKey: &keyInfo}
	for _, c := range []struct {
		name   string
		v, ptr any
		plain  []string
	}{
		{"LoginResponse", login, &login, []string{id}},
		{"RefreshResult", refreshed, &refreshed, []string{id}},
		{"RefreshRequest", refreshReq, &refreshReq, []string{"192.0.2.7"}},
		{"RevokeRequest", revoke, &revoke, []string{id}},
		{"IssueRequest", issueReq, &issueReq, []string{id}},
		{"IssueResult", issued, &issued, []string{"Registered"}},
		{"NewAPIKey", newKey, &newKey, []string{id, "ci key", "/api/user"}},
		{"APIKeyUpdate", keyUpdate, &keyUpdate, []string{id, "ci key"}},
		{"APIKeyInfo", keyInfo, &keyInfo, []string{id, "ci key"}},
		{"RegistrationResponse", registered, &registered, []string{id, "1700000000000"}},
		{"APIKeyRequest", keyReq, &keyReq, []string{id}},
		{"APIKeyResponse", keyResp, &keyResp, []string{id}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, out := range printed(c.v, c.ptr) {
				for _, secret := range []string{jwt, "SECRET-CLAIMS", refresh, key} {
					if strings.Contains(out, secret) {
						t.Errorf("printed %q: %s", secret, out)
					}
				}
				// What is no credential is still there to debug with.
				for _, p := range c.plain {
					if !strings.Contains(out, p) {
						t.Errorf("lost %q, no secret: %s", p, out)
					}
				}
			}
		})
	}
}
