package multistore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// registrationTokens is what a registration's create answer says of its
// tokens.
type registrationTokens struct {
	Token          string
	RefreshToken   string
	RefreshTokenID string
	User           struct{ ID string }
}

// checkRegistrationTokens checks a registration's 200 answer: an access token
// the engine accepts and a refresh token stored for the user, the only one.
func (x *atomicityFixture) checkRegistrationTokens(t *testing.T, name, body string) registrationTokens {
	t.Helper()
	var out registrationTokens
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	require.NotEmpty(t, out.Token, "%s: %s", name, body)
	require.NotEmpty(t, out.RefreshToken, "%s: %s", name, body)
	claims, err := x.e.ValidateAccessToken(context.Background(), out.Token)
	require.NoError(t, err, name)
	require.Equal(t, authcore.AuthenticationTypeRegistration, claims["authenticationType"], name)
	require.Equal(t, out.RefreshTokenID, claims["sid"], name)
	rts, err := x.inner.ListRefreshTokens(context.Background(), out.User.ID)
	require.NoError(t, err)
	require.Len(t, rts, 1, "%s: one refresh token stored", name)
	require.Equal(t, out.RefreshTokenID, rts[0].ID, name)
	return out
}

// Every store call inside a registration create's transaction (for an
// existing user, and combined with the user's create), failing in turn,
// fails the request with nothing written: no registration, no user and no
// refresh token. The request without the fault answers the registration
// with its access token and the refresh token it stored.
func TestRegistrationCreateTokensAtomicity(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			x := newAtomicityFixture(t, k)
			ctx := context.Background()
			// A first login outside the test creates the tenant's signing
			// key, whose own transaction is not the registration's.
			code, body := x.login(x.account(0))
			require.Equal(t, 200, code, body)

			plain := errors.New("injected: disk on fire")
			faults := []struct {
				err    error
				status int
			}{{plain, 500}, {authcore.ErrConflict, 409}}
			for i, f := range faults {
				userID := fmt.Sprintf("b8b8b8b8-0000-4000-8000-00000000000%d", i)
				require.NoError(t, x.inner.CreateUser(ctx, &authcore.User{ID: userID, TenantID: x.tenant, Email: fmt.Sprintf("reg%d@example.com", i), Active: true}))
				x.users = append(x.users, userID)
				body := x.faultEvery(t, "registration", f.err, f.status, 200, func() (int, string) {
					return x.do("POST", "/api/user/registration/"+userID, `{"registration":{"applicationId":"`+appID+`"}}`, true)
				})
				x.checkRegistrationTokens(t, "registration", body)

				body = x.faultEvery(t, "combined create", f.err, f.status, 200, func() (int, string) {
					return x.do("POST", "/api/user/registration", fmt.Sprintf(`{"user":{"email":"combined%d@example.com"},"registration":{"applicationId":%q}}`, i, appID), true)
				})
				x.checkRegistrationTokens(t, "combined create", body)
			}
		})
	}
}

// A conflict at any one store call of a registration create is retried: the
// registration is made once, with one refresh token, not one per run.
func TestRegistrationCreateConflictOnceStoresOneRefreshToken(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			x := newAtomicityFixture(t, k)
			code, body := x.login(x.account(0))
			require.Equal(t, 200, code, body)
			for call := 1; ; call++ {
				x.f.armAt(call, authcore.ErrConflict, true)
				code, body := x.do("POST", "/api/user/registration", fmt.Sprintf(`{"user":{"email":"once%d@example.com"},"registration":{"applicationId":%q}}`, call, appID), true)
				fired := x.f.fired
				x.f.arm(0, nil)
				require.Equal(t, 200, code, "conflict at call %d: %s", call, body)
				x.checkRegistrationTokens(t, fmt.Sprintf("conflict at call %d", call), body)
				if fired == 0 {
					break
				}
			}
		})
	}
}

// A tenant deleted after a registration's create committed and before it
// signed its access token (signed after the commit, as a login's). The
// tenant's first token makes its signing key, in a transaction that reads
// the tenant again, and the store's not-found came out of the create: the
// adapter answered the combined create, which names no user, 404, "no such
// user". It is answered as the create of a registration to an application
// that is gone, [invalid]registration.applicationId, with no token and no
// key made for the deleted tenant. The registration of an existing user
// still answers not found: its user went with the tenant, as it would have
// had the delete come first.
func TestDeleteTenantBeforeRegistrationSigns(t *testing.T) {
	for _, k := range kinds() {
		for _, combined := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/combined=%t", k.name, combined), func(t *testing.T) {
				ctx := context.Background()
				open := k.open(t)
				c := newCluster(t, open, 1)
				e := c.engines[0]
				tn, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "short-lived"})
				require.NoError(t, err)
				require.Empty(t, tn.JWTConfiguration.AccessTokenKeyID, "the tenant's first token makes its key")
				app, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{TenantID: tn.ID, Name: "doomed"}})
				require.NoError(t, err)
				req := authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: app.ID}}
				userID := ""
				if combined {
					req.User = &authcore.UserInput{Email: "combined@example.com"}
				} else {
					u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{TenantID: tn.ID, Email: "existing@example.com"}})
					require.NoError(t, err)
					userID = u.ID
				}
				keys := keyCount(t, open(t))

				registrar, rs := c.pausedEngine(t, open, "RegistrationCommitted")
				var out *authcore.RegistrationResponse
				regErr, deleteErr := pauseAround(t, rs,
					func() error {
						var err error
						out, err = registrar.RegisterUser(ctx, userID, req)
						return err
					},
					func() error { return e.DeleteTenant(ctx, tn.ID) })
				require.NoError(t, deleteErr)
				require.Nil(t, out, "no answer, and no token")
				if combined {
					var verr *validation.Errors
					require.ErrorAs(t, regErr, &verr)
					require.Equal(t, []string{"[invalid]registration.applicationId"}, verr.Codes())
				} else {
					require.ErrorIs(t, regErr, authcore.ErrNotFound, "the user went with the tenant")
				}
				require.Equal(t, keys, keyCount(t, open(t)), "no key was made for the deleted tenant")
			})
		}
	}
}
