package httpadapter_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// accessTokenBody is a login body that brings an access token itself (no
// verifier).
func accessTokenBody(tok, sec string) string {
	b, _ := json.Marshal(map[string]any{
		"applicationId": loginAppID, "identityProviderId": twitterID,
		"data": map[string]string{"oauth_token": tok, "oauth_token_secret": sec},
	})
	return string(b)
}

// Over HTTP, an access token the body brings with white space around it,
// or over 512 bytes, is a 400 naming the field, and Twitter is not asked:
// it was a 401, Twitter's refusal after a round trip.
func TestLoginRefusesABroughtAccessTokenThatIsNoCredential(t *testing.T) {
	cases := map[string]struct {
		change func(tok, sec string) (string, string)
		want   string
	}{
		"token with trailing space": {
			func(tok, sec string) (string, string) { return tok + " ", sec },
			`{"fieldErrors":{"data.oauth_token":[{"code":"[invalid]data.oauth_token","message":"The [data.oauth_token] property may not begin or end with white space."}]}}`,
		},
		"secret over 512 bytes": {
			func(tok, sec string) (string, string) { return tok, sec + strings.Repeat("s", 513-len(sec)) },
			`{"fieldErrors":{"data.oauth_token_secret":[{"code":"[tooLong]data.oauth_token_secret","message":"The [data.oauth_token_secret] property may hold at most 512 bytes."}]}}`,
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := newLoginFixture(t, providerOpts{})
			f.account("9401", "lima", "lima@example.com")
			tok, sec := f.tw.IssueAccessToken(consumerKey, "9401")
			before := stats(f)
			access, verify := f.tw.Requests()
			r := f.anon("POST", "/api/identity-provider/login", accessTokenBody(c.change(tok, sec)))
			assert.Equal(t, 400, r.Code)
			assert.JSONEq(t, c.want, r.Body)
			a2, v2 := f.tw.Requests()
			assert.Equal(t, [2]int{access, verify}, [2]int{a2, v2}, "Twitter was not asked")
			after := stats(f)
			assert.Equal(t, before.Users, after.Users)
			assert.Equal(t, before.Links, after.Links)
		})
	}
}

// The same login with the token as Twitter issued it logs in.
func TestLoginWithABroughtAccessToken(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	f.account("9402", "quito", "quito@example.com")
	tok, sec := f.tw.IssueAccessToken(consumerKey, "9402")
	r := f.anon("POST", "/api/identity-provider/login", accessTokenBody(tok, sec))
	require.Equal(t, 200, r.Code, r.Body)
	assert.Equal(t, "quito@example.com", decodeLogin(t, r).User.Email)
}
