package httpadapter_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// FusionAuth routes that authcore does not serve answer like any other
// unsupported feature, 404 and empty, even where a served wildcard route
// would take the path: GET /api/user/search is no user id to refuse with
// 400.
func TestUnsupportedFusionAuthRoutes(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/user/search?queryString=*"},
		{"POST", "/api/user/search"},
		{"PUT", "/api/user/search"},
		{"POST", "/api/user/import"},
		{"DELETE", "/api/user/bulk?userId=b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"},
		{"POST", "/api/user/forgot-password"},
		{"POST", "/api/user/verify-email"},
		{"PUT", "/api/user/verify-registration"},
		{"GET", "/api/user/recent-login"},
		{"GET", "/api/user/action"},
		{"POST", "/api/user/comment"},
		{"GET", "/api/user/change-password?loginId=a"},
		{"POST", "/api/application/search"},
		{"POST", "/api/tenant/search"},
		{"GET", "/api/tenant/password-validation-rules"},
		{"POST", "/api/identity-provider/start"},
		{"POST", "/api/identity-provider/test"},
		{"PATCH", "/api/user/family"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := f.do(tc.method, tc.path, `{}`)
			r.empty(t, http.StatusNotFound)
		})
	}
	// The client's retrieveUserByVerificationId and
	// retrieveUserByChangePasswordId look a user up by an id of a flow
	// authcore lacks: no user has one, so 404, not a 400 saying no user
	// was named.
	for _, q := range []string{"verificationId=YkQY5Gsyo4RlfmDciBGRmvfj3RmatUqrbjoIZ19fmw4", "changePasswordId=3ZNxCaK0Dz8WrRBo4XlQ0jZCAr9sxzJHKeNNbjNPiQA"} {
		f.do("GET", "/api/user?"+q, "").empty(t, http.StatusNotFound)
	}
	// The served routes around them are unchanged.
	f.do("GET", "/api/user/b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e", "").empty(t, http.StatusNotFound)
	f.do("GET", "/api/user/x", "").codes(t, "[couldNotConvert]userId")
	assert.Equal(t, http.StatusOK, f.do("GET", "/api/identity-provider", "").Code)
}
