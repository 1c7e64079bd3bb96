package patch

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// assertJSONEqual compares with encoding/json's decoding so that tests do not
// lean on this package's own equality.
func assertJSONEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("result is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

const integrationsDoc = `{"integrations":{
	"cleanspeak":{"apiKey":"k","applicationIds":["a1","a2"],"enabled":true,"url":"https://cs.example.com",
		"usernameModeration":{"applicationId":"a1","enabled":false}},
	"kafka":{"defaultTopic":"events","enabled":true,
		"producer":{"bootstrap.servers":"localhost:9092","max.block.ms":"5000"}}}}`

const idpDoc = `{"identityProvider":{"buttonText":"Login","debug":false,
	"applicationConfiguration":{
		"app-1":{"enabled":true,"roles":["r1"]},
		"app-2":{"enabled":false,"roles":["r2"]}},
	"domains":["a.example"]}}`

func TestMerge(t *testing.T) {
	replace := Options{ReplacePaths: []string{
		"integrations.cleanspeak.applicationIds",
		"identityProvider.applicationConfiguration.*.roles",
	}}
	tests := []struct {
		name  string
		doc   string
		patch string
		opts  Options
		want  string
	}{
		{
			name:  "empty patch leaves the document alone",
			doc:   integrationsDoc,
			patch: `{}`,
			want:  integrationsDoc,
		},
		{
			name:  "nested merge changes one field and keeps its siblings",
			doc:   `{"integrations":{"kafka":{"defaultTopic":"events","enabled":true}}}`,
			patch: `{"integrations":{"kafka":{"enabled":false}}}`,
			want:  `{"integrations":{"kafka":{"defaultTopic":"events","enabled":false}}}`,
		},
		{
			name:  "new nested object is created",
			doc:   `{"integrations":{}}`,
			patch: `{"integrations":{"kafka":{"enabled":true}}}`,
			want:  `{"integrations":{"kafka":{"enabled":true}}}`,
		},
		{
			name:  "map entries merge key by key",
			doc:   `{"producer":{"bootstrap.servers":"localhost:9092","max.block.ms":"5000"}}`,
			patch: `{"producer":{"acks":"all","max.block.ms":"1000"}}`,
			want:  `{"producer":{"bootstrap.servers":"localhost:9092","max.block.ms":"1000","acks":"all"}}`,
		},
		{
			name:  "null removes a top-level field",
			doc:   `{"a":1,"b":2}`,
			patch: `{"a":null}`,
			want:  `{"b":2}`,
		},
		{
			name:  "null removes a nested field",
			doc:   `{"integrations":{"cleanspeak":{"apiKey":"k","url":"u"}}}`,
			patch: `{"integrations":{"cleanspeak":{"apiKey":null}}}`,
			want:  `{"integrations":{"cleanspeak":{"url":"u"}}}`,
		},
		{
			name:  "null removes a map entry",
			doc:   `{"producer":{"bootstrap.servers":"localhost:9092","acks":"all"}}`,
			patch: `{"producer":{"acks":null}}`,
			want:  `{"producer":{"bootstrap.servers":"localhost:9092"}}`,
		},
		{
			name:  "null on an absent field is fine",
			doc:   `{"a":1}`,
			patch: `{"b":null,"c":{"d":null}}`,
			want:  `{"a":1,"c":{}}`,
		},
		{
			name:  "array is appended (the FusionAuth known limitation)",
			doc:   `{"identityProvider":{"domains":["a.example"]}}`,
			patch: `{"identityProvider":{"domains":["b.example","a.example"]}}`,
			want:  `{"identityProvider":{"domains":["a.example","b.example","a.example"]}}`,
		},
		{
			name:  "empty array appends nothing",
			doc:   `{"l":[1,2]}`,
			patch: `{"l":[]}`,
			want:  `{"l":[1,2]}`,
		},
		{
			name:  "array over a missing field is set",
			doc:   `{}`,
			patch: `{"l":[1,null]}`,
			want:  `{"l":[1,null]}`,
		},
		{
			name:  "array over a scalar replaces it",
			doc:   `{"l":"x"}`,
			patch: `{"l":[1]}`,
			want:  `{"l":[1]}`,
		},
		{
			name:  "listed array is replaced",
			doc:   integrationsDoc,
			patch: `{"integrations":{"cleanspeak":{"applicationIds":["a3"]}}}`,
			opts:  replace,
			want: `{"integrations":{
				"cleanspeak":{"apiKey":"k","applicationIds":["a3"],"enabled":true,"url":"https://cs.example.com",
					"usernameModeration":{"applicationId":"a1","enabled":false}},
				"kafka":{"defaultTopic":"events","enabled":true,
					"producer":{"bootstrap.servers":"localhost:9092","max.block.ms":"5000"}}}}`,
		},
		{
			name:  "listed array can be emptied",
			doc:   `{"integrations":{"cleanspeak":{"applicationIds":["a1"]}}}`,
			patch: `{"integrations":{"cleanspeak":{"applicationIds":[]}}}`,
			opts:  replace,
			want:  `{"integrations":{"cleanspeak":{"applicationIds":[]}}}`,
		},
		{
			name:  "same array without the option is appended",
			doc:   `{"integrations":{"cleanspeak":{"applicationIds":["a1"]}}}`,
			patch: `{"integrations":{"cleanspeak":{"applicationIds":["a3"]}}}`,
			want:  `{"integrations":{"cleanspeak":{"applicationIds":["a1","a3"]}}}`,
		},
		{
			name:  "wildcard segment matches every map key",
			doc:   idpDoc,
			patch: `{"identityProvider":{"applicationConfiguration":{"app-2":{"roles":["r3"]}},"domains":["b.example"]}}`,
			opts:  replace,
			want: `{"identityProvider":{"buttonText":"Login","debug":false,
				"applicationConfiguration":{
					"app-1":{"enabled":true,"roles":["r1"]},
					"app-2":{"enabled":false,"roles":["r3"]}},
				"domains":["a.example","b.example"]}}`,
		},
		{
			name:  "replace path matches only at its own depth",
			doc:   `{"a":{"applicationIds":[1]},"applicationIds":[1]}`,
			patch: `{"a":{"applicationIds":[2]},"applicationIds":[2]}`,
			opts:  Options{ReplacePaths: []string{"applicationIds"}},
			want:  `{"a":{"applicationIds":[1,2]},"applicationIds":[2]}`,
		},
		{
			name:  "map entry removed under a wildcard-configured map",
			doc:   idpDoc,
			patch: `{"identityProvider":{"applicationConfiguration":{"app-1":null}}}`,
			opts:  replace,
			want: `{"identityProvider":{"buttonText":"Login","debug":false,
				"applicationConfiguration":{"app-2":{"enabled":false,"roles":["r2"]}},
				"domains":["a.example"]}}`,
		},
		{
			name:  "scalar replaces an object",
			doc:   `{"a":{"b":1}}`,
			patch: `{"a":"flat"}`,
			want:  `{"a":"flat"}`,
		},
		{
			name:  "object replaces a scalar and drops its nulls",
			doc:   `{"a":"flat"}`,
			patch: `{"a":{"b":1,"c":null}}`,
			want:  `{"a":{"b":1}}`,
		},
		{
			name:  "object replaces an array",
			doc:   `{"a":[1,2]}`,
			patch: `{"a":{"b":1}}`,
			want:  `{"a":{"b":1}}`,
		},
		{
			name:  "scalars replace scalars of another type",
			doc:   `{"s":"x","n":1,"b":true}`,
			patch: `{"s":2,"n":"one","b":false}`,
			want:  `{"s":2,"n":"one","b":false}`,
		},
		{
			name:  "large numbers are kept exactly",
			doc:   `{"id":12345678901234567890123,"f":1.000000000000000000001}`,
			patch: `{"x":1}`,
			want:  `{"id":12345678901234567890123,"f":1.000000000000000000001,"x":1}`,
		},
		{
			name:  "non-object document is replaced by the patch",
			doc:   `null`,
			patch: `{"a":1,"b":null}`,
			want:  `{"a":1}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Merge([]byte(tt.doc), []byte(tt.patch), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			assertJSONEqual(t, got, tt.want)
		})
	}
}

func TestMergeKeepsNumbersVerbatim(t *testing.T) {
	// assertJSONEqual goes through float64, so check the bytes for this one.
	got, err := Merge([]byte(`{"id":12345678901234567890123}`), []byte(`{}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"id":12345678901234567890123}` {
		t.Errorf("got %s", got)
	}
}

func TestMergeDoesNotEscapeHTML(t *testing.T) {
	got, err := Merge([]byte(`{}`), []byte(`{"url":"https://x.example/?a=1&b=<2>"}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"url":"https://x.example/?a=1&b=<2>"}` {
		t.Errorf("got %s", got)
	}
}

func TestMergeErrors(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		patch string
		want  error
	}{
		{"patch not JSON", `{}`, `{"a":`, ErrMalformed},
		{"empty patch body", `{}`, ``, ErrMalformed},
		{"patch is an array", `{}`, `[{"a":1}]`, ErrMalformed},
		{"patch is null", `{}`, `null`, ErrMalformed},
		{"patch is a string", `{}`, `"x"`, ErrMalformed},
		{"trailing data after the patch", `{}`, `{} {}`, ErrMalformed},
		{"document not JSON", `{"a"`, `{}`, ErrInvalidDocument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Merge([]byte(tt.doc), []byte(tt.patch), Options{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestMergeDoesNotModifyInput(t *testing.T) {
	doc := []byte(`{"a":[1],"b":{"c":1}}`)
	p := []byte(`{"a":[2],"b":{"c":null}}`)
	docCopy, pCopy := string(doc), string(p)
	if _, err := Merge(doc, p, Options{}); err != nil {
		t.Fatal(err)
	}
	if string(doc) != docCopy || string(p) != pCopy {
		t.Error("Merge modified its input")
	}
}

// TestMergePatchRFC7396 runs every example of RFC 7396 Appendix A.
func TestMergePatchRFC7396(t *testing.T) {
	tests := []struct{ doc, patch, want string }{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`["a","b"]`, `["c","d"]`, `["c","d"]`},
		{`{"a":"b"}`, `["c"]`, `["c"]`},
		{`{"a":"foo"}`, `null`, `null`},
		{`{"a":"foo"}`, `"bar"`, `"bar"`},
		{`{"e":null}`, `{"a":1}`, `{"e":null,"a":1}`},
		{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.doc+" + "+tt.patch, func(t *testing.T) {
			got, err := MergePatch([]byte(tt.doc), []byte(tt.patch))
			if err != nil {
				t.Fatal(err)
			}
			assertJSONEqual(t, got, tt.want)
		})
	}
}

// TestMergePatchBeyondAppendixA covers the places where evanphx/json-patch's
// MergePatch departs from RFC 7396 §2, which is why this package has its own.
func TestMergePatchBeyondAppendixA(t *testing.T) {
	tests := []struct{ name, doc, patch, want string }{
		{"array copied with its nulls", `{}`, `{"a":[{"b":null},null]}`, `{"a":[{"b":null},null]}`},
		{"null target is treated as {}", `null`, `{"a":1,"b":null}`, `{"a":1}`},
		{"arrays replace, never append", `{"a":[1,2]}`, `{"a":[3]}`, `{"a":[3]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MergePatch([]byte(tt.doc), []byte(tt.patch))
			if err != nil {
				t.Fatal(err)
			}
			assertJSONEqual(t, got, tt.want)
		})
	}
}

func TestMergePatchErrors(t *testing.T) {
	if _, err := MergePatch([]byte(`{}`), []byte(`{"a"`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("bad patch: got %v", err)
	}
	if _, err := MergePatch([]byte(`{`), []byte(`{}`)); !errors.Is(err, ErrInvalidDocument) {
		t.Errorf("bad document: got %v", err)
	}
}
