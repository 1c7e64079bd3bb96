package httpadapter

import (
	"net/http"
	"strconv"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// applicationRoutes serves FusionAuth's Application API with roles inside
// the application (no separate Role API). Creating needs a tenant (SPEC §1):
// the scope, else application.tenantId, else the only tenant. DELETE
// deactivates unless ?hardDelete=true; PUT ?reactivate=true reactivates.
func (h *Handler) applicationRoutes() {
	h.handle("POST /api/application", false, h.createApplication)
	h.handle("POST /api/application/{applicationId}", false, h.createApplication)
	h.handle("GET /api/application", false, h.getApplications)
	h.handle("GET /api/application/{applicationId}", false, h.getApplication)
	h.handle("PUT /api/application/{applicationId}", false, h.putApplication)
	h.handle("PATCH /api/application/{applicationId}", false, h.patchApplication)
	h.handle("DELETE /api/application/{applicationId}", false, h.deleteApplication)
}

// boolQuery reads a boolean query parameter; absent or empty is false
// (SPEC §0), anything but a boolean is [couldNotConvert]<name>.
func boolQuery(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		var e validation.Errors
		e.Field(name, validation.KindCouldNotConvert, "Invalid ["+name+"] parameter. It must be true or false.")
		return false, &e
	}
	return b, nil
}

func (h *Handler) createApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "applicationId", "applicationId")
	if err != nil {
		return err
	}
	var in authcore.ApplicationRequest
	if err := h.decode(w, r, &in); err != nil {
		return err
	}
	a, err := h.engine.CreateApplication(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.ApplicationResponse{Application: a})
	return nil
}

func (h *Handler) getApplications(w http.ResponseWriter, r *http.Request) error {
	list, err := h.engine.Applications(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.ApplicationsResponse{Applications: list})
	return nil
}

func (h *Handler) getApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "applicationId", "applicationId")
	if err != nil {
		return err
	}
	a, err := h.engine.Application(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.ApplicationResponse{Application: a})
	return nil
}

// putApplication replaces the application, or with ?reactivate=true (the
// client's reactivateApplication, no body) sets it active again.
func (h *Handler) putApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "applicationId", "applicationId")
	if err != nil {
		return err
	}
	reactivate, err := boolQuery(r, "reactivate")
	if err != nil {
		return err
	}
	var a *authcore.Application
	if reactivate {
		a, err = h.engine.ReactivateApplication(r.Context(), id)
	} else {
		var in authcore.ApplicationRequest
		if err := h.decode(w, r, &in); err != nil {
			return err
		}
		a, err = h.engine.UpdateApplication(r.Context(), id, in)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.ApplicationResponse{Application: a})
	return nil
}

func (h *Handler) patchApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "applicationId", "applicationId")
	if err != nil {
		return err
	}
	req, err := h.patchRequest(w, r)
	if err != nil {
		return err
	}
	a, err := h.engine.PatchApplication(r.Context(), id, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.ApplicationResponse{Application: a})
	return nil
}

// deleteApplication deletes with ?hardDelete=true (the client's
// deleteApplication); without it, it deactivates (deactivateApplication), as
// FusionAuth does.
func (h *Handler) deleteApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "applicationId", "applicationId")
	if err != nil {
		return err
	}
	hard, err := boolQuery(r, "hardDelete")
	if err != nil {
		return err
	}
	if hard {
		err = h.engine.DeleteApplication(r.Context(), id)
	} else {
		_, err = h.engine.DeactivateApplication(r.Context(), id)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
