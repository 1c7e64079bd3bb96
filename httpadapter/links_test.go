package httpadapter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPendingLinkCompletedThroughLinkAPI(t *testing.T) {
	f := newLoginFixture(t, providerOpts{strategy: "CreatePendingLink"})
	f.account("2121", "pam", "pam@example.com")
	ctx := context.Background()
	u := &authcore.User{ID: "abababab-0000-0000-0000-000000000001", TenantID: f.tenant, Email: "someone@example.com", Active: true, Verified: true}
	require.NoError(t, f.store.CreateUser(ctx, u))

	r := f.login("2121", nil)
	require.Equal(t, 232, r.Code, r.Body)
	pending := decodeLogin(t, r).PendingIdPLinkID
	require.NotEmpty(t, pending)

	g := f.do("GET", "/api/identity-provider/link/pending/"+pending+"?userId="+u.ID, "")
	require.Equal(t, 200, g.Code, g.Body)
	var info authcore.PendingLinkResponse
	require.NoError(t, json.Unmarshal([]byte(g.Body), &info))
	assert.Equal(t, "2121", info.PendingIdPLink.IdentityProviderUserID)
	assert.Equal(t, "pam@example.com", info.PendingIdPLink.Email)
	assert.Equal(t, "Twitter", info.PendingIdPLink.IdentityProviderType)
	assert.Equal(t, 0, info.LinkCount)
	assert.NotContains(t, g.Body, "oauth_token_secret", "the pending link's secret stays inside")

	c := f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"pendingIdPLinkId":%q,"identityProviderLink":{"userId":%q}}`, pending, u.ID))
	require.Equal(t, 200, c.Code, c.Body)
	assert.Contains(t, c.Body, `"identityProviderUserId":"2121"`)
	link, err := f.store.GetLink(ctx, f.tenant, twitterID, "2121")
	require.NoError(t, err)
	assert.Equal(t, u.ID, link.UserID)
	assert.NotEmpty(t, link.Token, "the Twitter token moves to the link")

	// Single use.
	again := f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"pendingIdPLinkId":%q,"userId":%q}`, pending, u.ID))
	require.Equal(t, 400, again.Code)
	assert.True(t, again.errors(t).Has("[InvalidPendingIdPLinkId]"))
	assert.Equal(t, 404, f.do("GET", "/api/identity-provider/link/pending/"+pending, "").Code)

	// Now linked, the next login logs the user in.
	r = f.login("2121", nil)
	require.Equal(t, 200, r.Code, r.Body)
	assert.Equal(t, u.ID, decodeLogin(t, r).User.ID)
}

func TestPendingLinkExpires(t *testing.T) {
	f := newLoginFixture(t, providerOpts{strategy: "CreatePendingLink"})
	f.account("2222", "quin", "quin@example.com")
	r := f.login("2222", nil)
	require.Equal(t, 232, r.Code)
	pending := decodeLogin(t, r).PendingIdPLinkID
	ctx := context.Background()
	p, err := f.store.TakePendingLink(ctx, pending, 0)
	require.NoError(t, err)
	p.ExpirationInstant = 1 // long gone
	require.NoError(t, f.store.CreatePendingLink(ctx, p))
	u := &authcore.User{ID: "abababab-0000-0000-0000-000000000002", TenantID: f.tenant, Email: "x@example.com", Active: true}
	require.NoError(t, f.store.CreateUser(ctx, u))
	c := f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"pendingIdPLinkId":%q,"identityProviderLink":{"userId":%q}}`, pending, u.ID))
	require.Equal(t, 400, c.Code)
	assert.True(t, c.errors(t).Has("[InvalidPendingIdPLinkId]"))
	assert.Equal(t, 404, f.do("GET", "/api/identity-provider/link/pending/"+pending, "").Code)
}

func TestLinkAPI(t *testing.T) {
	f := newLoginFixture(t, providerOpts{limit: 2})
	ctx := context.Background()
	u := &authcore.User{ID: "acacacac-0000-0000-0000-000000000001", TenantID: f.tenant, Email: "linky@example.com", Active: true}
	require.NoError(t, f.store.CreateUser(ctx, u))
	create := func(providerUserID string) response {
		return f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":%q,"userId":%q,"displayName":"d","token":"t"}}`, twitterID, providerUserID, u.ID))
	}
	r := create("tw-1")
	require.Equal(t, 200, r.Code, r.Body)
	assert.Contains(t, r.Body, `"identityProviderType":"Twitter"`)
	// The Link API may give a user a second account of the provider.
	require.Equal(t, 200, create("tw-2").Code)
	// The tenant's limit is 2.
	r = create("tw-3")
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[LinkCountExceeded]"))
	// Duplicate.
	r = create("tw-1")
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[duplicate]identityProviderLink.identityProviderUserId"), r.Body)
	// Unknown user and provider.
	r = f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":"x","userId":"acacacac-0000-0000-0000-00000000ffff"}}`, twitterID))
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[invalid]identityProviderLink.userId"))
	r = f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderLink":{"identityProviderId":"11111111-2222-3333-4444-555555555555","identityProviderUserId":"x","userId":%q}}`, u.ID))
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[invalid]identityProviderLink.identityProviderId"))
	r = f.do("POST", "/api/identity-provider/link", `{"identityProviderLink":{}}`)
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[blank]identityProviderLink.userId"))

	// Retrieve one, by user, by user and provider.
	g := f.do("GET", "/api/identity-provider/link?identityProviderId="+twitterID+"&identityProviderUserId=tw-1&userId="+u.ID, "")
	require.Equal(t, 200, g.Code, g.Body)
	assert.Contains(t, g.Body, `"identityProviderLink":{`)
	assert.Equal(t, 404, f.do("GET", "/api/identity-provider/link?identityProviderId="+twitterID+"&identityProviderUserId=tw-1&userId=acacacac-0000-0000-0000-000000000009", "").Code)
	assert.Equal(t, 404, f.do("GET", "/api/identity-provider/link?identityProviderId="+twitterID+"&identityProviderUserId=none", "").Code)
	for _, q := range []string{"?userId=" + u.ID, "?identityProviderId=" + twitterID + "&userId=" + u.ID} {
		l := f.do("GET", "/api/identity-provider/link"+q, "")
		require.Equal(t, 200, l.Code)
		var out authcore.LinksResponse
		require.NoError(t, json.Unmarshal([]byte(l.Body), &out))
		assert.Len(t, out.IdentityProviderLinks, 2)
	}
	empty := f.do("GET", "/api/identity-provider/link?userId=acacacac-0000-0000-0000-000000000009", "")
	require.Equal(t, 200, empty.Code)
	assert.JSONEq(t, `{"identityProviderLinks":[]}`, empty.Body)
	bad := f.do("GET", "/api/identity-provider/link?userId=nope", "")
	require.Equal(t, 400, bad.Code)
	assert.True(t, bad.errors(t).Has("[couldNotConvert]userId"))

	// Another user of the tenant cannot delete the link by naming itself:
	// 404, and the link stays. The user must own the link (FusionAuth's
	// delete takes all three parameters).
	other := &authcore.User{ID: "acacacac-0000-0000-0000-000000000002", TenantID: f.tenant, Email: "other@example.com", Active: true}
	require.NoError(t, f.store.CreateUser(ctx, other))
	notOwner := f.do("DELETE", "/api/identity-provider/link?identityProviderId="+twitterID+"&identityProviderUserId=tw-1&userId="+other.ID, "")
	assert.Equal(t, 404, notOwner.Code, notOwner.Body)
	assert.Empty(t, notOwner.Body)
	require.Equal(t, 200, f.do("GET", "/api/identity-provider/link?identityProviderId="+twitterID+"&identityProviderUserId=tw-1&userId="+u.ID, "").Code, "the owner's link survived")

	// Delete returns the link, then it is gone.
	d := f.do("DELETE", "/api/identity-provider/link?identityProviderId="+twitterID+"&identityProviderUserId=tw-1&userId="+u.ID, "")
	require.Equal(t, 200, d.Code)
	assert.Contains(t, d.Body, `"identityProviderUserId":"tw-1"`)
	assert.Equal(t, 404, f.do("DELETE", "/api/identity-provider/link?identityProviderId="+twitterID+"&identityProviderUserId=tw-1&userId="+u.ID, "").Code)
	miss := f.do("DELETE", "/api/identity-provider/link?identityProviderId="+twitterID, "")
	require.Equal(t, 400, miss.Code)

	// The Link API needs an API key.
	assert.Equal(t, 401, f.anon("GET", "/api/identity-provider/link?userId="+u.ID, "").Code)
}

func TestPendingLinkCompletionRespectsLimit(t *testing.T) {
	f := newLoginFixture(t, providerOpts{strategy: "CreatePendingLink", limit: 1})
	f.account("2323", "rex", "rex@example.com")
	ctx := context.Background()
	u := &authcore.User{ID: "adadadad-0000-0000-0000-000000000001", TenantID: f.tenant, Email: "r@example.com", Active: true}
	require.NoError(t, f.store.CreateUser(ctx, u))
	require.NoError(t, f.store.CreateLink(ctx, &authcore.IdentityProviderLink{TenantID: f.tenant, IdentityProviderID: twitterID, IdentityProviderUserID: "other", UserID: u.ID}))
	pending := decodeLogin(t, f.login("2323", nil)).PendingIdPLinkID
	info := f.do("GET", "/api/identity-provider/link/pending/"+pending+"?userId="+u.ID, "")
	require.Equal(t, 200, info.Code)
	assert.Contains(t, info.Body, `"linkCount":1`)
	assert.Contains(t, info.Body, `"maximumLinks":1`)
	c := f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"pendingIdPLinkId":%q,"identityProviderLink":{"userId":%q}}`, pending, u.ID))
	require.Equal(t, 400, c.Code)
	assert.True(t, c.errors(t).Has("[LinkCountExceeded]"))
	// The refused completion did not use the pending link up.
	assert.Equal(t, 200, f.do("GET", "/api/identity-provider/link/pending/"+pending, "").Code)
}

func TestDebugEventLogAndSearch(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newLoginFixture(t, providerOpts{debug: true}, authcore.WithLogger(logger))
	f.account("2424", "sam", "sam@example.com")
	r := f.login("2424", nil)
	require.Equal(t, 200, r.Code)
	s := f.do("POST", "/api/system/event-log/search", `{"search":{"type":"Debug","message":"twitter"}}`)
	require.Equal(t, 200, s.Code, s.Body)
	var out authcore.EventLogSearchResponse
	require.NoError(t, json.Unmarshal([]byte(s.Body), &out))
	require.Equal(t, 2, out.Total, s.Body)
	assert.Contains(t, out.EventLogs[0].Message, "completed with status [200]", "newest first")
	one := f.do("GET", fmt.Sprintf("/api/system/event-log/%d", out.EventLogs[1].ID), "")
	require.Equal(t, 200, one.Code)
	assert.Contains(t, one.Body, `"eventLog":{"id":`)
	assert.Equal(t, 404, f.do("GET", "/api/system/event-log/999999", "").Code)
	assert.Equal(t, 400, f.do("GET", "/api/system/event-log/abc", "").Code)
	assert.Equal(t, 400, f.do("POST", "/api/system/event-log/search", `{"search":{"type":"Loud"}}`).Code)

	// FusionAuth's message wildcards, orderBy, and the GET form of the search.
	search := func(r response) authcore.EventLogSearchResponse {
		t.Helper()
		require.Equal(t, 200, r.Code, r.Body)
		var out authcore.EventLogSearchResponse
		require.NoError(t, json.Unmarshal([]byte(r.Body), &out))
		return out
	}
	got := search(f.do("POST", "/api/system/event-log/search", `{"search":{"type":"Debug","message":"*STATUS [200]."}}`))
	require.Equal(t, 1, got.Total, "a pattern with a wildcard matches the whole message")
	assert.Equal(t, out.EventLogs[0], got.EventLogs[0])
	got = search(f.do("POST", "/api/system/event-log/search", `{"search":{"type":"Debug","message":"status [200]"}}`))
	require.Equal(t, 1, got.Total, "without a wildcard: *value*")
	got = search(f.do("POST", "/api/system/event-log/search", `{"search":{"type":"Debug","message":"twitter login*","orderBy":"insertInstant ASC"}}`))
	require.Equal(t, 2, got.Total)
	assert.Equal(t, []*authcore.EventLog{out.EventLogs[1], out.EventLogs[0]}, got.EventLogs, "oldest first")
	got = search(f.do("GET", "/api/system/event-log/search?type=Debug&message=twitter&orderBy=insertInstant+asc&numberOfResults=1&startRow=1", ""))
	assert.Equal(t, 2, got.Total)
	assert.Equal(t, []*authcore.EventLog{out.EventLogs[0]}, got.EventLogs)
	f.do("POST", "/api/system/event-log/search", `{"search":{"orderBy":"id DESC"}}`).codes(t, "[invalid]search.orderBy")
	f.do("POST", "/api/system/event-log/search", `{"search":{"orderBy":"message sideways"}}`).codes(t, "[invalid]search.orderBy")
	f.do("GET", "/api/system/event-log/search?startRow=x&end=1.5", "").codes(t, "[couldNotConvert]end", "[couldNotConvert]startRow")
	f.do("GET", "/api/system/event-log/search?numberOfResults=99999999999", "").codes(t, "[couldNotConvert]numberOfResults")
	// The TypeScript client sends an omitted number as "null" or
	// "undefined": absent, as on the other searches' GET forms.
	got = search(f.do("GET", "/api/system/event-log/search?type=Debug&message=twitter&start=null&end=undefined&numberOfResults=null&startRow=undefined", ""))
	assert.Equal(t, 2, got.Total)
	assert.Len(t, got.EventLogs, 2)

	// Neither the consumer secret nor Twitter's tokens reach the logs or the
	// event log.
	for _, secret := range []string{consumerSec, overrideSec} {
		assert.NotContains(t, buf.String(), secret)
		assert.NotContains(t, s.Body, secret)
	}
	link, err := f.store.GetLink(context.Background(), f.tenant, twitterID, "2424")
	require.NoError(t, err)
	assert.NotContains(t, buf.String(), link.Token)
	assert.NotContains(t, s.Body, link.Token)
}

// A link body may carry its tenantId (as the links the API returns do) in
// any case, as every id.
func TestCreateLinkTenantIDAnyCase(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	u := f.do("POST", "/api/user", `{"user":{"email":"case@example.com"}}`)
	uid := str(u.obj(t, "user"), "id")
	r := f.do("POST", "/api/identity-provider/link", `{"identityProviderLink":{"identityProviderId":"`+twitterID+`","identityProviderUserId":"tw-case","userId":"`+uid+`","tenantId":"`+strings.ToUpper(f.tenant)+`"}}`)
	assert.Equal(t, 200, r.Code, r.Body)
	// Another tenant's id, in any case, still names no user of this one.
	r = f.do("POST", "/api/identity-provider/link", `{"identityProviderLink":{"identityProviderId":"`+twitterID+`","identityProviderUserId":"tw-case-2","userId":"`+uid+`","tenantId":"`+strings.ToUpper("5c212e59-0d0e-6b1a-ad48-f4f92793be32")+`"}}`)
	r.codes(t, "[invalid]identityProviderLink.userId")
}

// A pending link's id, like every id, is taken in any case: a client may
// print the UUID in upper case.
func TestPendingLinkIDInAnyCase(t *testing.T) {
	f := newLoginFixture(t, providerOpts{strategy: "CreatePendingLink"})
	f.account("2727", "pcase", "pcase@example.com")
	ctx := context.Background()
	u := &authcore.User{ID: "b0b0b0b0-0000-0000-0000-000000000001", TenantID: f.tenant, Email: "pc@example.com", Active: true}
	require.NoError(t, f.store.CreateUser(ctx, u))
	pending := strings.ToUpper(decodeLogin(t, f.login("2727", nil)).PendingIdPLinkID)
	g := f.do("GET", "/api/identity-provider/link/pending/"+pending+"?userId="+u.ID, "")
	require.Equal(t, 200, g.Code, g.Body)
	assert.Contains(t, g.Body, `"identityProviderUserId":"2727"`)
	c := f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"pendingIdPLinkId":%q,"identityProviderLink":{"userId":%q}}`, pending, u.ID))
	require.Equal(t, 200, c.Code, c.Body)
	assert.Equal(t, 404, f.do("GET", "/api/identity-provider/link/pending/"+strings.ToLower(pending), "").Code, "spent")
}

// FusionAuth's Link API still takes its pre-1.43 body, the link's fields at
// the top level instead of under identityProviderLink: the links docs list
// it as deprecated but functional.
func TestLinkAPIDeprecatedTopLevelForm(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	ctx := context.Background()
	u := &authcore.User{ID: "acacacac-0000-0000-0000-0000000000d1", TenantID: f.tenant, Email: "old@example.com", Active: true}
	require.NoError(t, f.store.CreateUser(ctx, u))

	r := f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderId":%q,"identityProviderUserId":"tw-old","userId":%q,"displayName":"old form"}`, twitterID, u.ID))
	require.Equal(t, 200, r.Code, r.Body)
	var out authcore.LinkResponse
	require.NoError(t, json.Unmarshal([]byte(r.Body), &out))
	require.NotNil(t, out.IdentityProviderLink)
	assert.Equal(t, "tw-old", out.IdentityProviderLink.IdentityProviderUserID)
	assert.Equal(t, "old form", out.IdentityProviderLink.DisplayName)
	assert.Equal(t, u.ID, out.IdentityProviderLink.UserID)
	l, err := f.store.GetLink(ctx, f.tenant, twitterID, "tw-old")
	require.NoError(t, err)
	assert.Equal(t, u.ID, l.UserID)
	assert.Equal(t, "old form", l.DisplayName)

	// The current form wins where both name a field.
	r = f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderUserId":"tw-top","identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":"tw-new","userId":%q}}`, twitterID, u.ID))
	require.Equal(t, 200, r.Code, r.Body)
	assert.Contains(t, r.Body, `"identityProviderUserId":"tw-new"`)
	_, err = f.store.GetLink(ctx, f.tenant, twitterID, "tw-top")
	assert.ErrorIs(t, err, authcore.ErrNotFound)

	// Still required in either form.
	r = f.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderId":%q,"userId":%q}`, twitterID, u.ID))
	require.Equal(t, 400, r.Code, r.Body)
	assert.True(t, r.errors(t).Has("[blank]identityProviderLink.identityProviderUserId"), r.Body)
}

// DELETE /api/identity-provider/link names every parameter that is missing
// or malformed. It named one, picked by map order (so one request got
// different answers), and stopped at the first malformed UUID.
func TestDeleteLinkNamesEveryBadParameter(t *testing.T) {
	const id = "acacacac-0000-0000-0000-000000000001"
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"[missing]identityProviderId", "[missing]identityProviderUserId", "[missing]userId"}},
		{"?identityProviderId=" + twitterID, []string{"[missing]identityProviderUserId", "[missing]userId"}},
		{"?identityProviderUserId=tw-1", []string{"[missing]identityProviderId", "[missing]userId"}},
		{"?identityProviderId=x&userId=y", []string{"[couldNotConvert]identityProviderId", "[couldNotConvert]userId", "[missing]identityProviderUserId"}},
		{"?identityProviderId=x&identityProviderUserId=tw-1&userId=" + id, []string{"[couldNotConvert]identityProviderId"}},
	}
	f := newFixture(t)
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			// Repeated: map order changed the answer from one request to
			// the next.
			for range 20 {
				f.do("DELETE", "/api/identity-provider/link"+tc.query, "").codes(t, tc.want...)
			}
		})
	}
}

// The TypeScript client puts an omitted argument on the URI as "null" or
// "undefined" (retrievePendingLink(id, null), retrieveUserLinksByUserId(
// undefined, userId), deleteUserLink(null, …)): the Link API reads it as
// absent, as the JWT routes do, where it answered 400
// [couldNotConvert]<name>.
func TestLinkAPIReadsOmittedClientArgumentsAsAbsent(t *testing.T) {
	f := newLoginFixture(t, providerOpts{strategy: "CreatePendingLink"})
	f.account("2424", "lou", "lou@example.com")
	ctx := context.Background()
	u := &authcore.User{ID: "aeaeaeae-0000-0000-0000-000000000001", TenantID: f.tenant, Email: "lou@example.org", Active: true, Verified: true}
	require.NoError(t, f.store.CreateUser(ctx, u))
	require.NoError(t, f.store.CreateLink(ctx, &authcore.IdentityProviderLink{TenantID: f.tenant, IdentityProviderID: twitterID, IdentityProviderUserID: "tw-lou", UserID: u.ID}))
	r := f.login("2424", nil)
	require.Equal(t, 232, r.Code, r.Body)
	pending := decodeLogin(t, r).PendingIdPLinkID

	for _, omitted := range []string{"null", "undefined"} {
		t.Run(omitted, func(t *testing.T) {
			tests := []struct {
				name, got, want string // want: the same request without the argument
			}{
				{"pending link without userId",
					"/api/identity-provider/link/pending/" + pending + "?userId=" + omitted,
					"/api/identity-provider/link/pending/" + pending},
				{"links of a user, any provider",
					"/api/identity-provider/link?identityProviderId=" + omitted + "&userId=" + u.ID,
					"/api/identity-provider/link?userId=" + u.ID},
				{"one link, no user",
					"/api/identity-provider/link?identityProviderId=" + twitterID + "&identityProviderUserId=tw-lou&userId=" + omitted,
					"/api/identity-provider/link?identityProviderId=" + twitterID + "&identityProviderUserId=tw-lou"},
			}
			for _, tc := range tests {
				want := f.do("GET", tc.want, "")
				require.Equal(t, 200, want.Code, "%s: %s", tc.name, want.Body)
				got := f.do("GET", tc.got, "")
				assert.Equal(t, want.Code, got.Code, "%s: %s", tc.name, got.Body)
				assert.JSONEq(t, want.Body, got.Body, tc.name)
			}
			// A required id the client left out is missing, not malformed.
			f.do("DELETE", "/api/identity-provider/link?identityProviderId="+omitted+"&identityProviderUserId=tw-lou&userId="+omitted, "").
				codes(t, "[missing]identityProviderId", "[missing]userId")
		})
	}
}

// FusionAuth's pending-link response has linkCount "only if a userId was
// provided on the request" and identityProviderTenantConfiguration "only if
// you have configured a tenant policy for this identity provider" (Link API
// docs, pending-link response body).
func TestPendingLinkOptionalParts(t *testing.T) {
	for _, tc := range []struct {
		name        string
		limit       int
		withUser    bool
		wantCount   bool
		wantTenantC bool
	}{
		{"no user, no tenant policy", 0, false, false, false},
		{"user, no tenant policy", 0, true, true, false},
		{"no user, tenant policy", 3, false, false, true},
		{"user, tenant policy", 3, true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newLoginFixture(t, providerOpts{strategy: "CreatePendingLink", limit: tc.limit})
			f.account("2323", "ria", "ria@example.com")
			u := &authcore.User{ID: "abababab-0000-0000-0000-000000000003", TenantID: f.tenant, Email: "other@example.com", Active: true}
			require.NoError(t, f.store.CreateUser(context.Background(), u))
			r := f.login("2323", nil)
			require.Equal(t, 232, r.Code, r.Body)
			path := "/api/identity-provider/link/pending/" + decodeLogin(t, r).PendingIdPLinkID
			if tc.withUser {
				path += "?userId=" + u.ID
			}
			g := f.do("GET", path, "")
			require.Equal(t, 200, g.Code, g.Body)
			var body map[string]json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(g.Body), &body))
			var pending map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(body["pendingIdPLink"], &pending))

			count, hasCount := body["linkCount"]
			assert.Equal(t, tc.wantCount, hasCount, g.Body)
			if tc.wantCount {
				assert.JSONEq(t, "0", string(count))
			}
			_, hasTop := body["identityProviderTenantConfiguration"]
			_, hasNested := pending["identityProviderTenantConfiguration"]
			assert.Equal(t, tc.wantTenantC, hasTop, g.Body)
			assert.Equal(t, tc.wantTenantC, hasNested, g.Body)
			if tc.wantTenantC {
				assert.JSONEq(t, `{"limitUserLinkCount":{"enabled":true,"maximumLinks":3}}`, string(body["identityProviderTenantConfiguration"]))
			}
		})
	}
}

// The pending link's identityProviderTenantConfiguration is the provider's
// entry for the tenant, FusionAuth's IdentityProviderTenantConfiguration:
// its free-form data too, not only the link limit (data was dropped).
func TestPendingLinkTenantConfigurationKeepsData(t *testing.T) {
	f := newLoginFixture(t, providerOpts{strategy: "CreatePendingLink", limit: 3})
	p := f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"tenantConfiguration":{"`+f.tenant+`":{"data":{"policy":"strict","n":2}}}}}`)
	require.Equal(t, 200, p.Code, p.Body)
	f.account("2424", "sia", "sia@example.com")
	r := f.login("2424", nil)
	require.Equal(t, 232, r.Code, r.Body)
	g := f.do("GET", "/api/identity-provider/link/pending/"+decodeLogin(t, r).PendingIdPLinkID, "")
	require.Equal(t, 200, g.Code, g.Body)
	var body struct {
		TenantConfiguration json.RawMessage `json:"identityProviderTenantConfiguration"`
		PendingIdPLink      struct {
			TenantConfiguration json.RawMessage `json:"identityProviderTenantConfiguration"`
		} `json:"pendingIdPLink"`
	}
	require.NoError(t, json.Unmarshal([]byte(g.Body), &body))
	want := `{"data":{"policy":"strict","n":2},"limitUserLinkCount":{"enabled":true,"maximumLinks":3}}`
	assert.JSONEq(t, want, string(body.TenantConfiguration))
	assert.JSONEq(t, want, string(body.PendingIdPLink.TenantConfiguration))
}
