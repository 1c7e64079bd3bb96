package patch

import (
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// deepeningPatch builds an RFC 6902 patch that adds a chain of 60 nested
// objects at /d and then, copies times, copies /d into its own innermost
// member: each copy doubles the chain's depth (60 → ~120 → ~240 …) while the
// bytes copied stay small (a few hundred, then doubling). With a leading
// "test" the patch goes to the tree engine, otherwise to evanphx/json-patch.
func deepeningPatch(t *testing.T, copies int, test bool) []byte {
	t.Helper()
	ops := []map[string]any{}
	if test {
		ops = append(ops, map[string]any{"op": "test", "path": "/a", "value": 1})
	}
	chain := strings.Repeat(`{"x":`, 59) + `{}` + strings.Repeat(`}`, 59)
	ops = append(ops, map[string]any{"op": "add", "path": "/d", "value": json.RawMessage(chain)})
	depth := 59
	for range copies {
		ops = append(ops, map[string]any{"op": "copy", "from": "/d", "path": "/d" + strings.Repeat("/x", depth+1)})
		depth = 2*depth + 1
	}
	p, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// applyGuarded runs JSONPatch, turning a panic into a test failure, and
// returns the bytes it allocated.
func applyGuarded(t *testing.T, doc, p []byte) (out []byte, allocated uint64, err error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("JSONPatch panicked on a %d-byte patch: %v", len(p), r)
			}
		}()
		out, err = JSONPatch(doc, p, Options{})
	}()
	runtime.ReadMemStats(&after)
	return out, after.TotalAlloc - before.TotalAlloc, err
}

// A patch may not nest the document deeper than Options.MaxDepth: "copy"
// into a copied value's own descendant doubles the depth with every
// operation, so a patch of a few KiB made documents tens of thousands of
// levels deep. evanphx/json-patch then re-parsed the whole chain on every
// level of every path (seconds of CPU, under the store's write lock) and
// panicked past 10,000 levels (index out of range in its decoder), and the
// tree engine panicked decoding its own copy ("exceeded max depth").
func TestJSONPatchDepthIsBounded(t *testing.T) {
	doc := []byte(`{"a":1}`)
	for _, c := range []struct {
		name   string
		copies int
		test   bool
	}{
		{"library, past its decoder's limit", 10, false},
		{"tree engine, past encoding/json's limit", 9, true},
		{"library, below the limit", 8, false},
		{"tree engine, below the limit", 8, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := deepeningPatch(t, c.copies, c.test)
			_, allocated, err := applyGuarded(t, doc, p)
			if !errors.Is(err, ErrInvalidPatch) {
				t.Errorf("a %d-byte patch nesting the document %d levels deep: err = %v, want ErrInvalidPatch", len(p), 60<<c.copies, err)
			}
			// Generous: the refusal costs about the patch's own parsing.
			if limit := uint64(64 * len(p)); allocated > limit+8<<20 {
				t.Errorf("a %d-byte patch allocated %d MiB", len(p), allocated>>20)
			}
		})
	}
}

// Patches within the limit still apply, on both engines, up to the limit.
func TestJSONPatchDepthLimitAllowsDeepEnough(t *testing.T) {
	doc := []byte(`{"a":1}`)
	chain := func(n int) string { return strings.Repeat(`{"x":`, n-1) + `{}` + strings.Repeat(`}`, n-1) }
	for _, test := range []string{"", `{"op":"test","path":"/a","value":1},`} {
		// depth of the result: 1 (root) + 63 = 64, then copied one level
		// below: 1 + 1 + 63 = 65, both within DefaultMaxDepth.
		p := `[` + test + `{"op":"add","path":"/d","value":` + chain(63) + `},{"op":"copy","from":"/d","path":"/e"}]`
		if _, err := JSONPatch(doc, []byte(p), Options{}); err != nil {
			t.Errorf("%s: %v", p[:40], err)
		}
		tooDeep := `[` + test + `{"op":"add","path":"/d","value":` + chain(60) + `},{"op":"copy","from":"/d","path":"/d` + strings.Repeat("/x", 60) + `"}]`
		if _, err := JSONPatch(doc, []byte(tooDeep), Options{MaxDepth: 100}); !errors.Is(err, ErrInvalidPatch) {
			t.Errorf("a result 121 levels deep with MaxDepth 100: err = %v", err)
		}
		if _, err := JSONPatch(doc, []byte(tooDeep), Options{MaxDepth: 130}); err != nil {
			t.Errorf("a result 121 levels deep with MaxDepth 130: %v", err)
		}
	}
}
