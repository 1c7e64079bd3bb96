package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
)

// The login request is one of FusionAuth's BaseLoginRequests, a
// BaseEventRequest whose eventInfo is where the user's request came from;
// its top-level ipAddress and metaData.device are the deprecated forms,
// which only fill what eventInfo leaves out (BaseLoginRequest.normalize in
// FusionAuth's domain). The login ignored eventInfo: a client that sent the
// user's address there had the app server's (or X-Forwarded-For's) recorded
// in the login record and the events, and a malformed one was accepted.
func TestLoginTakesTheBodysEventInfo(t *testing.T) {
	c := &eventstest.Collector{}
	f := newLoginFixture(t, providerOpts{}, authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay))
	runRelay(t, f.engine)
	const appUA = "app-server/1.0"
	f.account("7301", "evi", "evi@example.com")

	// eventInfo alone: its address is the login's, over X-Forwarded-For.
	r := f.login("7301", map[string]any{"eventInfo": map[string]any{
		"ipAddress": "198.51.100.7", "userAgent": "Mozilla/5.0 (phone)", "deviceName": "Evi's phone", "os": "Android",
	}}, "X-Forwarded-For", "203.0.113.50", "User-Agent", appUA)
	require.Equal(t, 200, r.Code, r.Body)
	userID := decodeLogin(t, r).User.ID
	recs := f.store.LoginRecords(userID)
	require.Len(t, recs, 1)
	assert.Equal(t, "198.51.100.7", recs[0].IPAddress)

	// Both: eventInfo's address wins; the deprecated device fills what
	// eventInfo leaves out.
	r = f.login("7301", map[string]any{
		"ipAddress": "192.0.2.1",
		"metaData":  map[string]any{"device": map[string]any{"name": "old name", "type": "MOBILE"}},
		"eventInfo": map[string]any{"ipAddress": "198.51.100.8", "deviceName": "Evi's tablet"},
	}, "User-Agent", appUA)
	require.Equal(t, 200, r.Code, r.Body)
	recs = f.store.LoginRecords(userID)
	require.Len(t, recs, 2)
	assert.Equal(t, "198.51.100.8", recs[1].IPAddress)

	var logins []authcore.Event
	for n := 1; len(logins) < 2; n++ {
		logins = logins[:0]
		for _, ev := range c.WaitFor(t, n) {
			if ev.Type == authcore.EventUserLoginSuccess {
				logins = append(logins, ev)
			}
		}
	}
	first := logins[0].Info
	require.NotNil(t, first)
	assert.Equal(t, "198.51.100.7", first.IPAddress)
	assert.Equal(t, "198.51.100.7", logins[0].IPAddress)
	assert.Equal(t, "Mozilla/5.0 (phone)", first.UserAgent)
	assert.Equal(t, "Evi's phone", first.DeviceName)
	assert.Equal(t, "Android", first.OS)
	second := logins[1].Info
	require.NotNil(t, second)
	assert.Equal(t, "198.51.100.8", second.IPAddress)
	assert.Equal(t, "Evi's tablet", second.DeviceName)
	assert.Equal(t, "MOBILE", second.DeviceType)
	assert.Equal(t, appUA, second.UserAgent)

	// It is read as strictly as the rest of the body, and nothing is written.
	f.login("7301", map[string]any{"eventInfo": map[string]any{"ipAddress": 5}}).codes(t, "[invalidJSON]eventInfo.ipAddress")
	assert.Len(t, f.store.LoginRecords(userID), 2)
}
