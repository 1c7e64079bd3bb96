package httpadapter

import (
	"net/http"
	"slices"
	"strings"
)

// shadowedMethods answers 405 for a method a literal route lacks when a
// sibling route with a wildcard has it. Without this, GET
// /api/identity-provider/login would reach GET /api/identity-provider/{id}
// and be answered 400 ("login" is no UUID), where the API answers a method
// a known route does not take with 405 and Allow (SPEC §1), as the mux does
// for every other route.
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
		taken := map[string]bool{}
		for _, m := range own {
			taken[m] = true
		}
		for other, theirs := range methods {
			odir, last := splitLast(other)
			if odir != dir || !strings.HasPrefix(last, "{") {
				continue
			}
			for _, m := range theirs {
				if !taken[m] {
					taken[m] = true
					h.mux.Handle(m+" "+path, refuse)
				}
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
