package httpadapter

import (
	"net/http"
	"slices"
	"strings"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/validation"
)

func (h *Handler) identityProviderRoutes() {
	h.handle("POST /api/identity-provider", false, h.createIdentityProvider)
	h.handle("POST /api/identity-provider/{id}", false, h.createIdentityProvider)
	h.handle("GET /api/identity-provider", false, h.getIdentityProviders)
	h.handle("GET /api/identity-provider/{id}", false, h.getIdentityProvider)
	h.handle("PUT /api/identity-provider", false, h.putIdentityProvider)
	h.handle("PUT /api/identity-provider/{id}", false, h.putIdentityProvider)
	h.handle("PATCH /api/identity-provider", false, h.patchIdentityProvider)
	h.handle("PATCH /api/identity-provider/{id}", false, h.patchIdentityProvider)
	h.handle("DELETE /api/identity-provider", false, h.deleteIdentityProvider)
	h.handle("DELETE /api/identity-provider/{id}", false, h.deleteIdentityProvider)
	h.handle("POST /api/identity-provider/search", false, h.searchIdentityProviders)
	h.handle("GET /api/identity-provider/search", false, h.searchIdentityProvidersByQuery)
	// FusionAuth documents the lookup without authentication: a login page
	// calls it with the e-mail address a user typed.
	h.handle("GET /api/identity-provider/lookup", true, h.lookupIdentityProvider)
}

// uuidParam reads a UUID path parameter: absent is "", malformed is
// [couldNotConvert]<name>.
func uuidParam(r *http.Request, path, name string) (string, error) {
	v := r.PathValue(path)
	if v == "" || isUUID(v) {
		return v, nil
	}
	var e validation.Errors
	e.Field(name, validation.KindCouldNotConvert, "Invalid ["+name+"] on the URI. It must be a UUID.")
	return "", &e
}

// providerTarget is the provider a PUT, PATCH or DELETE names: by id in the
// URI, or by ?type=. Neither: [missing]identityProviderId.
func providerTarget(r *http.Request) (string, error) {
	id, err := uuidParam(r, "id", "identityProviderId")
	if err != nil || id != "" {
		return id, err
	}
	typ, err := providerTypeQuery(r)
	if err != nil {
		return "", err
	}
	if typ != "" {
		return typeToID(typ)
	}
	var e validation.Errors
	e.Field("identityProviderId", validation.KindMissing, "You must specify the identity provider by id on the URI or by ?type=.")
	return "", &e
}

// providerTypes are the values ?type= converts to: FusionAuth reads it as its
// IdentityProviderType enum, exact case.
var providerTypes = authcore.IdentityProviderTypes()

// providerTypeQuery reads ?type=. Absent, empty, "null" or "undefined" (the
// TypeScript client's omitted argument, jwtQuery) is "". A value that is none
// of FusionAuth's types does not convert, [couldNotConvert]type, as a UUID
// parameter that is no UUID: answered 404 it read as "no such provider" and
// hid the caller's typo ("twitter"). A type authcore lacks stays a 404.
func providerTypeQuery(r *http.Request) (string, error) {
	typ := jwtQuery(r, "type")
	if typ == "" || slices.Contains(providerTypes, typ) {
		return typ, nil
	}
	return "", fieldError("type", validation.KindCouldNotConvert,
		"Invalid [type] parameter. It must be one of ["+strings.Join(providerTypes, ", ")+"].")
}

func typeToID(typ string) (string, error) {
	p, err := authcore.IdentityProviderIDForType(typ)
	if err != nil {
		return "", err
	}
	return p, nil
}

func (h *Handler) createIdentityProvider(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "id", "identityProviderId")
	if err != nil {
		return err
	}
	var in authcore.IdentityProviderInput
	if err := h.decode(w, r, &in); err != nil {
		return err
	}
	p, err := h.engine.CreateIdentityProvider(r.Context(), id, in.IdentityProvider)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.IdentityProviderOutput{IdentityProvider: p})
	return nil
}

func (h *Handler) getIdentityProvider(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "id", "identityProviderId")
	if err != nil {
		return err
	}
	p, err := h.engine.IdentityProvider(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.IdentityProviderOutput{IdentityProvider: p})
	return nil
}

func (h *Handler) getIdentityProviders(w http.ResponseWriter, r *http.Request) error {
	typ, err := providerTypeQuery(r)
	if err != nil {
		return err
	}
	if typ != "" {
		p, err := h.engine.IdentityProviderByType(r.Context(), typ)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, authcore.IdentityProvidersOutput{IdentityProvider: p, IdentityProviders: []twitter.Provider{*p}})
		return nil
	}
	list, err := h.engine.IdentityProviders(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.IdentityProvidersOutput{IdentityProviders: list})
	return nil
}

func (h *Handler) putIdentityProvider(w http.ResponseWriter, r *http.Request) error {
	id, err := providerTarget(r)
	if err != nil {
		return err
	}
	var in authcore.IdentityProviderInput
	if err := h.decode(w, r, &in); err != nil {
		return err
	}
	p, err := h.engine.UpdateIdentityProvider(r.Context(), id, in.IdentityProvider)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.IdentityProviderOutput{IdentityProvider: p})
	return nil
}

func (h *Handler) patchIdentityProvider(w http.ResponseWriter, r *http.Request) error {
	id, err := providerTarget(r)
	if err != nil {
		return err
	}
	req, err := h.patchRequest(w, r)
	if err != nil {
		return err
	}
	p, err := h.engine.PatchIdentityProvider(r.Context(), id, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.IdentityProviderOutput{IdentityProvider: p})
	return nil
}

func (h *Handler) deleteIdentityProvider(w http.ResponseWriter, r *http.Request) error {
	id, err := providerTarget(r)
	if err != nil {
		return err
	}
	if err := h.engine.DeleteIdentityProvider(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (h *Handler) searchIdentityProviders(w http.ResponseWriter, r *http.Request) error {
	var req authcore.IdentityProviderSearchRequest
	if err := h.decode(w, r, &req); err != nil {
		return err
	}
	out, err := h.engine.SearchIdentityProviders(r.Context(), req.Search)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// searchIdentityProvidersByQuery is the search with its criteria as request
// parameters (FusionAuth's GET form). The official client's
// searchIdentityProvidersByParameters sends every argument, an omitted one
// as "null" or "undefined", which count as absent (jwtQuery). A parameter
// that is no UUID or whole number is [couldNotConvert]<name>; the criteria
// are then checked as the POST form's, under search.<field>.
func (h *Handler) searchIdentityProvidersByQuery(w http.ResponseWriter, r *http.Request) error {
	c := authcore.IdentityProviderSearchCriteria{
		Name: jwtQuery(r, "name"), OrderBy: jwtQuery(r, "orderBy"),
		Source: jwtQuery(r, "source"), Type: jwtQuery(r, "type"),
	}
	var errs validation.Errors
	c.ApplicationID = uuidQuery(r, &errs, "applicationId")
	c.TenantID = uuidQuery(r, &errs, "tenantId")
	pagingQuery(r, &errs, &c.NumberOfResults, &c.StartRow)
	if err := errs.Err(); err != nil {
		return err
	}
	out, err := h.engine.SearchIdentityProviders(r.Context(), c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// lookupIdentityProvider answers FusionAuth's lookup by e-mail domain. No
// provider here manages a domain, so a valid request is an empty 404
// ("not managed by a configured Identity Provider"). The client's
// lookupIdentityProviderByTenantId adds tenantId.
func (h *Handler) lookupIdentityProvider(w http.ResponseWriter, r *http.Request) error {
	d, err := h.engine.LookupIdentityProvider(r.Context(), jwtQuery(r, "domain"), jwtQuery(r, "tenantId"))
	if err != nil {
		return err
	}
	if d == nil {
		w.WriteHeader(http.StatusNotFound)
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]*authcore.IdentityProviderDetails{"identityProvider": d})
	return nil
}
