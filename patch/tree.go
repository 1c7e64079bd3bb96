package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
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
// and it never expands the exponent, so "1e999999999" costs nothing. The
// exponent stays decimal text: parsed into a big.Int, the 900,000-digit
// exponent a 1 MiB body can hold cost the square of its length (1.8 GB of
// allocation for one "test").
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
	return da.neg == db.neg && da.digits == db.digits && da.exp == db.exp
}

type decimal struct {
	neg    bool
	digits string // significant digits, no leading or trailing zeros; "" for zero
	exp    string // value = digits × 10^exp; exp in canonical decimal (addExponent)
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
			if strings.TrimLeft(expStr, "+-") == "" {
				return d, false // an "e" without digits
			}
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
	if !allDigits(digits) {
		return d, false
	}
	i := 0
	for i < len(digits) && digits[i] == '0' {
		i++
	}
	digits = digits[i:]
	j := len(digits)
	for j > 0 && digits[j-1] == '0' {
		j--
	}
	exp, ok := addExponent(expStr, int64(len(digits)-j)-int64(len(frac)))
	if !ok {
		return d, false
	}
	d.digits = digits[:j]
	d.exp = exp
	return d, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// expSplit is the number of low-order digits of an exponent that
// addExponent adds to as an int64: 10^18 fits, with room for an adjustment
// below it.
const expSplit = 18

// addExponent returns the exponent e (JSON's text after the "e": an
// optional sign, then digits, empty for none) plus adj, in canonical form:
// no leading zeros, "-" only before a non-zero value. Equal sums give equal
// strings, so exponents compare as text. It takes time linear in e's
// length: |adj| is less than 10^18 (it is bounded by the literal's length).
func addExponent(e string, adj int64) (string, bool) {
	neg := false
	if e != "" && (e[0] == '+' || e[0] == '-') {
		neg = e[0] == '-'
		e = e[1:]
	}
	if !allDigits(e) {
		return "", false
	}
	e = strings.TrimLeft(e, "0")
	if len(e) <= expSplit {
		v, _ := strconv.ParseInt("0"+e, 10, 64) // below 10^18: no error
		if neg {
			v = -v
		}
		return strconv.FormatInt(v+adj, 10), true
	}
	// |e| is at least 10^18, more than |adj|: the sum keeps e's sign, and
	// its magnitude is |e| + adj (or - adj for a negative e), still
	// positive. Only the low digits change, with at most one carry or
	// borrow into the digits above them.
	if neg {
		adj = -adj
	}
	high, low := e[:len(e)-expSplit], e[len(e)-expSplit:]
	l, _ := strconv.ParseInt(low, 10, 64)
	l += adj
	const base = 1_000_000_000_000_000_000 // 10^expSplit
	switch {
	case l >= base:
		l -= base
		high = stepDigits(high, 1)
	case l < 0:
		l += base
		high = stepDigits(high, -1) // high is not zero: e has no leading zeros
	}
	lowText := strconv.FormatInt(l, 10)
	var b strings.Builder
	b.Grow(1 + len(high) + expSplit)
	if neg {
		b.WriteByte('-')
	}
	if high = strings.TrimLeft(high, "0"); high != "" {
		b.WriteString(high)
		b.WriteString(strings.Repeat("0", expSplit-len(lowText)))
	}
	b.WriteString(lowText)
	return b.String(), true
}

// stepDigits adds step (1 or -1) to the decimal digits s; s is not "0"
// when step is -1. The result may have a leading zero.
func stepDigits(s string, step int) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		if step > 0 {
			if b[i] != '9' {
				b[i]++
				return string(b)
			}
			b[i] = '0'
		} else {
			if b[i] != '0' {
				b[i]--
				return string(b)
			}
			b[i] = '9'
		}
	}
	return "1" + string(b) // a carry out of the top digit
}
