package authcore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
)

// How a Go caller tells the engine's refusals apart: sentinels with
// errors.Is, the FusionAuth Errors object (and its field errors) with
// errors.As.
func Example_errors() {
	ctx := context.Background()
	engine, _ := authcore.New(ctx, memstore.New(), quiet())

	_, err := engine.User(ctx, "00000000-0000-4000-8000-000000000000")
	fmt.Println("not found:", errors.Is(err, authcore.ErrNotFound))

	_, _ = engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "ada@example.com"}})
	_, err = engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "ADA@example.com"}})
	// A uniqueness rule the engine checks is a field error, as FusionAuth
	// answers it, not ErrDuplicate.
	var verr *authcore.ValidationError
	if errors.As(err, &verr) {
		for _, fe := range verr.FieldErrors["user.email"] {
			fmt.Println("user.email:", fe.Code, "-", fe.Message)
		}
		fmt.Println("duplicate:", errors.Is(err, authcore.ErrDuplicate))
	}

	_, err = engine.ValidateAccessToken(ctx, "not.a.token")
	fmt.Println("token invalid:", errors.Is(err, authcore.ErrTokenInvalid), "unauthorized:", errors.Is(err, authcore.ErrUnauthorized))
	// Output:
	// not found: true
	// user.email: [duplicate]user.email - A user with this [user.email] already exists in the tenant.
	// duplicate: false
	// token invalid: true unauthorized: true
}

// A login that Twitter refuses, and one it cannot answer, are told apart by
// errors.Is; the *twitter.Error behind either names the call and the HTTP
// status.
func ExampleEngine_IdentityProviderLogin_errors() {
	ctx := context.Background()
	fake := twittertest.NewServer()
	defer fake.Close()
	fake.AddConsumer("key", "secret")
	fake.AddAccount(twittertest.Account{ID: "42", ScreenName: "grace"})
	client, _ := twitter.NewClient(twitter.WithBaseURL(fake.URL))
	engine, _ := authcore.New(ctx, memstore.New(), authcore.WithTwitterClient(client), quiet())
	app, _ := engine.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "app"}})
	_, _ = engine.CreateIdentityProvider(ctx, "", twitter.Provider{
		Type: twitter.TypeName, ButtonText: "Login with Twitter", ConsumerKey: "key", ConsumerSecret: "secret", Enabled: true,
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{app.ID: {Enabled: true}},
	})
	login := func() error {
		token, secret, verifier := fake.IssueRequestToken("key", "42")
		_, err := engine.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{
			ApplicationID: app.ID, IdentityProviderID: twitter.ProviderID,
			Data: map[string]string{"oauth_token": token, "oauth_token_secret": secret + "-forged", "oauth_verifier": verifier},
		})
		return err
	}

	err := login()
	var terr *twitter.Error
	fmt.Println(errors.Is(err, authcore.ErrIdentityProviderRefused), errors.As(err, &terr), terr.Op, terr.Status)

	fake.SetFault(twittertest.FaultStatus500)
	err = login()
	fmt.Println(errors.Is(err, authcore.ErrIdentityProviderUnavailable), errors.As(err, &terr), terr.Op, terr.Status)
	// Output:
	// true true access_token 401
	// true true access_token 500
}

// Validating an access token: the claims of a good one; ErrTokenExpired (a
// *TokenExpiredError, with the instant) or ErrTokenInvalid otherwise, both
// of which are also ErrUnauthorized.
func ExampleEngine_ValidateAccessToken() {
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	engine, _ := authcore.New(ctx, memstore.New(), quiet(), authcore.WithClock(func() time.Time { return now }))
	token, _ := engine.VendJWT(ctx, authcore.JWTVendRequest{Claims: map[string]any{"sub": "svc"}, TimeToLiveInSeconds: 60})

	claims, err := engine.ValidateAccessToken(ctx, token)
	fmt.Println(claims["sub"], err)

	_, err = engine.ValidateAccessToken(ctx, token[:len(token)-4]+"AAAA")
	fmt.Println(errors.Is(err, authcore.ErrTokenInvalid), errors.Is(err, authcore.ErrUnauthorized))

	now = now.Add(2 * time.Minute)
	_, err = engine.ValidateAccessToken(ctx, token)
	var expired *authcore.TokenExpiredError
	if errors.As(err, &expired) {
		fmt.Println(errors.Is(err, authcore.ErrTokenExpired), errors.Is(err, authcore.ErrUnauthorized), expired.Expiry.Format(time.Kitchen))
	}
	// Output:
	// svc <nil>
	// true true
	// true true 12:01PM
}

// PATCH in its three forms, chosen by the media type as over HTTP:
// FusionAuth's legacy merge (arrays append), RFC 7396 (arrays replace, null
// removes) and RFC 6902 (operations, with test).
func ExampleEngine_PatchUser() {
	ctx := context.Background()
	engine, _ := authcore.New(ctx, memstore.New(), quiet())
	user, _ := engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{
		Email: "ada@example.com", FirstName: "Ada", PreferredLanguages: []string{"en"},
	}})

	user, _ = engine.PatchUser(ctx, user.ID, authcore.PatchRequest{
		ContentType: "application/json",
		Body:        []byte(`{"user":{"preferredLanguages":["fr"]}}`),
	})
	fmt.Println(user.PreferredLanguages, user.FirstName)

	user, _ = engine.PatchUser(ctx, user.ID, authcore.PatchRequest{
		ContentType: "application/merge-patch+json",
		Body:        []byte(`{"user":{"preferredLanguages":["de"],"firstName":null}}`),
	})
	fmt.Printf("%v %q\n", user.PreferredLanguages, user.FirstName)

	user, err := engine.PatchUser(ctx, user.ID, authcore.PatchRequest{
		ContentType: "application/json-patch+json",
		Body:        []byte(`[{"op":"test","path":"/user/email","value":"ada@example.com"},{"op":"replace","path":"/user/email","value":"lovelace@example.com"}]`),
	})
	fmt.Println(user.Email, err)

	_, err = engine.PatchUser(ctx, user.ID, authcore.PatchRequest{ContentType: "text/plain", Body: []byte(`{}`)})
	fmt.Println(err)
	// Output:
	// [en fr] Ada
	// [de] ""
	// lovelace@example.com <nil>
	// validation: [PatchNotSupported]
}

// A program that takes an API key from its configuration refuses a key the
// engine would refuse before it opens a store.
func ExampleCheckAPIKey() {
	for _, key := range []string{"too-short", "a-key-from-the-environment-0123"} {
		var verr *authcore.ValidationError
		if err := authcore.CheckAPIKey(key); errors.As(err, &verr) {
			fmt.Printf("%q: %s\n", key, verr.FieldErrors["apiKey.key"][0].Message)
			continue
		}
		fmt.Printf("%q: accepted\n", key)
	}
	// Output:
	// "too-short": An API key must be at least 16 characters.
	// "a-key-from-the-environment-0123": accepted
}
