package httpadapter_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
)

// The Link API's request is one of FusionAuth's BaseEventRequests (the
// clients' IdentityProviderLinkRequest extends BaseEventRequest), as the User
// and Registration APIs' are: the app that links its user says in eventInfo
// where the user's request came from, and user.identity-provider.link
// records that over the app's own address and User-Agent. The body's
// eventInfo had been ignored as an unknown property.
func TestLinkEventTakesTheBodysEventInfo(t *testing.T) {
	c := &eventstest.Collector{}
	f := newLoginFixture(t, providerOpts{strategy: "CreatePendingLink"},
		authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay))
	runRelay(t, f.engine)
	const appUA = "app-server/1.0"
	ctx := context.Background()
	u := &authcore.User{ID: "abababab-0000-0000-0000-00000000e1f0", TenantID: f.tenant, Email: "ev@example.com", Active: true, Verified: true}
	require.NoError(t, f.store.CreateUser(ctx, u))

	// A link made directly.
	r := f.do("POST", "/api/identity-provider/link", fmt.Sprintf(
		`{"identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":"9001","userId":%q},`+
			`"eventInfo":{"ipAddress":"203.0.113.9","userAgent":"Mozilla/5.0 (phone)","deviceName":"Ann's phone","location":{"city":"Denver"}}}`,
		twitterID, u.ID), "User-Agent", appUA)
	require.Equal(t, 200, r.Code, r.Body)

	// A pending link completed, with part of an eventInfo.
	f.account("9002", "evpam", "evpam@example.com")
	login := f.login("9002", nil)
	require.Equal(t, 232, login.Code, login.Body)
	pending := decodeLogin(t, login).PendingIdPLinkID
	r = f.do("POST", "/api/identity-provider/link", fmt.Sprintf(
		`{"pendingIdPLinkId":%q,"identityProviderLink":{"userId":%q},"eventInfo":{"deviceType":"MOBILE"}}`, pending, u.ID),
		"User-Agent", appUA)
	require.Equal(t, 200, r.Code, r.Body)

	evs := c.WaitFor(t, 2)
	require.Equal(t, []string{authcore.EventUserIdentityProviderLink, authcore.EventUserIdentityProviderLink}, c.Types())
	direct := evs[0].Info
	require.NotNil(t, direct)
	assert.Equal(t, "203.0.113.9", direct.IPAddress)
	assert.Equal(t, "Mozilla/5.0 (phone)", direct.UserAgent)
	assert.Equal(t, "Ann's phone", direct.DeviceName)
	require.NotNil(t, direct.Location)
	assert.Equal(t, "Denver", direct.Location.City)

	// Only what the body gives replaces what the request showed.
	completed := evs[1].Info
	require.NotNil(t, completed)
	assert.Equal(t, "MOBILE", completed.DeviceType)
	assert.Equal(t, appUA, completed.UserAgent)
	assert.NotEmpty(t, completed.IPAddress)

	// It is read as strictly as the rest of the body, and nothing is linked.
	f.do("POST", "/api/identity-provider/link", fmt.Sprintf(
		`{"identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":"9003","userId":%q},"eventInfo":{"ipAddress":5}}`,
		twitterID, u.ID)).codes(t, "[invalidJSON]eventInfo.ipAddress")
	_, err := f.store.GetLink(ctx, f.tenant, twitterID, "9003")
	assert.ErrorIs(t, err, authcore.ErrNotFound)
}
