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
	apps := lifecycle[authcore.Application, authcore.ApplicationRequest]{
		h: h, param: "applicationId", get: h.engine.Application,
		update: h.engine.UpdateApplication, patch: h.engine.PatchApplication,
		reactivate: h.engine.ReactivateApplication, deactivate: h.engine.DeactivateApplication,
		remove: h.engine.DeleteApplication,
		wrap:   func(a *authcore.Application) any { return authcore.ApplicationResponse{Application: a} },
	}
	h.handle("GET /api/application/{applicationId}", false, apps.retrieve)
	h.handle("PUT /api/application/{applicationId}", false, apps.put)
	h.handle("PATCH /api/application/{applicationId}", false, apps.patchEndpoint)
	h.handle("DELETE /api/application/{applicationId}", false, apps.delete)
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
