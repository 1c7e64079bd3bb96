package twitter

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Twitter's documented example of a signed request ("Creating a signature",
// developer.twitter.com): its signature was computed by Twitter, not by this
// package, and also checked here against an independent implementation.
func TestAuthorizationTwitterExample(t *testing.T) {
	ep, err := newEndpoint("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true")
	require.NoError(t, err)
	consumer := Consumer{Key: "xvz1evFS4wEEPTGEFPHBog", Secret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"}
	tok := Token{Token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", Secret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"}
	form := []param{{"status", percentEncode("Hello Ladies + Gentlemen, a signed OAuth request!")}}

	h := ep.authorization(consumer, tok, "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", 1318622958, form)

	require.True(t, strings.HasPrefix(h, "OAuth "), h)
	var names []string
	got := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(h, "OAuth "), ", ") {
		name, quoted, ok := strings.Cut(part, "=")
		require.True(t, ok, part)
		require.True(t, len(quoted) >= 2 && quoted[0] == '"' && quoted[len(quoted)-1] == '"', part)
		v, err := url.PathUnescape(quoted[1 : len(quoted)-1])
		require.NoError(t, err)
		names = append(names, name)
		got[name] = v
	}
	assert.Equal(t, []string{"oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method",
		"oauth_timestamp", "oauth_token", "oauth_version"}, names, "protocol parameters only, sorted")
	assert.Equal(t, "hCtSmYh+iHYCEqBWrE7C7hYmtUk=", got["oauth_signature"])
	assert.Equal(t, "HMAC-SHA1", got["oauth_signature_method"])
	assert.Equal(t, "1318622958", got["oauth_timestamp"])
	assert.Equal(t, "1.0", got["oauth_version"])
	assert.Equal(t, tok.Token, got["oauth_token"])
	assert.NotContains(t, h, "status", "form parameters are signed, not sent in the header")
}

func TestAuthorizationChangesWithEveryInput(t *testing.T) {
	ep, err := newEndpoint("GET", "http://127.0.0.1:8080/1.1/account/verify_credentials.json?include_email=true&skip_status=true")
	require.NoError(t, err)
	consumer := Consumer{Key: "ck", Secret: "cs"}
	tok := Token{Token: "t", Secret: "ts"}
	base := ep.authorization(consumer, tok, "nonce", 1, nil)
	for name, h := range map[string]string{
		"consumer secret": ep.authorization(Consumer{Key: "ck", Secret: "cs2"}, tok, "nonce", 1, nil),
		"token secret":    ep.authorization(consumer, Token{Token: "t", Secret: "ts2"}, "nonce", 1, nil),
		"nonce":           ep.authorization(consumer, tok, "nonce2", 1, nil),
		"timestamp":       ep.authorization(consumer, tok, "nonce", 2, nil),
		"form parameter":  ep.authorization(consumer, tok, "nonce", 1, []param{{"oauth_verifier", "v"}}),
	} {
		assert.NotEqual(t, signatureOf(t, base), signatureOf(t, h), name)
	}
	assert.Equal(t, base, ep.authorization(consumer, tok, "nonce", 1, nil), "deterministic for the same inputs")
}

func signatureOf(t *testing.T, h string) string {
	t.Helper()
	_, rest, ok := strings.Cut(h, `oauth_signature="`)
	require.True(t, ok, h)
	sig, _, ok := strings.Cut(rest, `"`)
	require.True(t, ok, h)
	return sig
}

func TestPercentEncode(t *testing.T) {
	// Twitter's documented examples, and RFC 5849 §3.6's unreserved set.
	for _, tc := range []struct{ in, want string }{
		{"Ladies + Gentlemen", "Ladies%20%2B%20Gentlemen"},
		{"An encoded string!", "An%20encoded%20string%21"},
		{"Dogs, Cats & Mice", "Dogs%2C%20Cats%20%26%20Mice"},
		{"☃", "%E2%98%83"},
		{"AZaz09-._~", "AZaz09-._~"},
		{"a=b/c?d", "a%3Db%2Fc%3Fd"},
		{"", ""},
	} {
		assert.Equal(t, tc.want, percentEncode(tc.in), tc.in)
	}
}

func TestBaseStringURI(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// RFC 5849 §3.4.1.2's examples.
		{"http://EXAMPLE.COM:80/r%20v/X?id=123", "http://example.com/r%20v/X"},
		{"https://www.example.net:8080/?q=1", "https://www.example.net:8080/"},
		{"https://api.twitter.com:443/oauth/access_token", "https://api.twitter.com/oauth/access_token"},
		{"http://127.0.0.1:443/x", "http://127.0.0.1:443/x"},
		{"https://api.twitter.com", "https://api.twitter.com/"},
	} {
		u, err := url.Parse(tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, baseStringURI(u), tc.in)
	}
}

func TestNonce(t *testing.T) {
	a, err := newNonce()
	require.NoError(t, err)
	b, err := newNonce()
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
	assert.Equal(t, a, percentEncode(a), "made of unreserved characters only")
	assert.Len(t, a, 22)
}
