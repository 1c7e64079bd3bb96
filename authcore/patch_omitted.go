package authcore

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/authcore/authcore/patch"
)

var jsonMarshaler = reflect.TypeFor[json.Marshaler]()

// fieldsRenderer is a type whose MarshalJSON renders the fields of another
// value (its own, without its methods) and adds members computed from
// them: omittedEmpty walks that value.
type fieldsRenderer interface {
	renderedFields() any
}

// omittedEmpty lists, by JSON Pointer, the empty maps and lists that
// rendering v leaves out (their fields are omitempty: the API emits no empty
// members), with "{}" or "[]": an RFC 6902 PATCH finds them empty instead of
// missing (patch.Options.OmittedEmpty), so that a client can add the first
// entry of a map or list the resource shows without it.
func omittedEmpty(v any) map[string]string {
	out := map[string]string{}
	walkOmitted(reflect.ValueOf(v), "", out)
	return out
}

func walkOmitted(v reflect.Value, ptr string, out map[string]string) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if r, ok := v.Interface().(fieldsRenderer); ok {
			walkOmitted(reflect.ValueOf(r.renderedFields()), ptr, out)
			return
		}
		// Any other type that renders itself is not walked: its members
		// need not be its fields.
		if v.Type().Implements(jsonMarshaler) || reflect.PointerTo(v.Type()).Implements(jsonMarshaler) {
			return
		}
		walkFields(v, ptr, out)
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return
		}
		iter := v.MapRange()
		for iter.Next() {
			walkOmitted(iter.Value(), ptr+"/"+patch.EscapeToken(iter.Key().String()), out)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes render as a string
		}
		for i := range v.Len() {
			walkOmitted(v.Index(i), ptr+"/"+strconv.Itoa(i), out)
		}
	}
}

func walkFields(v reflect.Value, ptr string, out map[string]string) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fv := v.Field(i)
		if f.Anonymous && name == "" {
			// Embedded: its fields are the outer object's.
			for fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					break
				}
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct {
				walkFields(fv, ptr, out)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := ptr + "/" + patch.EscapeToken(name)
		omitempty := strings.Contains(","+opts+",", ",omitempty,")
		omitzero := strings.Contains(","+opts+",", ",omitzero,")
		switch {
		case omitempty && fv.Kind() == reflect.Map && fv.Len() == 0:
			out[p] = "{}"
		case omitempty && fv.Kind() == reflect.Slice && fv.Len() == 0 && fv.Type().Elem().Kind() != reflect.Uint8:
			out[p] = "[]"
		case omitzero && fv.Kind() == reflect.Struct && rendersEmptyObject(fv):
			// An object left out because it holds nothing (an identity
			// provider's lambdaConfiguration without a reconcileId) is an
			// empty member like an empty map: "add .../reconcileId" must
			// find it.
			out[p] = "{}"
		default:
			walkOmitted(fv, p, out)
		}
	}
}

// rendersEmptyObject reports whether v, a struct field tagged omitzero, is
// left out by encoding/json and would otherwise render as {}: a zero value
// with nothing but omitted members. A zero struct that renders members of
// its own (a false boolean without omitempty, say) is a value, not an empty
// container, and stays missing as RFC 6902 has it.
func rendersEmptyObject(v reflect.Value) bool {
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		if !z.IsZero() {
			return false
		}
	} else if !v.IsZero() {
		return false
	}
	b, err := json.Marshal(v.Interface())
	return err == nil && string(b) == "{}"
}
