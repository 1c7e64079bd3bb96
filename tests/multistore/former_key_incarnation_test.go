package multistore_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/testclock"
)

const (
	reusedTenantID = "7a1d4b2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
	reusedAppID    = "8b2e5c3d-4f5a-4b6c-9d7e-8f9a0b1c2d3e"
	reusedUserID   = "9c3f6d4e-5a6b-4c7d-8e8f-9a0b1c2d3e4f"
)

// incarnationFixture creates, deletes and creates again a tenant, an
// application and a user under the same ids, as a caller that picks its ids
// may, with a clock that moves between the steps as a real one does.
type incarnationFixture struct {
	ctx   context.Context
	clock *testclock.Clock
	e     *authcore.Engine
}

func newIncarnationFixture(t *testing.T, k storeKind) *incarnationFixture {
	t.Helper()
	x := &incarnationFixture{ctx: context.Background(), clock: testclock.New(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))}
	var err error
	x.e, err = authcore.New(x.ctx, k.open(t)(t), authcore.WithClock(x.clock.Now),
		authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	return x
}

// createApplicationAndUser creates the application (with own as its own
// signing key, when set) in tenantID and registers the user to it, creating
// the user first when newUser.
func (x *incarnationFixture) createApplicationAndUser(t *testing.T, tenantID, own string, newUser bool) {
	t.Helper()
	in := authcore.ApplicationInput{Name: "Pied Piper", TenantID: tenantID}
	if own != "" {
		in.JWTConfiguration = &authcore.ApplicationJWTOverrides{Enabled: true, AccessTokenKeyID: own}
	}
	_, err := x.e.CreateApplication(x.ctx, reusedAppID, authcore.ApplicationRequest{Application: in})
	require.NoError(t, err)
	x.clock.Advance(time.Second)
	if newUser {
		_, err = x.e.CreateUser(x.ctx, reusedUserID, authcore.UserRequest{User: authcore.UserInput{TenantID: tenantID, Email: "richard@piedpiper.com"}})
		require.NoError(t, err)
	}
	_, err = x.e.Register(x.ctx, reusedUserID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: reusedAppID}})
	require.NoError(t, err)
	x.clock.Advance(time.Second)
}

// loginToken is a login token of the user for the application in tenantID,
// signed by key as the engine signs one.
func (x *incarnationFixture) loginToken(t *testing.T, key *authcore.SigningKey, tenantID string) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: key.Secret},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", key.ID))
	require.NoError(t, err)
	now := x.clock.Now()
	payload, err := json.Marshal(map[string]any{"sub": reusedUserID, "aud": reusedAppID, "tid": tenantID, "iss": "acme.com",
		"iat": now.Unix(), "exp": now.Add(24 * time.Hour).Unix(), "authenticationType": "PASSWORD"})
	require.NoError(t, err)
	obj, err := s.Sign(payload)
	require.NoError(t, err)
	tok, err := obj.CompactSerialize()
	require.NoError(t, err)
	return tok
}

// checkToken runs tok through every path that takes a login's token (GET
// /api/jwt/issue, RequireToken, RequireTokenFor and a revocation by the
// owner's token): accepted everywhere, or refused (401) everywhere.
func (x *incarnationFixture) checkToken(t *testing.T, tok string, accepted bool, why string) {
	t.Helper()
	_, errIssue := x.e.IssueJWT(x.ctx, authcore.IssueRequest{AccessToken: tok, ApplicationID: reusedAppID})
	_, errSubject := x.e.LoginTokenSubject(x.ctx, tok)
	_, errFor := x.e.ValidateAccessTokenFor(x.ctx, tok, reusedAppID)
	for name, err := range map[string]error{"IssueJWT": errIssue, "LoginTokenSubject": errSubject, "ValidateAccessTokenFor": errFor} {
		if accepted {
			require.NoError(t, err, "%s: %s", name, why)
		} else {
			require.ErrorIs(t, err, authcore.ErrUnauthorized, "%s: %s", name, why)
		}
	}
}

// A key that signed a tenant's tokens before a rotation stands for the
// logins of that tenant, not of a later tenant created under the same id
// once the first was deleted: the deleted tenant's users are gone, and a
// token it signed for them is no login of the new tenant's users, though
// they have the same ids. It was taken, as the key's former tenants still
// named the id.
func TestFormerTenantKeyDoesNotSignForATenantCreatedAgain(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			x := newIncarnationFixture(t, k)
			key, err := x.e.GenerateKey(x.ctx, authcore.AlgHS256, "first tenant's key")
			require.NoError(t, err)
			create := func(keyID string) {
				_, err := x.e.CreateTenant(x.ctx, reusedTenantID, authcore.Tenant{Name: "Acme",
					JWTConfiguration: authcore.TenantJWTConfiguration{AccessTokenKeyID: keyID}})
				require.NoError(t, err)
				x.clock.Advance(time.Second)
				x.createApplicationAndUser(t, reusedTenantID, "", true)
			}
			create(key.ID)
			tok := x.loginToken(t, key, reusedTenantID)
			x.clock.Advance(time.Second)
			_, err = x.e.RotateTenantKey(x.ctx, reusedTenantID, authcore.AlgHS256)
			require.NoError(t, err)
			x.checkToken(t, tok, true, "signed for the tenant before its rotation")

			x.clock.Advance(time.Second)
			require.NoError(t, x.e.DeleteTenant(x.ctx, reusedTenantID))
			x.clock.Advance(time.Second)
			create("")
			x.checkToken(t, tok, false, "signed for the deleted tenant")

			// The new tenant's own rotations still keep its own tokens.
			_, err = x.e.RotateTenantKey(x.ctx, reusedTenantID, authcore.AlgHS256) // its first key
			require.NoError(t, err)
			tn, err := x.e.Tenant(x.ctx, reusedTenantID)
			require.NoError(t, err)
			second, err := x.e.Key(x.ctx, tn.JWTConfiguration.AccessTokenKeyID)
			require.NoError(t, err)
			mine := x.loginToken(t, second, reusedTenantID)
			x.clock.Advance(time.Second)
			_, err = x.e.RotateTenantKey(x.ctx, reusedTenantID, authcore.AlgHS256)
			require.NoError(t, err)
			x.checkToken(t, mine, true, "signed for the new tenant before its rotation")
			x.checkToken(t, tok, false, "signed for the deleted tenant, after the new one's rotation")
		})
	}
}

// The same for an application with its own key: deleted and created again
// under its id, it does not take the tokens its former key signed for the
// deleted one.
func TestFormerApplicationKeyDoesNotSignForAnApplicationCreatedAgain(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			x := newIncarnationFixture(t, k)
			tenants, err := x.e.Tenants(x.ctx)
			require.NoError(t, err)
			require.Len(t, tenants, 1)
			tenantID := tenants[0].ID
			key, err := x.e.GenerateKey(x.ctx, authcore.AlgHS256, "first application's key")
			require.NoError(t, err)
			x.createApplicationAndUser(t, tenantID, key.ID, true)
			tok := x.loginToken(t, key, tenantID)
			x.clock.Advance(time.Second)
			_, err = x.e.PatchApplication(x.ctx, reusedAppID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
				Body: []byte(`{"application":{"jwtConfiguration":{"enabled":false,"accessTokenKeyId":null}}}`)})
			require.NoError(t, err)
			x.checkToken(t, tok, true, "signed for the application before its key changed")

			x.clock.Advance(time.Second)
			require.NoError(t, x.e.DeleteApplication(x.ctx, reusedAppID))
			x.clock.Advance(time.Second)
			x.createApplicationAndUser(t, tenantID, "", false) // the user outlives the application
			x.checkToken(t, tok, false, "signed for the deleted application")
		})
	}
}
