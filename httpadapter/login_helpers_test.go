package httpadapter_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	loginAppID    = "3c212e59-0d0e-6b1a-ad48-f4f92793be32"
	overrideAppID = "4c212e59-0d0e-6b1a-ad48-f4f92793be32"
	consumerKey   = "ck-top"
	consumerSec   = "cs-top-secret-value"
	overrideKey   = "ck-app"
	overrideSec   = "cs-app-secret-value"
)

// loginFixture is an engine with a fake Twitter, an application with a
// default role, and the Twitter provider enabled for it.
type loginFixture struct {
	*fixture
	tw     *twittertest.Server
	tenant string
}

type providerOpts struct {
	strategy           string
	createRegistration *bool
	limit              int // 0: no limit
	reconcileID        string
	debug              bool
}

func newLoginFixture(t *testing.T, po providerOpts, engineOpts ...authcore.Option) *loginFixture {
	t.Helper()
	tw := twittertest.NewServer()
	t.Cleanup(tw.Close)
	mem := memstore.New()
	return newLoginFixtureStore(t, tw, mem, mem, po, engineOpts...)
}

// newLoginFixtureStore runs the engine on s and inspects mem.
func newLoginFixtureStore(t *testing.T, tw *twittertest.Server, s authcore.Store, mem *memstore.Store, po providerOpts, engineOpts ...authcore.Option) *loginFixture {
	t.Helper()
	tw.AddConsumer(consumerKey, consumerSec)
	tw.AddConsumer(overrideKey, overrideSec)
	// Generous: 64 concurrent logins under -race on a loaded 2-core machine
	// took over 2 s for one call (a 401 in TestLoginConcurrentFirstLogins);
	// no test here waits for this timeout to pass.
	client, err := twitter.NewClient(twitter.WithBaseURL(tw.URL), twitter.WithTimeout(30*time.Second))
	require.NoError(t, err)
	opts := append([]authcore.Option{authcore.WithTwitterClient(client), authcore.WithClock(steppingClock())}, engineOpts...)
	f := &loginFixture{fixture: newFixtureOn(t, s, mem, opts), tw: tw}
	f.tenant = defaultTenant0(t, f.fixture)
	ctx := context.Background()
	for _, id := range []string{loginAppID, overrideAppID} {
		require.NoError(t, f.store.CreateApplication(ctx, &authcore.Application{
			ID: id, TenantID: f.tenant, Name: "app " + id[:4], Active: true,
			Roles: []authcore.ApplicationRole{
				{ID: "r1-" + id[:4], Name: "user", IsDefault: true},
				{ID: "r2-" + id[:4], Name: "admin"},
			},
			LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true},
		}))
	}
	p := twitter.Provider{
		Type: "Twitter", ButtonText: "Login with Twitter", ConsumerKey: consumerKey, ConsumerSecret: consumerSec,
		Enabled: true, Debug: po.debug, LinkingStrategy: po.strategy,
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{
			loginAppID:    {Enabled: true, CreateRegistration: po.createRegistration},
			overrideAppID: {Enabled: true, ConsumerKey: overrideKey, ConsumerSecret: overrideSec},
		},
		LambdaConfiguration: twitter.LambdaConfiguration{ReconcileID: po.reconcileID},
	}
	if po.limit > 0 {
		max := po.limit
		p.TenantConfiguration = map[string]twitter.TenantConfiguration{f.tenant: {LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: true, MaximumLinks: &max}}}
	}
	_, err = f.engine.CreateIdentityProvider(ctx, "", p)
	require.NoError(t, err)
	return f
}

// account adds a Twitter account.
func (f *loginFixture) account(id, screenName, email string) twittertest.Account {
	a := twittertest.Account{ID: id, ScreenName: screenName, Name: "Name " + screenName, Email: email, ProfileImageURL: "https://img.example/" + id}
	f.tw.AddAccount(a)
	return a
}

// loginBody builds a login request for accountID through appID with a fresh
// request token and its verifier (the full OAuth 1.0a flow).
func (f *loginFixture) loginBody(appID, accountID string, extra map[string]any) string {
	key := consumerKey
	if appID == overrideAppID {
		key = overrideKey
	}
	tok, sec, ver := f.tw.IssueRequestToken(key, accountID)
	body := map[string]any{
		"applicationId":      appID,
		"identityProviderId": twitterID,
		"data":               map[string]string{"oauth_token": tok, "oauth_token_secret": sec, "oauth_verifier": ver},
	}
	for k, v := range extra {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	return string(b)
}

func (f *loginFixture) login(accountID string, extra map[string]any, headers ...string) response {
	f.t.Helper()
	return f.anon("POST", "/api/identity-provider/login", f.loginBody(loginAppID, accountID, extra), headers...)
}

// anon sends a request without an API key.
func (f *loginFixture) anon(method, path, body string, headers ...string) response {
	f.t.Helper()
	return f.do(method, path, body, append([]string{"Authorization", ""}, headers...)...)
}

type loginOut struct {
	Token                  string         `json:"token"`
	TokenExpirationInstant int64          `json:"tokenExpirationInstant"`
	RefreshToken           string         `json:"refreshToken"`
	RefreshTokenID         string         `json:"refreshTokenId"`
	PendingIdPLinkID       string         `json:"pendingIdPLinkId"`
	TwoFactorID            string         `json:"twoFactorId"`
	User                   *authcore.User `json:"user"`
}

func decodeLogin(t *testing.T, r response) loginOut {
	t.Helper()
	var out loginOut
	require.NoError(t, json.Unmarshal([]byte(r.Body), &out), "body %q", r.Body)
	return out
}

// assertTwitterUnavailable checks a login Twitter could not serve (SPEC §5):
// 401 with an empty body, no user, link or registration added since before,
// and one Error event-log entry whose message says each of says.
func assertTwitterUnavailable(t *testing.T, f *loginFixture, r response, before memstore.Stats, says ...string) {
	t.Helper()
	assert.Equal(t, 401, r.Code)
	assert.Empty(t, r.Body)
	after := stats(f)
	assert.Equal(t, before.Users, after.Users)
	assert.Equal(t, before.Links, after.Links)
	assert.Equal(t, before.Registrations, after.Registrations)
	res, err := f.engine.SearchEventLogs(context.Background(), authcore.EventLogSearchCriteria{Type: authcore.EventLogError})
	require.NoError(t, err)
	require.Equal(t, 1, res.Total)
	for _, s := range says {
		assert.Contains(t, res.EventLogs[0].Message, s)
	}
}
