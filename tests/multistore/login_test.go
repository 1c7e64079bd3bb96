package multistore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/authcoretest"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/stretchr/testify/require"
)

const (
	appID = "3c212e59-0d0e-6b1a-ad48-f4f92793be32"
	ck    = "consumer-key"
	cs    = "consumer-secret"
)

// cluster is several engines ("instances") on one database and one fake
// Twitter, each behind its own handler.
type cluster struct {
	tw       *twittertest.Server
	handlers []http.Handler
	engines  []*authcore.Engine
}

func newCluster(tb testing.TB, open func(tb testing.TB) authcore.Store, instances int) *cluster {
	tb.Helper()
	c := &cluster{tw: twittertest.NewServer()}
	tb.Cleanup(c.tw.Close)
	c.tw.AddConsumer(ck, cs)
	ctx := context.Background()
	for i := 0; i < instances; i++ {
		client, err := twitter.NewClient(twitter.WithBaseURL(c.tw.URL), twitter.WithTimeout(10*time.Second))
		require.NoError(tb, err)
		e, err := authcore.New(ctx, open(tb), authcore.WithTwitterClient(client), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		require.NoError(tb, err)
		h, err := httpadapter.New(e)
		require.NoError(tb, err)
		c.engines = append(c.engines, e)
		c.handlers = append(c.handlers, h)
	}
	e := c.engines[0]
	_, err := authcoretest.TwitterLoginApp(ctx, e, appID, ck, cs)
	require.NoError(tb, err)
	return c
}

func (c *cluster) account(i int) string {
	id := fmt.Sprintf("9%06d", i)
	c.tw.AddAccount(twittertest.Account{ID: id, ScreenName: "user" + id, Name: "User " + id, Email: "user" + id + "@example.com"})
	return id
}

// loginBody uses the access-token shortcut: one token serves many logins.
func (c *cluster) loginBody(accountID string) string {
	tok, sec := c.tw.IssueAccessToken(ck, accountID)
	return fmt.Sprintf(`{"applicationId":%q,"identityProviderId":%q,"data":{"oauth_token":%q,"oauth_token_secret":%q}}`, appID, twitter.ProviderID, tok, sec)
}

func login(h http.Handler, body string) (int, string) {
	req := httptest.NewRequest("POST", "/api/identity-provider/login", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// Two instances on one database, 200 concurrent first logins spread over
// both for 20 Twitter accounts: exactly 20 users and 20 links, no 500s.
func TestConcurrentFirstLoginsAcrossInstances(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			open := k.open(t)
			c := newCluster(t, open, 2)
			const accounts, logins = 20, 200
			ids := make([]string, accounts)
			for i := range ids {
				ids[i] = c.account(i)
			}
			bodies := make([]string, logins)
			for i := range bodies {
				bodies[i] = c.loginBody(ids[i%accounts])
			}
			type result struct {
				code int
				user string
			}
			results := make([]result, logins)
			var wg sync.WaitGroup
			for i := 0; i < logins; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					code, body := login(c.handlers[i%2], bodies[i])
					var out struct {
						User struct{ ID string } `json:"user"`
					}
					_ = json.Unmarshal([]byte(body), &out)
					results[i] = result{code, out.User.ID}
				}(i)
			}
			wg.Wait()
			userOf := map[string]string{}
			for i, r := range results {
				require.Equal(t, 200, r.code, "login %d", i)
				acct := ids[i%accounts]
				if prev, ok := userOf[acct]; ok {
					require.Equal(t, prev, r.user, "account %s logged in as two users", acct)
				}
				userOf[acct] = r.user
			}
			ctx := context.Background()
			s := open(t)
			tenants, err := s.ListTenants(ctx)
			require.NoError(t, err)
			require.Len(t, tenants, 1, "two instances, one default tenant")
			users := map[string]bool{}
			for _, acct := range ids {
				l, err := s.GetLink(ctx, tenants[0].ID, twitter.ProviderID, acct)
				require.NoError(t, err)
				users[l.UserID] = true
				links, err := s.ListLinks(ctx, l.UserID, "")
				require.NoError(t, err)
				require.Len(t, links, 1)
				regs, err := s.ListRegistrations(ctx, l.UserID)
				require.NoError(t, err)
				require.Len(t, regs, 1)
			}
			require.Len(t, users, accounts)
			for u := range users {
				require.Contains(t, userOf, userOfAccount(t, s, tenants[0].ID, u))
			}
		})
	}
}

// userOfAccount finds the Twitter account a user is linked to.
func userOfAccount(t *testing.T, s authcore.Store, tenantID, userID string) string {
	t.Helper()
	links, err := s.ListLinks(context.Background(), userID, twitter.ProviderID)
	require.NoError(t, err)
	require.Len(t, links, 1)
	return links[0].IdentityProviderUserID
}

// BenchmarkLoginPerStore runs repeat logins through the full handler on each
// store, in one run, so the README can state SQLite and PostgreSQL as ratios
// to memstore.
func BenchmarkLoginPerStore(b *testing.B) {
	for _, k := range kinds() {
		b.Run(k.name, func(b *testing.B) {
			c := newCluster(b, k.open(b), 1)
			const accounts = 64
			bodies := make([]string, accounts)
			for i := range bodies {
				bodies[i] = c.loginBody(c.account(i))
				if code, body := login(c.handlers[0], bodies[i]); code != 200 {
					b.Fatalf("first login: %d %s", code, body)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if code, body := login(c.handlers[0], bodies[i%accounts]); code != 200 {
					b.Fatalf("login: %d %s", code, body)
				}
			}
		})
	}
}

// loggedIn is a one-engine cluster on k whose account 1 (acct) has logged
// in once, and that account's user.
func loggedIn(t *testing.T, k storeKind) (c *cluster, acct string, u *authcore.User) {
	t.Helper()
	c = newCluster(t, k.open(t), 1)
	acct = c.account(1)
	code, body := login(c.handlers[0], c.loginBody(acct))
	require.Equal(t, http.StatusOK, code, body)
	u, err := c.engines[0].UserByEmail(context.Background(), "user"+acct+"@example.com")
	require.NoError(t, err)
	return c, acct, u
}

// keepAnotherTenant creates a second tenant, so that a test may delete the
// one it works in: the last tenant cannot be deleted.
func keepAnotherTenant(t *testing.T, e *authcore.Engine) {
	t.Helper()
	_, err := e.CreateTenant(context.Background(), "", authcore.Tenant{Name: "survivor"})
	require.NoError(t, err)
}

// forEachStoreAndOwner runs fn as a subtest on each store, once for a test
// that deletes the test application and once for one that deletes its
// tenant.
func forEachStoreAndOwner(t *testing.T, fn func(t *testing.T, k storeKind, tenant bool)) {
	for _, k := range kinds() {
		for _, tenant := range []bool{false, true} {
			name := k.name + "/application"
			if tenant {
				name = k.name + "/tenant"
			}
			t.Run(name, func(t *testing.T) { fn(t, k, tenant) })
		}
	}
}

// deleteOwner deletes the test application or, with tenant, its tenant
// tenantID.
func deleteOwner(ctx context.Context, e *authcore.Engine, tenant bool, tenantID string) error {
	if tenant {
		return e.DeleteTenant(ctx, tenantID)
	}
	return e.DeleteApplication(ctx, appID)
}

// appTenant is the test application's tenant, as s holds it.
func appTenant(t *testing.T, s authcore.Store) *authcore.Tenant {
	t.Helper()
	ctx := context.Background()
	app, err := s.GetApplication(ctx, appID)
	require.NoError(t, err)
	tenant, err := s.GetTenant(ctx, app.TenantID)
	require.NoError(t, err)
	return tenant
}

// keyCount is how many signing keys s holds: a test that must make no key
// (for a deleted tenant) compares it before and after.
func keyCount(t *testing.T, s authcore.Store) int {
	t.Helper()
	keys, err := s.ListKeys(context.Background())
	require.NoError(t, err)
	return len(keys)
}
