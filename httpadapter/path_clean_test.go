package httpadapter_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A path that is not canonical (a double slash, a dot segment) names no
// route: 404, empty (SPEC §0, §1). The mux would answer 307 with an HTML
// body and a Location that drops the prefix the handler is mounted under,
// so a client following it re-sends its API key and body to a path outside
// the API. (An outer http.ServeMux cleans the path before the handler sees
// it; a router that does not, or StripPrefix alone, passes it through.)
func TestNonCanonicalPathsAreNotFound(t *testing.T) {
	f := newFixture(t)
	f.handler = http.StripPrefix("/auth", f.handler)
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/auth/api//integration", ""},
		{"PUT", "/auth/api//integration", `{"integrations":{}}`},
		{"POST", "/auth/api/./user", `{}`},
		{"GET", "/auth/api/user/../integration", ""},
		{"GET", "/auth/api//nothing", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := f.do(tc.method, tc.path, tc.body)
			assert.Equal(t, http.StatusNotFound, r.Code)
			assert.Empty(t, r.Header.Get("Location"))
			assert.Empty(t, r.Header.Get("Content-Type"))
			assert.Empty(t, r.Body)
		})
	}
}
