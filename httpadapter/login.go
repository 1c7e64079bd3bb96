package httpadapter

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

func (h *Handler) loginRoutes() {
	h.handle("POST /api/identity-provider/login", true, h.identityProviderLogin)
	h.handle("GET /api/identity-provider/link", false, h.getLinks)
	h.handle("POST /api/identity-provider/link", false, h.createLink)
	h.handle("DELETE /api/identity-provider/link", false, h.deleteLink)
	h.handle("GET /api/identity-provider/link/pending/{id}", false, h.getPendingLink)
	h.handle("POST /api/system/event-log/search", false, h.searchEventLogs)
	h.handle("GET /api/system/event-log/search", false, h.searchEventLogsByQuery)
	h.handle("GET /api/system/event-log/{id}", false, h.getEventLog)
}

// loginKeyScope adds a tenant-locked API key's tenant to the scope of a
// login, a refresh or a public key's read: those routes take no key, but FusionAuth's docs let a
// locked key scope them as X-FusionAuth-TenantId does. An Authorization header that names no key (an
// app's own bearer token passed on by a proxy) is ignored rather than
// refused; the official client sends none. Without the header this costs
// nothing.
func (h *Handler) loginKeyScope(r *http.Request) (context.Context, error) {
	ctx := r.Context()
	hdr := r.Header.Get("Authorization")
	if hdr == "" {
		return ctx, nil
	}
	key, err := h.engine.Authenticate(ctx, hdr)
	switch {
	case errors.Is(err, authcore.ErrUnauthorized):
		return ctx, nil
	case err != nil:
		return nil, err
	}
	return h.withKeyScope(ctx, key)
}

// withKeyScope adds a tenant-locked key's tenant to ctx's scope, checked
// against a tenant header as on every route, for the routes that
// authenticate a key themselves.
func (h *Handler) withKeyScope(ctx context.Context, key *authcore.APIKey) (context.Context, error) {
	if key.TenantID == "" {
		return ctx, nil
	}
	s := authcore.ScopeFrom(ctx)
	s.KeyTenantID = key.TenantID
	if err := h.engine.CheckScope(ctx, s); err != nil {
		return nil, err
	}
	return authcore.WithScope(ctx, s), nil
}

func (h *Handler) identityProviderLogin(w http.ResponseWriter, r *http.Request) error {
	var req authcore.IdentityProviderLoginRequest
	if err := h.decode(w, r, &req); err != nil {
		return err
	}
	if req.IPAddress == "" {
		req.IPAddress = clientIP(r)
	}
	ctx, err := h.loginKeyScope(r)
	if err != nil {
		return err
	}
	resp, err := h.engine.IdentityProviderLogin(ctx, req)
	if err != nil {
		return err
	}
	if resp.Token != "" {
		h.setTokenCookies(w, r, resp.Token, resp.RefreshToken, int(resp.RefreshTokenTTL.Seconds()))
	}
	if resp.Status == authcore.LoginTwoFactorRequired {
		// The caller has passed one factor: it gets what the second step
		// needs (twoFactorId, methods), as from FusionAuth, and not the
		// user's profile, which the second factor guards. A Go caller that
		// runs its own second step still has the user.
		resp.User = nil
	}
	writeJSON(w, int(resp.Status), resp)
	return nil
}

// clientIP is the login's address when the body names none: the first
// X-Forwarded-For address (the seed documents the header for this), else the
// peer.
func clientIP(r *http.Request) string {
	if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
		first := strings.TrimSpace(strings.Split(xff, ",")[0])
		if net.ParseIP(first) != nil {
			return first
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// queryUUID reads an optional UUID query parameter. The TypeScript client
// sends an omitted argument as the literal "null" or "undefined"
// (retrieveUserLinksByUserId(undefined, userId), retrievePendingLink(id,
// null)): absent, as an empty value is (jwtQuery).
func queryUUID(r *http.Request, name string) (string, error) {
	v := jwtQuery(r, name)
	if v == "" || isUUID(v) {
		return v, nil
	}
	return "", fieldError(name, "couldNotConvert", "Invalid ["+name+"]. It must be a UUID.")
}

func (h *Handler) getLinks(w http.ResponseWriter, r *http.Request) error {
	providerID, err := queryUUID(r, "identityProviderId")
	if err != nil {
		return err
	}
	userID, err := queryUUID(r, "userId")
	if err != nil {
		return err
	}
	if providerUserID := r.URL.Query().Get("identityProviderUserId"); providerUserID != "" {
		if providerID == "" {
			return fieldError("identityProviderId", "missing", "You must specify the [identityProviderId] parameter.")
		}
		l, err := h.engine.Link(r.Context(), providerID, providerUserID, userID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, authcore.LinkResponse{IdentityProviderLink: l})
		return nil
	}
	if userID == "" {
		return fieldError("userId", "missing", "You must specify the [userId] parameter, or [identityProviderId] and [identityProviderUserId].")
	}
	links, err := h.engine.Links(r.Context(), userID, providerID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.LinksResponse{IdentityProviderLinks: links})
	return nil
}

func (h *Handler) createLink(w http.ResponseWriter, r *http.Request) error {
	var req authcore.LinkRequest
	if err := h.decode(w, r, &req); err != nil {
		return err
	}
	l, err := h.engine.CreateLink(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.LinkResponse{IdentityProviderLink: l})
	return nil
}

func (h *Handler) deleteLink(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	// The ids as queryUUID reads them ("null" from the TypeScript client is
	// a missing id, not a malformed one); the provider's user id as sent.
	providerID, providerUserID, userID := jwtQuery(r, "identityProviderId"), q.Get("identityProviderUserId"), jwtQuery(r, "userId")
	// Every parameter is checked, in one order, and each one missing or
	// malformed named: the answer does not depend on which the check met
	// first.
	var errs validation.Errors
	for _, p := range []struct {
		name, value string
		uuid        bool
	}{
		{"identityProviderId", providerID, true},
		{"identityProviderUserId", providerUserID, false},
		{"userId", userID, true},
	} {
		switch {
		case p.value == "":
			errs.Field(p.name, validation.KindMissing, "You must specify the ["+p.name+"] parameter.")
		case p.uuid && !isUUID(p.value):
			errs.Field(p.name, validation.KindCouldNotConvert, "Invalid ["+p.name+"]. It must be a UUID.")
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	l, err := h.engine.DeleteLink(r.Context(), providerID, providerUserID, userID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.LinkResponse{IdentityProviderLink: l})
	return nil
}

func (h *Handler) getPendingLink(w http.ResponseWriter, r *http.Request) error {
	userID, err := queryUUID(r, "userId")
	if err != nil {
		return err
	}
	p, err := h.engine.PendingLink(r.Context(), r.PathValue("id"), userID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (h *Handler) searchEventLogs(w http.ResponseWriter, r *http.Request) error {
	var req authcore.EventLogSearchRequest
	if err := h.decode(w, r, &req); err != nil {
		return err
	}
	out, err := h.engine.SearchEventLogs(r.Context(), req.Search)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// searchEventLogsByQuery is the search with its criteria as request
// parameters (FusionAuth's GET form): message, type, orderBy, start, end,
// numberOfResults and startRow, numbers that do not parse being
// [couldNotConvert]<name>.
func (h *Handler) searchEventLogsByQuery(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	c := authcore.EventLogSearchCriteria{Message: q.Get("message"), Type: q.Get("type"), OrderBy: q.Get("orderBy")}
	var errs validation.Errors
	if n, ok := wholeNumberQuery(r, &errs, "start", false); ok {
		c.Start = n
	}
	if n, ok := wholeNumberQuery(r, &errs, "end", false); ok {
		c.End = n
	}
	pagingQuery(r, &errs, &c.NumberOfResults, &c.StartRow)
	if err := errs.Err(); err != nil {
		return err
	}
	out, err := h.engine.SearchEventLogs(r.Context(), c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) getEventLog(w http.ResponseWriter, r *http.Request) error {
	// A Long, as FusionAuth types it: one that converts but names no entry
	// (0, a negative one) is the store's 404, not a conversion failure.
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fieldError("eventLogId", "couldNotConvert", "Invalid [eventLogId] on the URI. It must be a whole number.")
	}
	e, err := h.engine.EventLogEntry(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]*authcore.EventLog{"eventLog": e})
	return nil
}
