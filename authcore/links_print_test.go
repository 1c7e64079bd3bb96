package authcore_test

import (
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
)

// A link keeps Twitter's access token and its secret; neither prints, nor
// does a pending link's token, through any fmt verb or slog handler, alone
// or inside the Link API's requests and answers: %v printed them, and
// slog's JSON handler marshalled them.
func TestLinksNeverPrintTokens(t *testing.T) {
	const token, secret = "1179659262-ACCESS-TOKEN", "ACCESS-TOKEN-SECRET"
	const user, twitterUser = "3c219e58-ed0e-4b18-ad48-f4f92793ae32", "9876543210"
	link := authcore.IdentityProviderLink{IdentityProviderUserID: twitterUser, UserID: user, Token: token,
		Data: map[string]any{"oauth_token_secret": secret}}
	pending := authcore.PendingLink{ID: "p-1", IdentityProviderUserID: twitterUser, Token: token, Data: map[string]any{"oauth_token_secret": secret}}
	req := authcore.LinkRequest{IdentityProviderLink: link}
	resp := authcore.LinkResponse{IdentityProviderLink: &link}
	list := authcore.LinksResponse{IdentityProviderLinks: []authcore.IdentityProviderLink{link}}
	pendingView := authcore.PendingIdPLink{IdentityProviderUserID: twitterUser, IdentityProviderLinks: []authcore.IdentityProviderLink{link}}
	pendingResp := authcore.PendingLinkResponse{PendingIdPLink: pendingView}
	for _, c := range []struct {
		name   string
		v, ptr any
	}{
		{"IdentityProviderLink", link, &link},
		{"PendingLink", pending, &pending},
		{"LinkRequest", req, &req},
		{"LinkResponse", resp, &resp},
		{"LinksResponse", list, &list},
		{"PendingIdPLink", pendingView, &pendingView},
		{"PendingLinkResponse", pendingResp, &pendingResp},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, out := range printed(c.v, c.ptr) {
				for _, s := range []string{token, secret} {
					if strings.Contains(out, s) {
						t.Errorf("printed %q: %s", s, out)
					}
				}
				// The Twitter user and what data was kept stay visible.
				if !strings.Contains(out, twitterUser) {
					t.Errorf("lost the Twitter user id: %s", out)
				}
			}
		})
	}
}
