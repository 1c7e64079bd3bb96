package patch

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/authcore/authcore/internal/excerpt"
)

// JSON Pointer (RFC 6901) handling shared by validation and the tree engine.

// errNoValue marks "the location does not exist". A test of such a location
// is a failed test; for every other operation it is an invalid patch.
var errNoValue = errors.New("no value at that location")

// parsePointer splits and unescapes a JSON Pointer. The root ("") is an empty,
// non-nil slice so that it differs from "not given".
func parsePointer(s string) ([]string, error) {
	if s == "" {
		return []string{}, nil
	}
	if s[0] != '/' {
		return nil, errors.New("a JSON Pointer must be empty or start with '/'")
	}
	toks := strings.Split(s[1:], "/")
	for i, t := range toks {
		if strings.IndexByte(t, '~') < 0 {
			continue
		}
		u, err := unescapeToken(t)
		if err != nil {
			return nil, err
		}
		toks[i] = u
	}
	return toks, nil
}

// unescapeToken decodes ~1 then ~0 in one left-to-right pass (RFC 6901 §4), so
// "~01" becomes "~1" and not "/". Any other use of '~' is an error.
func unescapeToken(t string) (string, error) {
	var b strings.Builder
	b.Grow(len(t))
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '~' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(t) {
			return "", errors.New(`a JSON Pointer may use '~' only as "~0" or "~1"`)
		}
		switch t[i+1] {
		case '0':
			b.WriteByte('~')
		case '1':
			b.WriteByte('/')
		default:
			return "", errors.New(`a JSON Pointer may use '~' only as "~0" or "~1"`)
		}
		i++
	}
	return b.String(), nil
}

// isCanonicalIndex reports whether tok is an array index as RFC 6901 §4 spells
// it: "0", or digits without a leading zero. No sign, no exponent.
func isCanonicalIndex(tok string) bool {
	if tok == "" || (tok[0] == '0' && len(tok) > 1) {
		return false
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return false
		}
	}
	return true
}

// looksNumericNonCanonical reports whether strconv.Atoi accepts tok though
// RFC 6901 does not ("01", "-1", "+1", "-0"): exactly the tokens that
// evanphx/json-patch takes as an array index and the RFC refuses.
func looksNumericNonCanonical(tok string) bool {
	if isCanonicalIndex(tok) {
		return false
	}
	_, err := strconv.Atoi(tok)
	return err == nil
}

// arrayIndex resolves tok against an array of length n. With forAdd, n itself
// (append position) and "-" are allowed. A token that is not an index at all
// is an invalid path; a well-formed index out of range is errNoValue.
func arrayIndex(tok string, n int, forAdd bool) (int, error) {
	if tok == "-" {
		if forAdd {
			return n, nil
		}
		return 0, fmt.Errorf(`"-" names the element after the last: %w`, errNoValue)
	}
	if !isCanonicalIndex(tok) {
		return 0, fmt.Errorf("%q is not an array index (RFC 6901: digits, no sign, no leading zero)", excerpt.Of(tok))
	}
	i, err := strconv.Atoi(tok)
	limit := n
	if forAdd {
		limit = n + 1
	}
	if err != nil || i >= limit {
		return 0, fmt.Errorf("index %s out of range for an array of length %d: %w", excerpt.Of(tok), n, errNoValue)
	}
	return i, nil
}

// isProperPrefix reports whether a is a proper prefix of b.
func isProperPrefix(a, b []string) bool {
	if len(a) >= len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
