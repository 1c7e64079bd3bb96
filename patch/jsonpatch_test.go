package patch

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONPatch(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		patch string
		want  string
	}{
		{
			name:  "replace a nested field",
			doc:   integrationsDoc,
			patch: `[{"op":"replace","path":"/integrations/kafka/enabled","value":false}]`,
			want: `{"integrations":{
				"cleanspeak":{"apiKey":"k","applicationIds":["a1","a2"],"enabled":true,"url":"https://cs.example.com",
					"usernameModeration":{"applicationId":"a1","enabled":false}},
				"kafka":{"defaultTopic":"events","enabled":false,
					"producer":{"bootstrap.servers":"localhost:9092","max.block.ms":"5000"}}}}`,
		},
		{
			name:  "map key with a slash is escaped as ~1",
			doc:   `{"m":{"a/b":1}}`,
			patch: `[{"op":"remove","path":"/m/a~1b"}]`,
			want:  `{"m":{}}`,
		},
		{
			name:  "test then replace, optimistic-concurrency style",
			doc:   `{"v":3,"x":"old"}`,
			patch: `[{"op":"test","path":"/v","value":3},{"op":"replace","path":"/x","value":"new"}]`,
			want:  `{"v":3,"x":"new"}`,
		},
		{
			name:  "test compares numbers by value",
			doc:   `{"n":1}`,
			patch: `[{"op":"test","path":"/n","value":1.0},{"op":"test","path":"/n","value":10e-1}]`,
			want:  `{"n":1}`,
		},
		{
			name:  "test of null inside arrays (panics in the library)",
			doc:   `{"a":[null,{"b":[null]}]}`,
			patch: `[{"op":"test","path":"/a","value":[null,{"b":[null]}]}]`,
			want:  `{"a":[null,{"b":[null]}]}`,
		},
		{
			name:  "empty member name in the middle of a path",
			doc:   `{"a":{"":{"b":1}}}`,
			patch: `[{"op":"replace","path":"/a//b","value":2}]`,
			want:  `{"a":{"":{"b":2}}}`,
		},
		{
			name:  "numeric-looking member names of an object",
			doc:   `{"01":"a","+1":"b","-1":"c"}`,
			patch: `[{"op":"remove","path":"/01"},{"op":"replace","path":"/+1","value":"B"},{"op":"move","from":"/-1","path":"/x"}]`,
			want:  `{"+1":"B","x":"c"}`,
		},
		{
			name:  "move within one array",
			doc:   `{"l":[1,2,3,4]}`,
			patch: `[{"op":"move","from":"/l/0","path":"/l/-"}]`,
			want:  `{"l":[2,3,4,1]}`,
		},
		{
			name:  "copy then change the copy leaves the source alone",
			doc:   `{"a":{"b":[1]}}`,
			patch: `[{"op":"copy","from":"/a","path":"/c"},{"op":"add","path":"/c/b/-","value":2}]`,
			want:  `{"a":{"b":[1]},"c":{"b":[1,2]}}`,
		},
		{
			name:  "replace the root with a scalar",
			doc:   `{"a":1}`,
			patch: `[{"op":"replace","path":"","value":"s"}]`,
			want:  `"s"`,
		},
		{
			name:  "scalar document",
			doc:   `5`,
			patch: `[{"op":"test","path":"","value":5.0}]`,
			want:  `5`,
		},
		{
			name:  "whitespace around the document and the patch",
			doc:   "\n {\"a\":1} \r\n",
			patch: "\t[{\"op\":\"add\",\"path\":\"/b\",\"value\":2}]\n",
			want:  `{"a":1,"b":2}`,
		},
		{
			name:  "unknown members of an operation are ignored",
			doc:   `{}`,
			patch: `[{"op":"add","path":"/a","value":1,"from":"/nowhere","extra":true}]`,
			want:  `{"a":1}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := JSONPatch([]byte(tt.doc), []byte(tt.patch), Options{})
			if err != nil {
				t.Fatal(err)
			}
			assertJSONEqual(t, got, tt.want)
		})
	}
}

func TestJSONPatchErrors(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		patch   string
		want    error
		message string // a substring the error message must contain
	}{
		{"body not JSON", `{}`, `[{"op":`, ErrMalformed, "not valid JSON"},
		{"empty body", `{}`, ``, ErrMalformed, "not valid JSON"},
		{"body is an object", `{}`, `{"op":"add","path":"/a","value":1}`, ErrMalformed, "must be an array"},
		{"body is null", `{}`, `null`, ErrMalformed, "must be an array"},
		{"operation is not an object", `{}`, `[{"op":"add","path":"/a","value":1}, 5]`, ErrMalformed, "op[1]"},
		{"operation is null", `{}`, `[null]`, ErrMalformed, "op[0]"},
		{"unknown op", `{}`, `[{"op":"merge","path":"/a"}]`, ErrInvalidPatch, `unknown op "merge"`},
		{"op is not a string", `{}`, `[{"op":1,"path":"/a"}]`, ErrInvalidPatch, `"op" must be a string`},
		{"op names are case-sensitive", `{}`, `[{"op":"ADD","path":"/a","value":1}]`, ErrInvalidPatch, "unknown op"},
		{"member names are case-sensitive", `{}`, `[{"Op":"add","path":"/a","value":1}]`, ErrInvalidPatch, `missing "op"`},
		{"missing path", `{}`, `[{"op":"add","value":1}]`, ErrInvalidPatch, `missing "path"`},
		{"path is not a pointer", `{}`, `[{"op":"add","path":"a","value":1}]`, ErrInvalidPatch, "start with '/'"},
		{"bad ~ escape", `{}`, `[{"op":"add","path":"/a~2","value":1}]`, ErrInvalidPatch, "~0"},
		{"trailing ~", `{}`, `[{"op":"add","path":"/a~","value":1}]`, ErrInvalidPatch, "~0"},
		{"missing value for add", `{}`, `[{"op":"add","path":"/a"}]`, ErrInvalidPatch, `missing "value"`},
		{"missing value for test", `[false]`, `[{"op":"test","path":"/0"}]`, ErrInvalidPatch, `missing "value"`},
		{"missing from for copy", `{}`, `[{"op":"copy","path":"/a"}]`, ErrInvalidPatch, `missing "from"`},
		{"move into own child", `{"a":{}}`, `[{"op":"move","from":"/a","path":"/a/b"}]`, ErrInvalidPatch, "own children"},
		{"negative index", `{"l":[1,2]}`, `[{"op":"add","path":"/l/-1","value":0}]`, ErrInvalidPatch, "not an array index"},
		{"leading-zero index", `{"l":[1,2]}`, `[{"op":"replace","path":"/l/01","value":0}]`, ErrInvalidPatch, "not an array index"},
		{"plus-signed index", `{"l":[1,2]}`, `[{"op":"remove","path":"/l/+1"}]`, ErrInvalidPatch, "not an array index"},
		{"index past the end", `{"l":[1,2]}`, `[{"op":"add","path":"/l/3","value":0}]`, ErrInvalidPatch, "out of range"},
		{"- outside add", `{"l":[1,2]}`, `[{"op":"remove","path":"/l/-"}]`, ErrInvalidPatch, `"-"`},
		{"add under a missing parent", `{}`, `[{"op":"add","path":"/a/b","value":1}]`, ErrInvalidPatch, `op[0] (add "/a/b")`},
		{"remove a missing member", `{"a":1}`, `[{"op":"remove","path":"/b"}]`, ErrInvalidPatch, `no member "b"`},
		{"replace a missing member", `{"a":1}`, `[{"op":"replace","path":"/b","value":1}]`, ErrInvalidPatch, `no member "b"`},
		{"replace a missing empty-named member", `{"a":{"b":1}}`, `[{"op":"replace","path":"/a/","value":5}]`, ErrInvalidPatch, `no member ""`},
		{"remove the root", `{"a":1}`, `[{"op":"remove","path":""}]`, ErrInvalidPatch, "whole document"},
		{"second op fails", `{"a":1}`, `[{"op":"remove","path":"/a"},{"op":"remove","path":"/a"}]`, ErrInvalidPatch, "op[1]"},
		{"copy from a missing location", `{}`, `[{"op":"copy","from":"/x","path":"/y"}]`, ErrInvalidPatch, `op[0] (copy "/x" to "/y")`},
		{"test value differs", `{"a":1}`, `[{"op":"test","path":"/a","value":2}]`, ErrTestFailed, "op[0] (test \"/a\")"},
		{"test string against number", `{"a":10}`, `[{"op":"test","path":"/a","value":"10"}]`, ErrTestFailed, "differs"},
		{"test of a missing member", `{}`, `[{"op":"test","path":"/a","value":null}]`, ErrTestFailed, `no member "a"`},
		{"test past the end of an array", `[1]`, `[{"op":"test","path":"/1","value":1}]`, ErrTestFailed, "out of range"},
		{"test with a bad index is a bad patch", `[1]`, `[{"op":"test","path":"/00","value":1}]`, ErrInvalidPatch, "not an array index"},
		{"test after a failing earlier op", `{"a":1}`, `[{"op":"test","path":"/a","value":1},{"op":"test","path":"/a","value":2}]`, ErrTestFailed, "op[1]"},
		{"document not JSON", `{"a":`, `[{"op":"add","path":"/b","value":1}]`, ErrInvalidDocument, ""},
		{"document not JSON, empty patch", `{"a":`, `[]`, ErrInvalidDocument, ""},
		{"document not JSON, tree route", `{"a":`, `[{"op":"test","path":"/a","value":1}]`, ErrInvalidDocument, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := JSONPatch([]byte(tt.doc), []byte(tt.patch), Options{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v (output %s), want %v", err, out, tt.want)
			}
			if out != nil {
				t.Errorf("output on error: %s", out)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("message %q does not contain %q", err, tt.message)
			}
			for _, other := range []error{ErrUnsupportedType, ErrTestFailed, ErrInvalidPatch, ErrMalformed, ErrInvalidDocument} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("%v also wraps %v", err, other)
				}
			}
		})
	}
}

func TestJSONPatchAllOrNothing(t *testing.T) {
	doc := []byte(`{"a":{"b":1},"l":[1,2]}`)
	orig := string(doc)
	for _, p := range []string{
		// Library route: the first op succeeds, the second fails.
		`[{"op":"replace","path":"/a/b","value":2},{"op":"remove","path":"/missing"}]`,
		// Tree route.
		`[{"op":"replace","path":"/a/b","value":2},{"op":"remove","path":"/l/0"},{"op":"test","path":"/a/b","value":1}]`,
	} {
		if _, err := JSONPatch(doc, []byte(p), Options{}); err == nil {
			t.Fatalf("%s: want an error", p)
		}
		if string(doc) != orig {
			t.Fatalf("%s: the document was modified: %s", p, doc)
		}
	}
}

func TestJSONPatchCopyGrowthLimit(t *testing.T) {
	// 1 KB value, copied repeatedly: the kind of patch that grew 64 KB to
	// 4.26 MB with the library's default (unlimited) setting.
	doc := []byte(fmt.Sprintf(`{"a":%q}`, strings.Repeat("x", 1024)))
	var ops []string
	for i := 0; i < 20; i++ {
		ops = append(ops, fmt.Sprintf(`{"op":"copy","from":"/a","path":"/c%d"}`, i))
	}
	plain := []byte("[" + strings.Join(ops, ",") + "]")
	// The same patch with a test op goes through the tree engine.
	viaTree := []byte("[" + strings.Join(append(ops, `{"op":"test","path":"/a","value":"y"}`), ",") + "]")

	for _, p := range [][]byte{plain, viaTree} {
		_, err := JSONPatch(doc, p, Options{MaxCopyGrowth: 10 * 1024})
		if !errors.Is(err, ErrInvalidPatch) || !strings.Contains(err.Error(), "limit") {
			t.Errorf("limit 10 KiB: got %v, want a copy-limit ErrInvalidPatch", err)
		}
		if !strings.Contains(err.Error(), "op[9]") {
			t.Errorf("limit 10 KiB: the 10th copy should be the one that fails: %v", err)
		}
	}
	if _, err := JSONPatch(doc, plain, Options{}); err != nil {
		t.Errorf("default limit: %v", err)
	}
	if _, err := JSONPatch(doc, plain, Options{MaxCopyGrowth: -1}); err != nil {
		t.Errorf("no limit: %v", err)
	}
}

func TestApply(t *testing.T) {
	doc := []byte(`{"a":[1],"b":1}`)
	tests := []struct {
		contentType string
		patch       string
		want        string
		wantErr     error
	}{
		{"application/json", `{"a":[2],"b":null}`, `{"a":[1,2]}`, nil},
		{"application/json; charset=utf-8", `{"a":[2]}`, `{"a":[1,2],"b":1}`, nil},
		{"Application/JSON;charset=UTF-8", `{"b":2}`, `{"a":[1],"b":2}`, nil},
		{"application/merge-patch+json", `{"a":[2],"b":null}`, `{"a":[2]}`, nil},
		{" application/merge-patch+json ; charset=utf-8", `{"b":2}`, `{"a":[1],"b":2}`, nil},
		{"application/json-patch+json", `[{"op":"add","path":"/a/-","value":2}]`, `{"a":[1,2],"b":1}`, nil},
		{"APPLICATION/JSON-PATCH+JSON; charset=utf-8", `[{"op":"remove","path":"/b"}]`, `{"a":[1]}`, nil},
		{"application/json-patch+json", `{"a":1}`, "", ErrMalformed},
		{"application/json", `[{"op":"remove","path":"/b"}]`, "", ErrMalformed},
		{"text/plain", `{}`, "", ErrUnsupportedType},
		{"application/xml", `{}`, "", ErrUnsupportedType},
		{"", `{}`, "", ErrUnsupportedType},
		{"application/json-patch", `[]`, "", ErrUnsupportedType},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			got, err := Apply(tt.contentType, doc, []byte(tt.patch), Options{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertJSONEqual(t, got, tt.want)
		})
	}
}

func TestApplyPassesReplacePaths(t *testing.T) {
	got, err := Apply(ContentTypeLegacy, []byte(`{"a":[1]}`), []byte(`{"a":[2]}`), Options{ReplacePaths: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	assertJSONEqual(t, got, `{"a":[2]}`)
}

func TestNumbersEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1", "1", true},
		{"1", "1.0", true},
		{"1", "1e0", true},
		{"1", "10e-1", true},
		{"100", "1E2", true},
		{"100", "1e+2", true},
		{"0", "-0", true},
		{"0", "0.000e5", true},
		{"-1.5", "-15e-1", true},
		{"1", "-1", false},
		{"1", "2", false},
		{"12345678901234567890", "12345678901234567891", false}, // equal as float64
		{"1e999999999999", "1e999999999999", true},
		{"1e999999999999", "10e999999999998", true},
		{"1e999999999999", "1e999999999998", false},
	}
	for _, tt := range tests {
		if got := numbersEqual(jsonNumber(tt.a), jsonNumber(tt.b)); got != tt.want {
			t.Errorf("numbersEqual(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := numbersEqual(jsonNumber(tt.b), jsonNumber(tt.a)); got != tt.want {
			t.Errorf("numbersEqual(%s, %s) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func jsonNumber(s string) json.Number { return json.Number(s) }

// A patch longer than libraryMaxOps goes to the tree engine, and gives what
// the library gives for it.
func TestLongPatchesGoToTheTreeEngine(t *testing.T) {
	doc := []byte(`{"a":[0],"m":{}}`)
	var ops []string
	for i := range libraryMaxOps + 44 {
		ops = append(ops, fmt.Sprintf(`{"op":"add","path":"/a/%d","value":%d}`, i%5, i), fmt.Sprintf(`{"op":"add","path":"/m/k%d","value":"v"}`, i))
	}
	p := []byte("[" + strings.Join(ops, ",") + "]")
	parsed, err := parseOps(p)
	require.NoError(t, err)
	require.False(t, libraryCanApply(doc, parsed), "too long for the library")
	var members []operation // no array inserts, which libraryMaxArrayOps limits
	for _, o := range parsed {
		if o.path[0] == "m" {
			members = append(members, o)
		}
	}
	require.True(t, libraryCanApply(doc, members[:libraryMaxOps]), "at the limit it is the library's")

	got, err := JSONPatch(doc, p, Options{})
	require.NoError(t, err)
	lp, err := jsonpatch.DecodePatch(p)
	require.NoError(t, err)
	want, err := lp.ApplyWithOptions(doc, libraryOptions(Options{}))
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}
