package twitter_test

import (
	"context"
	"testing"

	"github.com/authcore/authcore/idp/twitter"
)

// BenchmarkLogin measures a full verifier login against the fake: two signed
// round trips on loopback, most of it HTTP and the fake's own verification.
func BenchmarkLogin(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	type issued struct{ token, secret, verifier string }
	tokens := make([]issued, b.N)
	for i := range tokens {
		tokens[i].token, tokens[i].secret, tokens[i].verifier = f.fake.IssueRequestToken(consumerKey, accountID)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, _, _, err := f.client.Login(ctx, consumer, tokens[i].token, twitter.Secret(tokens[i].secret), tokens[i].verifier); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCredentials(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	at, as := f.fake.IssueAccessToken(consumerKey, accountID)
	tok := twitter.Token{Token: at, Secret: twitter.Secret(as)}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, _, err := f.client.VerifyCredentials(ctx, consumer, tok); err != nil {
			b.Fatal(err)
		}
	}
}
