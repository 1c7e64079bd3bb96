package authcore_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// FusionAuth follows user.create, user.update, user.delete and the three
// user.registration events with a non-transactional ".complete" event once
// their transaction has completed (events/user-create-complete.mdx and its
// siblings; the clients' EventType has them), with the same user,
// registration and original. authcore sent none of them, so a webhook or
// Kafka consumer that listens for user.create.complete, as FusionAuth
// recommends for work that must see the committed user, never heard of a
// new user.
func TestCompleteEventsFollowTheirEvents(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	ctx, e := env.Ctx, env.Engine
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "done@example.com", FirstName: "Before"}})
	require.NoError(t, err)
	_, err = e.UpdateUser(ctx, u.ID, authcore.UserRequest{User: authcore.UserInput{Email: "done@example.com", FirstName: "After"}})
	require.NoError(t, err)
	_, err = e.Register(ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Timezone: "Europe/Paris"}})
	require.NoError(t, err)
	_, err = e.PatchRegistration(ctx, u.ID, eventstest.AppID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"registration":{"timezone":"America/Denver"}}`)})
	require.NoError(t, err)
	require.NoError(t, e.DeleteRegistration(ctx, u.ID, eventstest.AppID))
	_, err = e.DeactivateUser(ctx, u.ID) // user.deactivate has no .complete
	require.NoError(t, err)
	require.NoError(t, e.DeleteUser(ctx, u.ID))

	want := []string{
		authcore.EventUserCreate, authcore.EventUserCreateComplete,
		authcore.EventUserUpdate, authcore.EventUserUpdateComplete,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete,
		authcore.EventUserRegistrationUpdate, authcore.EventUserRegistrationUpdateComplete,
		authcore.EventUserRegistrationDelete, authcore.EventUserRegistrationDeleteComplete,
		authcore.EventUserDeactivate,
		authcore.EventUserDelete, authcore.EventUserDeleteComplete,
	}
	evs := c.WaitFor(t, len(want))
	require.Equal(t, want, c.Types())
	for i, ev := range evs {
		requireEventShape(t, ev, env.TenantID)
		if !strings.HasSuffix(ev.Type, ".complete") {
			continue
		}
		base := evs[i-1]
		require.Equal(t, base.Type+".complete", ev.Type)
		require.NotEqual(t, base.ID, ev.ID, "an event id of its own: consumers deduplicate by it")
		// The same body otherwise.
		got, wantBody := ev, base
		got.Type, got.ID, wantBody.Type, wantBody.ID = "", "", "", ""
		require.Equal(t, wantBody, got, "%s carries what %s does", ev.Type, base.Type)
	}
	require.Equal(t, "After", evs[3].User.FirstName)
	require.Equal(t, "Before", evs[3].Original.FirstName, "user.update.complete carries the original user")
	regDone := evs[7]
	require.NotNil(t, regDone.OriginalRegistration, "user.registration.update.complete's original is the registration before")
	require.Equal(t, "Europe/Paris", regDone.OriginalRegistration.Timezone)
	require.Equal(t, "America/Denver", regDone.Registration.Timezone)
	require.Nil(t, regDone.Original)
	require.Equal(t, eventstest.AppID, regDone.ApplicationID)

	// On the wire, "original" of user.registration.update.complete is the
	// registration.
	b, err := json.Marshal(regDone)
	require.NoError(t, err)
	var wire map[string]any
	require.NoError(t, json.Unmarshal(b, &wire))
	require.Equal(t, "Europe/Paris", wire["original"].(map[string]any)["timezone"])
}

// A first login creates a user and a registration: both are followed by
// their .complete event; a repeat login creates nothing and has none.
func TestCompleteEventsOfALogin(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	env.Account("151", "cal", "cal@example.com")
	resp := env.MustLogin("151")
	want := []string{
		authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserIdentityProviderLink,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete, authcore.EventUserLoginSuccess,
	}
	evs := c.WaitFor(t, len(want))
	require.Equal(t, want, c.Types())
	require.Equal(t, resp.User.ID, evs[1].User.ID)
	require.Equal(t, "203.0.113.7", evs[1].Info.IPAddress, "the login's info")
	require.Equal(t, eventstest.AppID, evs[4].Registration.ApplicationID)

	env.MustLogin("151")
	c.WaitFor(t, len(want)+1)
	require.Equal(t, append(want, authcore.EventUserLoginSuccess), c.Types())
}
