package multistore_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A token's kid is read before its signature is checked, so anyone can
// send one. A kid that no key can have (control characters, U+0000 among
// them, or longer than a stored kid may be) is an unknown key, 401, on
// every store: PostgreSQL refused the lookup of a NUL byte and the
// anonymous GET /api/jwt/validate answered 500.
func TestTokenWithImpossibleKidOnEveryStore(t *testing.T) {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	payload := seg(`{"sub":"x","exp":4102444800}`)
	kids := map[string]string{
		"NUL":        `\u0000`,
		"NUL inside": `k\u0000id`,
		"newline":    `kid\n`,
		"too long":   strings.Repeat("k", 256),
	}
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			c := newCluster(t, k.open(t), 1)
			for name, kid := range kids {
				token := seg(`{"alg":"HS256","typ":"JWT","kid":"`+kid+`"}`) + "." + payload + "." + seg("signature")
				req := httptest.NewRequest("GET", "/api/jwt/validate", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				c.handlers[0].ServeHTTP(rec, req)
				assert.Equal(t, http.StatusUnauthorized, rec.Code, "kid %s", name)
				assert.Empty(t, rec.Body.String(), "kid %s", name)
			}
		})
	}
}

// A token that verifies (an imported key's holder signed it) but whose tid
// or sub holds U+0000 names no tenant and no user: 401 on every store. The
// routes that look them up (GET /api/jwt/issue reads the user, a revocation
// by access token the tenant) answered 500 on PostgreSQL.
func TestTokenWithImpossibleSubjectOnEveryStore(t *testing.T) {
	const secret = "an imported HMAC secret, 32 bytes or more"
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	sign := func(payload string) string {
		input := seg(`{"alg":"HS256","typ":"JWT","kid":"imported-kid"}`) + "." + seg(payload)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(input))
		return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	}
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			c := newCluster(t, k.open(t), 1)
			ctx := context.Background()
			_, err := c.engines[0].ImportKey(ctx, authcore.KeyImport{Name: "imported", Algorithm: authcore.AlgHS256, Kid: "imported-kid", Secret: secret})
			require.NoError(t, err)
			tenants, err := c.engines[0].Tenants(ctx)
			require.NoError(t, err)
			tid := tenants[0].ID
			const user = "11111111-2222-4333-8444-555555555555"
			do := func(method, path, token string) *httptest.ResponseRecorder {
				req := httptest.NewRequest(method, path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				c.handlers[0].ServeHTTP(rec, req)
				return rec
			}
			for name, payload := range map[string]string{
				"sub":         `{"sub":"\u0000","tid":"` + tid + `","aud":"` + appID + `","exp":4102444800}`,
				"tid":         `{"sub":"` + user + `","tid":"\u0000","aud":"` + appID + `","exp":4102444800}`,
				"tid and sub": `{"sub":"a\u0000","tid":"b\u0000","exp":4102444800}`,
			} {
				token := sign(payload)
				require.Equal(t, http.StatusOK, do("GET", "/api/jwt/validate", token).Code, "%s: the token verifies", name)
				rec := do("GET", "/api/jwt/issue?applicationId="+appID, token)
				assert.Equal(t, http.StatusUnauthorized, rec.Code, "%s: issue: %s", name, rec.Body)
				rec = do("DELETE", "/api/jwt/refresh/"+user, token)
				assert.Equal(t, http.StatusUnauthorized, rec.Code, "%s: revoke: %s", name, rec.Body)
			}
		})
	}
}
