package strictjson

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// encoding/json matches a member to a struct field by name ignoring case
// when no field has the exact name. FusionAuth's JSON reader does not:
// there "Enabled" is an unknown property, ignored, and cannot set
// "enabled". Decode keeps FusionAuth's rule. Members whose name matches a
// field only by case are dropped before encoding/json sees them; then
// {"debug":true,"DEBUG":false} sets debug to true, {"Debug":"yes"} is
// ignored instead of being a type error, and a wrapper spelled
// "IdentityProvider" cannot overwrite "identityProvider".
//
// The same pass drops null members of maps, free-form objects included: a
// null reads as absent (SPEC, "Nulls"), where encoding/json would store an
// empty string, or a nil that the API would later show as null.
//
// The pass needs the body decoded and encoded again, so it is done only for
// a body that has such a member somewhere. Check finds out as it reads the
// member names, against every field name of v's type (typeNames), and the
// values.

// typeNames are the JSON field names of the structs reachable from a type.
type typeNames struct {
	exact  map[string]bool
	folded map[string]bool // fold(name) of every exact name
	// ambiguous: two names in the tree differ only by case, so a member
	// exact somewhere may still be a case-only match where it stands.
	ambiguous bool
}

var namesCache sync.Map // reflect.Type -> *typeNames

func namesOf(t reflect.Type) *typeNames {
	if n, ok := namesCache.Load(t); ok {
		return n.(*typeNames)
	}
	n := &typeNames{exact: map[string]bool{}, folded: map[string]bool{}}
	n.collect(t, map[reflect.Type]bool{})
	byFold := map[string]string{}
	for name := range n.exact {
		f := fold(name)
		n.folded[f] = true
		if other, ok := byFold[f]; ok && other != name {
			n.ambiguous = true
		}
		byFold[f] = name
	}
	actual, _ := namesCache.LoadOrStore(t, n)
	return actual.(*typeNames)
}

func (n *typeNames) collect(t reflect.Type, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if seen[t] || opaque(t) {
		return
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Struct:
		for name, ft := range fieldsOf(t) {
			n.exact[name] = true
			n.collect(ft, seen)
		}
	case reflect.Map, reflect.Slice, reflect.Array:
		n.collect(t.Elem(), seen)
	}
}

// suspicious reports whether a member name may be matched to a field only
// by case.
func (n *typeNames) suspicious(key []byte) bool {
	if n.exact[string(key)] {
		return n.ambiguous
	}
	if len(n.folded) == 0 {
		return false
	}
	// Most keys that are no field name are ASCII (map keys, unknown
	// properties): fold those on the stack.
	var buf [64]byte
	if len(key) <= len(buf) {
		ascii := true
		for i, c := range key {
			if c >= 0x80 {
				ascii = false
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		if ascii {
			return n.folded[string(buf[:len(key)])]
		}
	}
	return n.folded[fold(string(key))]
}

// fold is the case folding encoding/json's name matching amounts to, for
// the names it can match (ToUpper first, so that the Kelvin sign and the
// long s fold as they do there).
func fold(s string) string { return strings.ToLower(strings.ToUpper(s)) }

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	fieldsCache         sync.Map // reflect.Type -> map[string]reflect.Type
)

// opaque types decode themselves: their members are theirs to judge.
func opaque(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshalerType) || pt.Implements(jsonUnmarshalerType) ||
		t.Implements(textUnmarshalerType) || pt.Implements(textUnmarshalerType) ||
		t.Kind() == reflect.Interface
}

// fieldsOf maps a struct's JSON member names to their field types, as
// encoding/json names them: the json tag's name, else the Go name; "-"
// skipped; untagged embedded structs' fields promoted.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldsCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	addFields(t, out)
	actual, _ := fieldsCache.LoadOrStore(t, out)
	return actual.(map[string]reflect.Type)
}

func addFields(t reflect.Type, out map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(ft, out)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := out[name]; !taken { // the shallower field wins
			out[name] = f.Type
		}
	}
}

// rewrite returns data without the members that encoding/json would match
// to a field of t only by case, and without the null members of maps and
// free-form objects. data has passed Check.
func rewrite(data []byte, t reflect.Type) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers keep their text
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	drop(doc, t)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func drop(v any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Interface {
		dropNulls(v)
		return
	}
	if opaque(t) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		fields := fieldsOf(t)
		var folded map[string]bool
		for key, val := range obj {
			if ft, ok := fields[key]; ok {
				drop(val, ft)
				continue
			}
			if folded == nil {
				folded = make(map[string]bool, len(fields))
				for name := range fields {
					folded[fold(name)] = true
				}
			}
			if folded[fold(key)] {
				delete(obj, key)
			}
		}
	case reflect.Map:
		if obj, ok := v.(map[string]any); ok {
			for key, val := range obj {
				if val == nil {
					delete(obj, key)
					continue
				}
				drop(val, t.Elem())
			}
		}
	case reflect.Slice, reflect.Array:
		if list, ok := v.([]any); ok {
			for _, val := range list {
				drop(val, t.Elem())
			}
		}
	}
}

// dropNulls drops the null members of every object in a free-form value.
// Array elements stay, nulls included: removing one would move the others.
func dropNulls(v any) {
	switch v := v.(type) {
	case map[string]any:
		for key, val := range v {
			if val == nil {
				delete(v, key)
				continue
			}
			dropNulls(val)
		}
	case []any:
		for _, val := range v {
			dropNulls(val)
		}
	}
}
