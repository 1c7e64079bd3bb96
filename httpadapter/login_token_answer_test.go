package httpadapter_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

// An access-token exchange whose token or secret holds U+0000, bytes that
// are not UTF-8, white space around it, or more than 512 bytes is Twitter
// unavailable: 401, empty, an Error entry, nothing written. Before, the
// pair was stored on the link as it came (PostgreSQL refuses U+0000) and
// returned by the Link API. Each case is a real signed exchange with the
// fake Twitter, which answers the account's token as given.
func TestLoginRefusesAnExchangeWhoseTokenIsNoCredential(t *testing.T) {
	long := "9301-" + strings.Repeat("a", 508)
	cases := map[string]twittertest.Account{
		"token with U+0000":          {AccessToken: "9301-ab\x00cd"},
		"secret with U+0000":         {AccessTokenSecret: "se\x00cret"},
		"token not UTF-8":            {AccessToken: "9301-\xff\xfeab"},
		"secret not UTF-8":           {AccessTokenSecret: "secret\xc3"},
		"token with leading space":   {AccessToken: " 9301-abcd"},
		"token with trailing space":  {AccessToken: "9301-abcd\n"},
		"secret with trailing tab":   {AccessTokenSecret: "secret\t"},
		"secret with no-break space": {AccessTokenSecret: "\u00a0secret"},
		"token over 512 bytes":       {AccessToken: long},
		"secret over 512 bytes":      {AccessTokenSecret: strings.Repeat("s", 513)},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			f := newLoginFixture(t, providerOpts{})
			a.ID, a.ScreenName, a.Email = "9301", "tokyo", "tokyo@example.com"
			f.tw.AddAccount(a)
			before := stats(f)
			r := f.login("9301", nil)
			assertTwitterUnavailable(t, f, r, before, "Twitter login", "no Twitter credential")
		})
	}
}

// Tokens of Twitter's form, and odd ones within the rule (512 bytes, text
// that is not ASCII inside), still log in, and the link keeps them byte
// for byte: the rule refuses, it never cleans a credential.
func TestLoginKeepsAnExchangedTokenAsIssued(t *testing.T) {
	cases := map[string]twittertest.Account{
		"random":          {},
		"512 bytes":       {AccessToken: "9302-" + strings.Repeat("a", 507), AccessTokenSecret: strings.Repeat("s", 512)},
		"inner non-ASCII": {AccessToken: "9302-ab cd", AccessTokenSecret: "sé cret"},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			f := newLoginFixture(t, providerOpts{})
			a.ID, a.ScreenName, a.Email = "9302", "osaka", "osaka@example.com"
			f.tw.AddAccount(a)
			r := f.login("9302", nil)
			require.Equal(t, 200, r.Code, r.Body)
			uid := decodeLogin(t, r).User.ID
			l := f.do("GET", "/api/identity-provider/link?identityProviderId="+twitterID+"&identityProviderUserId=9302&userId="+uid, "")
			require.Equal(t, 200, l.Code, l.Body)
			var out struct {
				IdentityProviderLink authcore.IdentityProviderLink `json:"identityProviderLink"`
			}
			require.NoError(t, json.Unmarshal([]byte(l.Body), &out))
			assert.NotEmpty(t, out.IdentityProviderLink.Token)
			if a.AccessToken != "" {
				assert.Equal(t, a.AccessToken, out.IdentityProviderLink.Token)
				assert.Equal(t, a.AccessTokenSecret, out.IdentityProviderLink.Data["oauth_token_secret"])
			}
		})
	}
}
