package multistore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
)

// linkRace is a cluster of two instances with an API key, for races on the
// Link API: completing pending links and creating links, against each other,
// logins and deletes. Every answer is checked through HTTP: a lost race is
// a 4xx (409 [retryableConflict] included, SPEC §1), never a 500.
type linkRace struct {
	*cluster
	open   func(tb testing.TB) authcore.Store
	s      authcore.Store
	tenant string
	key    string
}

func newLinkRace(t *testing.T, k storeKind, strategy string, limit int) *linkRace {
	t.Helper()
	ctx := context.Background()
	open := k.open(t)
	r := &linkRace{cluster: newCluster(t, open, 2), open: open, s: open(t), key: "link-race-api-key-0123456789abcdef"}
	_, _, err := r.engines[0].CreateAPIKey(ctx, authcore.NewAPIKey{Key: r.key})
	require.NoError(t, err)
	tenants, err := r.s.ListTenants(ctx)
	require.NoError(t, err)
	require.Len(t, tenants, 1)
	r.tenant = tenants[0].ID
	patch := `"linkingStrategy":"` + strategy + `"`
	if limit > 0 {
		patch += fmt.Sprintf(`,"tenantConfiguration":{%q:{"limitUserLinkCount":{"enabled":true,"maximumLinks":%d}}}`, r.tenant, limit)
	}
	r.patchProvider(t, patch)
	return r
}

func (r *linkRace) patchProvider(t *testing.T, fields string) {
	t.Helper()
	_, err := r.engines[0].PatchIdentityProvider(context.Background(), twitter.ProviderID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"identityProvider":{` + fields + `}}`)})
	require.NoError(t, err)
}

// do sends a request to instance i.
func (r *linkRace) do(i int, method, path, body string) (int, string) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", r.key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	r.handlers[i%len(r.handlers)].ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func (r *linkRace) user(t *testing.T, id, email string) {
	t.Helper()
	require.NoError(t, r.s.CreateUser(context.Background(), &authcore.User{ID: id, TenantID: r.tenant, Email: email, Active: true}))
}

// pending logs Twitter account acct in under CreatePendingLink and returns
// the pending link's id.
func (r *linkRace) pending(t *testing.T, acct string) string {
	t.Helper()
	resp, err := twitterLogin(context.Background(), r.engines[0], r.tw, acct)
	require.NoError(t, err)
	require.Equal(t, authcore.LoginPendingLink, resp.Status)
	return resp.PendingIdPLinkID
}

func (r *linkRace) complete(i int, pendingID, userID string) (int, string) {
	return r.do(i, "POST", "/api/identity-provider/link", fmt.Sprintf(`{"pendingIdPLinkId":%q,"identityProviderLink":{"userId":%q}}`, pendingID, userID))
}

func (r *linkRace) pendingExists(t *testing.T, pendingID string) bool {
	t.Helper()
	code, body := r.do(0, "GET", "/api/identity-provider/link/pending/"+pendingID, "")
	require.Contains(t, []int{200, 404}, code, body)
	return code == 200
}

// lost asserts that a request that lost a race got 400 with one of codes,
// or 409 [retryableConflict].
func lost(t *testing.T, code int, body string, codes ...string) {
	t.Helper()
	if code == 409 {
		assert.Contains(t, body, "[retryableConflict]")
		return
	}
	require.Equal(t, 400, code, body)
	var errs struct {
		FieldErrors   map[string][]struct{ Code string } `json:"fieldErrors"`
		GeneralErrors []struct{ Code string }            `json:"generalErrors"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &errs), body)
	var got []string
	for _, es := range errs.FieldErrors {
		for _, e := range es {
			got = append(got, e.Code)
		}
	}
	for _, e := range errs.GeneralErrors {
		got = append(got, e.Code)
	}
	require.Len(t, got, 1, body)
	assert.Contains(t, codes, got[0], body)
}

// Concurrent completions of one pending link, for one user or two, on two
// instances: it is spent once, by exactly one of them, for one link.
func TestConcurrentPendingLinkCompletions(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			r := newLinkRace(t, k, "CreatePendingLink", 0)
			users := []string{"c0c0c0c0-0000-0000-0000-000000000001", "c0c0c0c0-0000-0000-0000-000000000002"}
			for i, id := range users {
				r.user(t, id, fmt.Sprintf("completer%d@example.com", i))
			}
			for round := range 5 {
				acct := r.account(round)
				p := r.pending(t, acct)
				const racers = 8
				codes, bodies := make([]int, racers), make([]string, racers)
				var wg sync.WaitGroup
				for i := range racers {
					wg.Go(func() { codes[i], bodies[i] = r.complete(i, p, users[i/2%2]) })
				}
				wg.Wait()
				winner := -1
				for i := range racers {
					if codes[i] == 200 {
						require.Equal(t, -1, winner, "round %d: two completions of one pending link: %v", round, bodies)
						winner = i
						continue
					}
					lost(t, codes[i], bodies[i], "[InvalidPendingIdPLinkId]")
				}
				require.NotEqual(t, -1, winner, "round %d: no completion won: %v", round, bodies)
				l, err := r.s.GetLink(ctx, r.tenant, twitter.ProviderID, acct)
				require.NoError(t, err)
				assert.Equal(t, users[winner/2%2], l.UserID)
				assert.False(t, r.pendingExists(t, p), "spent")
			}
			total := 0
			for _, id := range users {
				links, err := r.s.ListLinks(ctx, id, "")
				require.NoError(t, err)
				total += len(links)
			}
			assert.Equal(t, 5, total, "one link a round, no more")
		})
	}
}

// A pending link completed while the Twitter account it holds logs in under
// a strategy that links it itself (the provider's strategy changed after the
// pending link was made): one of them links the account, once; the logins
// all end as the link's user; a refused completion keeps its pending link
// (DECISIONS: a refused completion leaves it usable) and one that won spends
// it; no user is left behind by the loser.
func TestPendingLinkCompletionDuringLogins(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			r := newLinkRace(t, k, "CreatePendingLink", 0)
			const rounds = 6
			uid := "c1c1c1c1-0000-0000-0000-000000000001"
			r.user(t, uid, "owner@example.com")
			accts, pendings := make([]string, rounds), make([]string, rounds)
			for i := range rounds {
				accts[i] = r.account(i)
				pendings[i] = r.pending(t, accts[i])
			}
			r.patchProvider(t, `"linkingStrategy":"LinkByEmail"`)
			completed := 0
			for round := range rounds {
				acct, p := accts[round], pendings[round]
				var code int
				var body string
				logins := make([]*authcore.LoginResponse, 3)
				loginErrs := make([]error, 3)
				var wg sync.WaitGroup
				wg.Go(func() { code, body = r.complete(1, p, uid) })
				for i := range logins {
					wg.Go(func() {
						logins[i], loginErrs[i] = twitterLogin(ctx, r.engines[0], r.tw, acct)
					})
				}
				wg.Wait()
				l, err := r.s.GetLink(ctx, r.tenant, twitter.ProviderID, acct)
				require.NoError(t, err, "round %d", round)
				for i := range logins {
					require.NoError(t, loginErrs[i], "round %d", round)
					assert.Equal(t, l.UserID, logins[i].User.ID, "round %d: the login ends as the link's user", round)
				}
				if code == 200 {
					completed++
					assert.Equal(t, uid, l.UserID)
					assert.False(t, r.pendingExists(t, p), "round %d: spent", round)
					_, err := r.s.GetUserByEmail(ctx, r.tenant, "user"+acct+"@example.com")
					assert.ErrorIs(t, err, authcore.ErrNotFound, "round %d: the login that lost left no user", round)
				} else {
					lost(t, code, body, "[duplicate]identityProviderLink.identityProviderUserId")
					assert.NotEqual(t, uid, l.UserID)
					assert.True(t, r.pendingExists(t, p), "round %d: a refused completion keeps its pending link", round)
				}
			}
			links, err := r.s.ListLinks(ctx, uid, twitter.ProviderID)
			require.NoError(t, err)
			assert.Len(t, links, completed)
		})
	}
}

// A pending link completed for a user while the user is deleted: the delete
// succeeds and no link outlives the user. A completion that came first spent
// its pending link (its link went with the user); one that came second is
// refused as for an unknown user and keeps the pending link.
func TestPendingLinkCompletionDuringUserDelete(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			r := newLinkRace(t, k, "CreatePendingLink", 0)
			for round := range 6 {
				acct := r.account(round)
				p := r.pending(t, acct)
				uid := fmt.Sprintf("c2c2c2c2-0000-0000-0000-%012d", round)
				r.user(t, uid, fmt.Sprintf("doomed%d@example.com", round))
				var code, delCode int
				var body, delBody string
				var wg sync.WaitGroup
				wg.Go(func() { code, body = r.complete(round, p, uid) })
				wg.Go(func() { delCode, delBody = r.do(round+1, "DELETE", "/api/user/"+uid+"?hardDelete=true", "") })
				wg.Wait()
				require.Equal(t, 200, delCode, "round %d: %s", round, delBody)
				_, err := r.s.GetUser(ctx, uid)
				require.ErrorIs(t, err, authcore.ErrNotFound)
				_, err = r.s.GetLink(ctx, r.tenant, twitter.ProviderID, acct)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "round %d: no link outlives its user", round)
				links, err := r.s.ListLinks(ctx, uid, "")
				require.NoError(t, err)
				assert.Empty(t, links, "round %d", round)
				if code == 200 {
					assert.False(t, r.pendingExists(t, p), "round %d: spent", round)
				} else {
					lost(t, code, body, "[invalid]identityProviderLink.userId")
					assert.True(t, r.pendingExists(t, p), "round %d: a refused completion keeps its pending link", round)
				}
			}
		})
	}
}

// Links created at once for one user, directly and by completing pending
// links, on two instances, against the tenant's limit: exactly the limit
// succeeds, the others are [LinkCountExceeded], every completion that lost
// keeps its pending link.
func TestConcurrentLinkCreatesRespectLimit(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			const limit, direct, completions = 3, 5, 5
			r := newLinkRace(t, k, "CreatePendingLink", limit)
			for round := range 3 {
				uid := fmt.Sprintf("c3c3c3c3-0000-0000-0000-%012d", round)
				r.user(t, uid, fmt.Sprintf("limited%d@example.com", round))
				pendings := make([]string, completions)
				for i := range pendings {
					pendings[i] = r.pending(t, r.account(round*100+i))
				}
				codes, bodies := make([]int, direct+completions), make([]string, direct+completions)
				var wg sync.WaitGroup
				for i := range codes {
					wg.Go(func() {
						if i < direct {
							codes[i], bodies[i] = r.do(i, "POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":"direct-%d-%d","userId":%q}}`,
								twitter.ProviderID, round, i, uid))
						} else {
							codes[i], bodies[i] = r.complete(i, pendings[i-direct], uid)
						}
					})
				}
				wg.Wait()
				won := 0
				for i := range codes {
					if codes[i] == 200 {
						won++
					} else {
						lost(t, codes[i], bodies[i], "[LinkCountExceeded]")
					}
					if i >= direct {
						assert.Equal(t, codes[i] != 200, r.pendingExists(t, pendings[i-direct]), "round %d: completion %d (%d) and its pending link", round, i, codes[i])
					}
				}
				links, err := r.s.ListLinks(ctx, uid, twitter.ProviderID)
				require.NoError(t, err)
				assert.Len(t, links, limit, "round %d: the limit holds", round)
				assert.Equal(t, limit, won, "round %d: %v", round, bodies)
			}
		})
	}
}

// One Twitter account linked at once to several users through the Link
// API: one link, the others [duplicate].
func TestConcurrentLinkCreatesOfOneAccount(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			r := newLinkRace(t, k, "CreatePendingLink", 0)
			const racers = 6
			users := make([]string, racers)
			for i := range users {
				users[i] = fmt.Sprintf("c4c4c4c4-0000-0000-0000-%012d", i)
				r.user(t, users[i], fmt.Sprintf("rival%d@example.com", i))
			}
			for round := range 5 {
				codes, bodies := make([]int, racers), make([]string, racers)
				var wg sync.WaitGroup
				for i := range racers {
					wg.Go(func() {
						codes[i], bodies[i] = r.do(i, "POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":"shared-%d","userId":%q}}`,
							twitter.ProviderID, round, users[i]))
					})
				}
				wg.Wait()
				winner := -1
				for i := range racers {
					if codes[i] == 200 {
						require.Equal(t, -1, winner, "round %d: linked twice", round)
						winner = i
					} else {
						lost(t, codes[i], bodies[i], "[duplicate]identityProviderLink.identityProviderUserId")
					}
				}
				require.NotEqual(t, -1, winner, "round %d: %v", round, bodies)
				l, err := r.s.GetLink(ctx, r.tenant, twitter.ProviderID, fmt.Sprintf("shared-%d", round))
				require.NoError(t, err)
				assert.Equal(t, users[winner], l.UserID)
			}
		})
	}
}

// completeAround completes pending link p for userID on an engine of its
// own, and runs remove while the completion is paused holding the pending
// link; on PostgreSQL it lets the completion go on once remove waits for a
// lock at blockedQuery. Both lock the provider first, so remove waits for
// the provider there; when the completion locked the provider after the
// pending link, remove took the provider and waited for the pending link
// instead (blockedQuery never waited, and the test failed), and once let go
// the completion deadlocked with it.
// It returns the completion's error and remove's.
func (r *linkRace) completeAround(t *testing.T, k storeKind, p, userID, blockedQuery string, remove func() error) (error, error) {
	t.Helper()
	ctx := context.Background()
	ps := newPausingStore(r.open(t), "TakePendingLink")
	e, err := authcore.New(ctx, ps, authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	return raceAround(t, k, ps, blockedQuery+"%",
		func() error {
			_, err := e.CreateLink(ctx, authcore.LinkRequest{PendingIdPLinkID: p, IdentityProviderLink: authcore.IdentityProviderLink{UserID: userID}})
			return err
		},
		remove)
}

// remains asserts that no link or pending link of acct is left.
func (r *linkRace) remains(t *testing.T, tenantID, acct, p string) {
	t.Helper()
	ctx := context.Background()
	_, err := r.s.GetLink(ctx, tenantID, twitter.ProviderID, acct)
	assert.ErrorIs(t, err, authcore.ErrNotFound, "no link is left")
	_, err = r.s.GetPendingLink(ctx, p, 0)
	assert.ErrorIs(t, err, authcore.ErrNotFound, "no pending link is left")
}

// A pending link completed while the identity provider is deleted: both
// lock the provider first (the completion used to lock it last, and on
// PostgreSQL the two deadlocked: the delete answered 409 once its runs ran
// out). The delete succeeds, the completion succeeds or finds its pending
// link gone, and nothing of the provider is left (SPEC §4).
func TestPendingLinkCompletionDuringProviderDelete(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			r := newLinkRace(t, k, "CreatePendingLink", 0)
			uid := "c5c5c5c5-0000-0000-0000-000000000001"
			r.user(t, uid, "survivor@example.com")
			acct := r.account(1)
			p := r.pending(t, acct)
			cerr, derr := r.completeAround(t, k, p, uid, "DELETE FROM identity_providers", func() error {
				return r.engines[1].DeleteIdentityProvider(ctx, twitter.ProviderID)
			})
			require.NoError(t, derr)
			completedOrGone(t, cerr)
			r.remains(t, r.tenant, acct, p)
		})
	}
}

// completedOrGone asserts a completion that raced a delete: it succeeded,
// or found its pending link gone ([InvalidPendingIdPLinkId]).
func completedOrGone(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ve *authcore.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"[InvalidPendingIdPLinkId]"}, ve.Codes())
}

// Pending links completed while their tenant is deleted: the delete locks
// the provider (to forget the tenant there) and then the tenant's pending
// links and users, and the completion locks the provider first too. The
// delete succeeds, the completion succeeds or finds its pending link gone,
// and nothing of the tenant is left.
func TestPendingLinkCompletionDuringTenantDelete(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			r := newLinkRace(t, k, "CreatePendingLink", 0)
			tn, err := r.engines[0].CreateTenant(ctx, "", authcore.Tenant{Name: "doomed"})
			require.NoError(t, err)
			app, err := r.engines[0].CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{TenantID: tn.ID, Name: "doomed app"}})
			require.NoError(t, err)
			r.patchProvider(t, fmt.Sprintf(`"applicationConfiguration":{%q:{"enabled":true}}`, app.ID))
			uid := "c6c6c6c6-0000-0000-0000-000000000001"
			require.NoError(t, r.s.CreateUser(ctx, &authcore.User{ID: uid, TenantID: tn.ID, Email: "doomed@example.com", Active: true}))
			acct := r.account(1)
			resp, err := r.engines[0].IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{ApplicationID: app.ID, IdentityProviderID: twitter.ProviderID,
				Data: tokenData(r.tw, acct)})
			require.NoError(t, err)
			require.Equal(t, authcore.LoginPendingLink, resp.Status)
			p := resp.PendingIdPLinkID
			cerr, derr := r.completeAround(t, k, p, uid, "SELECT doc FROM identity_providers", func() error {
				return r.engines[1].DeleteTenant(ctx, tn.ID)
			})
			require.NoError(t, derr)
			completedOrGone(t, cerr)
			r.remains(t, tn.ID, acct, p)
			_, err = r.s.GetUser(ctx, uid)
			assert.ErrorIs(t, err, authcore.ErrNotFound)
		})
	}
}
