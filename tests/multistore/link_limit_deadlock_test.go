package multistore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/idp/twitter"
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
				accts := r.emailAccounts("6", round, logins, email)
				calls := make([]func() (int, string), creates+logins)
				for i := range calls {
					if i < creates {
						calls[i] = func() (int, string) { return r.createLink(i, "lim", round, uid) }
						continue
					}
					body := r.loginBody(accts[i-creates])
					calls[i] = func() (int, string) { return login(r.handlers[i%2], body) }
				}
				codes, bodies := race(calls)
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
