package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A token exchange (GET /api/jwt/issue with a refresh token) into an
// application deleted after the exchange read it. The exchange reads the
// application and the user's registration before its transaction, and its
// transaction reads neither: only the presented token (another
// application's) and the user; refresh tokens have no foreign key to
// applications. So the exchange left a refresh token of an application
// that no longer exists, on every store when the delete committed before
// the exchange's transaction began, and on PostgreSQL also when its token
// insert waited for the delete's token lock (READ COMMITTED: the insert
// went on once the delete had committed). The store now refuses a token of
// an application that is gone, and the exchange answers as for an unknown
// application, 400 [invalid]applicationId, with nothing written.
func TestIssueJWTDuringApplicationDelete(t *testing.T) {
	for _, k := range kinds() {
		for _, waits := range []bool{false, true} {
			if waits && k.name != "postgres" {
				// memstore and SQLite run one write transaction at a
				// time: the exchange's begins after the delete's commit,
				// the case before. And its reads outside a transaction
				// may then fall on either side of that commit (the
				// application still there, the registration gone: a 202
				// without a refresh token), so the outcome is not one.
				continue
			}
			name := k.name + "/delete before the transaction"
			if waits {
				name = k.name + "/insert waits for the delete"
			}
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				open := k.open(t)
				c := newCluster(t, open, 1)
				e := c.engines[0]
				r, err := twitterLogin(ctx, e, c.tw, c.account(1))
				require.NoError(t, err)
				require.NotEmpty(t, r.RefreshToken)
				other, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "other",
					LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}}})
				require.NoError(t, err)
				_, err = e.Register(ctx, r.User.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: other.ID}})
				require.NoError(t, err)

				deleteApp := func(d *authcore.Engine) func() error {
					return func() error { return d.DeleteApplication(ctx, other.ID) }
				}
				var issued authcore.IssueResult
				exchange := func(x *authcore.Engine) func() error {
					return func() error {
						var err error
						issued, err = x.IssueJWT(ctx, authcore.IssueRequest{AccessToken: r.Token, ApplicationID: other.ID, RefreshToken: r.RefreshToken})
						return err
					}
				}
				var deleteErr, issueErr error
				var conflicts int64
				if waits {
					// The delete has done all its work and holds its
					// locks; the exchange's insert waits for its token lock.
					deleter, ds := c.pausedEngine(t, open, "Commit")
					exchanger, xs := c.pausedEngine(t, open, "")
					deleteErr, issueErr = raceAround(t, k, ds, "%pg_advisory_xact_lock_shared(%", deleteApp(deleter), exchange(exchanger))
					conflicts = ds.conflicts.Load() + xs.conflicts.Load()
				} else {
					// The exchange has read the registration, outside its
					// transaction; the delete runs to its commit.
					exchanger, xs := c.pausedEngine(t, open, "GetRegistration")
					issueErr, deleteErr = pauseAround(t, xs, exchange(exchanger), deleteApp(e))
					conflicts = xs.conflicts.Load()
				}
				assert.Zero(t, conflicts, "transactions lost to a deadlock")
				require.NoError(t, deleteErr)
				var ve *authcore.ValidationError
				require.ErrorAs(t, issueErr, &ve, "the exchange comes after the delete (refresh token %q)", issued.RefreshToken)
				assert.Equal(t, []string{"[invalid]applicationId"}, ve.Codes())
				left, err := open(t).ListRefreshTokens(ctx, r.User.ID)
				require.NoError(t, err)
				for _, rt := range left {
					assert.NotEqual(t, other.ID, rt.ApplicationID, "a refresh token of the deleted application is left")
				}
				assert.Len(t, left, 1, "the login's token alone")
			})
		}
	}
}
