// Package eventstest builds an engine with a fake Twitter, an application
// and the Twitter provider, for the tests of events, the relay, Kafka and
// CleanSpeak moderation. It is test support: only tests import it.
package eventstest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

const (
	// AppID is the application logins go through.
	AppID          = "5d1e9c4a-6b0f-4c1e-9a53-2b7f0e8d4c11"
	consumerKey    = "ck-events"
	consumerSecret = "cs-events-secret"
)

// Env is an engine ready for Twitter logins.
type Env struct {
	T        testing.TB
	Ctx      context.Context
	Engine   *authcore.Engine
	Store    authcore.Store
	Twitter  *twittertest.Server
	TenantID string
}

// Options shape the environment.
type Options struct {
	// Strategy is the provider's linking strategy (default LinkByEmail).
	Strategy string
	// Engine options, e.g. WithEventSubscriber or WithKafkaPublisher.
	Engine []authcore.Option
}

// New builds the environment on s.
func New(t testing.TB, s authcore.Store, o Options) *Env {
	t.Helper()
	tw := twittertest.NewServer()
	t.Cleanup(tw.Close)
	tw.AddConsumer(consumerKey, consumerSecret)
	client, err := twitter.NewClient(twitter.WithBaseURL(tw.URL), twitter.WithTimeout(5*time.Second))
	require.NoError(t, err)
	ctx := context.Background()
	e, err := authcore.New(ctx, s, append([]authcore.Option{authcore.WithTwitterClient(client)}, o.Engine...)...)
	require.NoError(t, err)
	tenants, err := s.ListTenants(ctx)
	require.NoError(t, err)
	env := &Env{T: t, Ctx: ctx, Engine: e, Store: s, Twitter: tw, TenantID: tenants[0].ID}
	require.NoError(t, s.CreateApplication(ctx, &authcore.Application{
		ID: AppID, TenantID: env.TenantID, Name: "events app", Active: true,
		Roles:              []authcore.ApplicationRole{{ID: "5d1e9c4a-6b0f-4c1e-9a53-2b7f0e8d4c12", Name: "user", IsDefault: true}},
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true},
	}))
	strategy := o.Strategy
	if strategy == "" {
		strategy = "LinkByEmail"
	}
	_, err = e.CreateIdentityProvider(ctx, "", twitter.Provider{
		Type: "Twitter", ButtonText: "Login with Twitter", ConsumerKey: consumerKey, ConsumerSecret: consumerSecret,
		Enabled: true, LinkingStrategy: strategy,
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{AppID: {Enabled: true}},
	})
	require.NoError(t, err)
	return env
}

// Account adds a Twitter account: id, screen name, e-mail.
func (env *Env) Account(id, screenName, email string) {
	env.Twitter.AddAccount(twittertest.Account{ID: id, ScreenName: screenName, Name: "Name " + screenName, Email: email})
}

// Request is a login request for a Twitter account with a fresh access
// token (one Twitter round trip).
func (env *Env) Request(accountID string) authcore.IdentityProviderLoginRequest {
	tok, sec := env.Twitter.IssueAccessToken(consumerKey, accountID)
	return authcore.IdentityProviderLoginRequest{
		ApplicationID: AppID, IdentityProviderID: twitter.ProviderID, IPAddress: "203.0.113.7",
		Data: map[string]string{"oauth_token": tok, "oauth_token_secret": sec},
	}
}

// Login logs accountID in.
func (env *Env) Login(accountID string) (*authcore.LoginResponse, error) {
	return env.Engine.IdentityProviderLogin(env.Ctx, env.Request(accountID))
}

// MustLogin logs accountID in and fails the test on an error.
func (env *Env) MustLogin(accountID string) *authcore.LoginResponse {
	env.T.Helper()
	resp, err := env.Login(accountID)
	require.NoError(env.T, err)
	return resp
}

// RunRelay runs the engine's relay until the test ends, and waits for it
// to stop then.
func (env *Env) RunRelay() {
	env.T.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- env.Engine.RunRelay(ctx) }()
	env.T.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(env.T, err)
		case <-time.After(10 * time.Second):
			env.T.Errorf("the relay did not stop")
		}
	})
}

// FastRelay is a relay configuration for tests: short waits.
var FastRelay = authcore.RelayConfig{PollInterval: 5 * time.Millisecond, MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, LeaseTTL: 3 * time.Second}

// Collector is an in-process subscriber that keeps what it gets.
type Collector struct {
	mu     sync.Mutex
	events []authcore.Event
	// Fail, when set, is returned for events it matches (and they are not
	// kept).
	Fail func(authcore.Event) error
}

// Subscriber is the func to give WithEventSubscriber.
func (c *Collector) Subscriber(_ context.Context, ev authcore.Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Fail != nil {
		if err := c.Fail(ev); err != nil {
			return err
		}
	}
	c.events = append(c.events, ev)
	return nil
}

// Events returns what arrived so far.
func (c *Collector) Events() []authcore.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]authcore.Event(nil), c.events...)
}

// Types returns the types of what arrived so far, in order.
func (c *Collector) Types() []string {
	var out []string
	for _, ev := range c.Events() {
		out = append(out, ev.Type)
	}
	return out
}

// WaitFor waits until at least n events arrived.
func (c *Collector) WaitFor(t testing.TB, n int) []authcore.Event {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if evs := c.Events(); len(evs) >= n {
			return evs
		}
		time.Sleep(2 * time.Millisecond)
	}
	require.FailNow(t, fmt.Sprintf("waited for %d events, got %d: %v", n, len(c.Events()), c.Types()))
	return nil
}
