package httpadapter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
)

// Events record the request's User-Agent in event.info.userAgent (a field
// of FusionAuth's event info) beside its address: the login's events, the
// refresh's, and those of the APIs. None had it.
func TestEventsCarryTheUserAgent(t *testing.T) {
	const ua = "Mozilla/5.0 (authcore test)"
	c := &eventstest.Collector{}
	f := newLoginFixture(t, providerOpts{}, authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay))
	runRelay(t, f.engine)

	f.account("1", "ada", "ada@example.com")
	r := f.login("1", nil, "User-Agent", ua)
	require.Equal(t, 200, r.Code, r.Body)
	out := decodeLogin(t, r)
	r = f.anon("POST", "/api/jwt/refresh", `{"refreshToken":"`+out.RefreshToken+`"}`, "User-Agent", ua)
	require.Equal(t, 200, r.Code, r.Body)
	r = f.do("POST", "/api/user", `{"user":{"email":"bo@example.com"}}`, "User-Agent", ua)
	require.Equal(t, 200, r.Code, r.Body)

	want := []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserIdentityProviderLink,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete,
		authcore.EventUserLoginSuccess, authcore.EventJWTRefresh, authcore.EventUserCreate, authcore.EventUserCreateComplete}
	evs := c.WaitFor(t, len(want))
	require.Equal(t, want, c.Types())
	for _, ev := range evs {
		require.Equal(t, ua, ev.Info.UserAgent, ev.Type)
		require.NotEmpty(t, ev.Info.IPAddress, ev.Type)
	}
}

// runRelay runs e's relay until the test ends: the subscribers get events
// only through it.
func runRelay(t *testing.T, e *authcore.Engine) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.RunRelay(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}
