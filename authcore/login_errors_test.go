package authcore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/authcoretest"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
)

// TestLoginErrorKeepsTwitterError: a Go caller of IdentityProviderLogin can
// reach the *twitter.Error behind a refused or unavailable login (its Op and
// Status, twitter.ErrRefused or ErrUnavailable) and the context error that
// caused it, as twitter.Error documents; the login's error used to carry it
// as text only.
func TestLoginErrorKeepsTwitterError(t *testing.T) {
	ctx := context.Background()
	fake := twittertest.NewServer()
	defer fake.Close()
	fake.AddConsumer("key", "secret")
	fake.AddAccount(twittertest.Account{ID: "42", ScreenName: "grace"})
	// Two engines on one store and one fake, differing in their Twitter
	// client's timeout only. The refused exchange must be answered before
	// the timeout: generous, since under -race on a loaded 2-core machine a
	// call to the fake has taken over 2 s (newLoginFixtureStore). Only the
	// last call waits for a timeout to pass: short, and far below the
	// fault's delay, so that it is the client's timeout that ends the call.
	store := memstore.New()
	var appID string
	newLogin := func(timeout time.Duration) func(ctx context.Context, token, secret, verifier string) error {
		client, err := twitter.NewClient(twitter.WithBaseURL(fake.URL), twitter.WithTimeout(timeout))
		require.NoError(t, err)
		engine, err := authcore.New(ctx, store, authcore.WithTwitterClient(client), quiet())
		require.NoError(t, err)
		if appID == "" {
			app, err := authcoretest.TwitterLoginApp(ctx, engine, "", "key", "secret")
			require.NoError(t, err)
			appID = app.ID
		}
		return func(ctx context.Context, token, secret, verifier string) error {
			_, err := engine.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{
				ApplicationID: appID, IdentityProviderID: twitter.ProviderID,
				Data: map[string]string{"oauth_token": token, "oauth_token_secret": secret, "oauth_verifier": verifier},
			})
			return err
		}
	}
	login, loginTimingOut := newLogin(30*time.Second), newLogin(200*time.Millisecond)

	err := login(ctx, "unknown", "unknown", "verifier")
	var terr *twitter.Error
	require.ErrorAs(t, err, &terr)
	assert.Equal(t, "access_token", terr.Op)
	assert.Equal(t, 401, terr.Status)
	assert.ErrorIs(t, err, authcore.ErrIdentityProviderRefused)
	assert.ErrorIs(t, err, twitter.ErrRefused)
	assert.NotErrorIs(t, err, twitter.ErrUnavailable)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	token, secret, verifier := fake.IssueRequestToken("key", "42")
	err = login(cancelled, token, secret, verifier)
	assert.ErrorIs(t, err, authcore.ErrIdentityProviderUnavailable)
	assert.ErrorIs(t, err, twitter.ErrUnavailable)
	assert.ErrorIs(t, err, context.Canceled)

	fake.SetFault(twittertest.FaultTimeout)
	fake.SetFaultDelay(time.Minute) // Close releases it
	err = loginTimingOut(ctx, token, secret, verifier)
	assert.ErrorIs(t, err, authcore.ErrIdentityProviderUnavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the client's timeout is reachable")
}
