package httpadapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A tenant-locked key, or a tenant header, neither sees nor touches another
// tenant's links and pending links through any Link API route; a global key
// does.
func TestLinkAPITenantScope(t *testing.T) {
	f := newLoginFixture(t, providerOpts{strategy: "CreatePendingLink"})
	ctx := context.Background()
	home := f.tenant
	other := f.newTenant("other")
	uHome := &authcore.User{ID: "afafafaf-0000-0000-0000-000000000001", TenantID: home, Email: "home@example.com", Active: true}
	uOther := &authcore.User{ID: "afafafaf-0000-0000-0000-000000000002", TenantID: other, Email: "other@example.com", Active: true}
	for _, u := range []*authcore.User{uHome, uOther} {
		require.NoError(t, f.store.CreateUser(ctx, u))
	}
	require.NoError(t, f.store.CreateLink(ctx, &authcore.IdentityProviderLink{TenantID: home, IdentityProviderID: twitterID, IdentityProviderUserID: "home-tw", UserID: uHome.ID}))
	f.account("2626", "pat", "pat@example.com")
	pending := decodeLogin(t, f.login("2626", nil)).PendingIdPLinkID
	require.NotEmpty(t, pending)

	linkOf := "/api/identity-provider/link?identityProviderId=" + twitterID + "&identityProviderUserId=home-tw"
	for name, as := range map[string][]string{
		"locked key":    {"Authorization", f.lockedKey(other)},
		"tenant header": {"X-FusionAuth-TenantId", other},
	} {
		t.Run(name, func(t *testing.T) {
			do := func(method, path, body string) response { return f.do(method, path, body, as...) }
			do("GET", linkOf, "").empty(t, 404)
			do("GET", linkOf+"&userId="+uHome.ID, "").empty(t, 404)
			l := do("GET", "/api/identity-provider/link?userId="+uHome.ID, "")
			require.Equal(t, 200, l.Code, l.Body)
			assert.JSONEq(t, `{"identityProviderLinks":[]}`, l.Body)
			l = do("GET", "/api/identity-provider/link?identityProviderId="+twitterID+"&userId="+uHome.ID, "")
			require.Equal(t, 200, l.Code, l.Body)
			assert.JSONEq(t, `{"identityProviderLinks":[]}`, l.Body)
			do("DELETE", linkOf+"&userId="+uHome.ID, "").empty(t, 404)
			do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":"intruder","userId":%q}}`, twitterID, uHome.ID)).
				codes(t, "[invalid]identityProviderLink.userId")
			do("GET", "/api/identity-provider/link/pending/"+pending, "").empty(t, 404)
			do("GET", "/api/identity-provider/link/pending/"+pending+"?userId="+uOther.ID, "").empty(t, 404)
			do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"pendingIdPLinkId":%q,"identityProviderLink":{"userId":%q}}`, pending, uOther.ID)).
				codes(t, "[InvalidPendingIdPLinkId]")
		})
	}
	// Nothing was touched.
	_, err := f.store.GetLink(ctx, home, twitterID, "home-tw")
	require.NoError(t, err)
	_, err = f.store.GetLink(ctx, home, twitterID, "intruder")
	require.ErrorIs(t, err, authcore.ErrNotFound)

	// A global key sees every tenant.
	g := f.do("GET", linkOf+"&userId="+uHome.ID, "")
	require.Equal(t, 200, g.Code, g.Body)
	p := f.do("GET", "/api/identity-provider/link/pending/"+pending+"?userId="+uHome.ID, "")
	require.Equal(t, 200, p.Code, p.Body)
	var info authcore.PendingLinkResponse
	require.NoError(t, json.Unmarshal([]byte(p.Body), &info))
	assert.Equal(t, 1, info.LinkCount)
}
