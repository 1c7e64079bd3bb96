package httpadapter

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// tokenCookie writes token cookies itself for speed; whatever it writes must
// be byte for byte what net/http writes for the same cookie.
func TestTokenCookieMatchesNetHTTP(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLV8"
	values := []string{
		jwt,
		"rt_" + strings.Repeat("Ab9-_", 20),
		"a",
		// Not token text: the fallback must quote as net/http does. (Bytes
		// net/http drops are left out: it logs each one.)
		"has space",
		"a,b",
		"",
	}
	for _, v := range values {
		for _, maxAge := range []int{0, -1, 1, 3600} {
			for _, secure := range []bool{false, true} {
				want := (&http.Cookie{Name: RefreshTokenCookie, Value: v, Path: "/", MaxAge: maxAge,
					HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure}).String()
				assert.Equal(t, want, tokenCookie(RefreshTokenCookie, v, maxAge, secure), "value %q max-age %d secure %t", v, maxAge, secure)
			}
		}
	}
}

func BenchmarkTokenCookie(b *testing.B) {
	jwt := strings.Repeat("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 20)
	b.Run("authcore", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_ = tokenCookie(AccessTokenCookie, jwt, 0, true)
		}
	})
	b.Run("net-http", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_ = (&http.Cookie{Name: AccessTokenCookie, Value: jwt, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: true}).String()
		}
	})
}

func TestIsJSONMediaType(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json":                true,
		"application/json; charset=utf-8": true,
		"Application/JSON; charset=UTF-8": true,
		"application/json;charset=utf-8":  true,
		"text/plain":                      false,
		"application/jsonx":               false,
		"application/json-patch+json":     false,
		"":                                false,
		"application/json; =bad":          false,
	} {
		assert.Equal(t, want, isJSONMediaType(ct), ct)
	}
}
