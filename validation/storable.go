package validation

import (
	"reflect"
	"strings"
)

// maxTextDepth bounds how deep NotStorableText descends. JSON documents the
// adapter takes are at most 64 deep; a Go caller's map that holds itself
// would otherwise recurse until the stack overflows, which Go cannot
// recover from.
const maxTextDepth = 256

// NotStorableText records [invalid]<path> for every string in v (struct
// fields by their JSON names, map keys and values, slice elements) that
// holds U+0000 or bytes that are not UTF-8, and reports whether it found
// one. path is v's own path, the request wrapper ("user", "application").
// A slice adds nothing to the path, as FusionAuth names
// "application.roles.name"; a map entry adds its key when the key is
// storable. A path that already has an error is not named again, so that a
// validator that checks a field itself keeps its own error.
//
// It is the Go caller's side of the rule the adapter applies while
// decoding: memstore kept such a string as given, the SQL stores (which
// keep documents as JSON) gave U+FFFD for bytes that are not UTF-8, so one
// object read differently from each store.
func (e *Errors) NotStorableText(path string, v any) bool {
	found := false
	e.walkText(path, reflect.ValueOf(v), 0, &found)
	return found
}

func (e *Errors) walkText(path string, v reflect.Value, depth int, found *bool) {
	if depth > maxTextDepth || !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.String:
		if !IsStorable(v.String()) {
			e.unstorableAt(path, found)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			e.walkText(path, v.Elem(), depth+1, found)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-":
				continue
			case name == "" && f.Anonymous:
				e.walkText(path, v.Field(i), depth+1, found)
				continue
			case name == "":
				name = f.Name
			}
			e.walkText(path+"."+name, v.Field(i), depth+1, found)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes: JSON keeps them as base64 text
		}
		for i := range v.Len() {
			e.walkText(path, v.Index(i), depth+1, found)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			p := path
			if k := iter.Key(); k.Kind() == reflect.String {
				if !IsStorable(k.String()) {
					e.unstorableAt(path, found)
				} else {
					p = path + "." + k.String()
				}
			}
			e.walkText(p, iter.Value(), depth+1, found)
		}
	}
}

func (e *Errors) unstorableAt(path string, found *bool) {
	*found = true
	if len(e.FieldErrors[path]) > 0 {
		return
	}
	e.NotStorable(path, "\x00")
}
