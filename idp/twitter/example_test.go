package twitter_test

import (
	"context"
	"fmt"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

func ExampleProvider_ForApplication() {
	p := &twitter.Provider{
		ButtonText:     "Login with Twitter",
		ConsumerKey:    "top-level-key",
		ConsumerSecret: "top-level-secret",
		Enabled:        true,
		Type:           twitter.TypeName,
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{
			"1c212e59-0d0e-6b1a-ad48-f4f92793be32": {Enabled: true, ButtonText: "Sign in with X"},
			"3c219e58-ed0e-4b18-ad48-f4f92793ae32": {Enabled: false},
		},
	}
	p.Normalize()

	e, ok := p.ForApplication("1c212e59-0d0e-6b1a-ad48-f4f92793be32")
	fmt.Println(ok, e.ButtonText, e.ConsumerKey, e.CreateRegistration, e.LinkingStrategy)
	fmt.Printf("secret prints as %v\n", e.ConsumerSecret)

	_, ok = p.ForApplication("3c219e58-ed0e-4b18-ad48-f4f92793ae32")
	fmt.Println(ok)
	// Output:
	// true Sign in with X top-level-key true LinkByEmail
	// secret prints as [redacted]
	// false
}

func ExampleProvider_Validate() {
	p := &twitter.Provider{Type: "Twitter", ButtonText: "Login with Twitter", LinkingStrategy: "LinkByPhone"}
	p.Normalize()
	fmt.Println(p.Validate(twitter.Known{}))
	// Output:
	// validation: [blank]identityProvider.consumerKey, [blank]identityProvider.consumerSecret, [invalid]identityProvider.linkingStrategy
}

func ExampleNewClient() {
	fake := twittertest.NewServer()
	defer fake.Close()
	fake.AddConsumer("consumer-key", "consumer-secret")
	fake.AddAccount(twittertest.Account{ID: "1179659262", ScreenName: "jack", Email: "jack@example.com"})
	// What the browser leg of "Sign in with Twitter" hands back.
	token, secret, verifier := fake.IssueRequestToken("consumer-key", "1179659262")

	client, err := twitter.NewClient(twitter.WithBaseURL(fake.URL))
	if err != nil {
		panic(err)
	}
	consumer := twitter.Consumer{Key: "consumer-key", Secret: "consumer-secret"}
	_, user, _, err := client.Login(context.Background(), consumer, token, twitter.Secret(secret), verifier)
	if err != nil {
		panic(err)
	}
	fmt.Println(user.ScreenName, user.IDStr, user.Email)

	// The request token is spent: a second login with it is refused.
	_, _, _, err = client.Login(context.Background(), consumer, token, twitter.Secret(secret), verifier)
	fmt.Println(err)
	// Output:
	// jack 1179659262 jack@example.com
	// twitter: access_token: HTTP 401: Twitter refused the tokens
}
