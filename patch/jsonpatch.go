package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/authcore/authcore/internal/excerpt"
	jsonpatch "github.com/evanphx/json-patch/v5"
)

// JSONPatch applies an RFC 6902 JSON Patch: an array of operations applied in
// order, all or nothing (§5). A failed "test" wraps ErrTestFailed; any other
// operation that cannot be applied wraps ErrInvalidPatch; a body that is not a
// JSON array of objects wraps ErrMalformed. Messages name the failing
// operation by its index in the array, e.g. `op[2] (remove "/a/b")`.
//
// The whole patch is validated before anything is applied: op names,
// required members ("path"; "from" for move and copy; "value" for add,
// replace and test, where null is a value and absence is an error), JSON
// Pointer syntax, and §4.4's rule that a value cannot move into its own child.
//
// Application uses github.com/evanphx/json-patch.
// It is configured strictly (no negative indices,
// no implicit parents, no silent remove of a missing path, copy growth capped
// by opts.MaxCopyGrowth), but it still mishandles a few things that it cannot
// be configured out of: the empty member name ("/" and "/a//b" resolve to the
// container itself), array indices with a sign or leading zeros ("01", "+1",
// "-0" are taken as numbers), "test" (numbers compared as text, a missing
// member equal to null, a panic on nulls in arrays), and documents or values
// at the root that are not objects or arrays. Patches that use any of those,
// and patches longer than libraryMaxOps, go to this package's own
// implementation, which follows RFC 6902 and RFC 6901 throughout; both pass
// the json-patch-tests conformance suite.
func JSONPatch(doc, p []byte, opts Options) ([]byte, error) {
	ops, err := parseOps(p)
	if err != nil {
		return nil, err
	}
	doc = trimJSONSpace(doc)
	if len(ops) == 0 {
		if !json.Valid(doc) {
			return nil, ErrInvalidDocument
		}
		return bytes.Clone(doc), nil
	}
	if limit := opts.depthLimit(); limit > 0 {
		if err := checkDepth(doc, ops, limit); err != nil {
			return nil, err
		}
	}
	if doc, err = materialize(doc, ops, opts.OmittedEmpty); err != nil {
		return nil, err
	}
	if !libraryCanApply(doc, ops) {
		return applyTreeOmitting(doc, ops, opts.copyLimit(), opts.OmittedEmpty)
	}
	lp, err := jsonpatch.DecodePatch(p)
	if err == nil {
		var out []byte
		out, err = lp.ApplyWithOptions(doc, libraryOptions(opts))
		if err == nil {
			return out, nil
		}
	}
	// The library's errors name neither the operation nor a cause we can map
	// reliably, so replay the patch on the tree engine to get a precise
	// error (failures are the rare path). If the engines disagree, refuse:
	// storing a result we cannot vouch for is worse than a 400.
	if _, terr := applyTreeOmitting(doc, ops, opts.copyLimit(), opts.OmittedEmpty); terr != nil {
		return nil, terr
	}
	return nil, fmt.Errorf("%w: %s (refused by evanphx/json-patch though RFC 6902 allows it)", ErrInvalidPatch, excerpt.Of(err.Error()))
}

// libraryOptions sets every field explicitly: the package-level defaults of
// evanphx/json-patch allow negative indices and unlimited copy growth.
func libraryOptions(opts Options) *jsonpatch.ApplyOptions {
	return &jsonpatch.ApplyOptions{
		SupportNegativeIndices:   false,
		AccumulatedCopySizeLimit: opts.copyLimit(),
		AllowMissingPathOnRemove: false,
		EnsurePathExistsOnAdd:    false,
		EscapeHTML:               false,
	}
}

// libraryMaxOps is the longest patch given to evanphx/json-patch. It copies
// an array's elements on every insert into it, so a long patch costs it the
// square of its length: 28,000 inserts (a 1 MiB body) took 6 s, against a
// third of a second on the tree engine, and a store may hold its write lock
// meanwhile. Longer patches go to the tree engine, whose cost grows with the
// patch's length.
const libraryMaxOps = 256

// libraryMaxArrayOps is the most operations given to evanphx/json-patch
// that may insert into an array or remove from one (a path ending in an
// index; an append with "-" excepted). It allocates a new array for each,
// so 256 inserts at the front of an array of 400,000 elements, a 12 KB
// patch, allocated 919 MB; the tree engine moves the elements in place.
const libraryMaxArrayOps = 8

// libraryCanApply reports whether evanphx/json-patch gives the RFC result for
// this patch, in time; see JSONPatch for the cases it does not.
func libraryCanApply(doc []byte, ops []operation) bool {
	if len(doc) == 0 || (doc[0] != '{' && doc[0] != '[') || len(ops) > libraryMaxOps {
		return false
	}
	arrayOps := 0
	for i := range ops {
		o := &ops[i]
		if o.op == "test" || !plainPointer(o.path) {
			return false
		}
		if (o.op == "move" || o.op == "copy") && !plainPointer(o.from) {
			return false
		}
		if o.op != "replace" && endsInIndex(o.path) || o.op == "move" && endsInIndex(o.from) {
			if arrayOps++; arrayOps > libraryMaxArrayOps {
				return false
			}
		}
	}
	return true
}

// endsInIndex reports whether a pointer's last token is an array index:
// the operation may insert or remove there, if its parent is an array.
func endsInIndex(toks []string) bool {
	return len(toks) > 0 && isCanonicalIndex(toks[len(toks)-1])
}

func plainPointer(toks []string) bool {
	if len(toks) == 0 {
		return false
	}
	for _, t := range toks {
		if t == "" || looksNumericNonCanonical(t) {
			return false
		}
	}
	return true
}

type operation struct {
	index   int
	op      string
	pathStr string
	path    []string
	fromStr string
	from    []string
	value   json.RawMessage // nil when the member is absent; "null" when null
}

func (o *operation) fail(sentinel, err error) error {
	if o.op == "move" || o.op == "copy" {
		return fmt.Errorf("%w: op[%d] (%s %q to %q): %v", sentinel, o.index, o.op, excerpt.Pointer(o.fromStr), excerpt.Pointer(o.pathStr), err)
	}
	return fmt.Errorf("%w: op[%d] (%s %q): %v", sentinel, o.index, o.op, excerpt.Pointer(o.pathStr), err)
}

// parseOps validates the whole patch before any of it is applied (RFC 6902
// §5: an invalid patch document is an error, whatever operation is at fault).
// Members are read into a map rather than a struct because encoding/json
// matches struct fields case-insensitively, and "Op" is not "op".
func parseOps(p []byte) ([]operation, error) {
	p = trimJSONSpace(p)
	if len(p) == 0 || p[0] != '[' {
		if !json.Valid(p) {
			return nil, fmt.Errorf("%w: not valid JSON", ErrMalformed)
		}
		return nil, fmt.Errorf("%w: a JSON Patch must be an array of operations", ErrMalformed)
	}
	var elems []map[string]json.RawMessage
	if err := json.Unmarshal(p, &elems); err != nil {
		var ute *json.UnmarshalTypeError
		if !errors.As(err, &ute) {
			return nil, fmt.Errorf("%w: not valid JSON", ErrMalformed)
		}
		// Rare path: decode again, loosely, only to name the culprit.
		var raw []json.RawMessage
		_ = json.Unmarshal(p, &raw)
		for i, e := range raw {
			if e[0] != '{' && e[0] != 'n' {
				return nil, fmt.Errorf("%w: op[%d] is not a JSON object", ErrMalformed, i)
			}
		}
		return nil, fmt.Errorf("%w: every operation must be a JSON object", ErrMalformed)
	}
	ops := make([]operation, len(elems))
	for i, m := range elems {
		if m == nil {
			return nil, fmt.Errorf("%w: op[%d] is null, not a JSON object", ErrMalformed, i)
		}
		o := &ops[i]
		o.index = i
		if err := o.read(m); err != nil {
			return nil, err
		}
	}
	return ops, nil
}

func (o *operation) read(m map[string]json.RawMessage) error {
	name, err := stringMember(m, "op")
	if err != nil {
		return fmt.Errorf("%w: op[%d]: %v", ErrInvalidPatch, o.index, err)
	}
	switch name {
	case "add", "remove", "replace", "move", "copy", "test":
		o.op = name
	default:
		return fmt.Errorf("%w: op[%d]: unknown op %q", ErrInvalidPatch, o.index, excerpt.Of(name))
	}
	if o.pathStr, err = stringMember(m, "path"); err != nil {
		return o.fail(ErrInvalidPatch, err)
	}
	if o.path, err = parsePointer(o.pathStr); err != nil {
		return o.fail(ErrInvalidPatch, fmt.Errorf(`"path": %v`, err))
	}
	switch o.op {
	case "move", "copy":
		if o.fromStr, err = stringMember(m, "from"); err != nil {
			return o.fail(ErrInvalidPatch, err)
		}
		if o.from, err = parsePointer(o.fromStr); err != nil {
			return o.fail(ErrInvalidPatch, fmt.Errorf(`"from": %v`, err))
		}
		if o.op == "move" && isProperPrefix(o.from, o.path) {
			return o.fail(ErrInvalidPatch, errors.New("a value cannot be moved into one of its own children"))
		}
	case "add", "replace", "test":
		v, ok := m["value"]
		if !ok {
			return o.fail(ErrInvalidPatch, errors.New(`missing "value" member`))
		}
		o.value = v
	}
	return nil
}

func stringMember(m map[string]json.RawMessage, name string) (string, error) {
	raw, ok := m[name]
	if !ok {
		return "", fmt.Errorf("missing %q member", name)
	}
	if len(raw) < 2 || raw[0] != '"' {
		return "", fmt.Errorf("%q must be a string", name)
	}
	if s, ok := plainString(raw); ok {
		return s, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%q: %v", name, err)
	}
	return s, nil
}

// plainString decodes a JSON string literal that is printable ASCII without
// escapes (every op name and nearly every path) without going through
// reflection; anything else is left to encoding/json.
func plainString(raw []byte) (string, bool) {
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			return "", false
		}
	}
	return string(body), true
}

// trimJSONSpace drops the four JSON whitespace bytes (RFC 8259 §2) from both
// ends; bytes.TrimSpace would also drop Unicode spaces, which are not JSON.
func trimJSONSpace(b []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// checkDepth refuses a patch that could nest doc deeper than limit. It keeps
// an upper bound of the document's depth through the operations, without
// applying them: "add" and "replace" put their value's depth below their
// path; "copy" and "move" put whatever is at "from", at most as deep as the
// bound less the length of "from", below their path. The cost is one scan of
// doc and of each value, whatever the patch does.
func checkDepth(doc []byte, ops []operation, limit int) error {
	bound := nesting(doc)
	for i := range ops {
		o := &ops[i]
		d := 0
		switch o.op {
		case "add", "replace":
			d = len(o.path) + nesting(o.value)
		case "copy", "move":
			d = len(o.path) + bound - len(o.from)
		}
		if d > limit {
			return o.fail(ErrInvalidPatch, fmt.Errorf("the document could be nested deeper than %d levels", limit))
		}
		bound = max(bound, d)
	}
	return nil
}

// nesting is how many arrays and objects deep a JSON text is nested: 0 for a
// scalar, 1 for {} or [1]. Brackets inside strings are not counted.
func nesting(b []byte) int {
	depth, deepest := 0, 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			deepest = max(deepest, depth)
		case '}', ']':
			depth--
		}
	}
	return deepest
}
