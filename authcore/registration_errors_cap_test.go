package authcore_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// A combined create whose user fills the Errors object still checks its
// registration, so that the [TooManyErrors] count includes what the
// registration got wrong. The user's own [TooManyErrors] was taken for a
// general error about its tenant, and the registration was not checked.
func TestCombinedCreateCountsTheRegistrationPastTheCap(t *testing.T) {
	f := newDomFixture(t)
	const methods = validation.MaxErrors + 5
	in := authcore.UserInput{Email: "ada@example.com", TwoFactor: &authcore.TwoFactor{Methods: make([]authcore.TwoFactorMethod, methods)}}
	req := authcore.RegistrationRequest{User: &in, Registration: authcore.UserRegistration{ApplicationID: "00000000-0000-4000-8000-0000000000ab"}}

	_, err := f.e.Register(f.ctx, "", req)
	var v *validation.Errors
	require.True(t, errors.As(err, &v), "%v", err)
	last := v.GeneralErrors[len(v.GeneralErrors)-1]
	require.Equal(t, validation.CodeTooManyErrors, last.Code)
	// 105 methods without their method, and the unknown application.
	want := fmt.Sprintf("This answer lists the first %d errors; %d more were left out.", validation.MaxErrors, methods+1-validation.MaxErrors)
	require.Equal(t, want, last.Message)

	// The same registration alone is refused, so it is counted above.
	_, err = f.e.Register(f.ctx, "", authcore.RegistrationRequest{User: &authcore.UserInput{Email: "ada@example.com"}, Registration: req.Registration})
	require.True(t, errors.As(err, &v), "%v", err)
	require.Len(t, v.Codes(), 1, "one error for the registration")
}
