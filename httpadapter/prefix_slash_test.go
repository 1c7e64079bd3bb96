package httpadapter_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/store/memstore"
)

// TestMountedWithTrailingSlashPrefix: http.StripPrefix("/auth/", h), the
// form http.FileServer is usually mounted with, hands the handler paths
// without their leading slash ("api/integration"). The handler answered 404
// to every such request, so the API mounted that way was silently absent.
// It now takes the path as rooted, as http.FileServer does; what it answers
// is then what the "/auth" mount answers.
func TestMountedWithTrailingSlashPrefix(t *testing.T) {
	ctx := t.Context()
	engine, err := authcore.New(ctx, memstore.New(), authcore.WithLogger(quietLogger()))
	require.NoError(t, err)
	_, key, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{})
	require.NoError(t, err)
	api, err := httpadapter.New(engine)
	require.NoError(t, err)
	withSlash, without := http.NewServeMux(), http.NewServeMux()
	withSlash.Handle("/auth/", http.StripPrefix("/auth/", api))
	without.Handle("/auth/", http.StripPrefix("/auth", api))

	for _, tc := range []struct {
		method, path, key string
		status            int
	}{
		{"GET", "/auth/api/integration", key, http.StatusOK},
		{"GET", "/auth/api/integration", "", http.StatusUnauthorized},
		{"GET", "/auth/.well-known/jwks.json", "", http.StatusOK},
		{"GET", "/auth/api/nothing-here", key, http.StatusNotFound},
		{"DELETE", "/auth/api/integration", key, http.StatusMethodNotAllowed},
	} {
		serve := func(mux *http.ServeMux) *httptest.ResponseRecorder {
			req := httptest.NewRequest(tc.method, "/", nil)
			req.URL.Path = tc.path // as sent, uncleaned
			if tc.key != "" {
				req.Header.Set("Authorization", tc.key)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			return rec
		}
		got, want := serve(withSlash), serve(without)
		assert.Equal(t, tc.status, want.Code, "%s %s under StripPrefix(\"/auth\")", tc.method, tc.path)
		assert.Equal(t, tc.status, got.Code, "%s %s under StripPrefix(\"/auth/\")", tc.method, tc.path)
		assert.Equal(t, want.Body.String(), got.Body.String(), "%s %s", tc.method, tc.path)
		assert.Equal(t, want.Header().Get("Allow"), got.Header().Get("Allow"), "%s %s", tc.method, tc.path)
	}
}
