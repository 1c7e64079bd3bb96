package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A revocation of a user's or an application's refresh tokens while a
// refresh of one of them holds the token and has not yet read its
// application and user (the refresher's store hides ConfigVersioner, so its
// transaction reads them, as any engine's does on a configuration change).
// A refresh locked the token, then the application, then the user (the
// user comes right after the token now, for a user's update); the
// revocation locked the user, or the application for update, and then
// waited for the token, a deadlock on PostgreSQL that one of them lost and
// ran again (after the server's deadlock timeout). The revocation locks the
// user's tokens before the user now, as a user's delete does, and both
// read the application under a shared lock: the revocation waits for the
// refresh, which goes on, and then deletes the token.
func TestRevokeTokensDuringRefresh(t *testing.T) {
	for _, k := range kinds() {
		for _, tc := range []struct {
			name      string
			user, app bool
			events    bool
		}{
			{"by user", true, false, false},
			{"by user, events", true, false, true},
			{"by user and application", true, true, false},
			{"by user and application, events", true, true, true},
			{"by application", false, true, false},
			{"by application, events", false, true, true},
		} {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				open := k.open(t)
				c := newCluster(t, open, 1)
				r, err := twitterLogin(ctx, c.engines[0], c.tw, c.account(1))
				require.NoError(t, err)
				require.NotEmpty(t, r.RefreshToken)

				refresher, fs := c.pausedEngine(t, open, "GetRefreshTokenByHash")
				var opts []authcore.Option
				if tc.events {
					opts = append(opts, authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }))
				}
				revoker, rs := c.pausedEngine(t, open, "", opts...)

				var req authcore.RevokeRequest
				if tc.user {
					req.UserID = r.User.ID
				}
				if tc.app {
					req.ApplicationID = appID
				}
				// The revocation waits for the token (in its DELETE, or in
				// a read of the user's tokens).
				var revokedN int
				refreshErr, revokeErr := raceAround(t, k, fs, "%FROM refresh_tokens WHERE %",
					func() error {
						_, err := refresher.RefreshAccessToken(ctx, authcore.RefreshRequest{RefreshToken: r.RefreshToken})
						return err
					},
					func() error {
						var err error
						revokedN, err = revoker.RevokeRefreshTokens(ctx, req)
						return err
					})
				require.NoError(t, refreshErr)
				require.NoError(t, revokeErr)
				assert.Equal(t, 1, revokedN, "the refreshed token is revoked")
				assert.Zero(t, fs.conflicts.Load()+rs.conflicts.Load(), "transactions lost to a deadlock")
				left, err := revoker.RefreshTokens(ctx, r.User.ID)
				require.NoError(t, err)
				assert.Empty(t, left)
			})
		}
	}
}
