package sqlstore_test

import (
	"context"
	"testing"
	"time"

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

	holding, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			if _, err := tx.(applicationSharer).GetApplicationShared(ctx, "a"); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding

	// Another shared read does not wait for the first: it commits while the
	// first still holds its lock.
	second := make(chan error, 1)
	go func() {
		second <- s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			_, err := tx.(applicationSharer).GetApplicationShared(ctx, "a")
			return err
		})
	}()
	select {
	case err := <-second:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		close(release)
		t.Fatal("a second shared read waited for the first")
	}

	// A read for a change waits: PostgreSQL reports its backend waiting on
	// a lock until the shared holder ends.
	changer := make(chan error, 1)
	go func() {
		changer <- s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			_, err := tx.GetApplication(ctx, "a")
			return err
		})
	}()
	waiting := func() bool {
		var n int
		err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'SELECT doc FROM applications%FOR UPDATE'`).Scan(&n)
		return err == nil && n == 1
	}
	require.Eventually(t, waiting, 30*time.Second, 5*time.Millisecond, "the FOR UPDATE read never waited for the shared lock")
	select {
	case err := <-changer:
		t.Fatalf("the read for a change ended while the shared lock was held: %v", err)
	default:
	}
	close(release)
	require.NoError(t, <-first)
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

	holding, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			if _, err := tx.(providerSharer).GetIdentityProviderShared(ctx, "idp"); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding

	inserted := make(chan error, 1)
	go func() {
		inserted <- s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			return tx.CreateLink(ctx, &authcore.IdentityProviderLink{TenantID: "t", IdentityProviderID: "idp", IdentityProviderUserID: "tw", UserID: "u"})
		})
	}()
	select {
	case err := <-inserted:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		close(release)
		t.Fatal("a link's insert waited for the shared read of its provider")
	}

	deleted := make(chan error, 1)
	go func() {
		deleted <- s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			return tx.DeleteIdentityProvider(ctx, "idp")
		})
	}()
	waiting := func() bool {
		var n int
		err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM identity_providers%'`).Scan(&n)
		return err == nil && n == 1
	}
	require.Eventually(t, waiting, 30*time.Second, 5*time.Millisecond, "the provider's delete never waited for the shared lock")
	select {
	case err := <-deleted:
		t.Fatalf("the delete ended while the shared lock was held: %v", err)
	default:
	}
	close(release)
	require.NoError(t, <-first)
	require.NoError(t, <-deleted)
}
