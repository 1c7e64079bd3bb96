package authcore

import (
	"errors"
	"fmt"

	"github.com/authcore/authcore/internal/strictjson"
	"github.com/authcore/authcore/validation"
)

// DecodeJSON decodes a request body into v the way every FusionAuth endpoint
// does: malformed JSON, duplicate keys and absurd nesting are a general
// [invalidJSON] error; a value of the wrong type is a field error
// [invalidJSON]<path> naming the dotted path, wrapper included
// ("user.birthDate").
// Unknown properties are ignored, since newer clients send fields we do not
// know. A null leaves the field absent.
func DecodeJSON(data []byte, v any) error {
	// Every login decodes one of these, and the general path below takes
	// 5–6 µs for it, a fifteenth of what authcore added to a login. Only
	// into a zero request, so that the fast path never has to merge as
	// encoding/json would.
	if req, ok := v.(*IdentityProviderLoginRequest); ok && req.isZero() && decodeLoginRequest(data, req) {
		return nil
	}
	err := strictjson.Decode(data, v, strictjson.DefaultMaxDepth)
	if err == nil {
		return nil
	}
	var te *strictjson.TypeError
	if errors.As(err, &te) && te.Path != "" {
		// A body of the wrong type altogether (an array, a string) has no
		// path to name: it is malformed as a whole, below.
		var errs validation.Errors
		errs.Field(te.Path, validation.KindInvalidJSON, fmt.Sprintf("Invalid JSON in the request body. The property was [%s]. The value is not a valid %s.", te.Path, te.Want))
		return &errs
	}
	return invalidJSON(err)
}

func invalidJSON(err error) error {
	return general("[invalidJSON]", "Invalid JSON in the request body: "+err.Error())
}

// unmarshalNumbers is json.Unmarshal with numbers in free-form values (data
// maps, reconcile claims) decoded as json.Number: their text, so that a
// 64-bit integer such as a Twitter id is not rounded to a float64.
func unmarshalNumbers(b []byte, v any) error { return strictjson.UnmarshalNumbers(b, v) }
