package patch

import (
	"errors"
	"fmt"
	"strings"

	"github.com/authcore/authcore/internal/excerpt"
)

// Media types of the three PATCH forms. The HTTP adapter chooses the form from
// the request's Content-Type; Apply does the same for Go callers.
const (
	ContentTypeLegacy     = "application/json"
	ContentTypeMergePatch = "application/merge-patch+json"
	ContentTypeJSONPatch  = "application/json-patch+json"
)

// Sentinel errors. Every error returned by this package wraps exactly one of
// them, so callers pick a status code and error code with errors.Is and still
// get a message that says what was wrong (which operation, which path).
var (
	// ErrUnsupportedType: the Content-Type names none of the three forms
	// (FusionAuth's [PatchNotSupported]).
	ErrUnsupportedType = errors.New("patch: unsupported patch content type")
	// ErrTestFailed: an RFC 6902 "test" operation did not hold, including a
	// test of a location that does not exist ([JSONPatchTestFailed]).
	ErrTestFailed = errors.New("patch: test operation failed")
	// ErrInvalidPatch: the patch is well-formed JSON but cannot be applied:
	// an unknown op, a missing or malformed member, a path that does not
	// resolve, a bad array index, too much growth by "copy", nesting deeper
	// than Options.MaxDepth ([invalidJSON]).
	ErrInvalidPatch = errors.New("patch: invalid patch")
	// ErrMalformed: the patch body is not JSON, or not the shape its form
	// requires (a JSON Patch that is not an array of objects, a legacy patch
	// that is not an object) ([invalidJSON]).
	ErrMalformed = errors.New("patch: malformed patch body")
	// ErrInvalidDocument: the document being patched is not valid JSON. The
	// document comes from the caller's store, not from the client, so this is
	// a programming error rather than bad input.
	ErrInvalidDocument = errors.New("patch: document is not valid JSON")
)

// DefaultMaxCopyGrowth is the growth allowed to RFC 6902 "copy" operations when
// Options.MaxCopyGrowth is zero. It matches the default request body limit:
// a patch may not make a document grow by more than a client could have sent.
const DefaultMaxCopyGrowth int64 = 1 << 20

// DefaultMaxDepth is the nesting depth an RFC 6902 patch may give a document
// when Options.MaxDepth is zero: twice the request body's (64), which leaves
// room for the conservative reckoning of "copy" and "move" (see MaxDepth).
const DefaultMaxDepth = 128

// Options tune the legacy merge and RFC 6902. The zero value is safe.
type Options struct {
	// ReplacePaths lists dotted paths (from the document root, so including
	// the request wrapper, e.g. "integrations.cleanspeak.applicationIds")
	// whose arrays a legacy merge replaces instead of appending to. Each
	// segment names an object member literally; a "*" segment matches any
	// member, for maps keyed by id (e.g.
	// "identityProvider.applicationConfiguration.*.roles"). A member whose
	// name contains a dot cannot be named.
	ReplacePaths []string
	// MaxCopyGrowth caps the total bytes that RFC 6902 "copy" operations in
	// one patch may add: without a cap a few hundred bytes of copy ops can
	// grow a document exponentially. 0 means DefaultMaxCopyGrowth; a
	// negative value disables the cap.
	MaxCopyGrowth int64
	// MaxDepth caps how deep an RFC 6902 patch may nest the document: "copy"
	// of a value into its own descendant doubles its depth with each
	// operation, so a few KiB of patch could nest a document tens of
	// thousands of levels deep (gigabytes of work for evanphx/json-patch,
	// and a panic past encoding/json's 10,000 levels). The patch is checked
	// before it is applied, against an upper bound of the depth after each
	// operation: "add" and "replace" nest their value below the path;
	// "copy" and "move" are counted as if the value at "from" were as deep
	// as the document allows. 0 means DefaultMaxDepth; a negative value
	// disables the check.
	MaxDepth int
	// OmittedEmpty names, by JSON Pointer (RFC 6901, escaped), members the
	// document leaves out because they are empty, with the empty value each
	// stands for: "{}" for a map, "[]" for a list. The document's owner
	// renders an empty container as absent (it emits no nulls and no empty
	// members), yet the object has it. An RFC 6902 operation whose "path" or
	// "from" runs through or ends at such a member finds it empty instead of
	// missing, so that "add /user/data/k" works on a user whose data is
	// empty, and "add /application/roles/-" on an application without
	// roles. A "test" takes such a member, while it is empty, as equal to
	// its absence, so that a test of its parent as rendered holds. Other
	// members, and the merge forms, are unaffected.
	OmittedEmpty map[string]string
}

func (o Options) depthLimit() int { return limitOr(o.MaxDepth, DefaultMaxDepth) }

func (o Options) copyLimit() int64 { return limitOr(o.MaxCopyGrowth, DefaultMaxCopyGrowth) }

// limitOr reads one of Options' limits: 0 is the default, a negative value
// no limit (0 to the caller).
func limitOr[T int | int64](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// MediaType is the media type Apply reads from contentType: without its
// parameters, lower-cased. Supported reports whether Apply takes it.
func MediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// Supported reports whether Apply takes contentType.
func Supported(contentType string) bool {
	switch MediaType(contentType) {
	case ContentTypeLegacy, ContentTypeMergePatch, ContentTypeJSONPatch:
		return true
	}
	return false
}

// Apply patches doc with p in the form named by contentType. Media-type
// parameters (e.g. "; charset=utf-8") are ignored and the match is
// case-insensitive, as HTTP media types are. Any other media type fails with
// ErrUnsupportedType. opts is ignored by the merge-patch form, which RFC 7396
// leaves no room to tune.
func Apply(contentType string, doc, p []byte, opts Options) ([]byte, error) {
	switch mt := MediaType(contentType); mt {
	case ContentTypeLegacy:
		return Merge(doc, p, opts)
	case ContentTypeMergePatch:
		return MergePatch(doc, p)
	case ContentTypeJSONPatch:
		return JSONPatch(doc, p, opts)
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupportedType, excerpt.Of(contentType))
}
