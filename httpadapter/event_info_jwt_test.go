package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
)

// The clients' exchangeRefreshTokenForJWT and revokeRefreshTokensWithRequest
// send RefreshRequest and RefreshTokenRevokeRequest, which both extend
// BaseEventRequest (@fusionauth/typescript-client FusionAuthClient.d.ts):
// their eventInfo says where the end user's request came from, and the
// jwt.refresh and jwt.refresh-token.revoke events take it field by field
// over the request's own address and User-Agent, as the User API's events
// do. It was ignored, and a value of the wrong type passed unnoticed.
func TestJWTEventsTakeTheBodysEventInfo(t *testing.T) {
	const appUA = "app-server/1.0"
	c := &eventstest.Collector{}
	f := newLoginFixture(t, providerOpts{}, authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay))
	runRelay(t, f.engine)
	f.account("1", "ada", "ada@example.com")
	r := f.login("1", nil)
	require.Equal(t, 200, r.Code, r.Body)
	out := decodeLogin(t, r)
	before := len(c.WaitFor(t, 6)) // user, link, registration (user and registration with their .complete), login

	// A wrong type is refused before anything is done.
	f.anon("POST", "/api/jwt/refresh", `{"refreshToken":"`+out.RefreshToken+`","eventInfo":{"ipAddress":5}}`).
		codes(t, "[invalidJSON]eventInfo.ipAddress")
	f.do("DELETE", "/api/jwt/refresh", `{"userId":"`+out.User.ID+`","eventInfo":[]}`).codes(t, "[invalidJSON]eventInfo")

	r = f.anon("POST", "/api/jwt/refresh", `{"refreshToken":"`+out.RefreshToken+`","eventInfo":{"ipAddress":"203.0.113.9","deviceName":"Ada's phone"}}`,
		"User-Agent", appUA)
	require.Equal(t, 200, r.Code, r.Body)
	f.do("DELETE", "/api/jwt/refresh", `{"userId":"`+out.User.ID+`","eventInfo":{"os":"iOS","userAgent":"Mozilla/5.0 (phone)"}}`,
		"User-Agent", appUA).empty(t, 200)

	evs := c.WaitFor(t, before+2)[before:]
	require.Equal(t, []string{authcore.EventJWTRefresh, authcore.EventJWTRefreshTokenRevoke}, c.Types()[before:])
	refreshed := evs[0].Info
	assert.Equal(t, "203.0.113.9", refreshed.IPAddress)
	assert.Equal(t, "Ada's phone", refreshed.DeviceName)
	assert.Equal(t, appUA, refreshed.UserAgent, "a field the body leaves out keeps the request's value")
	revoked := evs[1].Info
	assert.Equal(t, "iOS", revoked.OS)
	assert.Equal(t, "Mozilla/5.0 (phone)", revoked.UserAgent)
	assert.NotEmpty(t, revoked.IPAddress, "the request's address, which the body left out")
}
