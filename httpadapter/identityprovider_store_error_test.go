package httpadapter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// lookupFailingStore makes the reads that validate a provider's
// configuration keys (an application, a tenant) fail inside a transaction:
// with err on the first `times` reads, then as the store answers.
type lookupFailingStore struct {
	authcore.Store
	err   error
	times int
	calls int
}

func (s *lookupFailingStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		return fn(ctx, &lookupFailingTx{Store: tx, parent: s})
	})
}

type lookupFailingTx struct {
	authcore.Store
	parent *lookupFailingStore
}

func (t *lookupFailingTx) fail() error {
	if t.parent.calls < t.parent.times {
		t.parent.calls++
		return t.parent.err
	}
	return nil
}

func (t *lookupFailingTx) GetApplication(ctx context.Context, id string) (*authcore.Application, error) {
	if err := t.fail(); err != nil {
		return nil, err
	}
	return t.Store.GetApplication(ctx, id)
}

func (t *lookupFailingTx) GetTenant(ctx context.Context, id string) (*authcore.Tenant, error) {
	if err := t.fail(); err != nil {
		return nil, err
	}
	return t.Store.GetTenant(ctx, id)
}

// A store that fails while the provider's application and tenant ids are
// checked did not say that they name nothing: the failure is the answer
// (a 409 the client may retry, a 500), never a 400 that tells the client
// its existing application is unknown. A conflict (PostgreSQL's deadlock
// or serialisation failure) is run again, as other read-modify-writes are.
func TestIdentityProviderStoreFailureIsNotAnInvalidID(t *testing.T) {
	newFixture := func(t *testing.T, s *lookupFailingStore) *fixture {
		t.Helper()
		mem := memstore.New()
		s.Store = mem
		f := newFixtureOn(t, s, mem, nil)
		ctx := context.Background()
		require.NoError(t, mem.CreateTenant(ctx, &authcore.Tenant{ID: seedTenant, Name: "seed tenant"}))
		require.NoError(t, mem.CreateApplication(ctx, &authcore.Application{ID: seedAppID, TenantID: seedTenant, Name: "seed app", Active: true}))
		return f
	}
	writes := []struct{ name, method, body string }{
		{"create", "POST", seedIdPRequest},
		{"update", "PUT", seedIdPRequest},
		{"patch", "PATCH", `{"identityProvider":{"debug":true}}`},
	}
	for _, w := range writes {
		t.Run(w.name+", conflict then success", func(t *testing.T) {
			s := &lookupFailingStore{err: authcore.ErrConflict}
			f := newFixture(t, s)
			if w.method != "POST" {
				require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
			}
			s.calls, s.times = 0, 1
			r := f.do(w.method, "/api/identity-provider/"+twitterID, w.body)
			assert.Equal(t, 200, r.Code, r.Body)
			assert.Equal(t, 1, s.calls, "the failure was met")
		})
		t.Run(w.name+", store failure", func(t *testing.T) {
			s := &lookupFailingStore{err: errInjected}
			f := newFixture(t, s)
			var before string
			if w.method != "POST" {
				require.Equal(t, 200, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
				before = f.do("GET", "/api/identity-provider/"+twitterID, "").Body
			}
			s.calls, s.times = 0, 1<<30
			r := f.do(w.method, "/api/identity-provider/"+twitterID, w.body)
			assert.Equal(t, 500, r.Code, r.Body)
			assert.Empty(t, r.Body)
			g := f.do("GET", "/api/identity-provider/"+twitterID, "")
			if w.method == "POST" {
				assert.Equal(t, 404, g.Code, "nothing stored")
			} else {
				assert.JSONEq(t, before, g.Body, "nothing changed")
			}
		})
	}
}
