package authcore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// With moderation on, a login's transaction runs again once CleanSpeak has
// answered for each username it writes. The reconcile function is called
// once all the same, as FusionAuth invokes the lambda once per login: this
// one makes a new username at every call (a counted suffix), and called in
// every run it had CleanSpeak asked about a new username each time until
// the runs ran out and the login failed with an internal error.
func TestReconcileRunsOnceWhileModerationDecides(t *testing.T) {
	const lambdaID = "7a0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5d"
	fake := fakeCleanSpeak(t, csKey)
	client, err := cleanspeak.NewClient(cleanspeak.WithTimeout(csTimeout))
	require.NoError(t, err)
	var calls atomic.Int64
	mem := memstore.New()
	env := eventstest.New(t, mem, eventstest.Options{Engine: []authcore.Option{
		authcore.WithCleanSpeakClient(client),
		authcore.WithLambda(authcore.Lambda{ID: lambdaID, Type: authcore.LambdaTwitterReconcile,
			Reconcile: func(_ context.Context, u *authcore.User, reg *authcore.UserRegistration, _ map[string]any) error {
				n := calls.Add(1)
				u.Username = fmt.Sprintf("tw-%d", n)
				reg.Data = map[string]any{"call": fmt.Sprint(n)}
				return nil
			}}),
	}})
	ctx, e := env.Ctx, env.Engine
	_, err = e.UpdateIntegrations(ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
		Enabled: true, URL: fake.URL, APIKey: csKey,
		UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: csApp},
	}})
	require.NoError(t, err)
	require.NoError(t, updateProvider(t, env, func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = lambdaID }))
	env.Account("931", "tw931", "tw931@example.com")

	resp, err := env.Login("931")
	require.NoError(t, err)
	require.Equal(t, authcore.LoginOK, resp.Status)
	require.EqualValues(t, 1, calls.Load(), "the reconcile function is called once per login")
	require.Equal(t, "tw-1", resp.User.Username)
	require.Equal(t, "ACTIVE", resp.User.UsernameStatus)

	// CleanSpeak was asked about the usernames stored, once each: the
	// user's (the function's) and the registration's (the screen name).
	var sent []string
	for _, r := range fake.Requests() {
		sent = append(sent, r.Body.Content.Parts[0].Content)
	}
	require.ElementsMatch(t, []string{"tw-1", "tw931"}, sent)

	stored, err := e.User(ctx, resp.User.ID)
	require.NoError(t, err)
	require.Equal(t, "tw-1", stored.Username)
	require.Equal(t, "ACTIVE", stored.UsernameStatus)
	require.Len(t, stored.Registrations, 1)
	require.Equal(t, "tw931", stored.Registrations[0].Username)
	require.Equal(t, "ACTIVE", stored.Registrations[0].UsernameStatus)
	require.Equal(t, "1", stored.Registrations[0].Data["call"], "what the one call wrote")

	// The next login is another invocation.
	_, err = env.Login("931")
	require.NoError(t, err)
	require.EqualValues(t, 2, calls.Load())
}
