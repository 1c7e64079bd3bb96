package validation_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/authcore/authcore/validation"
)

// A validator records every problem and returns them as one error; a caller
// gets the Errors object back with errors.As, through any wrapping, and reads
// a field's errors by its dotted path. It marshals to FusionAuth's 400 body.
func ExampleErrors() {
	validate := func(email string) error {
		var errs validation.Errors
		if email == "" {
			errs.Blank("user.email")
		}
		errs.General("[TenantIdRequired]", "A tenant id is required.")
		return errs.Err()
	}

	err := fmt.Errorf("create user: %w", validate(""))
	var verr *validation.Errors
	if errors.As(err, &verr) {
		fmt.Println(verr.FieldErrors["user.email"][0].Code)
		fmt.Println(verr.Has("[TenantIdRequired]"), verr.Codes())
		body, _ := json.Marshal(verr)
		fmt.Println(string(body))
	}
	// Output:
	// [blank]user.email
	// true [[TenantIdRequired] [blank]user.email]
	// {"fieldErrors":{"user.email":[{"code":"[blank]user.email","message":"You must specify the [user.email] property."}]},"generalErrors":[{"code":"[TenantIdRequired]","message":"A tenant id is required."}]}
}
