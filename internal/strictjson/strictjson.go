// Package strictjson decodes request bodies more strictly than encoding/json:
// it refuses duplicate object keys (encoding/json keeps the last, so a body
// could say "enabled": false to one reader and true to another), caps nesting
// depth (encoding/json accepts 10000 levels), refuses trailing data, and
// reports a value of the wrong type with the dotted path that FusionAuth's
// field errors use ("[invalidJSON]integrations.kafka.enabled").
//
// Unknown fields are ignored, as SPEC §0 requires: newer FusionAuth clients
// send properties this server does not know.
//
// Paths are dotted member names from the root of the body, including the
// request wrapper. They never contain array indices or map keys: TypeError
// paths come from encoding/json, which reports struct fields only (a bad
// value in applicationConfiguration["<id>"].enabled is reported as
// "identityProvider.applicationConfiguration.enabled"), and DuplicateKeyError
// follows the same rule so that both kinds name fields the same way.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// DefaultMaxDepth is the nesting depth used when a caller passes 0. No
// FusionAuth request body comes near it; the wrappers nest a handful deep.
const DefaultMaxDepth = 64

// SyntaxError reports malformed JSON, an empty body, or data after the value.
type SyntaxError struct {
	Offset int64 // byte offset where the problem was found
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
	return fmt.Sprintf("strictjson: duplicate key %q", e.Path)
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
	Path string // dotted path incl. the wrapper, e.g. "integrations.kafka.enabled"; "" for the whole body
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
	if err := Check(data, maxDepth); err != nil {
		return err
	}
	err := json.Unmarshal(data, v)
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return &TypeError{Path: ute.Field, Want: jsonTypeName(ute.Type)}
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

// Check verifies in one pass that data holds exactly one JSON value, that no
// object in it names a member twice, and that objects and arrays nest at most
// maxDepth deep (maxDepth <= 0 means DefaultMaxDepth). A scalar body has depth
// 0, {} has depth 1.
func Check(data []byte, maxDepth int) error {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	if len(bytes.Trim(data, " \t\r\n")) == 0 {
		return &SyntaxError{Offset: int64(len(data)), Msg: "empty body"}
	}
	c := checker{dec: json.NewDecoder(bytes.NewReader(data)), max: maxDepth}
	// Numbers stay text: converting them to float64 would fail on 1e400,
	// which is valid JSON and for the decoder's target type to judge.
	c.dec.UseNumber()
	if err := c.value(); err != nil {
		return err
	}
	end := c.dec.InputOffset()
	rest := data[end:]
	if trimmed := bytes.TrimLeft(rest, " \t\r\n"); len(trimmed) > 0 {
		return &SyntaxError{Offset: end + int64(len(rest)-len(trimmed)), Msg: "unexpected data after the JSON value"}
	}
	return nil
}

type checker struct {
	dec  *json.Decoder
	max  int
	path []string // member names of the enclosing objects; arrays add none
	// depth counts open objects and arrays.
	depth int
}

func (c *checker) token() (json.Token, error) {
	tok, err := c.dec.Token()
	if err == nil {
		return tok, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, &SyntaxError{Offset: se.Offset, Msg: se.Error()}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, &SyntaxError{Offset: c.dec.InputOffset(), Msg: "unexpected end of JSON input"}
	}
	return nil, &SyntaxError{Offset: c.dec.InputOffset(), Msg: err.Error()}
}

// value consumes one JSON value. The recursion depth is bounded by c.max, so
// a hostile body cannot grow the stack.
func (c *checker) value() error {
	tok, err := c.token()
	if err != nil {
		return err
	}
	return c.valueFrom(tok)
}

func (c *checker) valueFrom(tok json.Token) error {
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar; the decoder has validated it
	}
	c.depth++
	if c.depth > c.max {
		return &DepthError{Max: c.max}
	}
	defer func() { c.depth-- }()
	switch d {
	case '{':
		return c.object()
	case '[':
		return c.array()
	}
	// The decoder never returns a closing delimiter where a value starts.
	return &SyntaxError{Offset: c.dec.InputOffset(), Msg: fmt.Sprintf("unexpected %q", rune(d))}
}

// smallObject is the member count up to which duplicates are found by a
// linear scan; request objects are small, and a scan allocates nothing.
const smallObject = 16

func (c *checker) object() error {
	var keys []string
	var seen map[string]struct{}
	for {
		tok, err := c.token()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			return nil
		}
		key, ok := tok.(string)
		if !ok {
			// The decoder only hands out member names here.
			return &SyntaxError{Offset: c.dec.InputOffset(), Msg: "expected a member name"}
		}
		if seen == nil && len(keys) < smallObject {
			for _, k := range keys {
				if k == key {
					return c.duplicate(key)
				}
			}
			keys = append(keys, key)
		} else {
			if seen == nil {
				seen = make(map[string]struct{}, 2*smallObject)
				for _, k := range keys {
					seen[k] = struct{}{}
				}
			}
			if _, dup := seen[key]; dup {
				return c.duplicate(key)
			}
			seen[key] = struct{}{}
		}
		c.path = append(c.path, key)
		err = c.value()
		c.path = c.path[:len(c.path)-1]
		if err != nil {
			return err
		}
	}
}

func (c *checker) array() error {
	for {
		tok, err := c.token()
		if err != nil {
			return err
		}
		if tok == json.Delim(']') {
			return nil
		}
		if err := c.valueFrom(tok); err != nil {
			return err
		}
	}
}

func (c *checker) duplicate(key string) error {
	return &DuplicateKeyError{Path: strings.Join(append(c.path[:len(c.path):len(c.path)], key), ".")}
}
