package patch

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/authcore/authcore/internal/excerpt"
)

// The tree engine: RFC 6902 §4 over a decoded document. It mutates the tree
// in place, which keeps "all or nothing" trivial: the caller's bytes are never
// touched, and on error the tree is dropped.

func applyTree(doc []byte, ops []operation, copyLimit int64) ([]byte, error) {
	return applyTreeOmitting(doc, ops, copyLimit, nil)
}

// applyTreeOmitting is applyTree with Options.OmittedEmpty, which a "test"
// consults (equalAsShown).
func applyTreeOmitting(doc []byte, ops []operation, copyLimit int64, omitted map[string]string) ([]byte, error) {
	root, err := decodeTree(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	e := treeEngine{root: root, copyLimit: copyLimit, omitted: omitted}
	for i := range ops {
		if err := e.apply(&ops[i]); err != nil {
			return nil, err
		}
	}
	return encodeTree(e.root)
}

type treeEngine struct {
	root      any
	copyLimit int64 // 0: unlimited
	copied    int64
	shifted   int64             // array elements moved by inserts and removes
	omitted   map[string]string // Options.OmittedEmpty
}

// maxArrayShift is the number of array elements the inserts and removes of
// one patch may move. Each moves every element after its index, so 20,000
// inserts at the front of an array of 400,000 (a 1 MiB patch against a
// stored object under 1 MiB) moved 8·10^9 of them, seconds of CPU while a
// store may hold its write lock. 2^27 is about a tenth of a second, and
// leaves room for thousands of inserts into arrays of thousands.
const maxArrayShift = 1 << 27

// chargeShift counts the elements that inserting at toks (insert) or
// removing it would move, and refuses the operation past maxArrayShift. A
// path that names no array element costs nothing; one that does not resolve
// is left to the operation to report.
func (e *treeEngine) chargeShift(toks []string, insert bool) error {
	if len(toks) == 0 {
		return nil
	}
	parent, err := getAt(e.root, toks[:len(toks)-1])
	if err != nil {
		return nil
	}
	arr, ok := parent.([]any)
	if !ok {
		return nil
	}
	i, err := arrayIndex(toks[len(toks)-1], len(arr), insert)
	if err != nil {
		return nil
	}
	moved := len(arr) - i
	if !insert {
		moved--
	}
	e.shifted += int64(moved)
	if e.shifted > maxArrayShift {
		return fmt.Errorf("the patch's array inserts and removes would move more than %d array elements", maxArrayShift)
	}
	return nil
}

func (e *treeEngine) apply(o *operation) error {
	var err error
	switch o.op {
	case "add", "copy":
		err = e.chargeShift(o.path, true)
	case "remove":
		err = e.chargeShift(o.path, false)
	case "move":
		// Charged as a remove and then an insert into the document as it
		// stands before the remove: an upper bound of what the move shifts.
		if !equalTokens(o.from, o.path) {
			if err = e.chargeShift(o.from, false); err == nil {
				err = e.chargeShift(o.path, true)
			}
		}
	}
	if err != nil {
		return o.fail(ErrInvalidPatch, err)
	}
	switch o.op {
	case "add":
		e.root, err = addAt(e.root, o.path, mustDecode(o.value))
	case "remove":
		if len(o.path) == 0 {
			return o.fail(ErrInvalidPatch, errors.New("cannot remove the whole document"))
		}
		e.root, _, err = removeAt(e.root, o.path)
	case "replace":
		e.root, err = replaceAt(e.root, o.path, mustDecode(o.value))
	case "move":
		err = e.move(o)
	case "copy":
		err = e.copy(o)
	case "test":
		var cur any
		if cur, err = getAt(e.root, o.path); err != nil {
			if errors.Is(err, errNoValue) {
				return o.fail(ErrTestFailed, err)
			}
			return o.fail(ErrInvalidPatch, err)
		}
		if !e.equalAsShown(cur, mustDecode(o.value), pointerOf(o.path)) {
			return o.fail(ErrTestFailed, errors.New("the value differs"))
		}
	}
	if err != nil {
		return o.fail(ErrInvalidPatch, err)
	}
	return nil
}

func (e *treeEngine) move(o *operation) error {
	if equalTokens(o.from, o.path) {
		// §4.4 allows it; it changes nothing, but "from" must exist.
		_, err := getAt(e.root, o.from)
		return err
	}
	if len(o.from) == 0 {
		// Unreachable after parseOps (the root is a prefix of every other
		// path), kept so that the engine is safe on its own.
		return errors.New("a value cannot be moved into one of its own children")
	}
	root, v, err := removeAt(e.root, o.from)
	if err != nil {
		return fmt.Errorf(`"from": %w`, err)
	}
	e.root, err = addAt(root, o.path, v)
	return err
}

func (e *treeEngine) copy(o *operation) error {
	v, err := getAt(e.root, o.from)
	if err != nil {
		return fmt.Errorf(`"from": %w`, err)
	}
	// Encoding gives both the size to charge against the limit and, decoded
	// again, a deep copy that shares nothing with the source.
	enc, err := encodeTree(v)
	if err != nil {
		return err
	}
	e.copied += int64(len(enc))
	if e.copyLimit > 0 && e.copied > e.copyLimit {
		return fmt.Errorf("copy operations would grow the document by %d bytes, more than the limit of %d", e.copied, e.copyLimit)
	}
	// Not mustDecode: with Options.MaxDepth disabled, a copy may be deeper
	// than encoding/json decodes.
	dup, err := decodeTree(enc)
	if err != nil {
		return err
	}
	e.root, err = addAt(e.root, o.path, dup)
	return err
}

// equalAsShown is a "test"'s equality (jsonEqual), except that a member of
// an object that Options.OmittedEmpty lists, holding the empty value it
// stands for, equals its absence, on either side. The document the client
// read left such a member out, and materialize adds it, empty, when any
// operation of the patch goes through it: a test of its parent as the client
// read it must still hold, whatever the operations after it do, as must a
// test that names the member as empty. ptr is the escaped pointer of a.
func (e *treeEngine) equalAsShown(a, b any, ptr string) bool {
	if len(e.omitted) == 0 {
		return jsonEqual(a, b)
	}
	switch a := a.(type) {
	case []any:
		bl, ok := b.([]any)
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !e.equalAsShown(a[i], bl[i], ptr+"/"+strconv.Itoa(i)) {
				return false
			}
		}
		return true
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok {
			return false
		}
		for k, av := range a {
			p := ptr + "/" + EscapeToken(k)
			bv, ok := bm[k]
			if !ok {
				if !e.emptyAsOmitted(p, av) {
					return false
				}
				continue
			}
			if !e.equalAsShown(av, bv, p) {
				return false
			}
		}
		for k, bv := range bm {
			if _, ok := a[k]; !ok && !e.emptyAsOmitted(ptr+"/"+EscapeToken(k), bv) {
				return false
			}
		}
		return true
	}
	return jsonEqual(a, b)
}

// emptyAsOmitted reports whether v, at ptr, is the empty value of a member
// that Options.OmittedEmpty lists.
func (e *treeEngine) emptyAsOmitted(ptr string, v any) bool {
	switch e.omitted[ptr] {
	case "{}":
		m, ok := v.(map[string]any)
		return ok && len(m) == 0
	case "[]":
		l, ok := v.([]any)
		return ok && len(l) == 0
	}
	return false
}

// pointerOf is the escaped JSON Pointer of toks, in the form
// Options.OmittedEmpty's keys take.
func pointerOf(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(EscapeToken(t))
	}
	return b.String()
}

// mustDecode decodes JSON that has already been validated (an operation's
// value, or the engine's own encoding).
func mustDecode(raw []byte) any {
	v, err := decodeTree(raw)
	if err != nil {
		panic("patch: decoding validated JSON: " + err.Error())
	}
	return v
}

func equalTokens(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func getAt(node any, toks []string) (any, error) {
	for _, tok := range toks {
		next, err := child(node, tok)
		if err != nil {
			return nil, err
		}
		node = next
	}
	return node, nil
}

func child(node any, tok string) (any, error) {
	switch n := node.(type) {
	case map[string]any:
		v, ok := n[tok]
		if !ok {
			return nil, fmt.Errorf("no member %q: %w", excerpt.Of(tok), errNoValue)
		}
		return v, nil
	case []any:
		i, err := arrayIndex(tok, len(n), false)
		if err != nil {
			return nil, err
		}
		return n[i], nil
	}
	return nil, fmt.Errorf("cannot look up %q in %s: %w", excerpt.Of(tok), kindOf(node), errNoValue)
}

// addAt, removeAt and replaceAt return the new value of node: objects change
// in place, but an array insert or delete yields a new slice header that the
// parent must store.

func addAt(node any, toks []string, v any) (any, error) {
	if len(toks) == 0 {
		return v, nil
	}
	tok := toks[0]
	if len(toks) > 1 {
		return descend(node, toks, func(c any) (any, error) { return addAt(c, toks[1:], v) })
	}
	switch n := node.(type) {
	case map[string]any:
		n[tok] = v
		return n, nil
	case []any:
		i, err := arrayIndex(tok, len(n), true)
		if err != nil {
			return nil, err
		}
		n = append(n, nil)
		copy(n[i+1:], n[i:])
		n[i] = v
		return n, nil
	}
	return nil, fmt.Errorf("cannot add %q to %s", excerpt.Of(tok), kindOf(node))
}

func removeAt(node any, toks []string) (newNode, removed any, err error) {
	tok := toks[0]
	if len(toks) > 1 {
		newNode, err = descend(node, toks, func(c any) (any, error) {
			var nc any
			nc, removed, err = removeAt(c, toks[1:])
			return nc, err
		})
		return newNode, removed, err
	}
	switch n := node.(type) {
	case map[string]any:
		v, ok := n[tok]
		if !ok {
			return nil, nil, fmt.Errorf("no member %q: %w", excerpt.Of(tok), errNoValue)
		}
		delete(n, tok)
		return n, v, nil
	case []any:
		i, err := arrayIndex(tok, len(n), false)
		if err != nil {
			return nil, nil, err
		}
		v := n[i]
		return append(n[:i], n[i+1:]...), v, nil
	}
	return nil, nil, fmt.Errorf("cannot remove %q from %s: %w", excerpt.Of(tok), kindOf(node), errNoValue)
}

func replaceAt(node any, toks []string, v any) (any, error) {
	if len(toks) == 0 {
		return v, nil
	}
	tok := toks[0]
	if len(toks) > 1 {
		return descend(node, toks, func(c any) (any, error) { return replaceAt(c, toks[1:], v) })
	}
	switch n := node.(type) {
	case map[string]any:
		if _, ok := n[tok]; !ok {
			return nil, fmt.Errorf("no member %q: %w", excerpt.Of(tok), errNoValue)
		}
		n[tok] = v
		return n, nil
	case []any:
		i, err := arrayIndex(tok, len(n), false)
		if err != nil {
			return nil, err
		}
		n[i] = v
		return n, nil
	}
	return nil, fmt.Errorf("cannot replace %q in %s: %w", excerpt.Of(tok), kindOf(node), errNoValue)
}

// descend applies f to node's child toks[0] and stores what f returns.
func descend(node any, toks []string, f func(child any) (any, error)) (any, error) {
	c, err := child(node, toks[0])
	if err != nil {
		return nil, err
	}
	nc, err := f(c)
	if err != nil {
		return nil, err
	}
	switch n := node.(type) {
	case map[string]any:
		n[toks[0]] = nc
	case []any:
		i, _ := arrayIndex(toks[0], len(n), false)
		n[i] = nc
	}
	return node, nil
}
