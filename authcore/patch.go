package authcore

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/authcore/authcore/internal/strictjson"
	"github.com/authcore/authcore/patch"
)

// PatchRequest is a PATCH body with its media type, which chooses the form
// (SPEC §2): application/json is FusionAuth's legacy merge,
// application/merge-patch+json RFC 7396, application/json-patch+json
// RFC 6902.
type PatchRequest struct {
	ContentType string
	Body        []byte
}

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
	out, err := patch.Apply(req.ContentType, doc, req.Body, patch.Options{ReplacePaths: replacePaths})
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, patch.ErrUnsupportedType):
		return nil, general("[PatchNotSupported]", fmt.Sprintf("The PATCH content type [%s] is not supported. Use application/json, application/merge-patch+json or application/json-patch+json.", req.ContentType))
	case errors.Is(err, patch.ErrTestFailed):
		return nil, general("[JSONPatchTestFailed]", "A JSON Patch test operation failed: "+err.Error())
	case errors.Is(err, patch.ErrInvalidPatch), errors.Is(err, patch.ErrMalformed):
		return nil, invalidJSON(err)
	default:
		return nil, err
	}
}
