// Package patch implements the three PATCH forms of FusionAuth's API as pure
// functions over JSON documents. It knows nothing of HTTP or storage: the
// caller builds the request-shaped document from the stored object (e.g.
// {"integrations": {...}}), patches it, and validates the result exactly like
// a PUT body.
//
// # Forms
//
// Apply chooses the form from the request's Content-Type:
//
//   - application/json: Merge, FusionAuth's original PATCH. Objects merge key
//     by key, null removes a value, and "Patching an Array will result in all
//     values from the new list being appended to the existing list, this is a
//     known limitation to the current implementation of PATCH" (FusionAuth API
//     docs). Arrays that FusionAuth replaces instead are listed by the caller
//     in Options.ReplacePaths.
//   - application/merge-patch+json: MergePatch, RFC 7396 §2 exactly (arrays
//     replace, null removes, a non-object patch replaces the document).
//   - application/json-patch+json: JSONPatch, RFC 6902: the six operations of
//     §4 (add, remove, replace, move, copy, test) applied in order, and §5's
//     error handling: the patch is validated as a whole, and the first
//     operation that fails aborts it with the document unchanged.
//
// # Errors
//
// Every error wraps one sentinel, for the HTTP layer to map with errors.Is:
// ErrUnsupportedType ([PatchNotSupported]), ErrTestFailed
// ([JSONPatchTestFailed]), ErrInvalidPatch and ErrMalformed ([invalidJSON]),
// and ErrInvalidDocument (the stored document was not JSON: a bug, not bad
// input).
//
// # Input assumptions
//
// The patch body is assumed to have passed the request decoder's checks
// (duplicate keys refused, nesting depth capped): for duplicate keys this
// package keeps the last, as encoding/json does. The document is assumed to
// come from the caller's own encoder.
//
// # Conformance
//
// JSONPatch passes every enabled case of the json-patch-tests suite (tests.json
// and spec_tests.json, in testdata); MergePatch passes every example of
// RFC 7396 Appendix A.
package patch
