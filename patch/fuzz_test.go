package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

// Seeds: every case of the conformance suites, plus documents shaped like the
// ones the API patches.
func addSuiteSeeds(f *testing.F) {
	for _, file := range suiteFiles {
		for _, c := range loadSuite(f, file) {
			if c.Doc != nil && c.Patch != nil {
				f.Add([]byte(c.Doc), []byte(c.Patch))
			}
		}
	}
}

var mergeSeeds = [][2]string{
	{integrationsDoc, `{"integrations":{"cleanspeak":{"applicationIds":["a3"],"apiKey":null},"kafka":{"producer":{"acks":"all"}}}}`},
	{idpDoc, `{"identityProvider":{"applicationConfiguration":{"app-1":null,"app-3":{"roles":["x"]}},"domains":["c"]}}`},
	{`{"a":"b"}`, `{"a":{"bb":{"ccc":null}}}`},
	{`[1,2]`, `{"a":"b","c":null}`},
	{`{"a":1}`, `null`},
	{`{"a":[{"b":null}]}`, `{"a":[{"b":null}]}`},
}

func sentinelCount(err error) int {
	n := 0
	for _, s := range []error{ErrUnsupportedType, ErrTestFailed, ErrInvalidPatch, ErrMalformed, ErrInvalidDocument} {
		if errors.Is(err, s) {
			n++
		}
	}
	return n
}

func checkResult(t *testing.T, out []byte, err error) {
	t.Helper()
	if err != nil {
		if n := sentinelCount(err); n != 1 {
			t.Fatalf("error wraps %d sentinels: %v", n, err)
		}
		if out != nil {
			t.Fatalf("output on error: %q", out)
		}
		return
	}
	if !json.Valid(out) {
		t.Fatalf("success with invalid JSON: %q", out)
	}
}

func FuzzMerge(f *testing.F) {
	addSuiteSeeds(f)
	for _, s := range mergeSeeds {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	opts := Options{ReplacePaths: []string{"integrations.cleanspeak.applicationIds", "identityProvider.applicationConfiguration.*.roles", "a"}}
	f.Fuzz(func(t *testing.T, doc, p []byte) {
		out, err := Merge(doc, p, opts)
		checkResult(t, out, err)
		if err != nil {
			return
		}
		// An empty patch changes nothing.
		again, err := Merge(out, []byte(`{}`), opts)
		if err != nil {
			t.Fatalf("re-merging the output: %v", err)
		}
		if !treesEqual(t, out, again) {
			t.Fatalf("empty patch changed %s into %s", out, again)
		}
		// Without arrays in the patch the legacy merge is RFC 7396: the
		// two differ only in what an array does.
		if pv, _ := decodeTree(p); !holdsArray(pv) {
			rfc, err := MergePatch(doc, p)
			if err != nil {
				t.Fatalf("legacy merge took %q on %q, RFC 7396 refused it: %v", p, doc, err)
			}
			if !treesEqual(t, out, rfc) {
				t.Fatalf("array-free patch %s on %s: legacy %s, RFC 7396 %s", p, doc, out, rfc)
			}
		}
	})
}

func holdsArray(v any) bool {
	switch v := v.(type) {
	case []any:
		return true
	case map[string]any:
		for _, m := range v {
			if holdsArray(m) {
				return true
			}
		}
	}
	return false
}

// withoutNullMembers is v with the null members of its objects dropped
// (array elements stay): what an RFC 7396 patch of v onto itself gives.
func withoutNullMembers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, m := range v {
			if m != nil {
				out[k] = withoutNullMembers(m)
			}
		}
		return out
	}
	return v
}

func FuzzMergePatch(f *testing.F) {
	addSuiteSeeds(f)
	for _, s := range mergeSeeds {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, doc, p []byte) {
		out, err := MergePatch(doc, p)
		checkResult(t, out, err)
		if err != nil {
			return
		}
		// RFC 7396 patches are idempotent: applying one twice is applying it once.
		again, err := MergePatch(out, p)
		if err != nil {
			t.Fatalf("second application: %v", err)
		}
		if !treesEqual(t, out, again) {
			t.Fatalf("not idempotent: once %s, twice %s", out, again)
		}
		// A document patched with itself is itself, less the null members
		// (which the patch reads as "remove").
		self, err := MergePatch(doc, doc)
		if err != nil {
			t.Fatalf("patching %q with itself: %v", doc, err)
		}
		dv, err := decodeTree(doc)
		if err != nil {
			t.Fatalf("MergePatch took %q as a document: %v", doc, err)
		}
		sv, _ := decodeTree(self)
		if !jsonEqual(sv, withoutNullMembers(dv)) {
			t.Fatalf("%s patched with itself gave %s", doc, self)
		}
	})
}

// FuzzJSONPatch checks, besides "no panic, valid JSON", that the two engines
// agree: whatever JSONPatch returns (through evanphx/json-patch or not) must
// be what the tree engine alone returns.
func FuzzJSONPatch(f *testing.F) {
	addSuiteSeeds(f)
	f.Add([]byte(integrationsDoc), []byte(`[{"op":"copy","from":"/integrations/kafka","path":"/integrations/k2"},{"op":"move","from":"/integrations/k2/producer","path":"/p"},{"op":"remove","path":"/integrations/cleanspeak/applicationIds/1"}]`))
	f.Add([]byte(`{"a":{"":{"01":[1,[2]]}}}`), []byte(`[{"op":"replace","path":"/a//01/1/0","value":3},{"op":"add","path":"/a//01/-","value":null}]`))
	const limit = 64 << 10
	f.Fuzz(func(t *testing.T, doc, p []byte) {
		out, err := JSONPatch(doc, p, Options{MaxCopyGrowth: limit})
		checkResult(t, out, err)

		// The library keeps duplicate member names that the tree engine
		// collapses; request bodies with duplicates never get this far
		// (strictjson refuses them), so compare only without them.
		if hasDuplicateKeys(doc) || hasDuplicateKeys(p) {
			return
		}
		ops, perr := parseOps(p)
		if perr != nil {
			return
		}
		tout, terr := applyTree(trimJSONSpace(doc), ops, limit)
		if (err == nil) != (terr == nil) {
			if isCopyLimit(err) || isCopyLimit(terr) {
				return // the engines measure copied bytes slightly differently
			}
			t.Fatalf("engines disagree:\nJSONPatch: %s %v\ntree:      %s %v", out, err, tout, terr)
		}
		if err != nil {
			for _, s := range []error{ErrTestFailed, ErrInvalidPatch, ErrInvalidDocument} {
				if errors.Is(err, s) != errors.Is(terr, s) {
					t.Fatalf("engines fail differently:\nJSONPatch: %v\ntree:      %v", err, terr)
				}
			}
			return
		}
		if !treesEqual(t, out, tout) {
			t.Fatalf("engines disagree:\nJSONPatch: %s\ntree:      %s", out, tout)
		}
	})
}

func isCopyLimit(err error) bool {
	return err != nil && strings.Contains(err.Error(), "limit")
}

func treesEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	av, err := decodeTree(a)
	if err != nil {
		t.Fatalf("decoding %q: %v", a, err)
	}
	bv, err := decodeTree(b)
	if err != nil {
		t.Fatalf("decoding %q: %v", b, err)
	}
	return jsonEqual(av, bv)
}

// hasDuplicateKeys reports whether some object in data names a member twice.
// Invalid JSON reports false: the callers only care about valid input.
func hasDuplicateKeys(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		obj    bool
		keys   map[string]bool
		wanted bool // the next token of this object is a member name
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.wanted {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].obj {
					stack[len(stack)-1].wanted = true
				}
				continue
			}
			k := tok.(string)
			if top.keys[k] {
				return true
			}
			top.keys[k] = true
			top.wanted = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, keys: map[string]bool{}, wanted: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].wanted = true
		}
	}
}
