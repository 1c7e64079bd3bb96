package authcore_test

import (
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tokenApp creates an application with a default role and, when refresh,
// loginConfiguration.generateRefreshTokens.
func (f *domFixture) tokenApp(name string, refresh, verify bool) *authcore.Application {
	f.t.Helper()
	a, err := f.e.CreateApplication(f.ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		Name: name, Roles: []authcore.ApplicationRole{{Name: "user", IsDefault: true}, {Name: "admin"}},
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: refresh}, VerifyRegistration: verify,
	}})
	require.NoError(f.t, err)
	return a
}

// checkRegistrationToken checks that out carries an access token for its
// user and registration, signed as a login's is, and returns its claims.
func checkRegistrationToken(t *testing.T, f *domFixture, out *authcore.RegistrationResponse) map[string]any {
	t.Helper()
	require.NotEmpty(t, out.Token, "the create answer carries an access token")
	claims, err := f.e.ValidateAccessToken(f.ctx, out.Token)
	require.NoError(t, err, "the engine accepts the token it issued")
	assert.Equal(t, authcore.AuthenticationTypeRegistration, claims["authenticationType"])
	assert.Equal(t, out.User.ID, claims["sub"])
	assert.Equal(t, out.Registration.ApplicationID, claims["aud"])
	assert.Equal(t, out.Registration.ApplicationID, claims["applicationId"], "the user is registered: applicationId and roles")
	assert.Equal(t, out.User.TenantID, claims["tid"])
	assert.Equal(t, out.User.Email, claims["email"])
	roles := []any{}
	for _, r := range out.Registration.Roles {
		roles = append(roles, r)
	}
	assert.Equal(t, roles, claims["roles"])
	exp, ok := claims["exp"].(float64)
	require.True(t, ok)
	assert.Equal(t, int64(exp)*1000, out.TokenExpirationInstant, "tokenExpirationInstant is the token's exp")
	return claims
}

// A registration's create answer carries an access token (and a refresh
// token when the application generates them), for an existing user and in
// the combined create, as FusionAuth's Registration API answers.
func TestRegisterUserIssuesTokens(t *testing.T) {
	f := newDomFixture(t)
	withRefresh := f.tokenApp("with refresh", true, false)
	u := f.user("", "ann@example.com")

	out, err := f.e.RegisterUser(f.ctx, u.ID, regReq(withRefresh.ID, "admin", "user"))
	require.NoError(t, err)
	claims := checkRegistrationToken(t, f, out)
	require.NotEmpty(t, out.RefreshToken)
	require.NotEmpty(t, out.RefreshTokenID)
	assert.Equal(t, out.RefreshTokenID, claims["sid"], "sid names the refresh token, as a login's does")
	rts, err := f.e.RefreshTokens(f.ctx, u.ID)
	require.NoError(t, err)
	require.Len(t, rts, 1, "one refresh token stored")
	assert.Equal(t, out.RefreshTokenID, rts[0].ID)
	assert.Equal(t, withRefresh.ID, rts[0].ApplicationID)
	assert.Nil(t, rts[0].MetaData, "no eventInfo, no device")
	refreshed, err := f.e.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: out.RefreshToken})
	require.NoError(t, err, "the refresh token works")
	assert.NotEmpty(t, refreshed.Token)

	// Combined create, to an application without refresh tokens and
	// requiring registration verification (the login still gets a token at
	// 213, so the registration does too).
	noRefresh := f.tokenApp("no refresh", false, true)
	out, err = f.e.RegisterUser(f.ctx, "", authcore.RegistrationRequest{
		User:         &authcore.UserInput{Email: "bob@example.com", Username: "bob"},
		Registration: authcore.UserRegistration{ApplicationID: noRefresh.ID},
	})
	require.NoError(t, err)
	assert.False(t, out.Registration.Verified)
	claims = checkRegistrationToken(t, f, out)
	assert.Equal(t, "bob", claims["preferred_username"])
	assert.NotContains(t, claims, "sid", "no refresh token, no sid")
	assert.Empty(t, out.RefreshToken)
	assert.Empty(t, out.RefreshTokenID)
	rts, err = f.e.RefreshTokens(f.ctx, out.User.ID)
	require.NoError(t, err)
	assert.Empty(t, rts, "no refresh token stored")

	// Register (the Go API that answers the registration alone) issues
	// nothing: a refresh token nobody holds would only wait to expire.
	other := f.tokenApp("other", true, false)
	_, err = f.e.Register(f.ctx, u.ID, regReq(other.ID))
	require.NoError(t, err)
	rts, err = f.e.RefreshTokens(f.ctx, u.ID)
	require.NoError(t, err)
	assert.Len(t, rts, 1, "Register stored no refresh token")
}

// The refresh token a registration issues describes the device its body's
// eventInfo names, as a login's takes metaData.device: a registration
// request has no metaData, and GET /api/jwt/refresh lists the device.
func TestRegisterUserRefreshTokenDevice(t *testing.T) {
	f := newDomFixture(t)
	app := f.tokenApp("with refresh", true, false)
	req := regReq(app.ID)
	req.EventInfo = &authcore.EventInfo{DeviceName: "Ann's phone", DeviceType: "MOBILE", DeviceDescription: "the red one",
		IPAddress: "203.0.113.9", UserAgent: "not a device field", OS: "neither"}
	u := f.user("", "ann@example.com")
	out, err := f.e.RegisterUser(f.ctx, u.ID, req)
	require.NoError(t, err)
	rts, err := f.e.RefreshTokens(f.ctx, u.ID)
	require.NoError(t, err)
	require.Len(t, rts, 1)
	assert.Equal(t, out.RefreshTokenID, rts[0].ID)
	assert.Equal(t, map[string]any{"device": map[string]any{
		"name": "Ann's phone", "type": "MOBILE", "description": "the red one", "lastAccessedAddress": "203.0.113.9",
	}}, rts[0].MetaData)

	// eventInfo without a device field: no device.
	other := f.tokenApp("other", true, false)
	req = regReq(other.ID)
	req.EventInfo = &authcore.EventInfo{UserAgent: "curl"}
	bob := f.user("", "bob@example.com")
	_, err = f.e.RegisterUser(f.ctx, bob.ID, req)
	require.NoError(t, err)
	rts, err = f.e.RefreshTokens(f.ctx, bob.ID)
	require.NoError(t, err)
	require.Len(t, rts, 1)
	assert.Nil(t, rts[0].MetaData)
}

// A user who could not log in to the application gets no token from a
// registration either: the registration is made, its answer carries no
// token, and no refresh token is stored.
func TestRegisterUserNoTokenWhenLoginWouldGetNone(t *testing.T) {
	f := newDomFixture(t)
	app := f.tokenApp("app", true, false)
	inactive := f.tokenApp("inactive", true, false)
	_, err := f.e.DeactivateApplication(f.ctx, inactive.ID)
	require.NoError(t, err)
	deactivated := f.user("", "gone@example.com")
	_, err = f.e.DeactivateUser(f.ctx, deactivated.ID)
	require.NoError(t, err)
	past := time.UnixMilli(1_600_000_000_000).UnixMilli()

	tests := []struct {
		name   string
		userID string
		req    authcore.RegistrationRequest
	}{
		{"inactive user", deactivated.ID, regReq(app.ID)},
		{"expired user", "", authcore.RegistrationRequest{User: &authcore.UserInput{Email: "old@example.com", Expiry: past}, Registration: authcore.UserRegistration{ApplicationID: app.ID}}},
		{"password change required (203)", "", authcore.RegistrationRequest{User: &authcore.UserInput{Email: "pw@example.com", PasswordChangeRequired: true}, Registration: authcore.UserRegistration{ApplicationID: app.ID}}},
		{"two-factor method (242)", "", authcore.RegistrationRequest{User: &authcore.UserInput{Email: "tf@example.com",
			TwoFactor: &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{{ID: "ABCD", Method: "email", Email: "tf@example.com"}}}}, Registration: authcore.UserRegistration{ApplicationID: app.ID}}},
		{"inactive application", f.user("", "ia@example.com").ID, regReq(inactive.ID)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := f.e.RegisterUser(f.ctx, tc.userID, tc.req)
			require.NoError(t, err, "the registration itself is made")
			require.NotNil(t, out.Registration)
			assert.Empty(t, out.Token)
			assert.Zero(t, out.TokenExpirationInstant)
			assert.Empty(t, out.RefreshToken)
			assert.Empty(t, out.RefreshTokenID)
			rts, err := f.e.RefreshTokens(f.ctx, out.User.ID)
			require.NoError(t, err)
			assert.Empty(t, rts, "no refresh token stored")
		})
	}
}

// A registration refused after its refresh token would have been created
// (here: the combined create's registration is a duplicate) leaves no
// refresh token, and no user, behind.
func TestRegisterUserRefusedStoresNoToken(t *testing.T) {
	f := newDomFixture(t)
	app := f.tokenApp("app", true, false)
	first, err := f.e.RegisterUser(f.ctx, "", authcore.RegistrationRequest{
		User: &authcore.UserInput{Email: "one@example.com"}, Registration: authcore.UserRegistration{ApplicationID: app.ID},
	})
	require.NoError(t, err)
	_, err = f.e.RegisterUser(f.ctx, first.User.ID, regReq(app.ID))
	assert.Equal(t, []string{"[duplicate]registration.applicationId"}, errCodes(t, err))
	rts, err := f.e.RefreshTokens(f.ctx, first.User.ID)
	require.NoError(t, err)
	assert.Len(t, rts, 1, "only the first registration's refresh token")
}
