package multistore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// The other paths that hold a user or a refresh token in their
// transaction, and may read a tenant or an application there (their store
// hides ConfigVersioner, as on a configuration change), against a user's
// update (PUT: the user, then the tenant for update) and a tenant's update
// (the tenant alone): a token exchange with a refresh token (GET
// /api/jwt/issue: the token, then the user), a revocation of a user's
// tokens with events recorded (the tokens, the user, then the application
// and tenant shared), a user's delete with events recorded (the links, the
// tokens, the user), a deactivation (the user, then the tenant) and a
// repeat login (the link, then the user). Each side is paused first with
// what it locked first; the other either waits for it (on PostgreSQL: a
// statement like waits, SQL LIKE) or, waiting for nothing it holds, ends
// before it goes on. No transaction is lost to a deadlock.
func TestColdPathsDuringUserOrTenantUpdate(t *testing.T) {
	events := authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil })
	const users, tenants = "SELECT doc FROM users WHERE id%", "SELECT doc FROM tenants WHERE id%"
	paths := []struct {
		name  string
		pause string
		opts  []authcore.Option
		run   func(ctx context.Context, e *authcore.Engine, r *authcore.LoginResponse, c *cluster) error
		// What a user's update and a tenant's update wait for when this
		// path holds its first locks, and what this path waits for when
		// they hold theirs ("": nothing on PostgreSQL).
		userWaits, tenantWaits, waitsUser, waitsTenant string
	}{
		{"issue", "GetRefreshTokenByHash", nil,
			func(ctx context.Context, e *authcore.Engine, r *authcore.LoginResponse, _ *cluster) error {
				out, err := e.IssueJWT(ctx, authcore.IssueRequest{AccessToken: r.Token, ApplicationID: appID, RefreshToken: r.RefreshToken})
				if err == nil && out.RefreshToken == "" {
					err = fmt.Errorf("the exchange made no refresh token")
				}
				return err
			}, "", "", users, ""},
		{"revoke by user", "GetUser", []authcore.Option{events},
			func(ctx context.Context, e *authcore.Engine, r *authcore.LoginResponse, _ *cluster) error {
				n, err := e.RevokeRefreshTokens(ctx, authcore.RevokeRequest{UserID: r.User.ID})
				if err == nil && n != 1 {
					err = fmt.Errorf("revoked %d tokens, want 1", n)
				}
				return err
			}, users, "", users, tenants},
		{"user delete", "GetUser", []authcore.Option{events},
			func(ctx context.Context, e *authcore.Engine, r *authcore.LoginResponse, _ *cluster) error {
				return e.DeleteUser(ctx, r.User.ID)
			}, users, "", users, ""},
		{"deactivate", "GetUser", nil,
			func(ctx context.Context, e *authcore.Engine, r *authcore.LoginResponse, _ *cluster) error {
				_, err := e.DeactivateUser(ctx, r.User.ID)
				return err
			}, users, "", users, tenants},
		{"login", "GetUser", nil,
			func(ctx context.Context, e *authcore.Engine, _ *authcore.LoginResponse, c *cluster) error {
				out, err := twitterLogin(ctx, e, c.tw, c.account(1))
				if err == nil && out.Status != authcore.LoginOK {
					err = fmt.Errorf("login status %d", out.Status)
				}
				return err
			}, users, "", users, ""},
	}
	for _, k := range kinds() {
		for _, p := range paths {
			for _, writer := range []string{"user update", "tenant update"} {
				for _, pathFirst := range []bool{true, false} {
					name := fmt.Sprintf("%s/%s/%s/%s holds its locks", k.name, p.name, writer, p.name)
					if !pathFirst {
						name = fmt.Sprintf("%s/%s/%s/%s holds its locks", k.name, p.name, writer, writer)
					}
					t.Run(name, func(t *testing.T) {
						ctx := context.Background()
						open := k.open(t)
						c := newCluster(t, open, 1)
						r, err := twitterLogin(ctx, c.engines[0], c.tw, c.account(1))
						require.NoError(t, err)
						require.NotEmpty(t, r.RefreshToken)

						writerPause, pathPause := "", p.pause
						if !pathFirst {
							writerPause, pathPause = "GetUser", ""
							if writer == "tenant update" {
								writerPause = "Commit"
							}
						}
						pe, ps := c.pausedEngine(t, open, pathPause, p.opts...)
						we, ws := c.pausedEngine(t, open, writerPause)
						runPath := func() error { return p.run(ctx, pe, r, c) }
						runWriter := func() error {
							if writer == "tenant update" {
								_, err := we.PatchTenant(ctx, r.User.TenantID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
									Body: []byte(`{"tenant":{"issuer":"renamed.example.com"}}`)})
								return err
							}
							_, err := we.UpdateUser(ctx, r.User.ID, authcore.UserRequest{User: authcore.UserInput{Email: "renamed@example.com"}})
							return err
						}

						var pathErr, writerErr error
						var waits string
						switch {
						case pathFirst && writer == "user update":
							waits = p.userWaits
						case pathFirst:
							waits = p.tenantWaits
						case writer == "user update":
							waits = p.waitsUser
						default:
							waits = p.waitsTenant
						}
						switch {
						case pathFirst && waits != "":
							pathErr, writerErr = raceAround(t, k, ps, waits, runPath, runWriter)
						case pathFirst:
							pathErr, writerErr = aheadOf(t, k, ps, runPath, runWriter)
						case waits != "":
							writerErr, pathErr = raceAround(t, k, ws, waits, runWriter, runPath)
						default:
							writerErr, pathErr = aheadOf(t, k, ws, runWriter, runPath)
						}
						assert.Zero(t, ps.conflicts.Load()+ws.conflicts.Load(), "transactions lost to a deadlock")
						require.NoError(t, pathErr)
						if p.name == "user delete" && writer == "user update" && pathFirst {
							assert.ErrorIs(t, writerErr, authcore.ErrNotFound, "the update after the user's delete")
							return
						}
						require.NoError(t, writerErr)
					})
				}
			}
		}
	}
}
