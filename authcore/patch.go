package authcore

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/internal/strictjson"
	"github.com/authcore/authcore/patch"
)

// PatchRequest is a PATCH body with its media type, which chooses the form:
// application/json is FusionAuth's legacy merge (objects merge, null removes,
// arrays append), application/merge-patch+json RFC 7396,
// application/json-patch+json RFC 6902. Parameters such as charset are
// ignored; any other type is refused with [PatchNotSupported].
type PatchRequest struct {
	ContentType string
	Body        []byte
}

// maxPatchedBytes bounds the document a PATCH leaves: what the default
// request body limit lets a PUT send. Without it, an RFC 6902 "copy" of a
// hundred bytes could add up to a megabyte to a stored object, request after
// request. A document already larger (a PUT under a higher body limit) may
// be patched as long as it does not grow.
const maxPatchedBytes = 1 << 20

// applyPatch renders current (the request-shaped document, e.g.
// {"integrations": …}) and applies the patch to it. The caller decodes the
// result with DecodeJSON, restores read-only fields, validates as for a PUT
// and stores, all in the transaction that read current.
func applyPatch(req PatchRequest, current any, replacePaths []string) ([]byte, error) {
	doc, err := json.Marshal(current)
	if err != nil {
		return nil, fmt.Errorf("authcore: render for patch: %w", err)
	}
	// The form is chosen by patch's own reading of the type, so that every
	// body patch.Apply takes has been checked, whatever else the header
	// holds.
	if patch.Supported(req.ContentType) {
		if err := strictjson.Check(req.Body, strictjson.DefaultMaxDepth); err != nil {
			return nil, invalidJSON(err)
		}
	}
	opts := patch.Options{ReplacePaths: replacePaths}
	if patch.MediaType(req.ContentType) == patch.ContentTypeJSONPatch {
		opts.OmittedEmpty = omittedEmpty(current)
	}
	out, err := patch.Apply(req.ContentType, doc, req.Body, opts)
	switch {
	case err == nil:
		if len(out) > maxPatchedBytes && len(out) > len(doc) {
			return nil, general("[tooLarge]", fmt.Sprintf("The patched object would be %d bytes, larger than the limit of %d bytes.", len(out), maxPatchedBytes))
		}
		return out, nil
	case errors.Is(err, patch.ErrUnsupportedType):
		return nil, unsupportedPatch(req)
	case errors.Is(err, patch.ErrTestFailed):
		return nil, general("[JSONPatchTestFailed]", "A JSON Patch test operation failed: "+err.Error())
	case errors.Is(err, patch.ErrInvalidPatch), errors.Is(err, patch.ErrMalformed):
		return nil, invalidJSON(err)
	default:
		return nil, err
	}
}

func unsupportedPatch(req PatchRequest) error {
	return general("[PatchNotSupported]", fmt.Sprintf("The PATCH content type [%s] is not supported. Use application/json, application/merge-patch+json or application/json-patch+json.", excerpt.Of(req.ContentType)))
}

// rewriteMergeBody lets fn change the members of the wrapper object (e.g.
// "integrations") of a merge-form PATCH body, as raw JSON so that their
// nulls still remove what they name; fn reports whether it changed
// anything. Any other form, a body that fails the checks (left for
// applyPatch to refuse), or fn reporting no change gives the body as it
// was.
func rewriteMergeBody(req PatchRequest, wrapper string, fn func(inner map[string]json.RawMessage) bool) []byte {
	if mt := patch.MediaType(req.ContentType); mt != patch.ContentTypeLegacy && mt != patch.ContentTypeMergePatch {
		return req.Body
	}
	if strictjson.Check(req.Body, strictjson.DefaultMaxDepth) != nil {
		return req.Body
	}
	var doc, inner map[string]json.RawMessage
	if json.Unmarshal(req.Body, &doc) != nil || json.Unmarshal(doc[wrapper], &inner) != nil || inner == nil || !fn(inner) {
		return req.Body
	}
	raw, err := json.Marshal(inner)
	if err != nil {
		return req.Body
	}
	doc[wrapper] = raw
	out, err := json.Marshal(doc)
	if err != nil {
		return req.Body
	}
	return out
}
