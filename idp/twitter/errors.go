package twitter

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// The two ways a call to Twitter can fail. FusionAuth answers both with 401;
// they are kept apart so that the event log can say which happened.
var (
	// ErrRefused means Twitter looked at the credentials and said no: 401 or
	// 403, or 400 with an error about the token, verifier or signature.
	ErrRefused = errors.New("twitter: Twitter refused the tokens")
	// ErrUnavailable means no usable answer came back: a network error, a
	// timeout or cancelled context, 5xx, 429, or a body that is not what
	// Twitter sends (HTML, JSON without id_str, an unparseable token response).
	ErrUnavailable = errors.New("twitter: Twitter is unavailable")
)

// Error is every error the Client returns. errors.Is(err, ErrRefused) or
// errors.Is(err, ErrUnavailable) tells the kind; a context error that caused
// it is also reachable with errors.Is.
//
// Its message names the operation, the HTTP status and a cause from the
// transport or the parser, and never a token, verifier, secret or response
// body.
type Error struct {
	// Op is "access_token" or "verify_credentials".
	Op string
	// Status is the HTTP status Twitter answered with, 0 when there was none.
	Status int
	// Err is ErrRefused or ErrUnavailable.
	Err error
	// RateLimitReset is, for a 429, when Twitter's rate-limit window ends
	// (its x-rate-limit-reset header); the zero time when Twitter did not
	// say, or said something implausible.
	RateLimitReset time.Time

	cause error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("twitter: ")
	b.WriteString(e.Op)
	if e.Status != 0 {
		b.WriteString(": HTTP ")
		b.WriteString(strconv.Itoa(e.Status))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "twitter: "))
	}
	if e.cause != nil {
		b.WriteString(": ")
		b.WriteString(e.cause.Error())
	}
	return b.String()
}

// Unwrap returns the kind and, when there is one, the cause.
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.cause}
}

func refused(op string, status int, cause error) *Error {
	return &Error{Op: op, Status: status, Err: ErrRefused, cause: cause}
}

func unavailable(op string, status int, cause error) *Error {
	return &Error{Op: op, Status: status, Err: ErrUnavailable, cause: cause}
}
