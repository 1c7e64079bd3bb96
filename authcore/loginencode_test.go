package authcore_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// TestLoginResponseAppendJSON holds LoginResponse.AppendJSON to
// encoding/json's bytes. The responses are filled by reflection, so a field
// added to LoginResponse, User, UserRegistration or TwoFactorMethod and not
// to the encoder fails here; each field is left zero, empty or set at random,
// and strings come from a set that needs every kind of escaping.
func TestLoginResponseAppendJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 3000 {
		var r authcore.LoginResponse
		fillRandom(rng, reflect.ValueOf(&r).Elem(), 0)
		want, err := json.Marshal(&r)
		require.NoError(t, err)
		got, err := r.AppendJSON([]byte("prefix"))
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(got), "prefix"), "case %d: the buffer's bytes kept", i)
		assert.Equal(t, string(want), strings.TrimPrefix(string(got), "prefix"), "case %d", i)
	}
}

// TestLoginResponseAppendJSONTypicalAndErrors: a Twitter login's response,
// and data encoding/json refuses, which AppendJSON refuses too.
func TestLoginResponseAppendJSONTypicalAndErrors(t *testing.T) {
	r := &authcore.LoginResponse{
		RefreshToken: "rt", RefreshTokenID: "rid", Token: "a.b.c", TokenExpirationInstant: 1795422849000,
		User: &authcore.User{
			ID: "u1", TenantID: "t1", Email: "a@example.com", FullName: "A <B>", Active: true, Verified: true,
			Registrations: []authcore.UserRegistration{{ID: "r1", ApplicationID: "app", Roles: []string{"user"}, Verified: true}},
		},
	}
	got, err := r.AppendJSON(nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"refreshToken":"rt","refreshTokenId":"rid","token":"a.b.c","tokenExpirationInstant":1795422849000,
		"user":{"id":"u1","tenantId":"t1","email":"a@example.com","fullName":"A \u003cB\u003e","active":true,"verified":true,
		"passwordChangeRequired":false,"registrations":[{"id":"r1","applicationId":"app","roles":["user"],"verified":true}]}}`, string(got))

	for name, resp := range map[string]*authcore.LoginResponse{
		"user data":         {User: &authcore.User{Data: map[string]any{"x": math.NaN()}}},
		"registration data": {User: &authcore.User{Registrations: []authcore.UserRegistration{{Data: map[string]any{"c": make(chan int)}}}}},
	} {
		_, jerr := json.Marshal(resp)
		require.Error(t, jerr, name)
		_, err := resp.AppendJSON(nil)
		assert.Error(t, err, name)
	}
}

var trickyStrings = []string{
	"plain", "Zoë Ünïcode 日本語 🐦", `quote " backslash \ slash /`, "<script>&amp;</script>",
	"\x00\x01\x07\b\f\n\r\t\x1f\x7f", "line\u2028sep\u2029para", "bad utf8 \xff\xfe end", "\xc3", "trailing \xe2\x80",
}

// fillRandom sets v, and everything under it, to a random value: zero
// about a third of the time, so that every omitempty case comes up.
func fillRandom(rng *rand.Rand, v reflect.Value, depth int) {
	if rng.IntN(3) == 0 || !v.CanSet() {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(trickyStrings[rng.IntN(len(trickyStrings))])
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt([]int64{1, -1, math.MaxInt64, math.MinInt64, rng.Int64()}[rng.IntN(5)])
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillRandom(rng, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			fillRandom(rng, v.Field(i), depth+1)
		}
	case reflect.Slice:
		n := rng.IntN(3) // 0: an empty, non-nil slice
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fillRandom(rng, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range rng.IntN(3) {
			m.SetMapIndex(reflect.ValueOf(trickyStrings[rng.IntN(len(trickyStrings))]),
				reflect.ValueOf([]any{"s<>", 1.5, true, nil, []any{"x", 2.0}, map[string]any{"k": "v"}}[rng.IntN(6)]))
		}
		v.Set(m)
	default:
		// A kind the encoder has not been taught: fail rather than skip.
		panic("fillRandom: unhandled kind " + v.Kind().String() + " at depth " + string(rune('0'+depth)))
	}
}
