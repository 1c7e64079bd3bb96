package httpadapter

import (
	"context"
	"net/http"
	"strings"

	"github.com/authcore/authcore/authcore"
)

// tenantRoutes serves FusionAuth's Tenant API (the settings authcore uses).
// Tenants are global objects: a tenant-scoped request (locked key or tenant
// header) may read and change only its own tenant and may not create or
// delete one (401). The last tenant cannot be deleted: 400
// [invalid]tenantId. Deleting a tenant deletes everything in it and the API
// keys locked to it.
func (h *Handler) tenantRoutes() {
	h.handle("POST /api/tenant", false, h.createTenant)
	h.handle("POST /api/tenant/{tenantId}", false, h.createTenant)
	h.handle("GET /api/tenant", false, h.getTenants)
	tenants := lifecycle[authcore.Tenant, authcore.TenantRequest]{
		h: h, param: "tenantId", get: h.engine.Tenant, patch: h.engine.PatchTenant,
		update: func(ctx context.Context, id string, in authcore.TenantRequest) (*authcore.Tenant, error) {
			return h.engine.UpdateTenant(ctx, id, in.Tenant)
		},
		wrap: func(t *authcore.Tenant) any { return authcore.TenantResponse{Tenant: t} },
	}
	h.handle("GET /api/tenant/{tenantId}", false, tenants.retrieve)
	h.handle("PUT /api/tenant/{tenantId}", false, tenants.put)
	h.handle("PATCH /api/tenant/{tenantId}", false, tenants.patchEndpoint)
	h.handle("DELETE /api/tenant/{tenantId}", false, h.deleteTenant)
}

func (h *Handler) createTenant(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "tenantId", "tenantId")
	if err != nil {
		return err
	}
	var in authcore.TenantRequest
	if err := h.decode(w, r, &in); err != nil {
		return err
	}
	var t *authcore.Tenant
	// A blank source is none, as a blank sourceApplicationId is
	// (CreateApplication): a UUID property of only white space is absent.
	if strings.TrimSpace(in.SourceTenantID) != "" {
		// FusionAuth's "Create a Tenant from an existing Tenant": the
		// request's name, the source's everything else.
		t, err = h.engine.CopyTenant(r.Context(), id, in.SourceTenantID, in.Tenant.Name)
	} else {
		t, err = h.engine.CreateTenant(r.Context(), id, in.Tenant)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.TenantResponse{Tenant: t})
	return nil
}

func (h *Handler) getTenants(w http.ResponseWriter, r *http.Request) error {
	list, err := h.engine.Tenants(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.TenantsResponse{Tenants: list})
	return nil
}

func (h *Handler) deleteTenant(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "tenantId", "tenantId")
	if err != nil {
		return err
	}
	if err := h.engine.DeleteTenant(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
