package validation

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kinds of field error, the bracketed prefix of a FusionAuth error code.
const (
	KindBlank           = "blank"
	KindMissing         = "missing"
	KindInvalid         = "invalid"
	KindDuplicate       = "duplicate"
	KindInvalidJSON     = "invalidJSON"
	KindCouldNotConvert = "couldNotConvert"
	KindTooLong         = "tooLong"
	KindTooMany         = "tooMany"
	KindNotEmail        = "notEmail"
)

// Error is one entry of the Errors object.
type Error struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data,omitempty"`
}

// Errors is FusionAuth's Errors object. The zero value is empty and ready to
// use. A non-empty *Errors is an error; Err returns nil when it is empty.
type Errors struct {
	FieldErrors   map[string][]Error `json:"fieldErrors,omitempty"`
	GeneralErrors []Error            `json:"generalErrors,omitempty"`

	// leftOut counts the entries refused once MaxErrors were kept; the
	// last general error then says how many.
	leftOut int
}

// MaxErrors is the most entries, field and general errors together, that
// an Errors object keeps. Later ones are left out and counted in one more
// general error, CodeTooManyErrors. A validator reports one entry per bad
// map key or list element, and a 1 MiB body of short keys made an answer of
// over 10 MB; no real request has a hundred mistakes worth reading.
const MaxErrors = 100

// CodeTooManyErrors is the general error that ends an Errors object whose
// entries beyond MaxErrors were left out.
const CodeTooManyErrors = "[TooManyErrors]"

// add records err at path, or among the general errors when path is "",
// unless MaxErrors entries are already kept.
func (e *Errors) add(path string, err Error) {
	if e.leftOut > 0 || e.count() >= MaxErrors {
		e.leaveOut(1)
		return
	}
	if path == "" {
		e.GeneralErrors = append(e.GeneralErrors, err)
		return
	}
	if e.FieldErrors == nil {
		e.FieldErrors = make(map[string][]Error)
	}
	e.FieldErrors[path] = append(e.FieldErrors[path], err)
}

// count is how many entries e holds. It is summed only until e is full, so
// at most MaxErrors paths are walked each time.
func (e *Errors) count() int {
	n := len(e.GeneralErrors)
	for _, list := range e.FieldErrors {
		n += len(list)
	}
	return n
}

// leaveOut counts n more entries left out, in the final general error.
func (e *Errors) leaveOut(n int) {
	first := e.leftOut == 0
	e.leftOut += n
	msg := "This answer lists the first " + strconv.Itoa(MaxErrors) + " errors; " + strconv.Itoa(e.leftOut) + " more were left out."
	if first {
		e.GeneralErrors = append(e.GeneralErrors, Error{Code: CodeTooManyErrors, Message: msg})
		return
	}
	e.GeneralErrors[len(e.GeneralErrors)-1].Message = msg
}

// Field records a field error of the given kind at path. The code is
// "[kind]path", FusionAuth's pattern.
func (e *Errors) Field(path, kind, message string) {
	e.add(path, Error{Code: "[" + kind + "]" + path, Message: message})
}

// Blank records that a required field at path was absent or empty.
func (e *Errors) Blank(path string) {
	e.Field(path, KindBlank, fmt.Sprintf("You must specify the [%s] property.", path))
}

// MaxIndexedLength is the most characters a string that the stores index
// (a tenant's name, a user's email and username, a link's
// identityProviderUserId) may hold. 255 is more than any real value needs
// (an email address is at most 254), and 255 characters of four bytes
// each stay well inside PostgreSQL's limit on an index entry (about 2,700
// bytes), which would otherwise refuse the row with an error of its own.
const MaxIndexedLength = 255

// FitIndexed is prefix, s and suffix, s cut so that the whole holds at most
// MaxIndexedLength characters (TooLong's count): for a name made from
// another (a key named after its tenant, a duplicate renamed with its id)
// that must pass TooLong itself and fit the stores' indexes.
func FitIndexed(prefix, s, suffix string) string {
	room := max(MaxIndexedLength-utf8.RuneCountInString(prefix)-utf8.RuneCountInString(suffix), 0)
	if utf8.RuneCountInString(s) > room {
		s = string([]rune(s)[:room])
	}
	return prefix + s + suffix
}

// TooLong records that the value at path holds more than max characters,
// and reports whether it did.
func (e *Errors) TooLong(path, value string, max int) bool {
	if len(value) <= max || utf8.RuneCountInString(value) <= max {
		return false
	}
	e.Field(path, KindTooLong, fmt.Sprintf("The [%s] property may hold at most %d characters.", path, max))
	return true
}

// IsStorable reports whether s is UTF-8 without U+0000: a string every
// store keeps, and compares, as it is.
func IsStorable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// NotStorable records [invalid] at path when value holds U+0000 or bytes
// that are not UTF-8, and reports whether it did. No store keeps such a
// string as sent: PostgreSQL's text refuses U+0000, and the SQL stores
// turn bad bytes into U+FFFD. The HTTP adapter refuses both while it
// decodes a body; this is the same rule for a Go caller and for what a
// reconcile function writes.
func (e *Errors) NotStorable(path, value string) bool {
	if IsStorable(value) {
		return false
	}
	e.Field(path, KindInvalid, fmt.Sprintf("The [%s] property must be UTF-8 text without the character U+0000.", path))
	return true
}

// Invalid records that the value at path is not acceptable.
func (e *Errors) Invalid(path, message string) {
	e.Field(path, KindInvalid, message)
}

// NotOfType records that the value at path cannot be read as its
// property's type (a URI, a date, a time zone, a locale): FusionAuth fails
// it while reading the JSON, as a value of the wrong JSON type, so its kind
// is KindInvalidJSON.
func (e *Errors) NotOfType(path, message string) {
	e.Field(path, KindInvalidJSON, message)
}

// General records an error that belongs to no single field; code is given
// with its brackets, e.g. "[TenantIdRequired]".
func (e *Errors) General(code, message string) {
	e.add("", Error{Code: code, Message: message})
}

// Merge adds all of o's errors to e, within MaxErrors, and counts what o
// left out as left out of e.
func (e *Errors) Merge(o *Errors) {
	if o == nil {
		return
	}
	for _, path := range slices.Sorted(maps.Keys(o.FieldErrors)) {
		for _, f := range o.FieldErrors[path] {
			e.add(path, f)
		}
	}
	for _, g := range o.GeneralErrors {
		if g.Code == CodeTooManyErrors && o.leftOut > 0 {
			continue
		}
		e.add("", g)
	}
	if o.leftOut > 0 {
		e.leaveOut(o.leftOut)
	}
}

// Empty reports whether no error has been recorded.
func (e *Errors) Empty() bool {
	return e == nil || (len(e.FieldErrors) == 0 && len(e.GeneralErrors) == 0)
}

// Err returns e as an error, or nil when it is empty, so that a validator can
// end with `return errs.Err()`.
func (e *Errors) Err() error {
	if e.Empty() {
		return nil
	}
	return e
}

// Has reports whether an error with exactly this code was recorded, field or
// general. Tests and callers use it instead of walking the maps.
func (e *Errors) Has(code string) bool {
	if e == nil {
		return false
	}
	for _, g := range e.GeneralErrors {
		if g.Code == code {
			return true
		}
	}
	for _, list := range e.FieldErrors {
		for _, f := range list {
			if f.Code == code {
				return true
			}
		}
	}
	return false
}

// Codes lists every recorded code, sorted, for messages and tests.
func (e *Errors) Codes() []string {
	if e == nil {
		return nil
	}
	var codes []string
	for _, g := range e.GeneralErrors {
		codes = append(codes, g.Code)
	}
	for _, list := range e.FieldErrors {
		for _, f := range list {
			codes = append(codes, f.Code)
		}
	}
	sort.Strings(codes)
	return codes
}

func (e *Errors) Error() string {
	return "validation: " + strings.Join(e.Codes(), ", ")
}
