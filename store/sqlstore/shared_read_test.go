package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

type applicationSharer interface {
	GetApplicationShared(ctx context.Context, id string) (*authcore.Application, error)
}

// A first login reads its application's default roles with
// GetApplicationShared. On PostgreSQL that lock lets another such read
// through at once (first logins of one application commit side by side),
// while a read that locks for a change (GetApplication, FOR UPDATE, as a
// role change takes it) waits until the shared holder commits.
func TestPostgresSharedApplicationRead(t *testing.T) {
	s := open(t, freshPostgres(t))
	ctx := context.Background()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
	require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: "a", TenantID: "t", Name: "A", Active: true}))

	first := holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
		_, err := tx.(applicationSharer).GetApplicationShared(ctx, "a")
		return err
	})

	// Another shared read does not wait for the first: it commits while the
	// first still holds its lock.
	second := inTx(s, func(ctx context.Context, tx authcore.Store) error {
		_, err := tx.(applicationSharer).GetApplicationShared(ctx, "a")
		return err
	})
	requireDone(t, second, "a second shared read waited for the first")

	// A read for a change waits: PostgreSQL reports its backend waiting on
	// a lock until the shared holder ends.
	changer := inTx(s, func(ctx context.Context, tx authcore.Store) error {
		_, err := tx.GetApplication(ctx, "a")
		return err
	})
	requireWaitsForLock(t, s, "SELECT doc FROM applications%FOR UPDATE", "the FOR UPDATE read never waited for the shared lock")
	requireStillRunning(t, changer, "the read for a change ended while the shared lock was held")
	require.NoError(t, first.end())
	require.NoError(t, <-changer)
}

// On SQLite (one writer at a time) the shared read is GetApplication.
func TestSQLiteSharedApplicationRead(t *testing.T) {
	s := open(t, freshSQLite(t))
	ctx := context.Background()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
	require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: "a", TenantID: "t", Name: "A", Active: true}))
	require.NoError(t, s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		app, err := tx.(applicationSharer).GetApplicationShared(ctx, "a")
		require.NoError(t, err)
		require.Equal(t, "A", app.Name)
		_, err = tx.(applicationSharer).GetApplicationShared(ctx, "missing")
		require.ErrorIs(t, err, authcore.ErrNotFound)
		return nil
	}))
}

type providerSharer interface {
	GetIdentityProviderShared(ctx context.Context, id string) (*authcore.IdentityProviderRecord, error)
}

// Creating a link reads its provider with GetIdentityProviderShared before
// anything else. On PostgreSQL a link's insert (whose foreign key takes a
// key-share lock on the provider) goes through while that lock is held:
// with FOR UPDATE a login that held its user and inserted a link waited for
// the creation, which waited for the user. The provider's delete waits.
func TestPostgresSharedIdentityProviderRead(t *testing.T) {
	s := open(t, freshPostgres(t))
	ctx := context.Background()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
	require.NoError(t, s.CreateIdentityProvider(ctx, &authcore.IdentityProviderRecord{ID: "idp", Type: "Twitter", Document: []byte(`{}`)}))
	require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: "u", TenantID: "t", Email: "u@example.com", Active: true}))

	first := holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
		_, err := tx.(providerSharer).GetIdentityProviderShared(ctx, "idp")
		return err
	})

	inserted := inTx(s, func(ctx context.Context, tx authcore.Store) error {
		return tx.CreateLink(ctx, &authcore.IdentityProviderLink{TenantID: "t", IdentityProviderID: "idp", IdentityProviderUserID: "tw", UserID: "u"})
	})
	requireDone(t, inserted, "a link's insert waited for the shared read of its provider")

	deleted := inTx(s, func(ctx context.Context, tx authcore.Store) error {
		return tx.DeleteIdentityProvider(ctx, "idp")
	})
	requireWaitsForLock(t, s, "DELETE FROM identity_providers", "the provider's delete never waited for the shared lock")
	requireStillRunning(t, deleted, "the delete ended while the shared lock was held")
	require.NoError(t, first.end())
	require.NoError(t, <-deleted)
}
