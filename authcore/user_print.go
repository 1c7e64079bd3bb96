package authcore

import (
	"fmt"
	"log/slog"

	"github.com/authcore/authcore/internal/redact"
)

// A request may carry a user's password, which authcore refuses
// ([notSupported]user.password) but which is the user's credential all the
// same: the requests print it redacted, through every fmt verb and slog,
// so that an app logging what it sent does not write it.

// userInputFields is UserInput without its methods, for printing field by
// field (and marshalling, for slog's JSON handler) with the password
// replaced.
type userInputFields UserInput

func (in UserInput) redacted() userInputFields {
	c := userInputFields(in)
	c.Password = redact.IfSet(c.Password)
	return c
}

// String describes in with its password redacted.
func (in UserInput) String() string { return fmt.Sprintf("%+v", in.redacted()) }

// Format makes every verb print String.
func (in UserInput) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(in.String())) }

// LogValue is in with its password redacted, field by field.
func (in UserInput) LogValue() slog.Value { return slog.AnyValue(in.redacted()) }

// LogValue logs r with its user's password redacted: slog's JSON handler
// marshals a struct whole, without asking its fields.
func (r UserRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("user", r.User), slog.Bool("skipVerification", r.SkipVerification), slog.Any("eventInfo", r.EventInfo))
}

// LogValue logs r with its user's password redacted.
func (r RegistrationRequest) LogValue() slog.Value {
	attrs := []slog.Attr{slog.Any("registration", r.Registration)}
	if r.User != nil {
		attrs = append(attrs, slog.Any("user", *r.User))
	}
	attrs = append(attrs, slog.Bool("skipRegistrationVerification", r.SkipRegistrationVerification),
		slog.Bool("skipVerification", r.SkipVerification), slog.Any("eventInfo", r.EventInfo))
	return slog.GroupValue(attrs...)
}
