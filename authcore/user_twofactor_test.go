package authcore_test

import (
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Go caller's two-factor methods are checked as the User API's are: a
// method FusionAuth would refuse is not stored, on create or update.
func TestUserTwoFactorMethodRules(t *testing.T) {
	f := newDomFixture(t)
	methods := func(ms ...authcore.TwoFactorMethod) authcore.UserInput {
		return authcore.UserInput{Email: "tf@example.com", TwoFactor: &authcore.TwoFactor{Methods: ms}}
	}
	_, err := f.e.CreateUser(f.ctx, "", userReq(methods(authcore.TwoFactorMethod{})))
	assert.Equal(t, []string{"[blank]user.twoFactor.methods[0].method"}, errCodes(t, err))
	_, err = f.e.CreateUser(f.ctx, "", userReq(methods(
		authcore.TwoFactorMethod{Method: authcore.TwoFactorMethodEmail, Email: "tf@example.com"},
		authcore.TwoFactorMethod{Method: authcore.TwoFactorMethodSMS},
		authcore.TwoFactorMethod{Method: "voice", MobilePhone: "555-555-5555"})))
	assert.Equal(t, []string{"[blank]user.twoFactor.methods[1].mobilePhone", "[invalid]user.twoFactor.methods[2].method"}, errCodes(t, err))
	_, err = f.e.UserByEmail(f.ctx, "tf@example.com")
	require.ErrorIs(t, err, authcore.ErrNotFound, "nothing stored")

	u, err := f.e.CreateUser(f.ctx, "", userReq(methods(authcore.TwoFactorMethod{Method: authcore.TwoFactorMethodAuthenticator})))
	require.NoError(t, err)
	_, err = f.e.UpdateUser(f.ctx, u.ID, userReq(methods(authcore.TwoFactorMethod{Method: authcore.TwoFactorMethodEmail, Email: "tf"})))
	assert.Equal(t, []string{"[notEmail]user.twoFactor.methods[0].email"}, errCodes(t, err))
	got, err := f.e.User(f.ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, u.TwoFactor, got.TwoFactor, "the update stored nothing")
}

// The engine, not the adapter, gives a method its id: a Go caller's
// methods get one too, and an update that sends them back without it keeps
// it.
func TestUserTwoFactorMethodIDsFromGo(t *testing.T) {
	f := newDomFixture(t)
	email := authcore.TwoFactorMethod{Method: authcore.TwoFactorMethodEmail, Email: "tf@example.com"}
	u, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "tf@example.com", TwoFactor: &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{email}}}))
	require.NoError(t, err)
	require.Len(t, u.TwoFactor.Methods, 1)
	id := u.TwoFactor.Methods[0].ID
	assert.Regexp(t, `^[A-Z2-7]{4}$`, id)

	sms := authcore.TwoFactorMethod{Method: authcore.TwoFactorMethodSMS, MobilePhone: "555-555-5555"}
	up, err := f.e.UpdateUser(f.ctx, u.ID, userReq(authcore.UserInput{Email: "tf@example.com", TwoFactor: &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{email, sms}}}))
	require.NoError(t, err)
	require.Len(t, up.TwoFactor.Methods, 2)
	assert.Equal(t, id, up.TwoFactor.Methods[0].ID, "the stored method keeps its id")
	assert.Regexp(t, `^[A-Z2-7]{4}$`, up.TwoFactor.Methods[1].ID)
	assert.NotEqual(t, id, up.TwoFactor.Methods[1].ID)
}
