package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
)

// The jwt.refresh event records the caller's address as every other event
// does: X-Forwarded-For's first address, without WithTrustedProxy
// (WithTrustedProxy's doc: it governs the cookies' Secure attribute and a
// refresh token's device address, not the events'). The event took the
// device's address, which without a trusted proxy is the proxy's own, while
// the same request's revocation event and the login's took the client's.
// The refresh token's lastAccessedAddress stays the connection's.
func TestJWTRefreshEventTakesTheForwardedAddress(t *testing.T) {
	c := &eventstest.Collector{}
	f := newLoginFixture(t, providerOpts{}, authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay))
	runRelay(t, f.engine)
	f.account("1", "ada", "ada@example.com")
	r := f.login("1", map[string]any{"metaData": map[string]any{"device": map[string]any{"name": "Ada's phone"}}})
	require.Equal(t, 200, r.Code, r.Body)
	out := decodeLogin(t, r)
	before := len(c.WaitFor(t, 6)) // user, link, registration (user and registration with their .complete), login

	const client = "203.0.113.77"
	r = f.anon("POST", "/api/jwt/refresh", `{"refreshToken":"`+out.RefreshToken+`"}`, "X-Forwarded-For", client+", 10.0.0.1")
	require.Equal(t, 200, r.Code, r.Body)
	evs := c.WaitFor(t, before+1)[before:]
	require.Equal(t, authcore.EventJWTRefresh, evs[0].Type)
	require.NotNil(t, evs[0].Info)
	assert.Equal(t, client, evs[0].Info.IPAddress, "the client's address, as the other events record it")

	tokens := f.do("GET", "/api/jwt/refresh?userId="+out.User.ID, "").body(t)["refreshTokens"].([]any)
	require.Len(t, tokens, 1)
	device := tokens[0].(map[string]any)["metaData"].(map[string]any)["device"].(map[string]any)
	assert.NotEqual(t, client, device["lastAccessedAddress"], "the device's address is the connection's without a trusted proxy")
}
