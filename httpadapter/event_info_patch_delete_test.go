package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
)

// The clients' patchUser and patchRegistration send UserRequest and
// RegistrationRequest, and deleteUserWithRequest and
// deleteRegistrationWithRequest send UserDeleteSingleRequest and
// RegistrationDeleteRequest: every one extends BaseEventRequest, whose
// eventInfo says where the end user's request came from
// (@fusionauth/typescript-client FusionAuthClient.d.ts; fusionauth-client-builder
// io.fusionauth.domain.api.BaseEventRequest.json). The events those calls
// record take it field by field over the request's own address and
// User-Agent, as create and PUT do. It had been ignored.
func TestPatchAndDeleteEventsTakeTheBodysEventInfo(t *testing.T) {
	c := &eventstest.Collector{}
	f := newFixtureWith(t, []authcore.Option{authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay)})
	runRelay(t, f.engine)
	const appUA = "app-server/1.0"
	app := str(f.do("POST", "/api/application", `{"application":{"name":"Web"}}`).obj(t, "application"), "id")
	user := str(f.do("POST", "/api/user", `{"user":{"email":"ann@example.com"}}`).obj(t, "user"), "id")
	require.Equal(t, 200, f.do("POST", "/api/user/registration/"+user, `{"registration":{"applicationId":"`+app+`"}}`).Code)
	c.WaitFor(t, 4) // the user's and the registration's creation, each with its .complete

	r := f.do("PATCH", "/api/user/"+user, `{"user":{"firstName":"Ann"},"eventInfo":{"ipAddress":"203.0.113.1","deviceName":"Ann's phone"}}`, "User-Agent", appUA)
	require.Equal(t, 200, r.Code, r.Body)
	r = f.do("PATCH", "/api/user/registration/"+user+"/"+app, `{"registration":{"timezone":"UTC"},"eventInfo":{"os":"iOS"}}`,
		"User-Agent", appUA, "Content-Type", "application/merge-patch+json")
	require.Equal(t, 200, r.Code, r.Body)
	f.do("DELETE", "/api/user/registration/"+user+"/"+app, `{"eventInfo":{"ipAddress":"203.0.113.2"}}`, "User-Agent", appUA).empty(t, 200)
	f.do("DELETE", "/api/user/"+user, `{"eventInfo":{"deviceType":"MOBILE"}}`, "User-Agent", appUA).empty(t, 200)
	f.do("DELETE", "/api/user/"+user, `{"hardDelete":true,"eventInfo":{"userAgent":"Mozilla/5.0 (phone)"}}`, "User-Agent", appUA).empty(t, 200)

	evs := c.WaitFor(t, 13)[4:]
	require.Equal(t, []string{authcore.EventUserUpdate, authcore.EventUserUpdateComplete,
		authcore.EventUserRegistrationUpdate, authcore.EventUserRegistrationUpdateComplete,
		authcore.EventUserRegistrationDelete, authcore.EventUserRegistrationDeleteComplete,
		authcore.EventUserDeactivate, authcore.EventUserDelete, authcore.EventUserDeleteComplete}, c.Types()[4:])
	patched := evs[0].Info
	assert.Equal(t, "203.0.113.1", patched.IPAddress)
	assert.Equal(t, "Ann's phone", patched.DeviceName)
	assert.Equal(t, appUA, patched.UserAgent, "a field the body leaves out keeps the request's value")
	assert.Equal(t, "iOS", evs[2].Info.OS)
	assert.Equal(t, appUA, evs[2].Info.UserAgent)
	assert.Equal(t, "203.0.113.2", evs[4].Info.IPAddress)
	assert.Equal(t, "MOBILE", evs[6].Info.DeviceType)
	assert.Equal(t, "Mozilla/5.0 (phone)", evs[7].Info.UserAgent)
	assert.NotEmpty(t, evs[7].Info.IPAddress)
}

// A DELETE body's eventInfo is read as strictly as a create's: a value of
// the wrong type is 400 [invalidJSON]eventInfo.<field>, and nothing is
// deactivated or deleted. Such a body was ignored and the delete done.
func TestDeleteRefusesBadEventInfo(t *testing.T) {
	f := newFixture(t)
	app := str(f.do("POST", "/api/application", `{"application":{"name":"Web"}}`).obj(t, "application"), "id")
	user := str(f.do("POST", "/api/user", `{"user":{"email":"bo@example.com"}}`).obj(t, "user"), "id")
	require.Equal(t, 200, f.do("POST", "/api/user/registration/"+user, `{"registration":{"applicationId":"`+app+`"}}`).Code)

	f.do("DELETE", "/api/user/registration/"+user+"/"+app, `{"eventInfo":{"ipAddress":5}}`).codes(t, "[invalidJSON]eventInfo.ipAddress")
	f.do("DELETE", "/api/user/registration/"+user+"/"+app, `{"eventInfo":`).codes(t, "[invalidJSON]")
	require.Equal(t, 200, f.do("GET", "/api/user/registration/"+user+"/"+app, "").Code, "the registration is kept")

	f.do("DELETE", "/api/user/"+user, `{"eventInfo":{"location":{"latitude":"north"}}}`).codes(t, "[invalidJSON]eventInfo.location.latitude")
	f.do("DELETE", "/api/user/"+user, `{"hardDelete":true,"eventInfo":[]}`).codes(t, "[invalidJSON]eventInfo")
	assert.Equal(t, true, f.do("GET", "/api/user/"+user, "").obj(t, "user")["active"], "the user is neither deactivated nor deleted")

	// Without a body, or with an empty one, DELETE works as before.
	f.do("DELETE", "/api/user/registration/"+user+"/"+app, "").empty(t, 200)
	f.do("DELETE", "/api/user/"+user, "").empty(t, 200)
}
