package httpadapter

import (
	"net/http"

	"github.com/authcore/authcore/authcore"
)

// apiKeyRoutes is FusionAuth's API Key API: create (with a generated or a
// given id, or as a copy), retrieve, update, patch and delete. It is not
// global: a tenant-locked key manager manages its tenant's keys.
func (h *Handler) apiKeyRoutes() {
	h.handle("POST /api/api-key", false, h.createAPIKey)
	h.handle("POST /api/api-key/{apiKeyId}", false, h.createAPIKey)
	h.handle("GET /api/api-key/{apiKeyId}", false, h.getAPIKey)
	h.handle("PUT /api/api-key/{apiKeyId}", false, h.updateAPIKey)
	h.handle("PATCH /api/api-key/{apiKeyId}", false, h.patchAPIKey)
	h.handle("DELETE /api/api-key/{apiKeyId}", false, h.deleteAPIKey)
}

// apiKeyTarget refuses a key that is not a key manager before anything of
// the request is read (authcore.Scope.RequireKeyManager), then reads the id
// on the URI.
func apiKeyTarget(r *http.Request) (string, error) {
	if err := authcore.ScopeFrom(r.Context()).RequireKeyManager(); err != nil {
		return "", err
	}
	return uuidParam(r, "apiKeyId", "apiKeyId")
}

func (h *Handler) createAPIKey(w http.ResponseWriter, r *http.Request) error {
	id, err := apiKeyTarget(r)
	if err != nil {
		return err
	}
	var body authcore.APIKeyRequest
	if err := h.decode(w, r, &body); err != nil {
		return err
	}
	in, err := body.NewAPIKey(id)
	if err != nil {
		return err
	}
	k, plain, err := h.engine.CreateAPIKey(r.Context(), in)
	if err != nil {
		return err
	}
	// The only answer that shows the key: the store keeps its hash.
	info := k.Info()
	info.Key = plain
	writeJSON(w, http.StatusOK, authcore.APIKeyResponse{APIKey: info})
	return nil
}

func (h *Handler) getAPIKey(w http.ResponseWriter, r *http.Request) error {
	id, err := apiKeyTarget(r)
	if err != nil {
		return err
	}
	k, err := h.engine.APIKey(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.APIKeyResponse{APIKey: k.Info()})
	return nil
}

func (h *Handler) updateAPIKey(w http.ResponseWriter, r *http.Request) error {
	id, err := apiKeyTarget(r)
	if err != nil {
		return err
	}
	var body authcore.APIKeyRequest
	if err := h.decode(w, r, &body); err != nil {
		return err
	}
	in, err := body.Update()
	if err != nil {
		return err
	}
	k, err := h.engine.UpdateAPIKey(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.APIKeyResponse{APIKey: k.Info()})
	return nil
}

func (h *Handler) patchAPIKey(w http.ResponseWriter, r *http.Request) error {
	id, err := apiKeyTarget(r)
	if err != nil {
		return err
	}
	req, err := h.patchRequest(w, r)
	if err != nil {
		return err
	}
	k, err := h.engine.PatchAPIKey(r.Context(), id, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.APIKeyResponse{APIKey: k.Info()})
	return nil
}

func (h *Handler) deleteAPIKey(w http.ResponseWriter, r *http.Request) error {
	id, err := apiKeyTarget(r)
	if err != nil {
		return err
	}
	if err := h.engine.RevokeAPIKey(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
