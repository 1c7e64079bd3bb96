package strictjson

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type exactInner struct {
	A int `json:"a"`
}

type exactOpaque struct{ raw string }

func (o *exactOpaque) UnmarshalJSON(b []byte) error { o.raw = string(b); return nil }

type exactBody struct {
	W struct {
		Secret string `json:"secret"`
		Debug  bool   `json:"debug"`
	} `json:"w"`
	exactInner
	Name   string            // no tag: the Go name is the member name
	M      map[string]int    `json:"m"`
	List   []exactInner      `json:"list"`
	N      json.Number       `json:"n"`
	Opaque exactOpaque       `json:"opaque"`
	Ptr    *exactInner       `json:"ptr"`
	Any    map[string]any    `json:"any"`
	Skip   string            `json:"-"`
	Labels map[string]string `json:"labels"`
}

// Decode matches member names to fields exactly, as FusionAuth does: a name
// that matches only by case is an unknown member, ignored, whatever its
// value's type, and cannot overwrite the real one.
func TestDecodeIgnoresCaseOnlyMembers(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, b exactBody)
	}{
		{"real member wins over a case variant after it", `{"w":{"debug":true,"DEBUG":false}}`,
			func(t *testing.T, b exactBody) { assert.True(t, b.W.Debug) }},
		{"case variant before it", `{"w":{"Debug":false,"debug":true}}`,
			func(t *testing.T, b exactBody) { assert.True(t, b.W.Debug) }},
		{"case variant of another type is no type error", `{"w":{"Debug":"yes"}}`,
			func(t *testing.T, b exactBody) { assert.False(t, b.W.Debug) }},
		{"wrapper spelled in another case cannot overwrite", `{"w":{"secret":"mine"},"W":{"secret":"attacker"}}`,
			func(t *testing.T, b exactBody) { assert.Equal(t, "mine", b.W.Secret) }},
		{"lone wrapper in another case is ignored", `{"W":{"secret":"attacker"}}`,
			func(t *testing.T, b exactBody) { assert.Empty(t, b.W.Secret) }},
		{"promoted field of an embedded struct", `{"a":1,"A":2}`,
			func(t *testing.T, b exactBody) { assert.Equal(t, 1, b.A) }},
		{"untagged field takes its Go name only", `{"name":"lower","Name":"exact"}`,
			func(t *testing.T, b exactBody) { assert.Equal(t, "exact", b.Name) }},
		{"untagged field, only a case variant", `{"NAME":"x"}`,
			func(t *testing.T, b exactBody) { assert.Empty(t, b.Name) }},
		{"map keys are data, kept in every case", `{"m":{"Key":1,"key":2,"A":3}}`,
			func(t *testing.T, b exactBody) { assert.Equal(t, map[string]int{"Key": 1, "key": 2, "A": 3}, b.M) }},
		{"structs in a list", `{"list":[{"a":1},{"A":2}]}`,
			func(t *testing.T, b exactBody) { assert.Equal(t, []exactInner{{A: 1}, {A: 0}}, b.List) }},
		{"struct behind a pointer", `{"ptr":{"A":5}}`,
			func(t *testing.T, b exactBody) { require.NotNil(t, b.Ptr); assert.Equal(t, 0, b.Ptr.A) }},
		{"a type that decodes itself gets its members as sent", `{"opaque":{"A":1,"a":2},"Name":"x","NAME":"y"}`,
			func(t *testing.T, b exactBody) {
				assert.JSONEq(t, `{"A":1,"a":2}`, b.Opaque.raw)
				assert.Equal(t, "x", b.Name)
			}},
		{"free-form objects keep every key", `{"any":{"Debug":true,"a":{"A":1}},"W":{}}`,
			func(t *testing.T, b exactBody) {
				assert.Equal(t, map[string]any{"Debug": true, "a": map[string]any{"A": json.Number("1")}}, b.Any)
			}},
		{"numbers keep their text through the drop", `{"n":12345678901234567890.5000,"NAME":"y"}`,
			func(t *testing.T, b exactBody) { assert.Equal(t, json.Number("12345678901234567890.5000"), b.N) }},
		{"strings keep their value through the drop", `{"labels":{"k":"\u00e9\n\"<>&\\"},"NAME":"y"}`,
			func(t *testing.T, b exactBody) { assert.Equal(t, "é\n\"<>&\\", b.Labels["k"]) }},
		{"a null map entry is absent", `{"m":{"a":null,"b":1},"labels":{"k":null,"l":"v"}}`,
			func(t *testing.T, b exactBody) {
				assert.Equal(t, map[string]int{"b": 1}, b.M)
				assert.Equal(t, map[string]string{"l": "v"}, b.Labels)
			}},
		{"null members of free-form objects are absent at every depth; array elements stay", `{"any":{"a":null,"b":{"c":null,"d":[null,{"e":null}]}}}`,
			func(t *testing.T, b exactBody) {
				assert.Equal(t, map[string]any{"b": map[string]any{"d": []any{nil, map[string]any{}}}}, b.Any)
			}},
		{"a null struct member leaves the field as it is", `{"w":null,"ptr":null,"name":null}`,
			func(t *testing.T, b exactBody) { assert.Nil(t, b.Ptr); assert.Empty(t, b.W.Secret) }},
		{"a json:\"-\" field takes nothing", `{"Skip":"x","skip":"y","-":"z"}`,
			func(t *testing.T, b exactBody) { assert.Empty(t, b.Skip) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b exactBody
			require.NoError(t, Decode([]byte(tt.body), &b, 0))
			tt.check(t, b)
		})
	}
}

// A type error in an exact member is still reported at its path after the
// drop; one in a dropped member is not reported at all.
func TestDecodeTypeErrorsAfterDrop(t *testing.T) {
	var b exactBody
	err := Decode([]byte(`{"W":{"debug":1},"w":{"debug":"no"}}`), &b, 0)
	var te *TypeError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "w.debug", te.Path)
	assert.NoError(t, Decode([]byte(`{"W":{"debug":1}}`), &b, 0))
}

// Bodies whose member names all match exactly are decoded as they are,
// without the drop's second pass.
func TestDecodeSuspectsOnlyCaseOnlyNames(t *testing.T) {
	names := namesOf(typeOf[exactBody]())
	for body, want := range map[string]bool{
		`{"w":{"debug":true,"secret":"s"},"a":1,"Name":"n"}`:            false,
		`{"m":{"9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d":1,"x-custom":2}}`: false,
		`{"w":{"Debug":true}}`: true,
		`{"m":{"LIST":1}}`:     true, // a map key may look like a field: the drop then keeps it
		`{"any":{"NAME":1}}`:   true,
		`{"m":{"a":null}}`:     true, // a null member
		`{"list":[null]}`:      false,
	} {
		suspect, err := check([]byte(body), 0, names)
		require.NoError(t, err)
		assert.Equal(t, want, suspect, body)
	}
	assert.False(t, names.ambiguous)
	type clash struct {
		A struct {
			ID string `json:"id"`
		} `json:"a"`
		B struct {
			ID string `json:"ID"`
		} `json:"b"`
	}
	assert.True(t, namesOf(typeOf[clash]()).ambiguous, "id and ID in one tree")
	var c clash
	require.NoError(t, Decode([]byte(`{"a":{"ID":"x"},"b":{"ID":"y"}}`), &c, 0))
	assert.Empty(t, c.A.ID, "ID is exact in b, not in a")
	assert.Equal(t, "y", c.B.ID)
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[*T]() }
