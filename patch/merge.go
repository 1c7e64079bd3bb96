package patch

import (
	"fmt"
	"strings"
)

// Merge applies a legacy FusionAuth PATCH (Content-Type application/json):
//
//   - objects merge member by member, recursively (maps too: a patch that
//     names one map entry leaves the others alone);
//   - null removes the member or map entry (removing an absent one is fine);
//   - an array is appended to the stored array (FusionAuth's documented
//     "known limitation"), unless its path is listed in opts.ReplacePaths, or
//     the stored value is not an array: then the patch array replaces it;
//   - any other value replaces the stored one, and an object replaces a
//     stored non-object (nulls inside it are dropped, as there is nothing for
//     them to remove).
//
// p must be a JSON object (else ErrMalformed). doc is normally an object too;
// any other stored value is replaced as a whole. The result is a new
// document; doc is not modified. Member order is not preserved.
func Merge(doc, p []byte, opts Options) ([]byte, error) {
	pv, err := decodeTree(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	pm, ok := pv.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: a legacy patch must be a JSON object, not %s", ErrMalformed, kindOf(pv))
	}
	dv, err := decodeTree(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	m := legacyMerger{replace: compilePaths(opts.ReplacePaths)}
	return encodeTree(m.merge(dv, pm))
}

type legacyMerger struct {
	replace [][]string
	path    []string
}

func (m *legacyMerger) merge(dst any, p map[string]any) map[string]any {
	d, ok := dst.(map[string]any)
	if !ok {
		d = make(map[string]any, len(p))
	}
	for k, pv := range p {
		if pv == nil {
			delete(d, k)
			continue
		}
		m.path = append(m.path, k)
		switch pv := pv.(type) {
		case map[string]any:
			d[k] = m.merge(d[k], pv)
		case []any:
			if cur, ok := d[k].([]any); ok && !m.replaces() {
				d[k] = append(cur, pv...)
			} else {
				d[k] = pv
			}
		default:
			d[k] = pv
		}
		m.path = m.path[:len(m.path)-1]
	}
	return d
}

// replaces reports whether the array at the current path is replace-on-patch.
// It runs only when an array meets an array, so a linear scan over the few
// configured paths costs nothing that matters.
func (m *legacyMerger) replaces() bool {
	for _, rp := range m.replace {
		if len(rp) != len(m.path) {
			continue
		}
		match := true
		for i, seg := range rp {
			if seg != "*" && seg != m.path[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func compilePaths(paths []string) [][]string {
	out := make([][]string, 0, len(paths))
	for _, p := range paths {
		if p != "" {
			out = append(out, strings.Split(p, "."))
		}
	}
	return out
}

// MergePatch applies an RFC 7396 JSON Merge Patch (§2): a patch that is not an
// object replaces the target; an object patch merges member by member, null
// removes, and arrays replace. Any JSON value is a valid merge patch, so the
// only errors are a body that is not JSON (ErrMalformed) and a doc that is not
// JSON (ErrInvalidDocument).
//
// It is written here rather than taken from evanphx/json-patch because that
// implementation drops null members of objects inside a patch array
// ({"a":[{"b":null}]} yields {"a":[{}]}) and refuses a null target; RFC 7396
// copies arrays as they are and treats any non-object target as {}.
func MergePatch(doc, p []byte) ([]byte, error) {
	pv, err := decodeTree(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	dv, err := decodeTree(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	return encodeTree(mergePatch(dv, pv))
}

// mergePatch is the MergePatch function of RFC 7396 §2, line for line.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = make(map[string]any, len(p))
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
		} else {
			t[k] = mergePatch(t[k], v)
		}
	}
	return t
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a number"
}
