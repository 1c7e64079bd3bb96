package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

type kafka struct {
	DefaultTopic string            `json:"defaultTopic"`
	Enabled      bool              `json:"enabled"`
	Producer     map[string]string `json:"producer"`
}

type cleanspeak struct {
	APIKey         string   `json:"apiKey"`
	ApplicationIDs []string `json:"applicationIds"`
	Enabled        bool     `json:"enabled"`
}

type integrationsRequest struct {
	Integrations struct {
		CleanSpeak cleanspeak `json:"cleanspeak"`
		Kafka      kafka      `json:"kafka"`
	} `json:"integrations"`
}

type appConfig struct {
	Enabled bool `json:"enabled"`
}

type idpRequest struct {
	IdentityProvider struct {
		ApplicationConfiguration map[string]appConfig `json:"applicationConfiguration"`
		Domains                  []string             `json:"domains"`
		ID                       textID               `json:"id"`
		Expiry                   time.Time            `json:"expiry"`
		Limit                    int                  `json:"limit"`
		Weight                   float64              `json:"weight"`
		List                     []appConfig          `json:"list"`
		Grid                     [][]int              `json:"grid"`
		Own                      ownDecoded           `json:"own"`
	} `json:"identityProvider"`
}

// ownDecoded decodes the last element of an array on its own, as a type
// with an UnmarshalJSON method may: encoding/json then reports offsets in
// that element, not in the body.
type ownDecoded struct{ Last appConfig }

func (o *ownDecoded) UnmarshalJSON(b []byte) error {
	var all []json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	return json.Unmarshal(all[len(all)-1], &o.Last)
}

// textID stands for the UUID types of the domain: written as a JSON string
// through encoding.TextUnmarshaler.
type textID string

func (id *textID) UnmarshalText(b []byte) error { *id = textID(b); return nil }

func nested(depth int) string {
	return strings.Repeat(`{"a":`, depth-1) + `{}` + strings.Repeat(`}`, depth-1)
}

func nestedArrays(depth int) string {
	return strings.Repeat(`[`, depth) + strings.Repeat(`]`, depth)
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		body string
		max  int
		want error // nil, or a zero value of the expected error type with the fields to compare
	}{
		{"object", `{"integrations":{"kafka":{"enabled":true}}}`, 0, nil},
		{"scalar", `42`, 0, nil},
		{"whitespace around", " \n\t{} \r\n", 0, nil},
		{"same key in sibling objects", `{"a":{"x":1},"b":{"x":1}}`, 0, nil},
		{"same key in array elements", `[{"x":1},{"x":2}]`, 0, nil},
		{"huge number is fine here", `{"n":1e400}`, 0, nil},
		{"many distinct keys", manyKeys(100, false), 0, nil},

		{"empty body", ``, 0, &SyntaxError{Offset: 0, Msg: "empty body"}},
		{"whitespace body", "  \n", 0, &SyntaxError{Offset: 3, Msg: "empty body"}},
		{"unterminated object", `{"a":1`, 0, &SyntaxError{}},
		{"missing colon", `{"a" 1}`, 0, &SyntaxError{}},
		{"trailing comma", `[1,]`, 0, &SyntaxError{}},
		{"trailing comma in object", `{"a":1,}`, 0, &SyntaxError{}},
		{"bare word", `enabled`, 0, &SyntaxError{}},
		{"trailing garbage", `{"a":1} x`, 0, &SyntaxError{Offset: 8, Msg: "unexpected data after the JSON value"}},
		{"second value", `{} {}`, 0, &SyntaxError{Offset: 3, Msg: "unexpected data after the JSON value"}},
		{"stray closing brace", `{}}`, 0, &SyntaxError{Offset: 2, Msg: "unexpected data after the JSON value"}},

		{"duplicate at top level", `{"a":1,"b":2,"a":3}`, 0, &DuplicateKeyError{Path: "a"}},
		{"duplicate nested", `{"integrations":{"kafka":{"enabled":false},"kafka":{"enabled":true}}}`, 0, &DuplicateKeyError{Path: "integrations.kafka"}},
		{"duplicate deep", `{"integrations":{"kafka":{"enabled":false,"enabled":true}}}`, 0, &DuplicateKeyError{Path: "integrations.kafka.enabled"}},
		{"duplicate inside an array element", `{"list":[{"x":1,"x":2}]}`, 0, &DuplicateKeyError{Path: "list.x"}},
		{"duplicate spelled with an escape", `{"a":1,"\u0061":2}`, 0, &DuplicateKeyError{Path: "a"}},
		{"duplicate in a large object", manyKeys(100, true), 0, &DuplicateKeyError{Path: "k0"}},

		{"depth 64 objects accepted", nested(64), 0, nil},
		{"depth 65 objects refused", nested(65), 0, &DepthError{Max: 64}},
		{"depth 64 arrays accepted", nestedArrays(64), 0, nil},
		{"depth 65 arrays refused", nestedArrays(65), 0, &DepthError{Max: 64}},
		{"custom max", nested(3), 2, &DepthError{Max: 2}},
		{"very deep input", nestedArrays(100000), 0, &DepthError{Max: 64}},

		{"UTF-8 accepted", `{"name":"Zoë 東京 🐦"}`, 0, nil},
		{"escaped non-NUL control accepted", `{"a":"\u0001\u00e9"}`, 0, nil},
		{"escaped backslash before u0000 is no escape", `{"a":"\\u0000"}`, 0, nil},
		{"invalid UTF-8 in a value", "{\"secret\":\"s\xff\xfe\"}", 0, &StringError{Offset: 10, Msg: "not valid UTF-8"}},
		{"invalid UTF-8 in a key", "{\"k\xc3\":1}", 0, &StringError{Offset: 1, Msg: "not valid UTF-8"}},
		{"truncated UTF-8 sequence", "[\"\xe6\x9d\"]", 0, &StringError{Offset: 1, Msg: "not valid UTF-8"}},
		{"escaped NUL in a value", `{"name":"nul\u0000tenant"}`, 0, &StringError{Offset: 8, Msg: "holds U+0000, which cannot be stored"}},
		{"escaped NUL in a key", `{"\u0000":1}`, 0, &StringError{Offset: 1, Msg: "holds U+0000, which cannot be stored"}},
		{"surrogate pair accepted", `{"bird":"\ud83d\udc26","upper":"\uD83D\uDC26"}`, 0, nil},
		{"lone high surrogate", `{"name":"a\ud800b"}`, 0, &StringError{Offset: 8, Msg: unpairedSurrogate}},
		{"high surrogate at the end", `["\uDBFF"]`, 0, &StringError{Offset: 1, Msg: unpairedSurrogate}},
		{"lone low surrogate", `{"name":"\udc26"}`, 0, &StringError{Offset: 8, Msg: unpairedSurrogate}},
		{"two high surrogates", `{"name":"\ud83d\ud83d"}`, 0, &StringError{Offset: 8, Msg: unpairedSurrogate}},
		{"reversed pair", `{"name":"\udc26\ud83d"}`, 0, &StringError{Offset: 8, Msg: unpairedSurrogate}},
		{"high surrogate then a plain escape", `{"name":"\ud83d\n"}`, 0, &StringError{Offset: 8, Msg: unpairedSurrogate}},
		{"lone surrogate in a key", `{"\ud800":1}`, 0, &StringError{Offset: 1, Msg: unpairedSurrogate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.body), tt.max)
			assertError(t, err, tt.want)
		})
	}
}

func manyKeys(n int, dupLast bool) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	if dupLast {
		b.WriteString(`"k0":0}`)
	} else {
		b.WriteString(`"last":0}`)
	}
	return b.String()
}

// assertSame checks that err is a *T equal to want.
func assertSame[T comparable, P interface {
	*T
	error
}](t *testing.T, err error, want P) {
	t.Helper()
	var got P
	if !errors.As(err, &got) {
		t.Fatalf("want %T, got %T: %v", want, err, err)
	}
	if *got != *want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// assertError checks err's type against want's, and the fields that want sets.
func assertError(t *testing.T, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("want %T, got nil", want)
	}
	if err.Error() == "" || !strings.HasPrefix(err.Error(), "strictjson: ") {
		t.Errorf("message %q lacks the package prefix", err)
	}
	switch w := want.(type) {
	case *SyntaxError:
		var got *SyntaxError
		if !errors.As(err, &got) {
			t.Fatalf("want *SyntaxError, got %T: %v", err, err)
		}
		if w.Msg != "" && (got.Msg != w.Msg || got.Offset != w.Offset) {
			t.Errorf("got %+v, want %+v", got, w)
		}
	case *DuplicateKeyError:
		assertSame(t, err, w)
	case *DepthError:
		assertSame(t, err, w)
	case *StringError:
		assertSame(t, err, w)
	case *TypeError:
		assertSame(t, err, w)
	default:
		t.Fatalf("unknown want type %T", want)
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		body string
		into func() any
		want error
	}{
		{"bool given a string, nested", `{"integrations":{"kafka":{"enabled":"yes"}}}`,
			func() any { return new(integrationsRequest) }, &TypeError{Path: "integrations.kafka.enabled", Want: "boolean"}},
		{"string given a number", `{"integrations":{"kafka":{"defaultTopic":5}}}`,
			func() any { return new(integrationsRequest) }, &TypeError{Path: "integrations.kafka.defaultTopic", Want: "string"}},
		{"map[string]string value given an object", `{"integrations":{"kafka":{"producer":{"acks":{"x":1}}}}}`,
			func() any { return new(integrationsRequest) }, &TypeError{Path: "integrations.kafka.producer[acks]", Want: "string"}},
		{"object given a scalar", `{"integrations":{"kafka":true}}`,
			func() any { return new(integrationsRequest) }, &TypeError{Path: "integrations.kafka", Want: "object"}},
		{"array given a string", `{"integrations":{"cleanspeak":{"applicationIds":"a1"}}}`,
			func() any { return new(integrationsRequest) }, &TypeError{Path: "integrations.cleanspeak.applicationIds", Want: "array"}},
		{"array element of the wrong type: its index in the path", `{"integrations":{"cleanspeak":{"applicationIds":["a1",2]}}}`,
			func() any { return new(integrationsRequest) }, &TypeError{Path: "integrations.cleanspeak.applicationIds[1]", Want: "string"}},
		{"map value field: the map key in the path", `{"identityProvider":{"applicationConfiguration":{"app-1":{"enabled":"no"}}}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.applicationConfiguration[app-1].enabled", Want: "boolean"}},
		{"second element of an array of objects", `{"identityProvider":{"list":[{"enabled":true},{"enabled":"no"}]}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.list[1].enabled", Want: "boolean"}},
		{"an array element that is not an object", `{"identityProvider":{"list":[{}, 7]}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.list[1]", Want: "object"}},
		{"arrays in arrays", `{"identityProvider":{"grid":[[1],[2,"x"]]}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.grid[1][1]", Want: "integer"}},
		{"a map key with a dot, in brackets", `{"identityProvider":{"applicationConfiguration":{"a.b":{"enabled":"no"}}}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.applicationConfiguration[a.b].enabled", Want: "boolean"}},
		{"a map value of the wrong kind", `{"identityProvider":{"applicationConfiguration":{"x":[{"enabled":"no"}]}}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.applicationConfiguration[x]", Want: "object"}},
		{"inside an unknown member nothing is refused", `{"identityProvider":{"other":{"enabled":"no"},"list":[{"enabled":0}]}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.list[0].enabled", Want: "boolean"}},
		{"a map key with a bracket cannot be told from a path: left out", `{"identityProvider":{"applicationConfiguration":{"a]b":{"enabled":"no"}}}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.applicationConfiguration.enabled", Want: "boolean"}},
		{"nulls rewritten out first: paths in what is decoded", `{"identityProvider":{"weight":null,"list":[{"enabled":null},{"enabled":1}]}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.list[1].enabled", Want: "boolean"}},
		{"an UnmarshalJSON's own decoding: encoding/json's path", `{"identityProvider":{"own":[1,2,{"enabled":"no"}]}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.own.enabled", Want: "boolean"}},
		{"text-unmarshaled id given a number", `{"identityProvider":{"id":5}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.id", Want: "string"}},
		{"int given a fraction", `{"identityProvider":{"limit":1.5}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.limit", Want: "integer"}},
		{"float given a string", `{"identityProvider":{"weight":"heavy"}}`,
			func() any { return new(idpRequest) }, &TypeError{Path: "identityProvider.weight", Want: "number"}},
		{"whole body of the wrong type", `[]`,
			func() any { return new(integrationsRequest) }, &TypeError{Path: "", Want: "object"}},
		{"whole body null: no object at all", " null ",
			func() any { return new(integrationsRequest) }, &TypeError{Path: "", Want: "object"}},
		{"null into a map is no map either", `null`,
			func() any { return new(map[string]string) }, &TypeError{Path: "", Want: "object"}},
		{"syntax error comes first", `{"integrations":`,
			func() any { return new(integrationsRequest) }, &SyntaxError{}},
		{"trailing garbage", `{"integrations":{}}garbage`,
			func() any { return new(integrationsRequest) }, &SyntaxError{Offset: 19, Msg: "unexpected data after the JSON value"}},
		{"empty body", ``,
			func() any { return new(integrationsRequest) }, &SyntaxError{Offset: 0, Msg: "empty body"}},
		{"duplicate key", `{"integrations":{"kafka":{},"kafka":{}}}`,
			func() any { return new(integrationsRequest) }, &DuplicateKeyError{Path: "integrations.kafka"}},
		{"too deep", `{"integrations":` + nested(64) + `}`,
			func() any { return new(integrationsRequest) }, &DepthError{Max: 64}},
		{"unknown fields are ignored", `{"integrations":{"twilio":{"sid":"x"},"kafka":{"enabled":true,"future":[1,2]}},"extra":1}`,
			func() any { return new(integrationsRequest) }, nil},
		{"null leaves a field alone", `{"integrations":{"kafka":{"enabled":null,"producer":null}}}`,
			func() any { return new(integrationsRequest) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.into()
			err := Decode([]byte(tt.body), v, 0)
			assertError(t, err, tt.want)
		})
	}
}

func TestDecodeFillsValue(t *testing.T) {
	var r integrationsRequest
	err := Decode([]byte(`{"integrations":{"cleanspeak":{"applicationIds":["a1","a2"]},"kafka":{"defaultTopic":"t","enabled":true,"producer":{"bootstrap.servers":"h:9092"}}}}`), &r, DefaultMaxDepth)
	if err != nil {
		t.Fatal(err)
	}
	k := r.Integrations.Kafka
	if !k.Enabled || k.DefaultTopic != "t" || k.Producer["bootstrap.servers"] != "h:9092" || len(r.Integrations.CleanSpeak.ApplicationIDs) != 2 {
		t.Errorf("decoded %+v", r)
	}
}

func TestDecodePassesOtherErrorsThrough(t *testing.T) {
	var r idpRequest
	err := Decode([]byte(`{}`), r, 0) // not a pointer
	var iue *json.InvalidUnmarshalError
	if !errors.As(err, &iue) {
		t.Errorf("got %T %v, want *json.InvalidUnmarshalError", err, err)
	}

	// A type's own UnmarshalJSON reports its errors its own way, without a
	// path: time.Time is one.
	err = Decode([]byte(`{"identityProvider":{"expiry":5}}`), &r, 0)
	var te *TypeError
	if err == nil || errors.As(err, &te) {
		t.Errorf("got %T %v, want time.Time's own error", err, err)
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&SyntaxError{Offset: 3, Msg: "empty body"}, "strictjson: malformed JSON at offset 3: empty body"},
		{&DuplicateKeyError{Path: "integrations.kafka"}, `strictjson: duplicate key "integrations.kafka"`},
		{&DepthError{Max: 64}, "strictjson: JSON nested deeper than 64 levels"},
		{&TypeError{Path: "integrations.kafka.enabled", Want: "boolean"}, "strictjson: integrations.kafka.enabled must be a JSON boolean"},
		{&TypeError{Want: "object"}, "strictjson: the body must be a JSON object"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"integrations":{"cleanspeak":{"applicationIds":["a1"],"enabled":true},"kafka":{"defaultTopic":"t","enabled":true,"producer":{"a":"b"}}}}`,
		`{"integrations":{"kafka":{"enabled":"yes"}}}`,
		`{"a":1,"a":2}`,
		`{"a":{"b":[{"c":1,"c":2}]}}`,
		`[[[[[]]]]]`,
		`{} x`,
		``,
		`"\u0061"`,
		`{"integrations":{"kafka":{"producer":{"k":{}}}}}`,
		nested(65),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r integrationsRequest
		err := Decode(data, &r, 0)
		checkErr := Check(data, 0)
		valid := json.Valid(data)
		// Check agrees with encoding/json on syntax: it accepts nothing that
		// is invalid, and every invalid body is a SyntaxError unless a
		// duplicate key or the depth cap came first.
		if checkErr == nil && !valid {
			t.Fatalf("Check accepted invalid JSON %q", data)
		}
		var se *SyntaxError
		if errors.As(checkErr, &se) && valid {
			t.Fatalf("Check called valid JSON malformed: %q: %v", data, checkErr)
		}
		// Duplicate detection agrees with a slow reference built on
		// json.Decoder, which decodes member names exactly as Unmarshal does.
		var de *DuplicateKeyError
		var deep *DepthError
		var str *StringError
		if errors.As(checkErr, &str) {
			// Refused on purpose (bad UTF-8, or an escaped U+0000), and
			// found before any syntax error that may follow it.
			// Unpaired surrogates are refused too: the fuzz check is
			// that encoding/json does not keep such a string as sent.
			if !bytes.Contains(data, []byte(`\u0000`)) && utf8.Valid(data) && !changesOnDecode(data, str.Offset) {
				t.Fatalf("StringError for a body of valid UTF-8 without U+0000 whose string decodes as sent: %q: %v", data, checkErr)
			}
		}
		// The depth cap refuses exactly the bodies nested deeper than it
		// (unless a refused string or a repeated member comes first, reading
		// left to right), so with the documented refusals set aside Check
		// accepts every body encoding/json accepts.
		if valid {
			d := referenceDepth(data)
			earlier := str != nil || errors.As(checkErr, &de)
			if !earlier && errors.As(checkErr, &deep) != (d > DefaultMaxDepth) {
				t.Fatalf("%q nests %d deep: Check says %v", data, d, checkErr)
			}
			if checkErr != nil && !errors.As(checkErr, &deep) && !errors.As(checkErr, &de) && str == nil {
				t.Fatalf("Check refused valid JSON %q outside the documented refusals: %v", data, checkErr)
			}
		}
		if valid && !errors.As(checkErr, &deep) && str == nil {
			if ref, dup := referenceDuplicate(data); dup != errors.As(checkErr, &de) || (dup && de.Path != ref) {
				t.Fatalf("duplicate keys in %q: Check says %v, reference says %q", data, checkErr, ref)
			}
		}
		if err == nil {
			return
		}
		switch e := err.(type) {
		case *SyntaxError, *DuplicateKeyError, *DepthError, *StringError:
			if checkErr == nil {
				t.Fatalf("Decode failed Check's way (%v) but Check passed", err)
			}
		case *TypeError:
			if checkErr != nil {
				t.Fatalf("TypeError after a failed Check: %v", err)
			}
			if e.Want == "" {
				t.Fatalf("TypeError without Want: %+v", e)
			}
			if !pathNamesField(reflect.TypeFor[integrationsRequest](), e) {
				t.Fatalf("TypeError %+v for %q names no field of that type", e, data)
			}
		default:
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
	})
}

// pathNamesField reports whether e.Path is a chain of JSON field names of t,
// with "[<index>]" after each array and "[<key>]" for each map on the way,
// and e.Want the JSON type of the value it ends at or of an element of it.
// The empty path is the body itself.
func pathNamesField(t reflect.Type, e *TypeError) bool {
	for rest := e.Path; rest != ""; {
		if rest[0] == '[' {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return false
			}
			t = derefType(t)
			switch t.Kind() {
			case reflect.Map:
			case reflect.Slice, reflect.Array:
				if _, err := strconv.Atoi(rest[1:end]); err != nil {
					return false
				}
			default:
				return false
			}
			t, rest = t.Elem(), rest[end+1:]
			continue
		}
		rest = strings.TrimPrefix(rest, ".")
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			end = len(rest)
		}
		t = derefType(t)
		if t.Kind() != reflect.Struct {
			return false
		}
		ft, ok := fieldsOf(t)[rest[:end]]
		if !ok {
			return false
		}
		t, rest = ft, rest[end:]
	}
	for {
		if jsonTypeName(t) == e.Want {
			return true
		}
		t = derefType(t)
		switch t.Kind() {
		case reflect.Map, reflect.Slice, reflect.Array:
			t = t.Elem()
		default:
			return false
		}
	}
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// referenceDepth is how deep valid JSON nests, by json.Decoder's tokens.
func referenceDepth(data []byte) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return deepest
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			deepest = max(deepest, depth)
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}

// surrogateEscape matches a \u escape of a UTF-16 surrogate half that is not
// itself escaped (preceded by an even run of backslashes).
var surrogateEscape = regexp.MustCompile(`(^|[^\\])(\\\\)*\\u[dD][89a-fA-F]`)

// changesOnDecode reports whether the string literal at offset holds a
// surrogate escape, which encoding/json decodes to U+FFFD when unpaired.
func changesOnDecode(data []byte, offset int64) bool {
	dec := json.NewDecoder(bytes.NewReader(data[offset:]))
	var s string
	if dec.Decode(&s) != nil {
		// Check reports the escape before the syntax error that
		// follows it (an unterminated string): look at what is there.
		return surrogateEscape.Match(data[offset:])
	}
	return surrogateEscape.Match(data[offset : offset+dec.InputOffset()])
}

// referenceDuplicate returns the dotted path of the first repeated member
// name in valid JSON data.
func referenceDuplicate(data []byte) (path string, found bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var walk func(tok json.Token, path []string) (string, bool)
	walk = func(tok json.Token, path []string) (string, bool) {
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for {
				kt, _ := dec.Token()
				if kt == json.Delim('}') {
					return "", false
				}
				k := kt.(string)
				if seen[k] {
					return strings.Join(append(path, k), "."), true
				}
				seen[k] = true
				vt, _ := dec.Token()
				if d, ok := walk(vt, append(path[:len(path):len(path)], k)); ok {
					return d, true
				}
			}
		case json.Delim('['):
			for {
				vt, _ := dec.Token()
				if vt == json.Delim(']') {
					return "", false
				}
				if d, ok := walk(vt, path); ok {
					return d, true
				}
			}
		}
		return "", false
	}
	tok, err := dec.Token()
	if err != nil {
		return "", false
	}
	return walk(tok, nil)
}

// UnmarshalNumbers keeps a free-form number's text, where json.Unmarshal
// would round an integer above 2^53, and refuses what follows the value.
func TestUnmarshalNumbers(t *testing.T) {
	var v struct {
		Data map[string]any `json:"data"`
		N    int64          `json:"n"`
	}
	if err := UnmarshalNumbers([]byte(`{"data":{"id":9007199254740993,"f":1.50},"n":9007199254740993}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Data["id"] != json.Number("9007199254740993") || v.Data["f"] != json.Number("1.50") || v.N != 9007199254740993 {
		t.Fatalf("got %#v", v)
	}
	var a any
	if err := UnmarshalNumbers([]byte(`{} {}`), &a); !errors.Is(err, ErrTrailingData) {
		t.Fatalf("trailing value: %v", err)
	}
	// json.Decoder.More says "no more" before a closing bracket, so these
	// were accepted as if the stray bracket were not there.
	for _, body := range []string{`{}}`, `[1]]`, `"s" ]`, "0\n}"} {
		if err := UnmarshalNumbers([]byte(body), &a); !errors.Is(err, ErrTrailingData) {
			t.Fatalf("%q: want ErrTrailingData, got %v", body, err)
		}
	}
	if err := UnmarshalNumbers([]byte("[1]\n\t "), &a); err != nil || fmt.Sprint(a) != "[1]" {
		t.Fatalf("trailing white space: %v, %#v", err, a)
	}
	if err := UnmarshalNumbers([]byte(`{`), &a); err == nil {
		t.Fatal("truncated value accepted")
	}
}
