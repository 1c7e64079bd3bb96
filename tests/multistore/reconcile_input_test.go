package multistore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

// A reconcile function whose user the User API would refuse fails the
// login as the function's failure (SPEC §5: 512, empty), with nothing
// written, on every store. The adapter answered 400 with the user's field
// errors, naming properties the request never sent.
func TestReconcileInvalidResultOnEveryStore(t *testing.T) {
	const lambdaID = "5d1e7c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6"
	cases := []struct {
		name string
		set  func(u *authcore.User)
	}{
		{"email too long", func(u *authcore.User) { u.Email = strings.Repeat("a", 300) + "@example.com" }},
		{"username too long", func(u *authcore.User) { u.Username = strings.Repeat("u", 300) }},
		{"not an email", func(u *authcore.User) { u.Email = "nope" }},
		// No store keeps these as sent: PostgreSQL's text refuses U+0000
		// (the login answered 500 there and stored the user elsewhere), and
		// the SQL stores turned bytes that are not UTF-8 into U+FFFD.
		{"username with U+0000", func(u *authcore.User) { u.Username = "nul\x00name" }},
		{"username not UTF-8", func(u *authcore.User) { u.Username = "bad\xc3\x28name" }},
		{"email not UTF-8", func(u *authcore.User) { u.Email = "bad\xff@example.com" }},
		// Free text too: memstore kept these bytes and the SQL stores U+FFFD.
		{"fullName not UTF-8", func(u *authcore.User) { u.FullName = "bad\xffname" }},
		{"data value with U+0000", func(u *authcore.User) { u.Data = map[string]any{"k": "nul\x00value"} }},
	}
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			c := newCluster(t, open, 1)
			var set func(u *authcore.User)
			e, _ := c.pausedEngine(t, open, "", authcore.WithLambda(authcore.Lambda{
				ID: lambdaID, Type: authcore.LambdaTwitterReconcile,
				Reconcile: func(_ context.Context, u *authcore.User, _ *authcore.UserRegistration, _ map[string]any) error {
					set(u)
					return nil
				}}))
			h, err := httpadapter.New(e)
			require.NoError(t, err)
			p, err := e.IdentityProvider(ctx, twitter.ProviderID)
			require.NoError(t, err)
			p.LambdaConfiguration.ReconcileID = lambdaID
			_, err = e.UpdateIdentityProvider(ctx, twitter.ProviderID, *p)
			require.NoError(t, err)
			for i, tc := range cases {
				set = tc.set
				id := fmt.Sprintf("7%d", i)
				email := fmt.Sprintf("reconciled%d@example.com", i)
				c.tw.AddAccount(twittertest.Account{ID: id, ScreenName: "reconciled" + id, Email: email})
				code, body := login(h, c.loginBody(id))
				assert.Equal(t, 512, code, "%s: %s", tc.name, body)
				assert.Empty(t, body, tc.name)
				_, err := e.UserByEmail(ctx, email)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "%s: the login stored its user", tc.name)
				tenants, err := e.Tenants(ctx)
				require.NoError(t, err)
				_, err = e.Store().GetLink(ctx, tenants[0].ID, twitter.ProviderID, id)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "%s: the login stored its link", tc.name)
			}
		})
	}
}
