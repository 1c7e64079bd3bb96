package httpadapter

import (
	"context"
	"net/http"
	"strconv"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// applicationRoutes serves FusionAuth's Application API and its Application
// Role API. Creating needs a tenant (SPEC §1): the scope, else
// application.tenantId, else the only tenant. DELETE deactivates unless
// ?hardDelete=true; PUT ?reactivate=true reactivates. Unlike FusionAuth, an
// application's PUT and PATCH also change its roles (docs/DECISIONS.md).
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

	createRole := h.roleWithBody(h.engine.CreateApplicationRole)
	h.handle("POST /api/application/{applicationId}/role", false, createRole)
	h.handle("POST /api/application/{applicationId}/role/{roleId}", false, createRole)
	h.handle("PUT /api/application/{applicationId}/role/{roleId}", false, h.roleWithBody(h.engine.UpdateApplicationRole))
	h.handle("PATCH /api/application/{applicationId}/role/{roleId}", false, h.patchApplicationRole)
	h.handle("DELETE /api/application/{applicationId}/role/{roleId}", false, h.deleteApplicationRole)
	h.handle("DELETE /api/application/{applicationId}/role", false, h.deleteApplicationRoleByName)
}

// roleParams reads the application id and, when the route has one, the
// role id ("" when absent).
func roleParams(r *http.Request) (appID, roleID string, err error) {
	if appID, err = uuidParam(r, "applicationId", "applicationId"); err != nil {
		return "", "", err
	}
	roleID, err = uuidParam(r, "roleId", "roleId")
	return appID, roleID, err
}

func writeRole(w http.ResponseWriter, role *authcore.ApplicationRole, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.ApplicationRoleResponse{Role: role})
	return nil
}

// roleWithBody is the create and update of a role: both read a role body
// and answer the stored role.
func (h *Handler) roleWithBody(write func(ctx context.Context, appID, roleID string, in authcore.ApplicationRoleRequest) (*authcore.ApplicationRole, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		appID, roleID, err := roleParams(r)
		if err != nil {
			return err
		}
		var in authcore.ApplicationRoleRequest
		if err := h.decode(w, r, &in); err != nil {
			return err
		}
		role, err := write(r.Context(), appID, roleID, in)
		return writeRole(w, role, err)
	}
}

func (h *Handler) patchApplicationRole(w http.ResponseWriter, r *http.Request) error {
	appID, roleID, err := roleParams(r)
	if err != nil {
		return err
	}
	req, err := h.patchRequest(w, r)
	if err != nil {
		return err
	}
	role, err := h.engine.PatchApplicationRole(r.Context(), appID, roleID, req)
	return writeRole(w, role, err)
}

func (h *Handler) deleteApplicationRole(w http.ResponseWriter, r *http.Request) error {
	appID, roleID, err := roleParams(r)
	if err != nil {
		return err
	}
	if err := h.engine.DeleteApplicationRole(r.Context(), appID, roleID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// deleteApplicationRoleByName answers DELETE …/role?name={name}.
func (h *Handler) deleteApplicationRoleByName(w http.ResponseWriter, r *http.Request) error {
	appID, _, err := roleParams(r)
	if err != nil {
		return err
	}
	if err := h.engine.DeleteApplicationRoleByName(r.Context(), appID, r.URL.Query().Get("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
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

// getApplications lists the active applications, or with ?inactive=true
// only the inactive ones.
func (h *Handler) getApplications(w http.ResponseWriter, r *http.Request) error {
	inactive, err := boolQuery(r, "inactive")
	if err != nil {
		return err
	}
	list := h.engine.Applications
	if inactive {
		list = h.engine.InactiveApplications
	}
	apps, err := list(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.ApplicationsResponse{Applications: apps})
	return nil
}
