package strictjson

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/authcore/authcore/internal/excerpt"
)

// typeErrorPath names the value encoding/json refused in data, decoded into
// t, with the index of each array element and the key of each map entry on
// the way: "user.twoFactor.methods[1].email",
// "identityProvider.applicationConfiguration[<id>].enabled" (the bracketed
// form FusionAuth's docs give map entries). encoding/json's own field names
// only the struct fields on the way ("user.twoFactor.methods.email"), and a
// client fixing its request needs to know which element is wrong.
//
// encoding/json reports a wrong-typed literal's offset at its end and an
// object's or array's just past its opening bracket, so the value meant is
// the innermost one whose bytes hold the offset. That offset is in data
// only when no UnmarshalJSON method decoded a part of data on its own, so
// the found path is kept only when its struct fields are field
// (encoding/json's path); field is returned otherwise.
func typeErrorPath(data []byte, t reflect.Type, offset int64, field string) string {
	if field == "" || t == nil || offset <= 0 || offset > int64(len(data)) {
		return field
	}
	w := pathWalker{data: data, off: int(offset)}
	if !w.value(t) || w.best == nil {
		return field
	}
	var fields []string
	var b strings.Builder
	for _, seg := range w.best {
		if seg[0] != '[' {
			fields = append(fields, seg)
			if b.Len() > 0 {
				b.WriteByte('.')
			}
		}
		b.WriteString(seg)
	}
	if strings.Join(fields, ".") != field {
		return field
	}
	return b.String()
}

// pathWalker walks JSON that Check has passed alongside the Go type it is
// decoded into, recording the path of the innermost value that holds off.
// Segments are struct field names, "[<index>]" and "[<map key>]".
type pathWalker struct {
	data []byte
	pos  int
	off  int
	path []string
	best []string
}

// value reads the value at w.pos; t is the type it decodes into, or nil
// where nothing can be refused (an unknown member, the inside of a value
// that decodes itself or of one already of the wrong kind).
func (w *pathWalker) value(t reflect.Type) bool {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	w.space()
	if w.pos >= len(w.data) {
		return false
	}
	start := w.pos
	var ok bool
	switch w.data[w.pos] {
	case '{':
		ok = w.object(t)
	case '[':
		ok = w.array(t)
	case '"':
		ok = w.skipString()
	default:
		ok = w.skipLiteral()
	}
	if ok && t != nil && start < w.off && w.off <= w.pos && len(w.path) > len(w.best) {
		w.best = append([]string(nil), w.path...)
	}
	return ok
}

func (w *pathWalker) object(t reflect.Type) bool {
	var fields map[string]reflect.Type
	isMap := false
	switch {
	case t == nil || opaque(t):
		t = nil
	case t.Kind() == reflect.Struct:
		fields = fieldsOf(t)
	case t.Kind() == reflect.Map:
		isMap = true
	default:
		t = nil
	}
	w.pos++ // {
	w.space()
	if w.pos < len(w.data) && w.data[w.pos] == '}' {
		w.pos++
		return true
	}
	for {
		w.space()
		keyStart := w.pos
		if !w.skipString() {
			return false
		}
		var key string
		if json.Unmarshal(w.data[keyStart:w.pos], &key) != nil {
			return false
		}
		w.space()
		if w.pos >= len(w.data) || w.data[w.pos] != ':' {
			return false
		}
		w.pos++
		var member reflect.Type
		seg := key
		switch {
		case isMap && !strings.ContainsAny(key, "[]"):
			// The path becomes a field error's key and code: a client's
			// key is quoted as an excerpt. encoding/json's own path, kept
			// otherwise, names struct fields only.
			member, seg = t.Elem(), "["+excerpt.Of(key)+"]"
		case fields != nil:
			member = fields[key]
		}
		w.path = append(w.path, seg)
		ok := w.value(member)
		w.path = w.path[:len(w.path)-1]
		if !ok {
			return false
		}
		if done, ok := w.next('}'); !ok || done {
			return ok
		}
	}
}

func (w *pathWalker) array(t reflect.Type) bool {
	var elem reflect.Type
	if t != nil && !opaque(t) && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	w.pos++ // [
	w.space()
	if w.pos < len(w.data) && w.data[w.pos] == ']' {
		w.pos++
		return true
	}
	for i := 0; ; i++ {
		w.path = append(w.path, "["+strconv.Itoa(i)+"]")
		ok := w.value(elem)
		w.path = w.path[:len(w.path)-1]
		if !ok {
			return false
		}
		if done, ok := w.next(']'); !ok || done {
			return ok
		}
	}
}

// next reads the comma before another element, or the closing bracket.
func (w *pathWalker) next(closing byte) (done, ok bool) {
	w.space()
	if w.pos >= len(w.data) {
		return false, false
	}
	switch w.data[w.pos] {
	case ',':
		w.pos++
		return false, true
	case closing:
		w.pos++
		return true, true
	}
	return false, false
}

func (w *pathWalker) skipString() bool {
	if w.pos >= len(w.data) || w.data[w.pos] != '"' {
		return false
	}
	for i := w.pos + 1; i < len(w.data); i++ {
		switch w.data[i] {
		case '\\':
			i++
		case '"':
			w.pos = i + 1
			return true
		}
	}
	return false
}

func (w *pathWalker) skipLiteral() bool {
	start := w.pos
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return w.pos > start
		}
		w.pos++
	}
	return w.pos > start
}

func (w *pathWalker) space() { w.pos = afterSpace(w.data, w.pos) }
