package authcore_test

import (
	"context"
	"crypto/rand"
	"sync"
	"sync/atomic"

	"github.com/authcore/authcore/authcore"
)

// faultPlan makes the nth call of one store method, counted from arm across
// the store and its transactions, fail with err: the store failures of the
// functions split into steps, each answered with the store's own error.
type faultPlan struct {
	mu     sync.Mutex
	method string
	nth    int
	calls  int
	err    error
	hit    bool
}

func (p *faultPlan) arm(method string, nth int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.method, p.nth, p.calls, p.err, p.hit = method, nth, 0, err, false
}

func (p *faultPlan) fail(method string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if method != p.method {
		return nil
	}
	p.calls++
	if p.calls != p.nth {
		return nil
	}
	p.hit = true
	return p.err
}

// injected says whether the armed call was made.
func (p *faultPlan) injected() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hit
}

// planStore is a store, or one of its transactions, that follows a
// faultPlan. Its transactions lock nothing (memstore runs one at a time)
// but take the lock calls sqlstore takes on PostgreSQL, so that their
// failures are reached too.
type planStore struct {
	authcore.Store
	p *faultPlan
}

func newPlanStore(s authcore.Store) planStore { return planStore{Store: s, p: &faultPlan{}} }

func (s planStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		return fn(ctx, planStore{Store: tx, p: s.p})
	})
}

func (s planStore) GetUser(ctx context.Context, id string) (*authcore.User, error) {
	if err := s.p.fail("GetUser"); err != nil {
		return nil, err
	}
	return s.Store.GetUser(ctx, id)
}

func (s planStore) GetApplication(ctx context.Context, id string) (*authcore.Application, error) {
	if err := s.p.fail("GetApplication"); err != nil {
		return nil, err
	}
	return s.Store.GetApplication(ctx, id)
}

func (s planStore) GetTenant(ctx context.Context, id string) (*authcore.Tenant, error) {
	if err := s.p.fail("GetTenant"); err != nil {
		return nil, err
	}
	return s.Store.GetTenant(ctx, id)
}

func (s planStore) ListTenants(ctx context.Context) ([]*authcore.Tenant, error) {
	if err := s.p.fail("ListTenants"); err != nil {
		return nil, err
	}
	return s.Store.ListTenants(ctx)
}

func (s planStore) DeleteTenant(ctx context.Context, id string) error {
	if err := s.p.fail("DeleteTenant"); err != nil {
		return err
	}
	return s.Store.DeleteTenant(ctx, id)
}

func (s planStore) ListApplications(ctx context.Context, tenantID string) ([]*authcore.Application, error) {
	if err := s.p.fail("ListApplications"); err != nil {
		return nil, err
	}
	return s.Store.ListApplications(ctx, tenantID)
}

func (s planStore) GetRegistration(ctx context.Context, userID, applicationID string) (*authcore.UserRegistration, error) {
	if err := s.p.fail("GetRegistration"); err != nil {
		return nil, err
	}
	return s.Store.GetRegistration(ctx, userID, applicationID)
}

func (s planStore) ListIdentityProviders(ctx context.Context) ([]*authcore.IdentityProviderRecord, error) {
	if err := s.p.fail("ListIdentityProviders"); err != nil {
		return nil, err
	}
	return s.Store.ListIdentityProviders(ctx)
}

func (s planStore) ListAPIKeys(ctx context.Context) ([]*authcore.APIKey, error) {
	if err := s.p.fail("ListAPIKeys"); err != nil {
		return nil, err
	}
	return s.Store.ListAPIKeys(ctx)
}

func (s planStore) DeleteAPIKey(ctx context.Context, id string) error {
	if err := s.p.fail("DeleteAPIKey"); err != nil {
		return err
	}
	return s.Store.DeleteAPIKey(ctx, id)
}

func (s planStore) GetKey(ctx context.Context, id string) (*authcore.SigningKey, error) {
	if err := s.p.fail("GetKey"); err != nil {
		return nil, err
	}
	return s.Store.GetKey(ctx, id)
}

func (s planStore) GetRefreshToken(ctx context.Context, id string) (*authcore.RefreshToken, error) {
	if err := s.p.fail("GetRefreshToken"); err != nil {
		return nil, err
	}
	return s.Store.GetRefreshToken(ctx, id)
}

func (s planStore) GetRefreshTokenByHash(ctx context.Context, hash []byte, previous bool) (*authcore.RefreshToken, error) {
	if err := s.p.fail("GetRefreshTokenByHash"); err != nil {
		return nil, err
	}
	return s.Store.GetRefreshTokenByHash(ctx, hash, previous)
}

func (s planStore) ListRefreshTokens(ctx context.Context, userID string) ([]*authcore.RefreshToken, error) {
	if err := s.p.fail("ListRefreshTokens"); err != nil {
		return nil, err
	}
	return s.Store.ListRefreshTokens(ctx, userID)
}

func (s planStore) UpdateRefreshToken(ctx context.Context, t *authcore.RefreshToken) error {
	if err := s.p.fail("UpdateRefreshToken"); err != nil {
		return err
	}
	return s.Store.UpdateRefreshToken(ctx, t)
}

func (s planStore) DeleteRefreshTokens(ctx context.Context, id, userID, applicationID string) (int, error) {
	if err := s.p.fail("DeleteRefreshTokens"); err != nil {
		return 0, err
	}
	return s.Store.DeleteRefreshTokens(ctx, id, userID, applicationID)
}

func (s planStore) LockApplicationTokens(context.Context, string) error {
	return s.p.fail("LockApplicationTokens")
}

func (s planStore) LockTenantTokens(context.Context, string) error {
	return s.p.fail("LockTenantTokens")
}

func (s planStore) LockTenantLinks(context.Context, string) error {
	return s.p.fail("LockTenantLinks")
}

func (s planStore) LockTenantModerationItems(context.Context, string) error {
	return s.p.fail("LockTenantModerationItems")
}

func (s planStore) LockTenantUsers(context.Context, string) error {
	return s.p.fail("LockTenantUsers")
}

// switchReader is crypto/rand until it is switched off, then fails.
type switchReader struct{ off atomic.Bool }

func (r *switchReader) Read(b []byte) (int, error) {
	if r.off.Load() {
		return 0, errInjected
	}
	return rand.Read(b)
}

func (s planStore) UpdateIdentityProvider(ctx context.Context, r *authcore.IdentityProviderRecord) error {
	if err := s.p.fail("UpdateIdentityProvider"); err != nil {
		return err
	}
	return s.Store.UpdateIdentityProvider(ctx, r)
}
