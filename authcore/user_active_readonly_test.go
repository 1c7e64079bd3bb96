package authcore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// user.active is no request property of FusionAuth's User API
// (apis/_user-request-body.mdx lists none; fusionauth-issues #246: a
// create with active:false answers active:true, "working as designed").
// Only DELETE without hardDelete and PUT ?reactivate=true switch it, with
// user.deactivate and user.reactivate. A PUT or PATCH that sends active
// keeps the stored value, so a client that sends back a user it read
// before a deactivation does not reactivate it under user.update.
func TestUserActiveIsReadOnlyOnCreateUpdateAndPatch(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	ctx, e := env.Ctx, env.Engine
	off := false
	on := true

	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "a@example.com", Active: &off}})
	require.NoError(t, err)
	assert.True(t, u.Active, "create ignores active")

	app, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "app"}})
	require.NoError(t, err)
	combined, err := e.RegisterUser(ctx, "", authcore.RegistrationRequest{
		User:         &authcore.UserInput{Email: "b@example.com", Active: &off},
		Registration: authcore.UserRegistration{ApplicationID: app.ID},
	})
	require.NoError(t, err)
	assert.True(t, combined.User.Active, "the combined create ignores active")

	upd, err := e.UpdateUser(ctx, u.ID, authcore.UserRequest{User: authcore.UserInput{Email: "a@example.com", Active: &off}})
	require.NoError(t, err)
	assert.True(t, upd.Active, "PUT keeps active")

	for _, body := range []struct{ ct, body string }{
		{"application/json", `{"user":{"active":false}}`},
		{"application/merge-patch+json", `{"user":{"active":false}}`},
		{"application/json-patch+json", `[{"op":"replace","path":"/user/active","value":false}]`},
	} {
		p, err := e.PatchUser(ctx, u.ID, authcore.PatchRequest{ContentType: body.ct, Body: []byte(body.body)})
		require.NoError(t, err, body.ct)
		assert.True(t, p.Active, "PATCH (%s) keeps active", body.ct)
	}

	_, err = e.DeactivateUser(ctx, u.ID)
	require.NoError(t, err)
	stale, err := e.UpdateUser(ctx, u.ID, authcore.UserRequest{User: authcore.UserInput{Email: "a@example.com", FirstName: "A", Active: &on}})
	require.NoError(t, err)
	assert.False(t, stale.Active, "a PUT of the user as read before the deactivation leaves it inactive")
	assert.Equal(t, "A", stale.FirstName)
	got, err := e.User(ctx, u.ID)
	require.NoError(t, err)
	assert.False(t, got.Active)

	// Every event of the test: the two creates and the registration with
	// their .complete events, five updates with theirs, the deactivation.
	// Waiting for fewer let the count below read the stream half-delivered.
	c.WaitFor(t, 17)
	var updates, switches int
	for _, ev := range c.Events() {
		if ev.User == nil || ev.User.ID != u.ID {
			continue
		}
		switch ev.Type {
		case authcore.EventUserUpdate:
			updates++
			assert.Equal(t, ev.Original.Active, ev.User.Active, "user.update never switches active")
		case authcore.EventUserDeactivate, authcore.EventUserReactivate:
			switches++
		}
	}
	assert.Equal(t, 5, updates)
	assert.Equal(t, 1, switches, "the deactivation only")
}
