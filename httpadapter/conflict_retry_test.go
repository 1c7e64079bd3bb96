package httpadapter_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/store/memstore"
)

// commitConflictStore runs each transaction in full on the wrapped store
// and then, while conflicts are left, ends it in ErrConflict instead of
// committing (the wrapped store rolls it back), as PostgreSQL does to a
// deadlock's victim. A write made on the store itself, outside InTx, fails
// the same way before it writes.
type commitConflictStore struct {
	authcore.Store
	mu   sync.Mutex
	left int
}

func (s *commitConflictStore) arm(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.left = n
}

func (s *commitConflictStore) conflict() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.left == 0 {
		return nil
	}
	s.left--
	return fmt.Errorf("injected: %w", authcore.ErrConflict)
}

func (s *commitConflictStore) CreateKey(ctx context.Context, k *authcore.SigningKey) error {
	if err := s.conflict(); err != nil {
		return err
	}
	return s.Store.CreateKey(ctx, k)
}

func (s *commitConflictStore) PutIntegrations(ctx context.Context, in *integration.Integrations) error {
	if err := s.conflict(); err != nil {
		return err
	}
	return s.Store.PutIntegrations(ctx, in)
}

func (s *commitConflictStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return s.conflict()
	})
}

const seedKeyID = "3d4e5f60-7182-4a3b-9c4d-5e6f708192a3"

const retryableConflictBody = `{"generalErrors":[{"code":"[retryableConflict]","message":"The request conflicted with a concurrent change. Retry it."}]}`

// Every write runs its transaction again after a lost race (SPEC §1
// Concurrency: a conflict is resolved, or answered 409, never half
// written). One conflict: the request succeeds. A conflict on every run:
// 409 with the Errors object's [retryableConflict], and what GET shows is
// unchanged.
func TestWritesRetryConflicts(t *testing.T) {
	app := "/api/application/" + seedAppID
	cases := []struct {
		name, method, path, body string
		status                   int
		get                      string // what the write changes
	}{
		{"application create", "POST", "/api/application/" + otherAppID, `{"application":{"name":"second"}}`, 200, "/api/application/" + otherAppID},
		{"application update", "PUT", app, `{"application":{"name":"renamed"}}`, 200, app},
		{"application patch", "PATCH", app, `{"application":{"name":"patched"}}`, 200, app},
		{"application delete", "DELETE", app + "?hardDelete=true", "", 200, app},
		{"key generate", "POST", "/api/key/generate/" + otherAppID, `{"key":{"algorithm":"HS256","name":"generated"}}`, 200, "/api/key/" + otherAppID},
		{"key import", "POST", "/api/key/import/" + otherAppID, `{"key":{"algorithm":"HS256","name":"imported","secret":"0123456789abcdef0123456789abcdef"}}`, 200, "/api/key/" + otherAppID},
		{"key delete", "DELETE", "/api/key/" + seedKeyID, "", 200, "/api/key/" + seedKeyID},
		{"tenant update", "PUT", "/api/tenant/" + seedTenant, `{"tenant":{"name":"renamed"}}`, 200, "/api/tenant/" + seedTenant},
		{"integrations update", "PUT", "/api/integration", `{"integrations":{"kafka":{"enabled":true,"defaultTopic":"events"}}}`, 200, "/api/integration"},
		{"integrations patch", "PATCH", "/api/integration", `{"integrations":{"kafka":{"enabled":true,"defaultTopic":"events"}}}`, 200, "/api/integration"},
	}
	for _, c := range cases {
		// Applications are a tenant's: with two tenants the request names
		// one. Keys are global, and refuse a tenant header.
		var headers []string
		if strings.HasPrefix(c.path, "/api/application") {
			headers = []string{"X-FusionAuth-TenantId", seedTenant}
		}
		setup := func(t *testing.T) (*fixture, *commitConflictStore) {
			t.Helper()
			mem := memstore.New()
			s := &commitConflictStore{Store: mem}
			f := newFixtureOn(t, s, mem, nil)
			require.NoError(t, mem.CreateTenant(context.Background(), &authcore.Tenant{ID: seedTenant, Name: "seed tenant"}))
			require.Equal(t, 200, f.do("POST", "/api/application/"+seedAppID, `{"application":{"name":"seed app","tenantId":"`+seedTenant+`"}}`).Code)
			require.Equal(t, 200, f.do("POST", "/api/key/generate/"+seedKeyID, `{"key":{"algorithm":"HS256","name":"seed key"}}`).Code)
			return f, s
		}
		t.Run(c.name+", one conflict", func(t *testing.T) {
			f, s := setup(t)
			before := f.do("GET", c.get, "")
			s.arm(1)
			r := f.do(c.method, c.path, c.body, headers...)
			assert.Equal(t, c.status, r.Code, r.Body)
			assert.NotEqual(t, before.Body, f.do("GET", c.get, "").Body, "the write took effect")
		})
		t.Run(c.name+", persistent conflict", func(t *testing.T) {
			f, s := setup(t)
			before := f.do("GET", c.get, "")
			s.arm(1 << 20)
			r := f.do(c.method, c.path, c.body, headers...)
			assert.Equal(t, 409, r.Code)
			assert.JSONEq(t, retryableConflictBody, r.Body)
			s.arm(0)
			after := f.do("GET", c.get, "")
			assert.Equal(t, before.Code, after.Code, "nothing written")
			assert.Equal(t, before.Body, after.Body, "nothing written")
		})
	}
}
