package authcore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/integration/cleanspeak/cleanspeaktest"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// A moderator's decision names a content item, and is about the version of
// it CleanSpeak holds. A username written to that item while CleanSpeak was
// down never reached CleanSpeak: the decision about the older username must
// not settle it.
func TestNotifyDoesNotSettleAUsernameCleanSpeakNeverGot(t *testing.T) {
	env, fake, _ := moderationEnv(t, "")
	ctx, e := env.Ctx, env.Engine
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "q@example.com", Username: "queued"}})
	require.NoError(t, err)
	require.Equal(t, "PENDING", u.UsernameStatus)

	fake.SetDown(true)
	changed, err := e.PatchUser(ctx, u.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(`{"user":{"username":"never-moderated"}}`)})
	require.NoError(t, err)
	require.Equal(t, "PENDING", changed.UsernameStatus)
	require.Equal(t, u.CleanSpeakID, changed.CleanSpeakID)

	// The moderator approves what CleanSpeak holds: "queued".
	require.NoError(t, e.CleanSpeakNotify(ctx, cleanspeaktest.Approval(map[string]string{u.CleanSpeakID: "approved"})))
	got, err := e.User(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, "never-moderated", got.Username)
	require.Equal(t, "PENDING", got.UsernameStatus, "CleanSpeak never saw this username")

	// It is still resubmitted, and CleanSpeak's answer decides it.
	fake.SetDown(false)
	n, err := e.ResubmitPendingUsernames(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err = e.User(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, "ACTIVE", got.UsernameStatus)
	reqs := fake.Requests()
	require.Equal(t, "never-moderated", reqs[len(reqs)-1].Body.Content.Parts[0].Content)
}

// CleanSpeak's content items name the user as sender: the user that is
// stored, not an id a discarded run of the transaction generated.
func TestModerationSenderIsTheStoredUser(t *testing.T) {
	t.Run("combined create", func(t *testing.T) {
		env, fake, _ := moderationEnv(t, "")
		resp, err := env.Engine.RegisterUser(env.Ctx, "", authcore.RegistrationRequest{
			User:         &authcore.UserInput{Email: "s1@example.com", Username: "sue"},
			Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "sue-app"},
		})
		require.NoError(t, err)
		reqs := fake.Requests()
		require.Len(t, reqs, 2)
		for _, r := range reqs {
			require.Equal(t, resp.User.ID, r.Body.Content.SenderID, "content %s", r.ContentID)
		}
	})
	t.Run("Twitter login creating the user", func(t *testing.T) {
		env, fake, _ := moderationEnv(t, "LinkByUsername")
		env.Account("911", "tess", "t911@example.com")
		resp, err := env.Login("911")
		require.NoError(t, err)
		reqs := fake.Requests()
		require.Len(t, reqs, 2)
		for _, r := range reqs {
			require.Equal(t, resp.User.ID, r.Body.Content.SenderID, "content %s", r.ContentID)
		}
	})
}

// A reconcile function that changes a username while moderation is off
// leaves it ACTIVE, as the user API does: not a status (and a content id
// and moderation item) that belonged to the username it replaced, which
// then stayed PENDING forever once moderation was back on.
func TestReconciledUsernameWithModerationOff(t *testing.T) {
	const lambdaID = "7a0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5c"
	fake := fakeCleanSpeak(t, csKey)
	client, err := cleanspeak.NewClient(cleanspeak.WithTimeout(csTimeout))
	require.NoError(t, err)
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{
		authcore.WithCleanSpeakClient(client),
		authcore.WithLambda(authcore.Lambda{ID: lambdaID, Type: authcore.LambdaTwitterReconcile,
			Reconcile: func(_ context.Context, u *authcore.User, reg *authcore.UserRegistration, _ map[string]any) error {
				u.Username = "from-twitter"
				reg.Username = "app-from-twitter"
				return nil
			}}),
	}})
	ctx, e := env.Ctx, env.Engine
	setModeration := func(on bool) {
		_, err := e.UpdateIntegrations(ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
			Enabled: true, URL: fake.URL, APIKey: csKey,
			UsernameModeration: integration.UsernameModeration{Enabled: on, ApplicationID: csApp},
		}})
		require.NoError(t, err)
	}
	setModeration(true)
	fake.SetDown(true)
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "tw921@example.com", Username: "written-while-down"}})
	require.NoError(t, err)
	require.Equal(t, "PENDING", u.UsernameStatus)
	_, err = e.Register(ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "app-written-while-down"}})
	require.NoError(t, err)
	fake.SetDown(false)

	setModeration(false)
	require.NoError(t, updateProvider(t, env, func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = lambdaID }))
	env.Account("921", "tw921", "tw921@example.com")
	env.MustLogin("921")

	got, err := e.User(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, "from-twitter", got.Username)
	require.Equal(t, "ACTIVE", got.UsernameStatus, "moderation is off")
	require.Len(t, got.Registrations, 1)
	require.Equal(t, "app-from-twitter", got.Registrations[0].Username)
	require.Equal(t, "ACTIVE", got.Registrations[0].UsernameStatus, "moderation is off")
}
