package memstore

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/strictjson"
)

// Values are copied in and out so that no caller shares memory with the store.

// cloneAny copies a free-form value. A number becomes the json.Number a SQL
// store would give back for it (the text encoding/json writes), so that a
// Go caller reads the same type whichever store keeps its data.
func cloneAny(v any) any {
	switch t := v.(type) {
	case nil, string, bool, json.Number:
		return v
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return v // no JSON number: a SQL store refuses it
		}
		b, _ := json.Marshal(t)
		return json.Number(b)
	case float32:
		return cloneAny(float64(t))
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
		// store. What JSON cannot hold (a channel, a cycle), which a SQL
		// store refuses, is copied keeping its type.
		if b, err := json.Marshal(v); err == nil {
			var out any
			if strictjson.UnmarshalNumbers(b, &out) == nil {
				return out
			}
		}
		return cloneValue(reflect.ValueOf(v), 0).Interface()
	}
}

// maxCloneDepth bounds cloneValue on a value that refers to itself, which
// JSON (and so the SQL stores) cannot hold either; below it the copy is
// shallow rather than endless.
const maxCloneDepth = 64

// cloneValue deep-copies the slices, maps, arrays, pointers, interfaces and
// exported struct fields in v.
func cloneValue(v reflect.Value, depth int) reflect.Value {
	if depth > maxCloneDepth {
		return v
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(cloneValue(v.Index(i), depth+1))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			out.Index(i).Set(cloneValue(v.Index(i), depth+1))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), cloneValue(it.Value(), depth+1))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(cloneValue(v.Elem(), depth+1))
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(cloneValue(v.Elem(), depth+1))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields as they are: JSON does not see them either
		for i := range v.NumField() {
			if f := out.Field(i); f.CanSet() {
				f.Set(cloneValue(v.Field(i), depth+1))
			}
		}
		return out
	default:
		return v
	}
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
	return &c
}
