package twittertest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

// A test of what a login does when Twitter misbehaves: the fake answers as
// told, and counts the calls that reached it.
func ExampleServer_SetFault() {
	fake := twittertest.NewServer()
	defer fake.Close()
	fake.AddConsumer("consumer-key", "consumer-secret")
	fake.AddAccount(twittertest.Account{ID: "1179659262", ScreenName: "jack"})
	client, err := twitter.NewClient(twitter.WithBaseURL(fake.URL))
	if err != nil {
		panic(err)
	}
	consumer := twitter.Consumer{Key: "consumer-key", Secret: "consumer-secret"}
	// An access token, as a client that did the exchange itself sends.
	token, secret := fake.IssueAccessToken("consumer-key", "1179659262")

	fake.SetFault(twittertest.FaultStatus500)
	_, _, _, err = client.Login(context.Background(), consumer, token, twitter.Secret(secret), "")
	fmt.Println("unavailable:", errors.Is(err, twitter.ErrUnavailable))

	fake.SetFault(twittertest.FaultNone)
	_, user, _, err := client.Login(context.Background(), consumer, token, twitter.Secret(secret), "")
	fmt.Println(user.ScreenName, err)

	accessToken, verifyCredentials := fake.Requests()
	fmt.Println("calls:", accessToken, verifyCredentials)
	// Output:
	// unavailable: true
	// jack <nil>
	// calls: 0 2
}
