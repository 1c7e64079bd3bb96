package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

// An application deleted while a login that leaves its user unregistered
// (createRegistration false: 202) waits on Twitter is refused as one gone
// from the start, [invalid]applicationId, as a login that registers its user
// is (TestDeleteDuringLoginLeavesNothing). Such a login writes nothing that
// names the application, so no store refused it: it answered 202 with an
// access token for the deleted application, a first login stored its new
// user and link, and a repeat login its login record.
func TestDeleteApplicationDuringUnregisteredLogin(t *testing.T) {
	for _, k := range kinds() {
		for _, repeat := range []bool{false, true} {
			name := k.name + "/first login"
			if repeat {
				name = k.name + "/repeat login"
			}
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				r := newPausedRace(t, k, "")
				_, err := r.e.PatchIdentityProvider(ctx, twitter.ProviderID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
					Body: []byte(`{"identityProvider":{"applicationConfiguration":{"` + appID + `":{"createRegistration":false}}}}`)})
				require.NoError(t, err)
				acct := twittertest.Account{ID: "7002", ScreenName: "unregistered", Name: "Unregistered", Email: "unregistered@example.com"}
				var before *authcore.LoginResponse
				if repeat {
					r.tw.AddAccount(acct)
					before, err = twitterLogin(ctx, r.e, r.tw, acct.ID)
					require.NoError(t, err)
					require.Equal(t, authcore.LoginNotRegistered, before.Status)
				}
				tenants, err := r.s.ListTenants(ctx)
				require.NoError(t, err)
				tenantID := tenants[0].ID

				resp, err := r.loginAround(t, acct, func() error { return r.e.DeleteApplication(ctx, appID) })
				var ve *authcore.ValidationError
				require.ErrorAs(t, err, &ve, "answered %v", resp)
				assert.Equal(t, []string{"[invalid]applicationId"}, ve.Codes())

				l, err := r.s.GetLink(ctx, tenantID, twitter.ProviderID, acct.ID)
				if !repeat {
					assert.ErrorIs(t, err, authcore.ErrNotFound, "no link")
					_, err = r.s.GetUserByEmail(ctx, tenantID, acct.Email)
					assert.ErrorIs(t, err, authcore.ErrNotFound, "no user")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, before.User.LastLoginInstant, l.LastLoginInstant, "the link is as the first login left it")
				assert.Len(t, loginRecords(t, r.s, before.User.ID), 1, "the first login's record alone")
			})
		}
	}
}
