package multistore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

// Links created for one user through the Link API, on two instances, while
// other Twitter accounts with the user's email log in, under a limit: every
// create answers 200 or 400 [LinkCountExceeded], every login 200 or 400
// ExistingUserAlreadyLinked; none loses a deadlock and gives up with 409,
// and the user ends with exactly the limit. A create locks the user's links
// and then the user (the order of a login through a link), a login by email
// the user; reading the links again under the user's lock must take no
// lock, or a create that waits for the user while holding a link closes a
// cycle with the one that reads them (PostgreSQL: 40P01, and 409
// [retryableConflict] once the retries ran out).
func TestLinkCreatesUnderLimitDoNotDeadlock(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			const limit, creates, logins = 6, 14, 2
			r := newLinkRace(t, k, "LinkByEmail", limit)
			for round := range 10 {
				uid := fmt.Sprintf("d2d2d2d2-0000-0000-0000-%012d", round)
				email := fmt.Sprintf("nodeadlock%d@example.com", round)
				r.user(t, uid, email)
				accts := make([]string, logins)
				for i := range accts {
					accts[i] = fmt.Sprintf("6%02d%04d", round, i)
					r.tw.AddAccount(twittertest.Account{ID: accts[i], ScreenName: "racer" + accts[i], Name: "Racer", Email: email})
				}
				codes, bodies := make([]int, creates+logins), make([]string, creates+logins)
				var wg sync.WaitGroup
				for i := range codes {
					if i < creates {
						wg.Go(func() {
							codes[i], bodies[i] = r.do(i, "POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":"lim-%d-%d","userId":%q}}`,
								twitter.ProviderID, round, i, uid))
						})
						continue
					}
					body := r.loginBody(accts[i-creates])
					wg.Go(func() { codes[i], bodies[i] = login(r.handlers[i%2], body) })
				}
				wg.Wait()
				for i := range codes {
					if codes[i] == 200 {
						continue
					}
					require.Equal(t, 400, codes[i], "round %d: %d: %s", round, i, bodies[i])
					if i < creates {
						assert.Contains(t, bodies[i], "[LinkCountExceeded]", "round %d", round)
					} else {
						assert.Contains(t, bodies[i], "ExistingUserAlreadyLinked", "round %d", round)
					}
				}
				links, err := r.s.ListLinks(ctx, uid, twitter.ProviderID)
				require.NoError(t, err)
				assert.Len(t, links, limit, "round %d", round)
			}
		})
	}
}
