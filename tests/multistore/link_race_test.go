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
)

// Creating links for a user (the Link API, on another engine) while that
// user logs in through an existing link: both succeed. CreateLink locked
// the user and then the user's links, a login the link and then the user,
// and on PostgreSQL CreateLink lost the deadlock and answered ErrConflict.
func TestCreateLinkDuringLogins(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			c := newCluster(t, k.open(t), 2)
			acct := c.account(1)
			login := func() error {
				_, err := twitterLogin(ctx, c.engines[0], c.tw, acct)
				return err
			}
			r, err := twitterLogin(ctx, c.engines[0], c.tw, acct)
			require.NoError(t, err)
			var mu sync.Mutex
			var linkErrs, loginErrs []error
			record := func(errs *[]error, err error) {
				if err != nil {
					mu.Lock()
					*errs = append(*errs, err)
					mu.Unlock()
				}
			}
			const rounds = 20
			for round := range rounds {
				var wg sync.WaitGroup
				for range 4 {
					wg.Go(func() { record(&loginErrs, login()) })
				}
				wg.Go(func() {
					_, err := c.engines[1].CreateLink(ctx, authcore.LinkRequest{IdentityProviderLink: authcore.IdentityProviderLink{
						IdentityProviderID: twitter.ProviderID, IdentityProviderUserID: fmt.Sprintf("extra-%d", round), UserID: r.User.ID}})
					record(&linkErrs, err)
				})
				wg.Wait()
			}
			assert.Empty(t, loginErrs, "logins during CreateLink")
			require.Empty(t, linkErrs, "CreateLink during logins")
			links, err := c.engines[1].Store().ListLinks(ctx, r.User.ID, twitter.ProviderID)
			require.NoError(t, err)
			assert.Len(t, links, rounds+1, "the login's link and every created one")
		})
	}
}
