package httpadapter

import (
	"net/http"
	"slices"
	"strings"
)

// shadowedMethods answers 405, with the literal route's own Allow, for a
// method a literal route lacks when it has a sibling route with a wildcard.
// Without this, GET /api/identity-provider/login would reach GET
// /api/identity-provider/{id} and be answered 400 ("login" is no UUID),
// where the API answers a method a known route does not take with 405 and
// Allow (SPEC §1), as the mux does for every other route.
func (h *Handler) shadowedMethods() {
	methods := map[string][]string{} // path -> methods
	for _, p := range h.patterns {
		method, path, _ := strings.Cut(p, " ")
		methods[path] = append(methods[path], method)
	}
	for path, own := range methods {
		if strings.Contains(path, "{") {
			continue
		}
		dir, _ := splitLast(path)
		refuse := methodNotAllowed(own)
		shadowed := false
		for other := range methods {
			odir, last := splitLast(other)
			if odir == dir && strings.HasPrefix(last, "{") {
				shadowed = true
				break
			}
		}
		if !shadowed {
			continue
		}
		// Every method the path does not take, not only the wildcard's:
		// for one with no pattern at all (OPTIONS, say), the mux builds
		// its Allow from every pattern matching the path, the wildcard's
		// and these 405s included.
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
			if !slices.Contains(own, m) {
				h.mux.Handle(m+" "+path, refuse)
			}
		}
	}
}

func splitLast(path string) (dir, last string) {
	i := strings.LastIndexByte(path, '/')
	return path[:i], path[i+1:]
}

// methodNotAllowed is the mux's own 405: no body, Allow listing the
// route's methods (HEAD with GET).
func methodNotAllowed(own []string) http.Handler {
	var allow []string
	for _, m := range own {
		allow = append(allow, m)
		if m == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
	}
	slices.Sort(allow)
	header := strings.Join(slices.Compact(allow), ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", header)
		w.WriteHeader(http.StatusMethodNotAllowed)
	})
}
