package authcore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// FusionAuth's event types: user.deactivate "when a user is deactivated",
// user.reactivate "when a user is reactivated".
func TestDeactivateAndReactivateEvents(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	u, err := env.Engine.CreateUser(env.Ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "d@example.com"}})
	require.NoError(t, err)
	_, err = env.Engine.DeactivateUser(env.Ctx, u.ID)
	require.NoError(t, err)
	_, err = env.Engine.ReactivateUser(env.Ctx, u.ID)
	require.NoError(t, err)
	evs := c.WaitFor(t, 4)
	require.Equal(t, []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, "user.deactivate", "user.reactivate"}, c.Types())
	require.Equal(t, u.ID, evs[2].User.ID)
	require.False(t, evs[2].User.Active)
	require.Equal(t, u.ID, evs[3].User.ID)
	require.True(t, evs[3].User.Active)
	for _, ev := range evs {
		requireEventShape(t, ev, u.TenantID)
	}
}
