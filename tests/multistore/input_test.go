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
			_, h, key := apiHandler(t, k)
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

// A pending link's id on the URI is any text, but no pending link has one
// that is no UUID: such an id is an empty 404 on every store, as an unknown
// one is. PostgreSQL failed the lookup of an id holding U+0000 or bytes
// that are not UTF-8, and the route answered 500. The Go API answers the
// same: not found, and [InvalidPendingIdPLinkId] for a completion.
func TestPendingLinkIdThatIsNoUUIDOnEveryStore(t *testing.T) {
	const user = "01a2088a-109c-7e53-b468-a93ac49af593"
	paths := []string{
		"/api/identity-provider/link/pending/%00",
		"/api/identity-provider/link/pending/a%00b",
		"/api/identity-provider/link/pending/%C3%28",
		"/api/identity-provider/link/pending/a%00b?userId=" + user,
		"/api/identity-provider/link/pending/not-a-uuid",
	}
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			e, h, key := apiHandler(t, k)
			ctx := context.Background()
			for _, path := range paths {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Authorization", key)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				assert.Equal(t, http.StatusNotFound, rec.Code, "GET %s: %s", path, rec.Body)
				assert.Empty(t, rec.Body.String(), path)
			}

			for _, id := range []string{"a\x00b", "\xc3\x28"} {
				_, err := e.PendingLink(ctx, id, "")
				assert.ErrorIs(t, err, authcore.ErrNotFound, "%q", id)
				_, err = e.CreateLink(ctx, authcore.LinkRequest{PendingIdPLinkID: id, UserID: user})
				var v *authcore.ValidationError
				require.ErrorAs(t, err, &v, "%q", id)
				assert.Equal(t, []string{"[InvalidPendingIdPLinkId]"}, v.Codes(), "%q", id)
			}
		})
	}
}

// apiHandler is a fresh engine on a fresh store of kind k, its HTTP API
// and an API key for it.
func apiHandler(t *testing.T, k storeKind) (*authcore.Engine, http.Handler, string) {
	ctx := context.Background()
	e, err := authcore.New(ctx, k.open(t)(t), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	_, key, err := e.CreateAPIKey(ctx, authcore.NewAPIKey{})
	require.NoError(t, err)
	h, err := httpadapter.New(e)
	require.NoError(t, err)
	return e, h, key
}
