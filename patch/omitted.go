package patch

import (
	"cmp"
	"slices"
	"strings"
)

// materialize adds to doc the members of omitted (Options.OmittedEmpty) that
// an operation's path or from runs through or ends at and that doc leaves
// out, as the empty map or list each stands for. A document that needs
// none is returned as it was, without being decoded.
func materialize(doc []byte, ops []operation, omitted map[string]string) ([]byte, error) {
	if len(omitted) == 0 {
		return doc, nil
	}
	// No omitted member lies deeper than the deepest listed, so longer
	// paths are looked at only that far.
	deepest := 0
	for p := range omitted {
		deepest = max(deepest, strings.Count(p, "/"))
	}
	type member struct {
		toks  []string
		empty string // "{}" or "[]"
	}
	var need []member
	seen := map[string]bool{}
	var b strings.Builder
	for i := range ops {
		for _, toks := range [][]string{ops[i].path, ops[i].from} {
			b.Reset()
			for n := 1; n <= min(len(toks), deepest); n++ {
				b.WriteByte('/')
				b.WriteString(EscapeToken(toks[n-1]))
				p := b.String()
				if empty, ok := omitted[p]; ok && !seen[p] {
					seen[p] = true
					need = append(need, member{toks[:n], empty})
				}
			}
		}
	}
	if len(need) == 0 {
		return doc, nil
	}
	root, err := decodeTree(doc)
	if err != nil {
		return nil, ErrInvalidDocument
	}
	// Parents before their members, so that an omitted member inside
	// another is added once its parent is there.
	slices.SortFunc(need, func(a, b member) int { return cmp.Compare(len(a.toks), len(b.toks)) })
	for _, m := range need {
		toks := m.toks
		parent, err := getAt(root, toks[:len(toks)-1])
		if err != nil {
			continue // its parent is missing and not omitted: the op fails as it would
		}
		obj, ok := parent.(map[string]any)
		if !ok {
			continue
		}
		name := toks[len(toks)-1]
		if _, present := obj[name]; present {
			continue
		}
		if m.empty == "[]" {
			obj[name] = []any{}
		} else {
			obj[name] = map[string]any{}
		}
	}
	return encodeTree(root)
}

// EscapeToken escapes one JSON Pointer reference token (RFC 6901 §3): "~"
// as "~0" and "/" as "~1".
func EscapeToken(t string) string {
	if !strings.ContainsAny(t, "~/") {
		return t
	}
	return strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
}
