package authcore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/internal/eventstest"
)

// A deleted user's pending usernames go with it, its registrations' too, and
// a deleted tenant's users' with them: before, the items (the username and
// the user's id) stayed in the store after the user until a moderator
// decided them, which may be never, or a resubmission found the user gone.
func TestDeletingAUserOrTenantDropsItsModerationItems(t *testing.T) {
	env, fake, mem := moderationEnv(t, "")
	ctx, e := env.Ctx, env.Engine
	for _, name := range []string{"queued-2", "queued-3", "queued-4"} {
		fake.SetAction(name, cleanspeak.ActionQueuedForApproval)
	}
	pending := func() []string {
		t.Helper()
		items, err := mem.ListModerationItems(ctx, "", 0)
		require.NoError(t, err)
		var users []string
		for _, m := range items {
			users = append(users, m.UserID)
		}
		return users
	}

	gone, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "gone@example.com", Username: "queued"}})
	require.NoError(t, err)
	reg, err := e.Register(ctx, gone.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "queued-2"}})
	require.NoError(t, err)
	require.Equal(t, "PENDING", reg.UsernameStatus)
	stays, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "stays@example.com", Username: "queued-3"}})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{gone.ID, gone.ID, stays.ID}, pending())

	require.NoError(t, e.DeleteUser(ctx, gone.ID))
	require.Equal(t, []string{stays.ID}, pending(), "the user's and its registration's items went with it")

	other, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "other"})
	require.NoError(t, err)
	inOther := authcore.WithScope(ctx, authcore.Scope{TenantID: other.ID})
	u, err := e.CreateUser(inOther, "", authcore.UserRequest{User: authcore.UserInput{Email: "other@example.com", Username: "queued-4"}})
	require.NoError(t, err)
	require.Equal(t, "PENDING", u.UsernameStatus)
	require.ElementsMatch(t, []string{stays.ID, u.ID}, pending())

	require.NoError(t, e.DeleteTenant(ctx, other.ID))
	require.Equal(t, []string{stays.ID}, pending(), "the tenant's users' items went with it; another tenant's stay")
}
