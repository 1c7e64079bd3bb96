// Command twitterdemo walks one person through authcore's Twitter login with
// three linking strategies, against an in-process fake Twitter that checks
// OAuth 1.0a signatures like the real one. It uses the Go API only: the same
// calls the HTTP adapter makes.
//
//	go run ./examples/twitterdemo
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer) error {
	fake := twittertest.NewServer()
	defer fake.Close()
	fake.AddConsumer("demo-key", "demo-secret")
	fake.AddAccount(twittertest.Account{ID: "783214", ScreenName: "ada", Name: "Ada Lovelace", Email: "ada@example.com"})

	client, err := twitter.NewClient(twitter.WithBaseURL(fake.URL))
	if err != nil {
		return err
	}
	engine, err := authcore.New(ctx, memstore.New(),
		authcore.WithTwitterClient(client),
		authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		return err
	}
	app, err := engine.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		Name:               "Demo app",
		Roles:              []authcore.ApplicationRole{{Name: "member", IsDefault: true}, {Name: "admin"}},
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true},
	}})
	if err != nil {
		return err
	}
	if _, err := engine.CreateIdentityProvider(ctx, "", twitter.Provider{
		Type: "Twitter", ButtonText: "Login with Twitter", ConsumerKey: "demo-key", ConsumerSecret: "demo-secret",
		Enabled: true, LinkingStrategy: "CreatePendingLink",
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{app.ID: {Enabled: true}},
	}); err != nil {
		return err
	}

	// login runs the browser half with the fake (a request token and the
	// verifier Twitter hands back), then completes the login in authcore.
	login := func() (*authcore.LoginResponse, error) {
		token, secret, verifier := fake.IssueRequestToken("demo-key", "783214")
		return engine.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{
			ApplicationID: app.ID, IdentityProviderID: twitter.ProviderID,
			Data: map[string]string{"oauth_token": token, "oauth_token_secret": secret, "oauth_verifier": verifier},
		})
	}
	setStrategy := func(s string) error {
		_, err := engine.PatchIdentityProvider(ctx, twitter.ProviderID, authcore.PatchRequest{
			ContentType: "application/merge-patch+json",
			Body:        []byte(`{"identityProvider":{"linkingStrategy":"` + s + `"}}`),
		})
		return err
	}

	fmt.Fprintln(out, "1. CreatePendingLink: Twitter says who @ada is; authcore links nobody yet.")
	resp, err := login()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   status %d, a pending link is waiting: %t\n", resp.Status, resp.PendingIdPLinkID != "")
	existing, err := engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "ada.l@example.org", FullName: "Ada (existing account)"}})
	if err != nil {
		return err
	}
	link, err := engine.CreateLink(ctx, authcore.LinkRequest{PendingIdPLinkID: resp.PendingIdPLinkID, UserID: existing.ID})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   the app completes it for its own user %q: linked Twitter id %s\n", existing.FullName, link.IdentityProviderUserID)
	resp, err = login()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   next login: status %d as %q, roles %v, JWT issued: %t\n", resp.Status, resp.User.FullName, resp.User.Registrations[0].Roles, resp.Token != "")

	fmt.Fprintln(out, "2. LinkByEmail, after the app removed that link: the Twitter e-mail decides.")
	if _, err := engine.DeleteLink(ctx, twitter.ProviderID, "783214", existing.ID); err != nil {
		return err
	}
	if err := setStrategy("LinkByEmail"); err != nil {
		return err
	}
	resp, err = login()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   status %d: nobody had ada@example.com, so authcore created %q <%s>, registered as %v\n",
		resp.Status, resp.User.FullName, resp.User.Email, resp.User.Registrations[0].Roles)
	// Read the link back rather than assert it: the demo prints only what
	// it has seen.
	link, err = engine.Link(ctx, twitter.ProviderID, "783214", resp.User.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   refresh token issued: %t; the Twitter access token is kept on the link: %t\n", resp.RefreshToken != "", link.Token != "")

	fmt.Fprintln(out, "3. Disabled: no automatic linking for new accounts, but existing links still log in.")
	if err := setStrategy("Disabled"); err != nil {
		return err
	}
	resp, err = login()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   @ada (already linked): status %d as <%s>\n", resp.Status, resp.User.Email)
	fake.AddAccount(twittertest.Account{ID: "999001", ScreenName: "newcomer", Email: "new@example.com"})
	token, secret, verifier := fake.IssueRequestToken("demo-key", "999001")
	_, err = engine.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{
		ApplicationID: app.ID, IdentityProviderID: twitter.ProviderID,
		Data: map[string]string{"oauth_token": token, "oauth_token_secret": secret, "oauth_verifier": verifier},
	})
	fmt.Fprintf(out, "   @newcomer (no link): refused, not found: %t\n", errorsIsNotFound(err))
	return nil
}
