package authcore_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tenantReadHook runs hook once, after the first read of a tenant made
// outside a transaction: the moment a check-then-act on that tenant can be
// overtaken by another request.
type tenantReadHook struct {
	authcore.Store
	hook func()
}

func (s *tenantReadHook) GetTenant(ctx context.Context, id string) (*authcore.Tenant, error) {
	t, err := s.Store.GetTenant(ctx, id)
	if h := s.hook; h != nil {
		s.hook = nil
		h()
	}
	return t, err
}

// A key locked to a tenant that is deleted while the key is created must not
// survive the tenant: it would outlive the cascade that revokes locked keys,
// and reach whatever tenant is later created with the same id.
func TestCreateAPIKeyRacingDeleteTenantLeavesNoOrphan(t *testing.T) {
	ctx := context.Background()
	store := &tenantReadHook{Store: memstore.New()}
	e, err := authcore.New(ctx, store, authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	tn, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "doomed"})
	require.NoError(t, err)

	store.hook = func() { require.NoError(t, e.DeleteTenant(ctx, tn.ID)) }
	_, _, _ = e.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: tn.ID})
	store.hook = nil
	if _, err := e.Tenant(ctx, tn.ID); err == nil {
		require.NoError(t, e.DeleteTenant(ctx, tn.ID)) // the delete did not interleave: delete now
	}

	keys, err := e.ListAPIKeys(ctx)
	require.NoError(t, err)
	for _, k := range keys {
		assert.NotEqual(t, tn.ID, k.TenantID, "an API key is locked to the deleted tenant %s", tn.ID)
	}

	// A tenant created again with that id must not be reachable by such a key.
	_, err = e.CreateTenant(ctx, tn.ID, authcore.Tenant{Name: "reborn"})
	require.NoError(t, err)
	keys, err = e.ListAPIKeys(ctx)
	require.NoError(t, err)
	for _, k := range keys {
		assert.NotEqual(t, tn.ID, k.TenantID, "a key of the deleted tenant reaches the new one")
	}
}
