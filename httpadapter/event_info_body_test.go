package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
)

// An app calls the User and Registration APIs for its user, and says where
// the user's request came from in the body's eventInfo (FusionAuth's, the
// clients' EventInfo): the events record that, field by field over the
// app's own address and User-Agent. The body's eventInfo had been ignored.
func TestEventsTakeTheBodysEventInfo(t *testing.T) {
	c := &eventstest.Collector{}
	f := newFixtureWith(t, []authcore.Option{authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay)})
	runRelay(t, f.engine)
	const appUA = "app-server/1.0"
	app := str(f.do("POST", "/api/application", `{"application":{"name":"Web"}}`).obj(t, "application"), "id")

	info := `"eventInfo":{"ipAddress":"203.0.113.9","userAgent":"Mozilla/5.0 (phone)","deviceName":"Ann's phone","os":"Android","location":{"city":"Denver","latitude":39.7}}`
	user := str(f.do("POST", "/api/user", `{"user":{"email":"ann@example.com"},`+info+`}`, "User-Agent", appUA).obj(t, "user"), "id")
	r := f.do("POST", "/api/user/registration/"+user, `{"registration":{"applicationId":"`+app+`"},"eventInfo":{"deviceType":"MOBILE"}}`, "User-Agent", appUA)
	require.Equal(t, 200, r.Code, r.Body)
	f.do("PUT", "/api/user/"+user, `{"user":{"email":"ann@example.com","firstName":"Ann"}}`, "User-Agent", appUA).obj(t, "user")

	evs := c.WaitFor(t, 6)
	require.Equal(t, []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserRegistrationCreate,
		authcore.EventUserRegistrationCreateComplete, authcore.EventUserUpdate, authcore.EventUserUpdateComplete}, c.Types())
	created := evs[0].Info
	assert.Equal(t, "203.0.113.9", created.IPAddress)
	assert.Equal(t, "Mozilla/5.0 (phone)", created.UserAgent)
	assert.Equal(t, "Ann's phone", created.DeviceName)
	assert.Equal(t, "Android", created.OS)
	require.NotNil(t, created.Location)
	assert.Equal(t, "Denver", created.Location.City)
	require.NotNil(t, created.Location.Latitude)
	assert.InDelta(t, 39.7, *created.Location.Latitude, 1e-9)

	// Only what the body gives replaces what the request showed.
	registered := evs[2].Info
	assert.Equal(t, "MOBILE", registered.DeviceType)
	assert.Equal(t, appUA, registered.UserAgent)
	assert.NotEmpty(t, registered.IPAddress)
	// Without eventInfo, the request's own.
	updated := evs[4].Info
	assert.Equal(t, appUA, updated.UserAgent)
	assert.Empty(t, updated.DeviceName)

	// It is read as strictly as the rest of the body.
	f.do("POST", "/api/user", `{"user":{"email":"bo@example.com"},"eventInfo":{"ipAddress":5}}`).codes(t, "[invalidJSON]eventInfo.ipAddress")
}
