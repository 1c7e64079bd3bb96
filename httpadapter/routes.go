package httpadapter

import (
	"net/http"

	"github.com/authcore/authcore/integration"
)

func (h *Handler) routes() {
	h.handle("GET /api/integration", false, h.getIntegrations)
	h.handle("PUT /api/integration", false, h.putIntegrations)
	h.handle("PATCH /api/integration", false, h.patchIntegrations)
	h.identityProviderRoutes()
	h.tenantRoutes()
	h.applicationRoutes()
	h.userRoutes()
	h.loginRoutes()
	h.jwtRoutes()
	h.cleanSpeakRoutes() // cleanspeak.go
	h.apiKeyRoutes()     // apikey.go
}

func (h *Handler) getIntegrations(w http.ResponseWriter, r *http.Request) error {
	out, err := h.engine.Integrations(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, integration.Output{Integrations: out})
	return nil
}

func (h *Handler) putIntegrations(w http.ResponseWriter, r *http.Request) error {
	var in integration.Input
	if err := h.decode(w, r, &in); err != nil {
		return err
	}
	if err := in.RequireIntegrations(); err != nil {
		return err
	}
	out, err := h.engine.UpdateIntegrations(r.Context(), in.Value())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, integration.Output{Integrations: out})
	return nil
}

func (h *Handler) patchIntegrations(w http.ResponseWriter, r *http.Request) error {
	req, err := h.patchRequest(w, r)
	if err != nil {
		return err
	}
	out, err := h.engine.PatchIntegrations(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, integration.Output{Integrations: out})
	return nil
}
