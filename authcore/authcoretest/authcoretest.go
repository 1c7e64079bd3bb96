// Package authcoretest sets up what tests, benchmarks and examples of a
// Twitter login need, so that each does not write the same set-up again.
package authcoretest

import (
	"context"
	"fmt"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
)

// TwitterLoginApp creates, on e, an application with a default role "user"
// and refresh tokens, and the Twitter provider enabled for it with the given
// consumer credentials; it returns the application. id may be "" for a new
// one.
func TwitterLoginApp(ctx context.Context, e *authcore.Engine, id, consumerKey, consumerSecret string) (*authcore.Application, error) {
	app, err := e.CreateApplication(ctx, id, authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		Name:               "twitter login",
		Roles:              []authcore.ApplicationRole{{Name: "user", IsDefault: true}},
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true},
	}})
	if err != nil {
		return nil, fmt.Errorf("authcoretest: create application: %w", err)
	}
	_, err = e.CreateIdentityProvider(ctx, "", twitter.Provider{
		Type: twitter.TypeName, ButtonText: "Login with Twitter", Enabled: true,
		ConsumerKey: consumerKey, ConsumerSecret: twitter.Secret(consumerSecret),
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{app.ID: {Enabled: true}},
	})
	if err != nil {
		return nil, fmt.Errorf("authcoretest: create identity provider: %w", err)
	}
	return app, nil
}
