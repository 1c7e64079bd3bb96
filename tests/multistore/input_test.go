package multistore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
		{"GET", "/api/user?username=%C3%28", ``},
		{"GET", "/api/identity-provider/link?identityProviderId=45bb233c-0901-4236-b5ca-ac46e2e0a5a5&identityProviderUserId=%C3%28", ``},
		{"GET", "/api/identity-provider/link?identityProviderId=45bb233c-0901-4236-b5ca-ac46e2e0a5a5&identityProviderUserId=%ff&userId=01a2088a-109c-7e53-b468-a93ac49af593", ``},
		{"DELETE", "/api/identity-provider/link?identityProviderId=45bb233c-0901-4236-b5ca-ac46e2e0a5a5&identityProviderUserId=%C3%28&userId=01a2088a-109c-7e53-b468-a93ac49af593", ``},
		// Over PostgreSQL's limit on an index entry, unless refused first.
		{"POST", "/api/tenant", `{"tenant":{"name":"` + incompressible(6000) + `"}}`},
		{"POST", "/api/user", `{"user":{"username":"` + incompressible(6000) + `"}}`},
		{"POST", "/api/user", `{"user":{"email":"a@` + incompressible(6000) + `.example.com"}}`},
		{"POST", "/api/identity-provider/link", `{"identityProviderLink":{"identityProviderId":"45bb233c-0901-4236-b5ca-ac46e2e0a5a5","identityProviderUserId":"` + incompressible(6000) + `","userId":"01a2088a-109c-7e53-b468-a93ac49af593"}}`},
		{"POST", "/api/identity-provider/link", `{"identityProviderLink":{"identityProviderId":"` + incompressible(6000) + `","identityProviderUserId":"tw","userId":"01a2088a-109c-7e53-b468-a93ac49af593"}}`},
		{"POST", "/api/identity-provider/link", `{"identityProviderLink":{"identityProviderId":"nul\u0000idp","identityProviderUserId":"tw","userId":"01a2088a-109c-7e53-b468-a93ac49af593"}}`},
		{"POST", "/api/identity-provider/link", `{"identityProviderLink":{"identityProviderId":"45bb233c-0901-4236-b5ca-ac46e2e0a5a5","identityProviderUserId":"nul\u0000tw","userId":"01a2088a-109c-7e53-b468-a93ac49af593"}}`},
		{"POST", "/api/identity-provider/link", `{"pendingIdPLinkId":"nul\u0000pending","identityProviderLink":{"userId":"01a2088a-109c-7e53-b468-a93ac49af593"}}`},
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

// incompressible is n random hex digits: PostgreSQL cannot shrink them to
// fit an index entry, as it would a run of one letter.
func incompressible(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
