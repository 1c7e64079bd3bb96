package httpadapter

import (
	"net/http"
	"strings"
)

// unsupportedRoutes are FusionAuth routes, called by its official clients,
// that authcore does not serve but whose path a served wildcard route would
// take: GET /api/user/search would reach GET /api/user/{id} and be answered
// 400 [couldNotConvert]userId, as if the caller had sent a bad id. Like every
// other feature authcore lacks (README), they answer 404 without a body.
var unsupportedRoutes = []string{
	"/api/application/search",
	"/api/identity-provider/start",
	"/api/identity-provider/test",
	"/api/tenant/password-validation-rules",
	"/api/tenant/search",
	"/api/user/action",
	"/api/user/bulk",
	"/api/user/change-password",
	"/api/user/comment",
	"/api/user/consent",
	"/api/user/family",
	"/api/user/forgot-password",
	"/api/user/import",
	"/api/user/recent-login",
	"/api/user/search",
	"/api/user/two-factor",
	"/api/user/verify-email",
	"/api/user/verify-registration",
}

// unsupported registers an empty 404 for each of unsupportedRoutes, under
// every method the API knows; a path with a route of its own is left to it
// (and to shadowedMethods).
func (h *Handler) unsupported() {
	served := map[string]bool{}
	for _, p := range h.patterns {
		_, path, _ := strings.Cut(p, " ")
		served[path] = true
	}
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	})
	for _, path := range unsupportedRoutes {
		if served[path] {
			continue
		}
		// OPTIONS too: left to the mux, it is a 405 whose Allow names
		// the methods registered here.
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
			h.mux.Handle(m+" "+path, notFound)
		}
	}
}
