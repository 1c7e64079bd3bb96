package authcore

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClaimsEncoding holds accessClaims.appendJSON to encoding/json's bytes,
// over every optional field set and unset and strings that need escaping.
func TestClaimsEncoding(t *testing.T) {
	tricky := []string{
		"", "plain", "Zoë Ünïcode 日本語 🐦", `quote " backslash \ slash /`,
		"<script>&amp;</script>", "\x00\x01\x07\b\f\n\r\t\x1f\x7f", "line\u2028sep\u2029para",
		"bad utf8 \xff\xfe end", "\xc3", "trailing \xe2\x80", "emoji \U0001F600 and \u00e9",
	}
	yes, no := true, false
	emptyRoles, nilRoles := []string{}, []string(nil)
	someRoles := []string{"admin", `r"o\le<>`, "日本"}
	var cases []accessClaims
	for i, s := range tricky {
		c := accessClaims{
			Audience: s, Expiry: 1_700_000_000 + int64(i), IssuedAt: -int64(i), Issuer: s, Subject: s, JTI: s,
			AuthenticationType: s, ApplicationID: s, AuthTime: math.MaxInt64 - int64(i), TenantID: s,
		}
		cases = append(cases, c)
		c.Email, c.EmailVerified, c.PreferredUsername, c.SID = s+"@example.com", &yes, s, s
		c.Roles = &someRoles
		cases = append(cases, c)
		c.EmailVerified, c.Roles = &no, &emptyRoles
		cases = append(cases, c)
		c.Roles = &nilRoles
		cases = append(cases, c)
	}
	// Random strings of bytes, valid UTF-8 or not.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var sb strings.Builder
		for range rng.IntN(40) {
			sb.WriteByte(byte(rng.IntN(256)))
		}
		s := sb.String()
		roles := []string{s, s + "x"}
		cases = append(cases, accessClaims{Audience: s, Subject: s, Email: s, PreferredUsername: s, SID: s, Roles: &roles, Expiry: rng.Int64()})
	}
	for i, c := range cases {
		want, err := json.Marshal(c)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(c.appendJSON(nil)), "case %d", i)
	}
}
