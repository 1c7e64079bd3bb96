package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
)

// The merge forms and the RFC 6902 fallback work on the generic tree that
// encoding/json produces: map[string]any, []any, string, bool, nil and
// json.Number. json.Number (not float64) keeps numbers exactly as written, so
// a patch never rounds an id or a timestamp that it did not touch.

var errTrailingData = errors.New("unexpected data after the JSON value")

// decodeTree parses exactly one JSON value.
func decodeTree(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	// A second Decode would accept "{} {}", so look at the remaining bytes
	// instead: only whitespace may follow.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errTrailingData
	}
	return v, nil
}

// encodeTree renders a tree without HTML escaping: the output is a document
// for a store or an API response body, never HTML, and "<" stays readable.
func encodeTree(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// jsonEqual is RFC 6902 §4.6 equality: same type; numbers numerically equal;
// strings equal by code points; arrays element by element; objects by the
// same member names with equal values, in any order.
func jsonEqual(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case json.Number:
		bn, ok := b.(json.Number)
		return ok && numbersEqual(a, bn)
	case []any:
		ba, ok := b.([]any)
		if !ok || len(a) != len(ba) {
			return false
		}
		for i := range a {
			if !jsonEqual(a[i], ba[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !jsonEqual(av, bv) {
				return false
			}
		}
		return true
	}
	return false
}

// numbersEqual compares two JSON number literals by value, so 1, 1.0 and 1e0
// are equal. It normalises to digits × 10^exp with exact arithmetic instead
// of converting to float64, which would call distinct large integers equal;
// and it never expands the exponent, so "1e999999999" costs nothing.
func numbersEqual(a, b json.Number) bool {
	if a == b {
		return true
	}
	da, ok := parseDecimal(string(a))
	if !ok {
		return false
	}
	db, ok := parseDecimal(string(b))
	if !ok {
		return false
	}
	if da.digits == "" || db.digits == "" {
		return da.digits == db.digits // zero: the sign does not matter
	}
	return da.neg == db.neg && da.digits == db.digits && da.exp.Cmp(db.exp) == 0
}

type decimal struct {
	neg    bool
	digits string   // significant digits, no leading or trailing zeros; "" for zero
	exp    *big.Int // value = digits × 10^exp
}

func parseDecimal(s string) (decimal, bool) {
	var d decimal
	if s != "" && s[0] == '-' {
		d.neg = true
		s = s[1:]
	}
	mant, expStr := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' || s[i] == 'E' {
			mant, expStr = s[:i], s[i+1:]
			break
		}
	}
	intPart, frac := mant, ""
	for i := 0; i < len(mant); i++ {
		if mant[i] == '.' {
			intPart, frac = mant[:i], mant[i+1:]
			break
		}
	}
	digits := intPart + frac
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return d, false
		}
	}
	exp := new(big.Int)
	if expStr != "" {
		if expStr[0] == '+' {
			expStr = expStr[1:]
		}
		if _, ok := exp.SetString(expStr, 10); !ok {
			return d, false
		}
	}
	exp.Sub(exp, big.NewInt(int64(len(frac))))
	i := 0
	for i < len(digits) && digits[i] == '0' {
		i++
	}
	digits = digits[i:]
	j := len(digits)
	for j > 0 && digits[j-1] == '0' {
		j--
	}
	exp.Add(exp, big.NewInt(int64(len(digits)-j)))
	d.digits = digits[:j]
	d.exp = exp
	return d, true
}
