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
	// Long enough that the refused exchange below is answered in time on a
	// loaded machine, shorter than the fault's 5 s delay at the end.
	client, err := twitter.NewClient(twitter.WithBaseURL(fake.URL), twitter.WithTimeout(2*time.Second))
	require.NoError(t, err)
	engine, err := authcore.New(ctx, memstore.New(), authcore.WithTwitterClient(client), quiet())
	require.NoError(t, err)
	app, err := authcoretest.TwitterLoginApp(ctx, engine, "", "key", "secret")
	require.NoError(t, err)
	login := func(ctx context.Context, token, secret, verifier string) error {
		_, err := engine.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{
			ApplicationID: app.ID, IdentityProviderID: twitter.ProviderID,
			Data: map[string]string{"oauth_token": token, "oauth_token_secret": secret, "oauth_verifier": verifier},
		})
		return err
	}

	err = login(ctx, "unknown", "unknown", "verifier")
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
	fake.SetFaultDelay(5 * time.Second)
	err = login(ctx, token, secret, verifier)
	assert.ErrorIs(t, err, authcore.ErrIdentityProviderUnavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the client's timeout is reachable")
}
