package patch

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var (
	randomPatches = flag.Int("patch.random", 10000, "number of random patches for TestEnginesAgreeOnRandomPatches")
	randomSeed    = flag.Uint64("patch.seed", 1, "seed for TestEnginesAgreeOnRandomPatches")
)

// TestEnginesAgreeOnRandomPatches generates well-formed patches, which
// byte-level fuzzing rarely produces, over documents whose member names
// include the ones the library mishandles ("", "01", "-"), and checks that
// JSONPatch and the tree engine alone always agree. It is the evidence for
// libraryCanApply: any patch routed to the library that the library gets
// wrong shows up as a disagreement.
func TestEnginesAgreeOnRandomPatches(t *testing.T) {
	n := *randomPatches
	if testing.Short() {
		n /= 10
	}
	r := rand.New(rand.NewPCG(*randomSeed, 2))
	var viaLibrary, libraryOK, failed int
	for i := 0; i < n; i++ {
		docTree := randomValue(r, 3, true)
		doc, err := encodeTree(docTree)
		if err != nil {
			t.Fatal(err)
		}
		paths := collectPaths(docTree, nil)
		var ops []string
		for j := 1 + r.IntN(3); j > 0; j-- {
			ops = append(ops, randomOp(r, paths))
		}
		p := []byte("[" + strings.Join(ops, ",") + "]")

		out, err := JSONPatch(doc, p, Options{})
		parsed, perr := parseOps(p)
		if perr != nil {
			t.Fatalf("generator made an invalid patch %s: %v", p, perr)
		}
		routed := libraryCanApply(doc, parsed)
		if routed {
			viaLibrary++
		}
		tout, terr := applyTree(doc, parsed, DefaultMaxCopyGrowth)
		if (err == nil) != (terr == nil) {
			t.Fatalf("doc %s\npatch %s\nJSONPatch: %s %v\ntree:      %s %v", doc, p, out, err, tout, terr)
		}
		if err != nil {
			failed++
			if sentinelCount(err) != 1 || err.Error() != terr.Error() {
				t.Fatalf("doc %s\npatch %s\nerrors differ:\nJSONPatch: %v\ntree:      %v", doc, p, err, terr)
			}
			continue
		}
		if !treesEqual(t, out, tout) {
			t.Fatalf("doc %s\npatch %s\nJSONPatch: %s\ntree:      %s", doc, p, out, tout)
		}
		if routed {
			libraryOK++
		}
	}
	t.Logf("%d random patches: %d routed to evanphx/json-patch (%d of them applied), %d failed in both engines",
		n, viaLibrary, libraryOK, failed)
}

var randomKeys = []string{"a", "b", "", "0", "1", "01", "-", "a/b", "m~n", "-1"}

func randomValue(r *rand.Rand, depth int, container bool) any {
	kind := r.IntN(6)
	if container {
		kind = 4 + r.IntN(2)
	}
	if depth == 0 && kind >= 4 {
		kind = r.IntN(4)
	}
	switch kind {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return json.Number([]string{"1", "1.0", "-0", "2", "1e3"}[r.IntN(5)])
	case 3:
		return randomKeys[r.IntN(len(randomKeys))]
	case 4:
		m := map[string]any{}
		for i := r.IntN(4); i > 0; i-- {
			m[randomKeys[r.IntN(len(randomKeys))]] = randomValue(r, depth-1, false)
		}
		return m
	}
	var a []any
	for i := r.IntN(4); i > 0; i-- {
		a = append(a, randomValue(r, depth-1, false))
	}
	return a
}

// collectPaths lists a pointer for every value in the document, members
// in name order: randomPath indexes this list, so an order that changed
// from run to run (a map's) would make the patches, and the test, differ
// for the same seed.
func collectPaths(v any, prefix []string) []string {
	out := []string{pointer(prefix)}
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, collectPaths(v[k], append(prefix[:len(prefix):len(prefix)], k))...)
		}
	case []any:
		for i, c := range v {
			out = append(out, collectPaths(c, append(prefix[:len(prefix):len(prefix)], fmt.Sprint(i)))...)
		}
	}
	return out
}

func pointer(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}

// randomPath picks an existing path, or one with a last segment that may not
// exist or may be an odd index.
func randomPath(r *rand.Rand, paths []string) string {
	p := paths[r.IntN(len(paths))]
	if r.IntN(4) == 0 {
		p += "/" + []string{"-", "0", "1", "5", "01", "-1", "+1", "x", "", "a~1b"}[r.IntN(10)]
	}
	return p
}

func randomOp(r *rand.Rand, paths []string) string {
	value, _ := encodeTree(randomValue(r, 2, false))
	path := randomPath(r, paths)
	// Weighted towards operations that often succeed; "test" sends the whole
	// patch to the tree engine, so it is rare.
	switch k := r.IntN(20); {
	case k < 6:
		return fmt.Sprintf(`{"op":"add","path":%q,"value":%s}`, path, value)
	case k < 9:
		return fmt.Sprintf(`{"op":"remove","path":%q}`, path)
	case k < 13:
		return fmt.Sprintf(`{"op":"replace","path":%q,"value":%s}`, path, value)
	case k < 16:
		from := randomPath(r, paths)
		if isProperPrefixStr(from, path) {
			from, path = path, from
		}
		return fmt.Sprintf(`{"op":"move","from":%q,"path":%q}`, from, path)
	case k < 19:
		return fmt.Sprintf(`{"op":"copy","from":%q,"path":%q}`, randomPath(r, paths), path)
	}
	return fmt.Sprintf(`{"op":"test","path":%q,"value":%s}`, path, value)
}

func isProperPrefixStr(a, b string) bool {
	at, _ := parsePointer(a)
	bt, _ := parsePointer(b)
	return isProperPrefix(at, bt)
}
