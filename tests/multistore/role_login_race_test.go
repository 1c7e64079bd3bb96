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

// A first login gives the new registration the application's default
// roles. A login reads the application before its transaction (and before
// Twitter answers); a Role API change committed in between must be
// followed as for every existing registration: no registration may keep a
// deleted role or a role's old name.
func TestRoleChangeDuringFirstLogin(t *testing.T) {
	cases := []struct {
		name   string
		change func(ctx context.Context, e *authcore.Engine, roleID string) error
		want   []string
	}{
		{"deleted", func(ctx context.Context, e *authcore.Engine, roleID string) error {
			return e.DeleteApplicationRole(ctx, appID, roleID)
		}, nil},
		{"renamed", func(ctx context.Context, e *authcore.Engine, roleID string) error {
			_, err := e.UpdateApplicationRole(ctx, appID, roleID, authcore.ApplicationRoleRequest{Role: authcore.ApplicationRole{Name: "member", IsDefault: true}})
			return err
		}, []string{"member"}},
	}
	for _, k := range kinds() {
		for _, tc := range cases {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				tw := twittertest.NewServer()
				t.Cleanup(tw.Close)
				tw.AddConsumer(ck, cs)
				p := &pause{entered: make(chan struct{}, 1), release: make(chan struct{})}
				s := k.open(t)(t)
				e := pausedEngine(t, s, tw, p, "")
				app, err := e.Application(ctx, appID)
				require.NoError(t, err)
				require.Len(t, app.Roles, 1)
				require.Equal(t, []string{"user"}, authcore.DefaultRoles(app))
				tw.AddAccount(twittertest.Account{ID: "7101", ScreenName: "roler", Name: "Roler", Email: "roler@example.com"})
				tok, sec := tw.IssueAccessToken(ck, "7101")

				p.armed.Store(true)
				type result struct {
					r   *authcore.LoginResponse
					err error
				}
				done := make(chan result, 1)
				go func() {
					r, err := e.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{ApplicationID: appID, IdentityProviderID: twitter.ProviderID,
						Data: map[string]string{"oauth_token": tok, "oauth_token_secret": sec}})
					done <- result{r, err}
				}()
				<-p.entered
				require.NoError(t, tc.change(ctx, e, app.Roles[0].ID))
				close(p.release)

				res := <-done
				require.NoError(t, res.err)
				reg, err := e.Registration(ctx, res.r.User.ID, appID)
				require.NoError(t, err)
				assert.Equal(t, tc.want, reg.Roles, "the new registration follows the role change")
			})
		}
	}
}
