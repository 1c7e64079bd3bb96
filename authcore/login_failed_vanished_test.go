package authcore_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// A login whose application (or identity provider) is deleted while it
// waits (here on CleanSpeak, between two runs of its transaction) is refused
// as one whose application was gone from the start, 400
// [invalid]applicationId (or [InvalidIdentityProviderId]). That is no failed
// login of the user (FusionAuth's user.login.failed is for a login refused
// on its credentials): no user.login.failed is recorded for it, as none is
// for an application unknown from the start.
func TestLoginToAVanishedApplicationIsNoLoginFailedEvent(t *testing.T) {
	t.Run("application", func(t *testing.T) {
		testLoginToAVanishedTarget(t, "[invalid]applicationId", func(e *authcore.Engine) error {
			return e.DeleteApplication(context.Background(), eventstest.AppID)
		})
	})
	t.Run("identity provider", func(t *testing.T) {
		testLoginToAVanishedTarget(t, "[InvalidIdentityProviderId]", func(e *authcore.Engine) error {
			return e.DeleteIdentityProvider(context.Background(), twitter.ProviderID)
		})
	})
}

func testLoginToAVanishedTarget(t *testing.T, code string, remove func(*authcore.Engine) error) {
	fake := fakeCleanSpeak(t, csKey)
	hook := &hookTransport{}
	client, err := cleanspeak.NewClient(cleanspeak.WithHTTPClient(&http.Client{Transport: hook}), cleanspeak.WithTimeout(csTimeout))
	require.NoError(t, err)
	c := &eventstest.Collector{}
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{
		authcore.WithCleanSpeakClient(client), authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay),
	}})
	ctx, e := env.Ctx, env.Engine
	_, err = e.UpdateIntegrations(ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
		Enabled: true, URL: fake.URL, APIKey: csKey,
		UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: csApp},
	}})
	require.NoError(t, err)
	env.RunRelay()

	del := func() { require.NoError(t, remove(e)) }
	hook.during.Store(&del)
	env.Account("905", "vera", "v905@example.com")
	_, err = env.Login("905")
	var ve *authcore.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []string{code}, ve.Codes())
	require.Equal(t, int64(1), hook.attempts.Load(), "it went while CleanSpeak was asked")

	// A marker event behind whatever the refusal recorded: once it arrives,
	// everything recorded before it has.
	_, err = e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "marker@example.com"}})
	require.NoError(t, err)
	c.WaitFor(t, 2)
	require.Equal(t, []string{authcore.EventUserCreate, authcore.EventUserCreateComplete}, c.Types())
}
