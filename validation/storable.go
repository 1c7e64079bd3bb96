package validation

import (
	"reflect"
	"strings"

	"github.com/authcore/authcore/internal/excerpt"
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
	w := textWalk{errs: e}
	w.walk(path, reflect.ValueOf(v), 0)
	return w.found
}

// textWalk is one NotStorableText. onPath holds the maps and pointers being
// walked: one met again is a cycle, which a document cannot hold (the
// stores' JSON refuses it) and which, entered by two keys, would be walked
// 2^maxTextDepth times.
type textWalk struct {
	errs   *Errors
	found  bool
	onPath map[uintptr]bool
	// named holds the paths this walk named: past MaxErrors a path is not
	// kept in errs, and would be counted as left out once per string.
	named map[string]bool
}

func (w *textWalk) walk(path string, v reflect.Value, depth int) {
	if depth > maxTextDepth || !v.IsValid() {
		return
	}
	if k := v.Kind(); (k == reflect.Map || k == reflect.Pointer) && !v.IsNil() {
		p := v.Pointer()
		if w.onPath[p] {
			return
		}
		if w.onPath == nil {
			w.onPath = map[uintptr]bool{}
		}
		w.onPath[p] = true
		defer delete(w.onPath, p)
	}
	switch v.Kind() {
	case reflect.String:
		if !IsStorable(v.String()) {
			w.unstorableAt(path)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			w.walk(path, v.Elem(), depth+1)
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
				w.walk(path, v.Field(i), depth+1)
				continue
			case name == "":
				name = f.Name
			}
			w.walk(path+"."+name, v.Field(i), depth+1)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes: JSON keeps them as base64 text
		}
		for i := range v.Len() {
			w.walk(path, v.Index(i), depth+1)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			p := path
			if k := iter.Key(); k.Kind() == reflect.String {
				if !IsStorable(k.String()) {
					w.unstorableAt(path)
				} else {
					p = path + "." + excerpt.Of(k.String()) // a client key may be a megabyte
				}
			}
			w.walk(p, iter.Value(), depth+1)
		}
	}
}

func (w *textWalk) unstorableAt(path string) {
	w.found = true
	if w.named[path] || len(w.errs.FieldErrors[path]) > 0 {
		return
	}
	if w.named == nil {
		w.named = map[string]bool{}
	}
	w.named[path] = true
	w.errs.NotStorable(path, "\x00")
}

// MakeStorable returns s as text every store keeps as it is (IsStorable):
// U+0000 removed and each run of bytes that are not UTF-8 replaced by one
// U+FFFD (Go's JSON decoder gives one per byte, so text it decoded holds
// none of them). It is for free text taken from outside that nobody can
// resend (a Twitter name), which refusing would lose altogether; what a
// client sends is refused instead.
func MakeStorable(s string) string {
	if IsStorable(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
