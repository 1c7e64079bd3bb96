package authcore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/validation"
)

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errInjected }

// A key generated from a source of randomness that fails is no key: the
// error is the source's, and nothing is stored.
func TestCreateAPIKeyRandomFails(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	e, err := authcore.New(ctx, s, authcore.WithRandom(failingReader{}), quiet())
	require.NoError(t, err)
	k, plain, err := e.CreateAPIKey(ctx, authcore.NewAPIKey{Name: "generated"})
	require.ErrorIs(t, err, errInjected)
	require.Nil(t, k)
	require.Empty(t, plain)
	keys, err := s.ListAPIKeys(ctx)
	require.NoError(t, err)
	require.Empty(t, keys)
}

// A copy of a key for every tenant may not be locked to one: a copy is for
// the tenant of the key it copies.
func TestCreateAPIKeyCopyForAnotherTenant(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	e, err := authcore.New(ctx, s, quiet())
	require.NoError(t, err)
	tenants, err := s.ListTenants(ctx)
	require.NoError(t, err)
	src, _, err := e.CreateAPIKey(ctx, authcore.NewAPIKey{Name: "global"})
	require.NoError(t, err)
	_, _, err = e.CreateAPIKey(ctx, authcore.NewAPIKey{SourceKeyID: src.ID, TenantID: tenants[0].ID})
	var verr *validation.Errors
	require.ErrorAs(t, err, &verr)
	require.Equal(t, map[string][]validation.Error{"apiKey.tenantId": {{Code: "[invalid]apiKey.tenantId", Message: "A copy of a key is for the tenant of the key it copies."}}}, verr.FieldErrors)
	keys, err := s.ListAPIKeys(ctx)
	require.NoError(t, err)
	require.Len(t, keys, 1)
}

// tenantReadFailingStore fails GetTenant in transactions while fail is set.
type tenantReadFailingStore struct {
	authcore.Store
	fail *atomic.Bool
}

func (s tenantReadFailingStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		return fn(ctx, tenantReadFailingStore{Store: tx, fail: s.fail})
	})
}

func (s tenantReadFailingStore) GetTenant(ctx context.Context, id string) (*authcore.Tenant, error) {
	if s.fail.Load() {
		return nil, errInjected
	}
	return s.Store.GetTenant(ctx, id)
}

// A store that fails to read the key's tenant fails the creation with its
// own error, not as a tenant that does not exist.
func TestCreateAPIKeyTenantReadFails(t *testing.T) {
	ctx := context.Background()
	base := memstore.New()
	var fail atomic.Bool
	e, err := authcore.New(ctx, tenantReadFailingStore{Store: base, fail: &fail}, quiet())
	require.NoError(t, err)
	tenants, err := base.ListTenants(ctx)
	require.NoError(t, err)
	fail.Store(true)
	_, _, err = e.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: tenants[0].ID})
	require.True(t, errors.Is(err, errInjected), "%v", err)
	var verr *validation.Errors
	require.False(t, errors.As(err, &verr))
	keys, err := base.ListAPIKeys(ctx)
	require.NoError(t, err)
	require.Empty(t, keys)
}
