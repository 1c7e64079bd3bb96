package multistore_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
)

// Strings no store can keep as sent get a 400 on every store, PostgreSQL
// (whose text type refuses U+0000) included, never a 500.
func TestUnstorableStringsOnEveryStore(t *testing.T) {
	requests := []struct{ method, path, body string }{
		{"POST", "/api/tenant", `{"tenant":{"name":"nul\u0000tenant"}}`},
		{"PUT", "/api/integration", `{"integrations":{"kafka":{"producer":{"k":"a\u0000b"}}}}`},
		{"POST", "/api/user", `{"user":{"email":"nul@example.com","firstName":"a\u0000b"}}`},
		{"POST", "/api/user", `{"user":{"username":"nul\u0000user"}}`},
		{"POST", "/api/application", `{"application":{"name":"nul\u0000app"}}`},
		{"POST", "/api/application", "{\"application\":{\"name\":\"bad \xc3\x28 utf-8\"}}"},
		{"GET", "/api/user?username=a%00b", ``},
		{"GET", "/api/user?email=a%00b", ``},
	}
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			e, err := authcore.New(ctx, k.open(t)(t), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			require.NoError(t, err)
			_, key, err := e.CreateAPIKey(ctx, authcore.NewAPIKey{})
			require.NoError(t, err)
			h, err := httpadapter.New(e)
			require.NoError(t, err)
			for _, rq := range requests {
				req := httptest.NewRequest(rq.method, rq.path, strings.NewReader(rq.body))
				req.Header.Set("Authorization", key)
				if rq.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				assert.Equal(t, http.StatusBadRequest, rec.Code, "%s %s: %s", rq.method, rq.path, rec.Body)
			}
		})
	}
}
