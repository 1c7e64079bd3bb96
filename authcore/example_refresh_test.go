package authcore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
)

// Refresh tokens from Go: a login of an application that generates them
// returns one; RefreshAccessToken trades it for a new access token (the
// same refresh token under the default Reusable policy), and once
// RevokeRefreshTokens has removed it, a refresh is refused with
// ErrRefreshTokenInvalid (400 [invalid]refreshToken over HTTP).
func ExampleEngine_RefreshAccessToken() {
	ctx := context.Background()
	fake := twittertest.NewServer()
	defer fake.Close()
	fake.AddConsumer("key", "secret")
	fake.AddAccount(twittertest.Account{ID: "42", ScreenName: "grace", Email: "grace@example.com"})
	client, _ := twitter.NewClient(twitter.WithBaseURL(fake.URL))
	engine, _ := authcore.New(ctx, memstore.New(), authcore.WithTwitterClient(client), quiet())
	app, _ := engine.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		Name: "app", LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true},
	}})
	_, _ = engine.CreateIdentityProvider(ctx, "", twitter.Provider{
		Type: twitter.TypeName, ButtonText: "Login with Twitter", ConsumerKey: "key", ConsumerSecret: "secret", Enabled: true,
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{app.ID: {Enabled: true}},
	})
	token, secret, verifier := fake.IssueRequestToken("key", "42")
	login, err := engine.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{
		ApplicationID: app.ID, IdentityProviderID: twitter.ProviderID,
		Data: map[string]string{"oauth_token": token, "oauth_token_secret": secret, "oauth_verifier": verifier},
	})
	if err != nil {
		panic(err)
	}

	refreshed, err := engine.RefreshAccessToken(ctx, authcore.RefreshRequest{RefreshToken: login.RefreshToken})
	fmt.Println(refreshed.Token != "", refreshed.RefreshToken == login.RefreshToken, refreshed.RefreshTokenID == login.RefreshTokenID, err)
	claims, _ := engine.ValidateAccessToken(ctx, refreshed.Token)
	fmt.Println(claims["authenticationType"], claims["sid"] == login.RefreshTokenID)

	n, err := engine.RevokeRefreshTokens(ctx, authcore.RevokeRequest{UserID: login.User.ID})
	fmt.Println("revoked:", n, err)
	_, err = engine.RefreshAccessToken(ctx, authcore.RefreshRequest{RefreshToken: login.RefreshToken})
	var refused *authcore.RefreshTokenError
	fmt.Println(errors.Is(err, authcore.ErrRefreshTokenInvalid), errors.As(err, &refused) && refused.Reason == authcore.RefreshRefusedUnknown)
	// Output:
	// true true true <nil>
	// REFRESH_TOKEN true
	// revoked: 1 <nil>
	// true true
}
