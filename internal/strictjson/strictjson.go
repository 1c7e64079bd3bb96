package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/authcore/authcore/internal/excerpt"
)

// DefaultMaxDepth is the nesting depth used when a caller passes 0. No
// FusionAuth request body comes near it; the wrappers nest a handful deep.
const DefaultMaxDepth = 64

// SyntaxError reports malformed JSON, an empty body, or data after the value.
type SyntaxError struct {
	Offset int64 // offset of the offending byte; len(body) when the body ends too early
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("strictjson: malformed JSON at offset %d: %s", e.Offset, e.Msg)
}

// DuplicateKeyError reports an object that names the same member twice.
type DuplicateKeyError struct {
	Path string // dotted path of the repeated member, e.g. "integrations.kafka"
}

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("strictjson: duplicate key %q", excerpt.Of(e.Path))
}

// StringError reports a string that is valid JSON but that no store can keep
// as sent: one that is not UTF-8 (encoding/json would turn the bad bytes
// into U+FFFD, so the stored value would differ from the sent one without a
// word; an escaped UTF-16 surrogate half without its partner becomes
// U+FFFD the same way), or one holding U+0000 (PostgreSQL refuses it in
// text and JSON).
type StringError struct {
	Offset int64 // offset of the string's opening quote
	Msg    string
}

func (e *StringError) Error() string {
	return fmt.Sprintf("strictjson: string at offset %d: %s", e.Offset, e.Msg)
}

// DepthError reports nesting of objects and arrays deeper than Max.
type DepthError struct {
	Max int
}

func (e *DepthError) Error() string {
	return fmt.Sprintf("strictjson: JSON nested deeper than %d levels", e.Max)
}

// TypeError reports a value of the wrong JSON type for its field.
type TypeError struct {
	Path string // dotted path incl. the wrapper, with indices and map keys, e.g. "integrations.kafka.enabled", "user.twoFactor.methods[1].email"; "" for the whole body
	Want string // the JSON type expected: "boolean", "string", "number", "integer", "object", "array"
}

func (e *TypeError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("strictjson: the body must be a JSON %s", e.Want)
	}
	return fmt.Sprintf("strictjson: %s must be a JSON %s", e.Path, e.Want)
}

// Decode checks data with Check and then unmarshals it into v with
// encoding/json. A wrong-typed value is reported as *TypeError; other errors
// of encoding/json (a non-pointer v, an error from a type's own
// UnmarshalJSON) are returned as they are.
func Decode(data []byte, v any, maxDepth int) error {
	var names *typeNames
	t := reflect.TypeOf(v)
	if t != nil {
		names = namesOf(t)
	}
	suspect, err := check(data, maxDepth, names)
	if err != nil {
		return err
	}
	if string(bytes.TrimSpace(data)) == "null" {
		// encoding/json decodes null as nothing at all: a PUT of null
		// would store the defaults. A body is a value of v's type.
		return &TypeError{Want: jsonTypeName(t)}
	}
	if suspect {
		// A member matches a field only by case, which FusionAuth ignores,
		// or a member is null, which is absent (exact.go).
		if data, err = rewrite(data, t); err != nil {
			return err
		}
	}
	// UseNumber: a number in a free-form value (a data map) keeps its text,
	// as FusionAuth keeps it; as float64 a 64-bit id above 2^53 would come
	// back changed. check has refused trailing data already.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	err = dec.Decode(v)
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return &TypeError{Path: typeErrorPath(data, t, ute.Offset, ute.Field), Want: jsonTypeName(ute.Type)}
	}
	return err
}

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	// time.Time, UUIDs and the like are written as strings whatever their
	// Go kind.
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return "string"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // []byte is base64 text
		}
		return "array"
	case reflect.Array:
		return "array"
	}
	return "value"
}
