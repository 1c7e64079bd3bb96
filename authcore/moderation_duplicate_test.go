package authcore_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/internal/eventstest"
)

// A write the store refuses as a duplicate asks CleanSpeak nothing: CleanSpeak
// kept a content item, and a moderator a queue entry, for a username no user
// got, and a rejection answered before the clash did.
func TestModerationAsksNothingForADuplicate(t *testing.T) {
	env, fake, mem := moderationEnv(t, "")
	ctx, e := env.Ctx, env.Engine
	carol, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "carol@example.com", Username: "carol"}})
	require.NoError(t, err)
	dave, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "dave@example.com", Username: "dave"}})
	require.NoError(t, err)
	// Had CleanSpeak been asked first, its rejection would have answered.
	fake.SetAction("carol", cleanspeak.ActionReject)
	users := mem.Stats().Users

	for _, tc := range []struct {
		name string
		call func() error
		code string
	}{
		{"create with a username another user holds", func() error {
			_, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "c2@example.com", Username: "Carol"}})
			return err
		}, "[duplicate]user.username"},
		{"create with an email another user holds", func() error {
			_, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "CAROL@example.com", Username: "erin"}})
			return err
		}, "[duplicate]user.email"},
		{"create with an id another user holds", func() error {
			_, err := e.CreateUser(ctx, carol.ID, authcore.UserRequest{User: authcore.UserInput{Email: "f@example.com", Username: "frank"}})
			return err
		}, "[duplicate]userId"},
		{"combined create with a username another user holds", func() error {
			_, err := e.Register(ctx, "", authcore.RegistrationRequest{
				User:         &authcore.UserInput{Email: "g@example.com", Username: "carol"},
				Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID},
			})
			return err
		}, "[duplicate]user.username"},
		{"change to a username another user holds", func() error {
			_, err := e.PatchUser(ctx, dave.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(`{"user":{"username":"carol"}}`)})
			return err
		}, "[duplicate]user.username"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := fake.Attempts()
			err := tc.call()
			var v *authcore.ValidationError
			require.True(t, errors.As(err, &v), "got %v", err)
			require.Equal(t, []string{tc.code}, v.Codes())
			require.Equal(t, before, fake.Attempts(), "CleanSpeak is not asked")
			require.Equal(t, users, mem.Stats().Users, "nothing stored")
		})
	}

	// A second registration to one application, likewise.
	_, err = e.Register(ctx, dave.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "dave-app"}})
	require.NoError(t, err)
	fake.SetAction("dave-app-2", cleanspeak.ActionReject)
	before := fake.Attempts()
	_, err = e.Register(ctx, dave.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "dave-app-2"}})
	var v *authcore.ValidationError
	require.True(t, errors.As(err, &v), "got %v", err)
	require.Equal(t, []string{"[duplicate]registration.applicationId"}, v.Codes())
	require.Equal(t, before, fake.Attempts(), "CleanSpeak is not asked")

	stored, err := e.User(ctx, dave.ID)
	require.NoError(t, err)
	require.Equal(t, "dave", stored.Username)
	require.Equal(t, "ACTIVE", stored.UsernameStatus)
	require.Len(t, stored.Registrations, 1)
	require.Equal(t, "dave-app", stored.Registrations[0].Username)
}
