package httpadapter

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
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

func TestUTF8Charset(t *testing.T) {
	for ct, want := range map[string]bool{
		"":                                true,
		"application/json":                true,
		"application/json; charset=UTF-8": true,
		"application/merge-patch+json;charset=utf8":       true,
		"application/json; charset=us-ascii":              true,
		"application/json; charset=utf-16":                false,
		"application/json-patch+json; charset=ISO-8859-1": false,
		"application/json; =bad":                          true, // left to the media-type check
	} {
		assert.Equal(t, want, utf8Charset(ct), ct)
	}
}

// writeJSON answers with an appender's own bytes, and with encoding/json's
// for anything else; a value neither can encode is a bare 500. The pooled
// buffer is used again and again without carrying bytes over.
func TestWriteJSON(t *testing.T) {
	resp := &authcore.LoginResponse{Token: "a.b.c", User: &authcore.User{ID: "u<1>", Active: true}}
	want, err := json.Marshal(resp)
	require.NoError(t, err)
	for range 3 {
		rec := httptest.NewRecorder()
		writeJSON(rec, http.StatusAccepted, resp)
		assert.Equal(t, http.StatusAccepted, rec.Code)
		assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
		assert.Equal(t, string(want), rec.Body.String())

		rec = httptest.NewRecorder()
		writeJSON(rec, http.StatusOK, map[string]string{"b": "<x>"})
		assert.Equal(t, `{"b":"\u003cx\u003e"}`, rec.Body.String())
	}
	for name, v := range map[string]any{
		"appender":      &authcore.LoginResponse{User: &authcore.User{Data: map[string]any{"n": math.Inf(1)}}},
		"encoding/json": map[string]any{"c": make(chan int)},
	} {
		rec := httptest.NewRecorder()
		writeJSON(rec, http.StatusOK, v)
		assert.Equal(t, http.StatusInternalServerError, rec.Code, name)
		assert.Empty(t, rec.Body.String(), name)
	}
}

// BenchmarkWriteJSON: a Twitter login's response body, written with
// LoginResponse's own encoder and with encoding/json (which writeJSON used
// for it before).
func BenchmarkWriteJSON(b *testing.B) {
	resp := &authcore.LoginResponse{
		RefreshToken: strings.Repeat("r", 64), RefreshTokenID: "01a20753-9b76-7884-930b-81378c364308",
		Token: strings.Repeat("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 24), TokenExpirationInstant: 1795422849000,
		User: &authcore.User{
			ID: "01a20753-9b76-782e-85e8-c06bb26271e2", TenantID: "01a20753-9b73-7d60-bf64-82219a264030",
			Email: "u1000000001@example.com", FullName: "User 1000000001", ImageURL: "https://img.example/1000000001",
			Active: true, Verified: true, VerifiedInstant: 1795419249526, InsertInstant: 1795419249526,
			LastUpdateInstant: 1795419249526, LastLoginInstant: 1795419249526,
			Registrations: []authcore.UserRegistration{{
				ID: "01a20753-9b76-7835-9a1d-e8126c7d6176", ApplicationID: "01a20753-9b73-7e06-8be9-56dfa78ebde7",
				Roles: []string{"user"}, Username: "u1000000001", UsernameStatus: "ACTIVE", Verified: true,
				VerifiedInstant: 1795419249526, InsertInstant: 1795419249526, LastUpdateInstant: 1795419249526, LastLoginInstant: 1795419249526,
			}},
		},
	}
	w := discardWriter{h: http.Header{}}
	b.Run("authcore", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			writeJSON(w, http.StatusOK, resp)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			writeJSON(w, http.StatusOK, (*plainLoginResponse)(resp))
		}
	})
}

// plainLoginResponse has LoginResponse's fields and not its AppendJSON.
type plainLoginResponse authcore.LoginResponse

type discardWriter struct{ h http.Header }

func (w discardWriter) Header() http.Header         { return w.h }
func (w discardWriter) WriteHeader(int)             {}
func (w discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// suspiciousQuery only lets a query skip decoding when no value of it can
// decode to U+0000 or to bytes that are not UTF-8: checked on every query
// of up to four pieces from an alphabet of escapes and plain characters.
func TestSuspiciousQueryMissesNothing(t *testing.T) {
	pieces := []string{"a", "=", "&", "%", "%0", "%00", "%20", "%41", "%7f", "%80", "%C3", "%c3%a9", "%28", "%ff", "\xc3", "+", "%2"}
	var walk func(prefix string, depth int)
	checked := 0
	walk = func(q string, depth int) {
		values, err := url.ParseQuery(q)
		if err == nil && !suspiciousQuery(q) {
			for name, vs := range values {
				for _, v := range append(vs, name) {
					require.True(t, utf8.ValidString(v) && !strings.ContainsRune(v, 0), "query %q passed, but holds %q", q, v)
				}
			}
		}
		checked++
		if depth == 0 {
			return
		}
		for _, p := range pieces {
			walk(q+p, depth-1)
		}
	}
	walk("", 4)
	require.Greater(t, checked, 80000)
	for _, q := range []string{"a=%00", "a=%C3%28", "a=%e9", "%ff=1", "a=\xff"} {
		assert.True(t, suspiciousQuery(q), q)
	}
	for _, q := range []string{"", "a=b&c=d", "a=%20%41%7E", "userId=01a2088a-109c-7e53-b468-a93ac49af593"} {
		assert.False(t, suspiciousQuery(q), q)
	}
}
