package authcore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// A first login that is refused (here by its reconcile function) created
// nobody: its user.login.failed names no user, rather than one that was
// never stored.
func TestRefusedFirstLoginEventNamesNoUser(t *testing.T) {
	const lambdaID = "7a0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	c := &eventstest.Collector{}
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{
		authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay),
		authcore.WithLambda(authcore.Lambda{ID: lambdaID, Type: authcore.LambdaTwitterReconcile,
			Reconcile: func(context.Context, *authcore.User, *authcore.UserRegistration, map[string]any) error {
				return errors.New("no")
			}}),
	}})
	env.RunRelay()
	require.NoError(t, updateProvider(t, env, func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = lambdaID }))
	env.Account("801", "newbie", "newbie@example.com")

	_, err := env.Login("801")
	var le *authcore.LambdaError
	require.ErrorAs(t, err, &le)
	_, err = env.Store.GetUserByEmail(env.Ctx, env.TenantID, "newbie@example.com")
	require.ErrorIs(t, err, authcore.ErrNotFound, "the login created nobody")

	evs := c.WaitFor(t, 1)
	require.Equal(t, authcore.EventUserLoginFailed, evs[0].Type)
	require.Equal(t, authcore.LoginFailedLambda, evs[0].Reason.Code)
	require.Nil(t, evs[0].User, "no user: the one the login would have created was never stored")
	require.Empty(t, evs[0].UserID)
}

// A reconcile function that edits the stored user in place (its data map,
// its languages) and then fails changed nothing: the user.login.failed
// event carries the user as stored, not the edits the failure undid.
func TestRefusedLoginEventCarriesTheStoredUser(t *testing.T) {
	const lambdaID = "7a0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5c"
	fail := false
	c := &eventstest.Collector{}
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{
		authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay),
		authcore.WithLambda(authcore.Lambda{ID: lambdaID, Type: authcore.LambdaTwitterReconcile,
			Reconcile: func(_ context.Context, u *authcore.User, _ *authcore.UserRegistration, _ map[string]any) error {
				if !fail {
					u.Data = map[string]any{"plan": "basic"}
					u.PreferredLanguages = []string{"en"}
					return nil
				}
				u.Data["plan"] = "edited in place"
				u.PreferredLanguages[0] = "xx"
				return errors.New("no")
			}}),
	}})
	env.RunRelay()
	require.NoError(t, updateProvider(t, env, func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = lambdaID }))
	env.Account("802", "regular", "regular@example.com")
	first := env.MustLogin("802")

	fail = true
	_, err := env.Login("802")
	var le *authcore.LambdaError
	require.ErrorAs(t, err, &le)
	var failed *authcore.Event
	require.Eventually(t, func() bool {
		for _, ev := range c.Events() {
			if ev.Type == authcore.EventUserLoginFailed {
				failed = &ev
				return true
			}
		}
		return false
	}, 10*time.Second, 2*time.Millisecond)
	require.NotNil(t, failed.User)
	require.Equal(t, map[string]any{"plan": "basic"}, failed.User.Data)
	require.Equal(t, []string{"en"}, failed.User.PreferredLanguages)
	stored, err := env.Store.GetUser(env.Ctx, first.User.ID)
	require.NoError(t, err)
	require.Equal(t, map[string]any{"plan": "basic"}, stored.Data)
}
