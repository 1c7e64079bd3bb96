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

// A deleted registration's pending usernames go with it, and a deleted
// application's registrations' with them: before, the items (the username,
// the user's id and the application's) stayed until a moderator decided
// them, which may be never. All of a registration's items go, not only the
// one its cleanSpeakId names: an update while pending keeps the content id,
// but an item an earlier registration or an interrupted write left names
// another.
func TestDeletingARegistrationOrApplicationDropsItsModerationItems(t *testing.T) {
	env, fake, mem := moderationEnv(t, "")
	ctx, e := env.Ctx, env.Engine
	for _, name := range []string{"queued-a1", "queued-a2", "queued-b", "queued-vb"} {
		fake.SetAction(name, cleanspeak.ActionQueuedForApproval)
	}
	type owner struct{ user, app string }
	pending := func() []owner {
		t.Helper()
		items, err := mem.ListModerationItems(ctx, "", 0)
		require.NoError(t, err)
		var out []owner
		for _, m := range items {
			out = append(out, owner{m.UserID, m.ApplicationID})
		}
		return out
	}
	register := func(userID, appID, username string) *authcore.UserRegistration {
		t.Helper()
		reg, err := e.Register(ctx, userID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: appID, Username: username}})
		require.NoError(t, err)
		require.Equal(t, "PENDING", reg.UsernameStatus)
		return reg
	}

	other, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "other"}})
	require.NoError(t, err)
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "u@example.com"}})
	require.NoError(t, err)
	v, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "v@example.com", Username: "queued"}})
	require.NoError(t, err)
	reg := register(u.ID, eventstest.AppID, "queued-a1")
	updated, err := e.UpdateRegistration(ctx, u.ID, eventstest.AppID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "queued-a2"}})
	require.NoError(t, err)
	require.Equal(t, "PENDING", updated.UsernameStatus)
	require.Equal(t, reg.CleanSpeakID, updated.CleanSpeakID, "an update while pending keeps the content id")
	require.NoError(t, mem.PutModerationItem(ctx, &authcore.ModerationItem{
		ContentID: "left-behind", TenantID: u.TenantID, UserID: u.ID, ApplicationID: eventstest.AppID, Username: "queued-a0", InsertInstant: 1,
	}))
	register(u.ID, other.ID, "queued-b")
	register(v.ID, other.ID, "queued-vb")
	require.ElementsMatch(t, []owner{{u.ID, eventstest.AppID}, {u.ID, eventstest.AppID}, {u.ID, other.ID}, {v.ID, ""}, {v.ID, other.ID}}, pending())

	require.NoError(t, e.DeleteRegistration(ctx, u.ID, eventstest.AppID))
	require.ElementsMatch(t, []owner{{u.ID, other.ID}, {v.ID, ""}, {v.ID, other.ID}}, pending(),
		"the registration's items went with it; the user's other registration's and another user's stay")

	require.NoError(t, e.DeleteApplication(ctx, other.ID))
	require.Equal(t, []owner{{v.ID, ""}}, pending(), "the application's registrations' items went with it; a user's own stays")
}
