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

// The Link API from Go: a login under CreatePendingLink stores a pending
// link instead of guessing who the Twitter account belongs to; the app,
// once its own user has signed in, reads the pending link and completes it
// for that user (single use); the next login goes through the link. An app
// can also link an account directly, list a user's links and remove one.
func ExampleEngine_CreateLink() {
	ctx := context.Background()
	fake := twittertest.NewServer()
	defer fake.Close()
	fake.AddConsumer("key", "secret")
	fake.AddAccount(twittertest.Account{ID: "42", ScreenName: "grace", Email: "grace@example.com"})
	client, _ := twitter.NewClient(twitter.WithBaseURL(fake.URL))
	engine, _ := authcore.New(ctx, memstore.New(), authcore.WithTwitterClient(client), quiet())

	app, _ := engine.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "app"}})
	if _, err := engine.CreateIdentityProvider(ctx, "", twitter.Provider{
		Type: "Twitter", ButtonText: "Login with Twitter", ConsumerKey: "key", ConsumerSecret: "secret", Enabled: true,
		LinkingStrategy:          "CreatePendingLink",
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{app.ID: {Enabled: true}},
	}); err != nil {
		panic(err)
	}
	user, _ := engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "hopper@example.com"}})
	login := func() *authcore.LoginResponse {
		token, secret, verifier := fake.IssueRequestToken("key", "42")
		resp, err := engine.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{
			ApplicationID: app.ID, IdentityProviderID: twitter.ProviderID,
			Data: map[string]string{"oauth_token": token, "oauth_token_secret": secret, "oauth_verifier": verifier},
		})
		if err != nil {
			panic(err)
		}
		return resp
	}

	resp := login()
	fmt.Println("login:", resp.Status, resp.PendingIdPLinkID != "")

	pending, _ := engine.PendingLink(ctx, resp.PendingIdPLinkID, user.ID)
	fmt.Println("pending:", pending.PendingIdPLink.IdentityProviderUserID, pending.PendingIdPLink.Email, "links so far:", pending.LinkCount)

	link, err := engine.CreateLink(ctx, authcore.LinkRequest{
		PendingIdPLinkID:     resp.PendingIdPLinkID,
		IdentityProviderLink: authcore.IdentityProviderLink{UserID: user.ID},
	})
	fmt.Println("linked:", link.IdentityProviderUserID, link.UserID == user.ID, err)

	var verr *authcore.ValidationError
	_, err = engine.CreateLink(ctx, authcore.LinkRequest{
		PendingIdPLinkID:     resp.PendingIdPLinkID,
		IdentityProviderLink: authcore.IdentityProviderLink{UserID: user.ID},
	})
	fmt.Println("again:", errors.As(err, &verr) && verr.Has("[InvalidPendingIdPLinkId]"))

	resp = login()
	fmt.Println("login:", resp.Status, resp.User.Email)

	// A direct link, as POST /api/identity-provider/link: a second Twitter
	// account for the same user, which a login never adds.
	if _, err := engine.CreateLink(ctx, authcore.LinkRequest{IdentityProviderLink: authcore.IdentityProviderLink{
		IdentityProviderID: twitter.ProviderID, IdentityProviderUserID: "43", UserID: user.ID, DisplayName: "@grace_alt",
	}}); err != nil {
		panic(err)
	}
	links, _ := engine.Links(ctx, user.ID, twitter.ProviderID)
	for _, l := range links {
		fmt.Println("link:", l.IdentityProviderUserID, l.DisplayName)
	}

	removed, _ := engine.DeleteLink(ctx, twitter.ProviderID, "43", user.ID)
	_, err = engine.Link(ctx, twitter.ProviderID, removed.IdentityProviderUserID, user.ID)
	fmt.Println("removed:", removed.IdentityProviderUserID, errors.Is(err, authcore.ErrNotFound))
	// Output:
	// login: 232 true
	// pending: 42 grace@example.com links so far: 0
	// linked: 42 true <nil>
	// again: true
	// login: 200 hopper@example.com
	// link: 42 grace@example.com
	// link: 43 @grace_alt
	// removed: 43 true
}
