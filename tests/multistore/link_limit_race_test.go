package multistore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

// emailAccounts adds n Twitter accounts to the fake that share email, with
// ids prefix, round and their index, and screen names of their own.
func (r *linkRace) emailAccounts(prefix string, round, n int, email string) []string {
	accts := make([]string, n)
	for i := range accts {
		accts[i] = fmt.Sprintf("%s%02d%04d", prefix, round, i)
		r.tw.AddAccount(twittertest.Account{ID: accts[i], ScreenName: "racer" + accts[i], Name: "Racer", Email: email})
	}
	return accts
}

// createLink is a Link API call, the i-th of a race, linking a new Twitter
// user id (tag, round and i) to userID.
func (r *linkRace) createLink(i int, tag string, round int, userID string) (int, string) {
	return r.do(i, "POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":"%s-%d-%d","userId":%q}}`,
		twitter.ProviderID, tag, round, i, userID))
}

// race runs calls at once, started in their order, and returns each one's
// status and body at its index.
func race(calls []func() (int, string)) ([]int, []string) {
	codes, bodies := make([]int, len(calls)), make([]string, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() { codes[i], bodies[i] = call() })
	}
	wg.Wait()
	return codes, bodies
}

// loginRecords reads a user's login records, which authcore.Store cannot.
func loginRecords(t *testing.T, s authcore.Store, userID string) []authcore.LoginRecord {
	t.Helper()
	switch s := s.(type) {
	case *memstore.Store:
		return s.LoginRecords(userID)
	case *sqlstore.Store:
		recs, err := s.LoginRecords(context.Background(), userID)
		require.NoError(t, err)
		return recs
	}
	t.Fatalf("no login records in %T", s)
	return nil
}

// Several Twitter accounts that share an existing user's email (or, under
// LinkByUsername, its username) log in at once, on two instances, with the
// tenant's link limit at 1 or 2. A login never links a second account of
// the provider to a user (SPEC §5, the takeover guard, checked before the
// limit): one login links, the others are refused with
// [ExternalAuthenticationException]ExistingUserAlreadyLinked (or lost as
// 409 [retryableConflict]), and a refused login leaves nothing behind: no
// user, registration, link or login record of its own.
func TestConcurrentLinkingLoginsToOneUser(t *testing.T) {
	for _, k := range kinds() {
		for _, tc := range []struct {
			strategy string
			limit    int
		}{{"LinkByEmail", 1}, {"LinkByEmail", 2}, {"LinkByUsername", 2}} {
			t.Run(fmt.Sprintf("%s/%s/%d", k.name, tc.strategy, tc.limit), func(t *testing.T) {
				ctx := context.Background()
				r := newLinkRace(t, k, tc.strategy, tc.limit)
				const rounds, racers = 3, 6
				for round := range rounds {
					uid := fmt.Sprintf("d0d0d0d0-0000-0000-%04d-%012d", tc.limit, round)
					email := fmt.Sprintf("shared%d@example.com", round)
					screen := fmt.Sprintf("shared%d", round)
					require.NoError(t, r.s.CreateUser(ctx, &authcore.User{ID: uid, TenantID: r.tenant, Email: email, Username: screen, Active: true}))
					accts := make([]string, racers)
					for i := range accts {
						accts[i] = fmt.Sprintf("8%02d%04d", round, i)
						// Only the key the strategy looks up is shared: the
						// other is the account's own.
						a := twittertest.Account{ID: accts[i], ScreenName: screen, Name: "Racer", Email: email}
						if tc.strategy == "LinkByUsername" {
							a.Email = "racer" + accts[i] + "@example.com"
						} else {
							a.ScreenName = "racer" + accts[i]
						}
						r.tw.AddAccount(a)
					}
					calls := make([]func() (int, string), racers)
					for i := range calls {
						body := r.loginBody(accts[i])
						calls[i] = func() (int, string) { return login(r.handlers[i%2], body) }
					}
					codes, bodies := race(calls)
					won := 0
					for i := range racers {
						if codes[i] == 200 {
							won++
							continue
						}
						lost(t, codes[i], bodies[i], "[ExternalAuthenticationException]ExistingUserAlreadyLinked")
						_, err := r.s.GetLink(ctx, r.tenant, twitter.ProviderID, accts[i])
						assert.ErrorIs(t, err, authcore.ErrNotFound, "round %d: a refused login left a link", round)
					}
					assert.Equal(t, 1, won, "round %d: %v", round, bodies)
					links, err := r.s.ListLinks(ctx, uid, twitter.ProviderID)
					require.NoError(t, err)
					assert.Len(t, links, 1, "round %d: one account of the provider per user by login", round)
					regs, err := r.s.ListRegistrations(ctx, uid)
					require.NoError(t, err)
					assert.Len(t, regs, 1, "round %d", round)
					assert.Len(t, loginRecords(t, r.s, uid), 1, "round %d: a refused login left a login record", round)
					for _, a := range accts {
						for _, find := range []func() (*authcore.User, error){
							func() (*authcore.User, error) { return r.s.GetUserByEmail(ctx, r.tenant, "racer"+a+"@example.com") },
							func() (*authcore.User, error) { return r.s.GetUserByUsername(ctx, r.tenant, "racer"+a) },
						} {
							_, err := find()
							assert.ErrorIs(t, err, authcore.ErrNotFound, "round %d: a login created a user", round)
						}
					}
				}
			})
		}
	}
}

// The Link API links accounts to a user while another Twitter account with
// the user's email logs in (LinkByEmail), under a limit of 1 or 2: the
// user never has more links than the limit, and never more than one made by
// a login. A refused Link API call is [LinkCountExceeded] (SPEC §6), a
// refused login ExistingUserAlreadyLinked (the takeover guard comes first),
// and a refused login leaves no link or login record.
func TestLinkAPIRacesLinkingLogins(t *testing.T) {
	for _, k := range kinds() {
		for _, limit := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%d", k.name, limit), func(t *testing.T) {
				ctx := context.Background()
				r := newLinkRace(t, k, "LinkByEmail", limit)
				const rounds, logins, direct = 3, 3, 3
				for round := range rounds {
					uid := fmt.Sprintf("d1d1d1d1-0000-0000-%04d-%012d", limit, round)
					email := fmt.Sprintf("apirace%d@example.com", round)
					r.user(t, uid, email)
					accts := r.emailAccounts("7", round, logins, email)
					calls := make([]func() (int, string), logins+direct)
					for i := range calls {
						if i < logins {
							body := r.loginBody(accts[i])
							calls[i] = func() (int, string) { return login(r.handlers[i%2], body) }
							continue
						}
						calls[i] = func() (int, string) { return r.createLink(i, "api", round, uid) }
					}
					codes, bodies := race(calls)
					loginsWon, won := 0, 0
					for i := range codes {
						if codes[i] == 200 {
							won++
							if i < logins {
								loginsWon++
							}
							continue
						}
						if i < logins {
							lost(t, codes[i], bodies[i], "[ExternalAuthenticationException]ExistingUserAlreadyLinked", "[LinkCountExceeded]")
							_, err := r.s.GetLink(ctx, r.tenant, twitter.ProviderID, accts[i])
							assert.ErrorIs(t, err, authcore.ErrNotFound, "round %d: a refused login left a link", round)
						} else {
							lost(t, codes[i], bodies[i], "[LinkCountExceeded]")
						}
					}
					links, err := r.s.ListLinks(ctx, uid, twitter.ProviderID)
					require.NoError(t, err)
					assert.LessOrEqual(t, len(links), limit, "round %d: the limit holds: %v", round, bodies)
					assert.Equal(t, won, len(links), "round %d: every 200 is a link", round)
					assert.LessOrEqual(t, loginsWon, 1, "round %d: a login linked a second account", round)
					assert.Len(t, loginRecords(t, r.s, uid), loginsWon, "round %d: login records", round)
				}
			})
		}
	}
}

// The same Twitter account logs in, on two instances, while its user is
// deleted through the API. The delete succeeds; every login answers 200 (as
// the old user, or as a new one once the old is gone, LinkByEmail creating
// it again) or loses as 409 [retryableConflict], never a 500; and no link
// outlives its user.
func TestLinkedLoginsDuringUserDelete(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			r := newLinkRace(t, k, "LinkByEmail", 1)
			for round := range 4 {
				acct := r.account(round)
				first, err := twitterLogin(ctx, r.engines[0], r.tw, acct)
				require.NoError(t, err)
				const logins = 6
				codes, bodies := make([]int, logins), make([]string, logins)
				var delCode int
				var delBody string
				var wg sync.WaitGroup
				for i := range logins {
					body := r.loginBody(acct)
					wg.Go(func() { codes[i], bodies[i] = login(r.handlers[i%2], body) })
				}
				wg.Go(func() { delCode, delBody = r.do(round, "DELETE", "/api/user/"+first.User.ID+"?hardDelete=true", "") })
				wg.Wait()
				require.Equal(t, 200, delCode, "round %d: %s", round, delBody)
				for i := range logins {
					if codes[i] != 200 {
						lost(t, codes[i], bodies[i])
					}
				}
				_, err = r.s.GetUser(ctx, first.User.ID)
				require.ErrorIs(t, err, authcore.ErrNotFound, "round %d", round)
				links, err := r.s.ListLinks(ctx, first.User.ID, "")
				require.NoError(t, err)
				assert.Empty(t, links, "round %d: a link outlived its user", round)
				if l, err := r.s.GetLink(ctx, r.tenant, twitter.ProviderID, acct); err == nil {
					_, err := r.s.GetUser(ctx, l.UserID)
					assert.NoError(t, err, "round %d: the link's user exists", round)
				} else {
					require.ErrorIs(t, err, authcore.ErrNotFound)
				}
			}
		})
	}
}
