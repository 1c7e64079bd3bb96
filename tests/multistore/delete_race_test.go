package multistore_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/authcoretest"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

// pause holds a login's verify_credentials call while armed: the login has
// read its configuration and not yet begun its transaction.
type pause struct {
	armed   atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func (p *pause) RoundTrip(r *http.Request) (*http.Response, error) {
	if p.armed.Load() && strings.Contains(r.URL.Path, "verify_credentials") {
		p.entered <- struct{}{}
		<-p.release
	}
	return http.DefaultTransport.RoundTrip(r)
}

// pausedRace is an engine on a fresh store whose Twitter calls go through
// a pause, with the Twitter login application and provider (linking
// strategy as given), and a fake Twitter behind it.
type pausedRace struct {
	s  authcore.Store
	e  *authcore.Engine
	tw *twittertest.Server
	p  *pause
}

func newPausedRace(t *testing.T, k storeKind, strategy string) *pausedRace {
	t.Helper()
	ctx := context.Background()
	r := &pausedRace{s: k.open(t)(t), tw: twittertest.NewServer(), p: &pause{entered: make(chan struct{}, 1), release: make(chan struct{})}}
	t.Cleanup(r.tw.Close)
	r.tw.AddConsumer(ck, cs)
	client, err := twitter.NewClient(twitter.WithBaseURL(r.tw.URL), twitter.WithTimeout(30*time.Second), twitter.WithHTTPClient(&http.Client{Transport: r.p}))
	require.NoError(t, err)
	r.e, err = authcore.New(ctx, r.s, authcore.WithTwitterClient(client), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	_, err = authcoretest.TwitterLoginApp(ctx, r.e, appID, ck, cs)
	require.NoError(t, err)
	if strategy != "" {
		_, err = r.e.PatchIdentityProvider(ctx, twitter.ProviderID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
			Body: []byte(`{"identityProvider":{"linkingStrategy":"` + strategy + `"}}`)})
		require.NoError(t, err)
	}
	return r
}

// loginAround logs account a in and runs change while the login waits for
// verify_credentials: after it read its configuration, before its
// transaction. It returns the login's result.
func (r *pausedRace) loginAround(t *testing.T, a twittertest.Account, change func() error) (*authcore.LoginResponse, error) {
	t.Helper()
	r.tw.AddAccount(a)
	tok, sec := r.tw.IssueAccessToken(ck, a.ID)
	r.p.armed.Store(true)
	type result struct {
		resp *authcore.LoginResponse
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := r.e.IdentityProviderLogin(context.Background(), authcore.IdentityProviderLoginRequest{ApplicationID: appID, IdentityProviderID: twitter.ProviderID,
			Data: map[string]string{"oauth_token": tok, "oauth_token_secret": sec}})
		done <- result{resp, err}
	}()
	<-r.p.entered
	require.NoError(t, change())
	close(r.p.release)
	res := <-done
	return res.resp, res.err
}

// A login reads its provider and tenant before its transaction. A DELETE of
// either committed in between must not leave the login's link or pending
// link behind (SPEC §4: the provider's DELETE "also removes the provider's
// links and pending links"): the login is refused and writes nothing.
func TestDeleteDuringLoginLeavesNothing(t *testing.T) {
	cases := []struct {
		name, strategy, code string
		remove               func(ctx context.Context, e *authcore.Engine, tenantID string) error
	}{
		{"provider deleted, first login", "", "[InvalidIdentityProviderId]", func(ctx context.Context, e *authcore.Engine, _ string) error {
			return e.DeleteIdentityProvider(ctx, twitter.ProviderID)
		}},
		{"provider deleted, pending link", "CreatePendingLink", "[InvalidIdentityProviderId]", func(ctx context.Context, e *authcore.Engine, _ string) error {
			return e.DeleteIdentityProvider(ctx, twitter.ProviderID)
		}},
		{"tenant deleted, pending link", "CreatePendingLink", "[invalid]applicationId", deleteTenant},
		// A pending link names its application, which no store holds it
		// to: it was stored, and the login answered 232.
		{"application deleted, pending link", "CreatePendingLink", "[invalid]applicationId", func(ctx context.Context, e *authcore.Engine, _ string) error {
			return e.DeleteApplication(ctx, appID)
		}},
		// An application without default roles is not read again in the
		// transaction (login.go): the store's refusal of the new user (its
		// tenant gone) or of the registration (its application gone) was a
		// bare not-found, a 404 that says "no such user".
		{noDefaultRole + "tenant deleted, first login", "", "[invalid]applicationId", deleteTenant},
		{noDefaultRole + "application deleted, first login", "", "[invalid]applicationId", func(ctx context.Context, e *authcore.Engine, _ string) error {
			return e.DeleteApplication(ctx, appID)
		}},
	}
	for _, k := range kinds() {
		for _, tc := range cases {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				r := newPausedRace(t, k, tc.strategy)
				if strings.HasPrefix(tc.name, noDefaultRole) {
					require.NoError(t, r.e.DeleteApplicationRoleByName(ctx, appID, "user"))
				}
				tenants, err := r.s.ListTenants(ctx)
				require.NoError(t, err)
				tenantID := tenants[0].ID
				_, err = r.loginAround(t, twittertest.Account{ID: "7001", ScreenName: "racer", Name: "Racer", Email: "racer@example.com"},
					func() error { return tc.remove(ctx, r.e, tenantID) })
				var ve *authcore.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, []string{tc.code}, ve.Codes())
				_, err = r.s.GetLink(ctx, tenantID, twitter.ProviderID, "7001")
				assert.ErrorIs(t, err, authcore.ErrNotFound, "no link")
				_, err = r.s.GetUserByEmail(ctx, tenantID, "racer@example.com")
				assert.ErrorIs(t, err, authcore.ErrNotFound, "no user")
			})
		}
	}
}

// noDefaultRole starts the name of a case whose application has no default
// role.
const noDefaultRole = "no default role, "

// deleteTenant deletes the login's tenant, after creating a sibling: the
// last tenant cannot go.
func deleteTenant(ctx context.Context, e *authcore.Engine, tenantID string) error {
	if _, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "Sibling"}); err != nil {
		return err
	}
	return e.DeleteTenant(ctx, tenantID)
}

// Deleting a user while its logins and refreshes run: on PostgreSQL they
// take their locks in the other order and one side loses to a deadlock; the
// delete runs again rather than answering 409. With events recorded the
// delete also reads the user in its transaction (for user.delete), after
// the links and tokens, as the store deletes them.
func TestDeleteUserDuringLoginsAndRefreshes(t *testing.T) {
	for _, k := range kinds() {
		for _, events := range []bool{false, true} {
			name := k.name
			if events {
				name += "/events"
			}
			t.Run(name, func(t *testing.T) { deleteUserDuringLoginsAndRefreshes(t, k, events) })
		}
	}
}

func deleteUserDuringLoginsAndRefreshes(t *testing.T, k storeKind, events bool) {
	ctx := context.Background()
	open := k.open(t)
	c := newCluster(t, open, 2)
	deleter := c.engines[1]
	if events {
		var err error
		deleter, err = authcore.New(ctx, open(t), authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }),
			authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		require.NoError(t, err)
	}
	for round := range 3 {
		acct := c.account(round)
		r, err := twitterLogin(ctx, c.engines[0], c.tw, acct)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for i := range 6 {
			wg.Go(func() {
				if i%2 == 0 {
					_, _ = twitterLogin(ctx, c.engines[0], c.tw, acct)
				} else {
					_, _ = c.engines[0].RefreshAccessToken(ctx, authcore.RefreshRequest{RefreshToken: r.RefreshToken})
				}
			})
		}
		err = deleter.DeleteUser(ctx, r.User.ID)
		wg.Wait()
		require.NoError(t, err, "round %d", round)
	}
}

func tokenData(tw *twittertest.Server, account string) map[string]string {
	tok, sec := tw.IssueAccessToken(ck, account)
	return map[string]string{"oauth_token": tok, "oauth_token_secret": sec}
}

// twitterLogin logs Twitter account acct into the test application through
// e, by the access-token shortcut.
func twitterLogin(ctx context.Context, e *authcore.Engine, tw *twittertest.Server, acct string) (*authcore.LoginResponse, error) {
	return e.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{ApplicationID: appID, IdentityProviderID: twitter.ProviderID,
		Data: tokenData(tw, acct)})
}
