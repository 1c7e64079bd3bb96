package multistore_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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
