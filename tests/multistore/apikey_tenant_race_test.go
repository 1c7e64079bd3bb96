package multistore_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// deleteOnTenantRead deletes the tenant it is armed with right after the
// first read of it made outside a transaction.
type deleteOnTenantRead struct {
	authcore.Store
	armed func()
}

func (s *deleteOnTenantRead) GetTenant(ctx context.Context, id string) (*authcore.Tenant, error) {
	t, err := s.Store.GetTenant(ctx, id)
	if h := s.armed; h != nil {
		s.armed = nil
		h()
	}
	return t, err
}

// An API key locked to a tenant deleted while the key is created does not
// outlive the tenant on any store: it would reach a tenant created again
// with the same id.
func TestLockedKeyCreatedDuringTenantDeleteDoesNotSurvive(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			s := &deleteOnTenantRead{Store: k.open(t)(t)}
			e, err := authcore.New(ctx, s, authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			require.NoError(t, err)
			tn, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "doomed"})
			require.NoError(t, err)

			s.armed = func() { require.NoError(t, e.DeleteTenant(ctx, tn.ID)) }
			_, _, _ = e.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: tn.ID})
			s.armed = nil
			if _, err := e.Tenant(ctx, tn.ID); err == nil {
				require.NoError(t, e.DeleteTenant(ctx, tn.ID))
			}
			_, err = e.CreateTenant(ctx, tn.ID, authcore.Tenant{Name: "reborn"})
			require.NoError(t, err)

			keys, err := e.ListAPIKeys(ctx)
			require.NoError(t, err)
			for _, key := range keys {
				assert.NotEqual(t, tn.ID, key.TenantID, "a key locked to the deleted tenant reaches the one created with its id")
			}
		})
	}
}
