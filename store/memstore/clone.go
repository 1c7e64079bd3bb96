package memstore

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/strictjson"
)

// Values are copied in and out so that no caller shares memory with the store.

// cloneAny copies a free-form value. A number becomes the json.Number a SQL
// store would give back for it (the text encoding/json writes), so that a
// Go caller reads the same type whichever store keeps its data. Writes check
// their values first (checkData): what JSON cannot hold never gets here.
func cloneAny(v any) any {
	switch t := v.(type) {
	case nil, string, bool:
		return v
	case json.Number:
		if t == "" {
			return json.Number("0") // what encoding/json writes for it
		}
		return v
	case float64:
		b, _ := json.Marshal(t)
		return json.Number(b)
	case float32:
		// As a float32, as encoding/json writes it ("0.1"), not as the
		// float64 it widens to ("0.10000000149011612").
		b, _ := json.Marshal(t)
		return json.Number(b)
	case int, int8, int16, int32, int64:
		return json.Number(strconv.FormatInt(reflect.ValueOf(v).Int(), 10))
	case uint, uint8, uint16, uint32, uint64:
		return json.Number(strconv.FormatUint(reflect.ValueOf(v).Uint(), 10))
	case map[string]any:
		return cloneMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cloneAny(e)
		}
		return out
	default:
		// A Go caller may put typed values in Data ([]string,
		// map[string]string, structs, pointers). They are kept as a SQL
		// store keeps them, as their JSON read back (maps, []any,
		// json.Number), so that a caller reads the same shape from every
		// store. checkData has made sure that they encode.
		var out any
		if b, err := json.Marshal(v); err == nil && strictjson.UnmarshalNumbers(b, &out) == nil {
			return out
		}
		return nil
	}
}

// maxDataDepth is how deep free-form values may nest: encoding/json reads
// no deeper, so a SQL store could not read back a deeper value it wrote.
// A map or slice that holds itself reaches it too.
const maxDataDepth = 10000

// checkData reports what in m JSON cannot hold (NaN, an infinity, a
// json.Number that is no number, a channel or func, a value that holds
// itself), which a SQL store refuses when it encodes the document. memstore
// refuses it the same way, before it changes anything: kept, such a value
// made every later encoding of the object fail (a user's every GET and
// login), and cloneAny would copy a map that holds itself without end. The
// values JSON decoding makes are checked without allocating; a typed value
// is encoded to find out.
func checkData(what string, m map[string]any) error {
	for k, v := range m {
		if err := checkValue(v, 1); err != nil {
			return fmt.Errorf("memstore: %s data %q: %w", what, k, err)
		}
	}
	return nil
}

var errTooDeep = fmt.Errorf("value nests deeper than %d levels, or holds itself", maxDataDepth)

func checkValue(v any, depth int) error {
	if depth > maxDataDepth {
		return errTooDeep
	}
	switch t := v.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return nil
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return &json.UnsupportedValueError{Str: strconv.FormatFloat(t, 'g', -1, 64)}
		}
		return nil
	case float32:
		return checkValue(float64(t), depth)
	case json.Number:
		if t != "" && !validNumber(string(t)) {
			return fmt.Errorf("invalid number literal %q", string(t))
		}
		return nil
	case map[string]any:
		for _, e := range t {
			if err := checkValue(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	case []any:
		for _, e := range t {
			if err := checkValue(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		var out any
		return strictjson.UnmarshalNumbers(b, &out)
	}
}

// validNumber reports whether s is a JSON number (RFC 8259 section 6):
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(s string) bool {
	i := 0
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneAny(v)
	}
	return out
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

func cloneTenant(t *authcore.Tenant) *authcore.Tenant {
	c := *t
	c.Data = cloneMap(t.Data)
	return &c
}

func cloneApplication(a *authcore.Application) *authcore.Application {
	c := *a
	c.Roles = append([]authcore.ApplicationRole(nil), a.Roles...)
	if a.JWTConfiguration != nil {
		j := *a.JWTConfiguration
		c.JWTConfiguration = &j
	}
	c.Data = cloneMap(a.Data)
	return &c
}

func clonePending(p *authcore.PendingLink) *authcore.PendingLink {
	c := *p
	c.Data = cloneMap(p.Data)
	return &c
}

func cloneIdP(p *authcore.IdentityProviderRecord) *authcore.IdentityProviderRecord {
	c := *p
	c.Document = cloneBytes(p.Document)
	return &c
}

func cloneAPIKey(k *authcore.APIKey) *authcore.APIKey {
	c := *k
	c.KeyHash = cloneBytes(k.KeyHash)
	if k.Endpoints != nil {
		c.Endpoints = make(map[string][]string, len(k.Endpoints))
		for e, m := range k.Endpoints {
			c.Endpoints[e] = append([]string(nil), m...)
		}
	}
	return &c
}

func cloneRefreshToken(t *authcore.RefreshToken) *authcore.RefreshToken {
	c := *t
	c.TokenHash = cloneBytes(t.TokenHash)
	c.PreviousTokenHash = cloneBytes(t.PreviousTokenHash)
	c.MetaData = cloneMap(t.MetaData)
	return &c
}

func cloneKey(k *authcore.SigningKey) *authcore.SigningKey {
	c := *k
	c.Secret = cloneBytes(k.Secret)
	c.PublicKey = cloneBytes(k.PublicKey)
	c.Certificate = cloneBytes(k.Certificate)
	c.FormerTenants = slices.Clone(k.FormerTenants)
	c.FormerApplications = slices.Clone(k.FormerApplications)
	return &c
}
