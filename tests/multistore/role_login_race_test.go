package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
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
				r := newPausedRace(t, k, "")
				app, err := r.e.Application(ctx, appID)
				require.NoError(t, err)
				require.Len(t, app.Roles, 1)
				require.Equal(t, []string{"user"}, authcore.DefaultRoles(app))
				resp, err := r.loginAround(t, twittertest.Account{ID: "7101", ScreenName: "roler", Name: "Roler", Email: "roler@example.com"},
					func() error { return tc.change(ctx, r.e, app.Roles[0].ID) })
				require.NoError(t, err)
				reg, err := r.e.Registration(ctx, resp.User.ID, appID)
				require.NoError(t, err)
				assert.Equal(t, tc.want, reg.Roles, "the new registration follows the role change")
			})
		}
	}
}
