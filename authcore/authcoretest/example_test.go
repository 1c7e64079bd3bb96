package authcoretest_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/authcoretest"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
)

// The set-up of a test of a Twitter login in two calls: the application
// with its default role and refresh tokens, and the provider enabled for it.
func ExampleTwitterLoginApp() {
	ctx := context.Background()
	fake := twittertest.NewServer()
	defer fake.Close()
	fake.AddConsumer("key", "secret")
	fake.AddAccount(twittertest.Account{ID: "42", ScreenName: "grace", Email: "grace@example.com"})
	client, err := twitter.NewClient(twitter.WithBaseURL(fake.URL))
	if err != nil {
		panic(err)
	}
	engine, err := authcore.New(ctx, memstore.New(), authcore.WithTwitterClient(client),
		authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		panic(err)
	}
	app, err := authcoretest.TwitterLoginApp(ctx, engine, "", "key", "secret")
	if err != nil {
		panic(err)
	}

	token, secret := fake.IssueAccessToken("key", "42")
	resp, err := engine.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{
		ApplicationID: app.ID, IdentityProviderID: twitter.ProviderID,
		Data: map[string]string{"oauth_token": token, "oauth_token_secret": secret},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Status, resp.User.Email, resp.User.Registrations[0].Roles, resp.RefreshToken != "")
	// Output: 200 grace@example.com [user] true
}
