package httpadapter_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKeyIDsInAnyCase: a key id on the URI is a UUID in any case, as every
// other id (docs/DECISIONS.md): GET and DELETE find the key that
// POST /api/key/generate/{id} stored lower-cased.
func TestKeyIDsInAnyCase(t *testing.T) {
	w := newTokenWorld(t)
	const id = "0a1b2c3d-0000-4000-8000-00000000abcd"
	upper := strings.ToUpper(id)
	r := w.do("POST", "/api/key/generate/"+upper, `{"key":{"algorithm":"ES256","name":"cased"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Contains(t, r.Body, `"id":"`+id+`"`)

	r = w.do("GET", "/api/key/"+upper, "")
	require.Equal(t, http.StatusOK, r.Code, "GET by the upper-case id")
	assert.Contains(t, r.Body, `"id":"`+id+`"`)

	// The tenant's key is in use whatever the case of the id that names it.
	w.login()
	tenant, err := w.store.GetTenant(w.ctx, w.tenant.ID)
	require.NoError(t, err)
	r = w.do("DELETE", "/api/key/"+strings.ToUpper(tenant.JWTConfiguration.AccessTokenKeyID), "")
	require.Equal(t, http.StatusBadRequest, r.Code, r.Body)
	assert.Equal(t, []string{"[KeyInUse]"}, r.errors(t).Codes())

	r = w.do("DELETE", "/api/key/"+upper, "")
	require.Equal(t, http.StatusOK, r.Code, "DELETE by the upper-case id")
	r = w.do("GET", "/api/key/"+id, "")
	assert.Equal(t, http.StatusNotFound, r.Code, "the key is gone")
}
