package authcore_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

// An access token a Go caller brings (no verifier) that is no Twitter
// credential, by the rule an exchange's answer is held to (not storable
// text, white space around it, over 512 bytes), is refused as the request's
// fault with a field error, before Twitter is asked: before, only Twitter's
// refusal, after a round trip, stopped it, and it was answered as Twitter
// refusing the login.
func TestLoginRefusesAnAccessTokenThatIsNoCredential(t *testing.T) {
	cases := map[string]struct {
		change func(tok, sec string) (string, string)
		path   string
		code   string
	}{
		"token with leading space":   {func(tok, sec string) (string, string) { return " " + tok, sec }, "data.oauth_token", "[invalid]data.oauth_token"},
		"token with trailing tab":    {func(tok, sec string) (string, string) { return tok + "\t", sec }, "data.oauth_token", "[invalid]data.oauth_token"},
		"secret with no-break space": {func(tok, sec string) (string, string) { return tok, "\u00a0" + sec }, "data.oauth_token_secret", "[invalid]data.oauth_token_secret"},
		"token with U+0000":          {func(tok, sec string) (string, string) { return tok + "\x00", sec }, "data.oauth_token", "[invalid]data.oauth_token"},
		"secret not UTF-8":           {func(tok, sec string) (string, string) { return tok, sec + "\xc3" }, "data.oauth_token_secret", "[invalid]data.oauth_token_secret"},
		"token over 512 bytes":       {func(tok, sec string) (string, string) { return tok + strings.Repeat("a", 513-len(tok)), sec }, "data.oauth_token", "[tooLong]data.oauth_token"},
		"secret over 512 bytes":      {func(tok, sec string) (string, string) { return tok, sec + strings.Repeat("s", 513-len(sec)) }, "data.oauth_token_secret", "[tooLong]data.oauth_token_secret"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			env := newRulesEnv(t, "LinkByEmail")
			env.Account("701", "kyoto", "kyoto@example.com")
			req := env.Request("701")
			req.Data["oauth_token"], req.Data["oauth_token_secret"] = c.change(req.Data["oauth_token"], req.Data["oauth_token_secret"])
			access, verify := env.Twitter.Requests()

			resp, err := env.Engine.IdentityProviderLogin(env.Ctx, req)
			assert.Nil(t, resp)
			assert.NotErrorIs(t, err, authcore.ErrIdentityProviderRefused)
			assert.Equal(t, map[string]string{c.path: c.code}, fieldCodes(t, err))
			a2, v2 := env.Twitter.Requests()
			assert.Equal(t, [2]int{access, verify}, [2]int{a2, v2}, "Twitter was not asked")
			_, err = env.Store.GetLink(env.Ctx, env.TenantID, twitter.ProviderID, "701")
			assert.ErrorIs(t, err, authcore.ErrNotFound, "no link")
		})
	}
}

// An access token within the rule logs in and is linked as it was given:
// one of Twitter's form, and one of 512 bytes with white space and text
// that is not ASCII inside, which the fake Twitter issued as it would its
// own.
func TestLoginKeepsAnAccessTokenWithinTheRule(t *testing.T) {
	cases := map[string]twittertest.Account{
		"random":              {},
		"512 bytes, odd text": {AccessToken: "9702-ab cd" + strings.Repeat("a", 502), AccessTokenSecret: "sé cret" + strings.Repeat("s", 504)},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			env := newRulesEnv(t, "LinkByEmail")
			a.ID, a.ScreenName, a.Email = "702", "nara", "nara@example.com"
			env.Twitter.AddAccount(a)
			req := env.Request("702")
			require.NotContains(t, req.Data, "oauth_verifier")
			resp, err := env.Engine.IdentityProviderLogin(env.Ctx, req)
			require.NoError(t, err)
			assert.Equal(t, authcore.LoginOK, resp.Status)
			link, err := env.Store.GetLink(env.Ctx, env.TenantID, twitter.ProviderID, "702")
			require.NoError(t, err)
			assert.Equal(t, req.Data["oauth_token"], link.Token)
			assert.Equal(t, req.Data["oauth_token_secret"], link.Data["oauth_token_secret"])
			if a.AccessToken != "" {
				assert.Len(t, link.Token, 512)
				assert.Len(t, link.Data["oauth_token_secret"], 512)
			}
		})
	}
}
