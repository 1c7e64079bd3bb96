package authcore_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// sharingStore hands its transactions a GetApplicationShared, as sqlstore's
// do, and counts the calls.
type sharingStore struct {
	*memstore.Store
	shared atomic.Int64
}

type sharingTx struct {
	authcore.Store
	s *sharingStore
}

func (t sharingTx) GetApplicationShared(ctx context.Context, id string) (*authcore.Application, error) {
	t.s.shared.Add(1)
	return t.Store.GetApplication(ctx, id)
}

func (s *sharingStore) InTx(ctx context.Context, fn func(ctx context.Context, tx authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		return fn(ctx, sharingTx{Store: tx, s: s})
	})
}

// A first login reads its application's default roles with the store's
// shared read where it has one (on PostgreSQL FOR SHARE, so first logins of
// one application do not commit in turn), and a repeat login not at all.
func TestFirstLoginReadsDefaultRolesShared(t *testing.T) {
	s := &sharingStore{Store: memstore.New()}
	env := eventstest.New(t, s, eventstest.Options{})
	env.Account("901", "sharer", "sharer@example.com")
	resp := env.MustLogin("901")
	require.Equal(t, []string{"user"}, resp.User.Registrations[0].Roles)
	require.Equal(t, int64(1), s.shared.Load())
	env.MustLogin("901")
	require.Equal(t, int64(1), s.shared.Load(), "a repeat login has its registration")
}
