package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

type moderationLocker interface {
	LockUserModerationItems(ctx context.Context, userID string) error
	LockTenantModerationItems(ctx context.Context, tenantID string) error
}

// On PostgreSQL a user's delete locks the user's moderation items, and a
// tenant's delete those of its users, before the users (authcore's
// DeleteUser and DeleteTenant): a transaction that holds one waits, and
// one that holds another user's or tenant's does not.
func TestPostgresModerationItemLocks(t *testing.T) {
	s := open(t, freshPostgres(t))
	ctx := context.Background()
	for _, tn := range []string{"t", "o"} {
		require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: tn, Name: tn}))
		for _, u := range []string{tn + "-u", tn + "-v"} {
			require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: u, TenantID: tn, Email: u + "@example.com", Active: true}))
			require.NoError(t, s.PutModerationItem(ctx, &authcore.ModerationItem{ContentID: u + "-item", TenantID: tn, UserID: u, Username: u}))
		}
	}
	readItem := func(contentID string) func(ctx context.Context, tx authcore.Store) error {
		return func(ctx context.Context, tx authcore.Store) error {
			_, err := tx.GetModerationItem(ctx, contentID)
			return err
		}
	}

	t.Run("user", func(t *testing.T) {
		holder := holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
			return tx.(moderationLocker).LockUserModerationItems(ctx, "t-u")
		})
		requireDone(t, inTx(s, readItem("t-v-item")), "another user's item was locked")
		item := inTx(s, readItem("t-u-item"))
		requireWaitsForLock(t, s, "SELECT doc FROM moderation_items WHERE content_id", "the user's item was not locked")
		require.NoError(t, holder.end())
		requireDone(t, item, "the item's read did not go on")
	})

	t.Run("tenant", func(t *testing.T) {
		holder := holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
			return tx.(moderationLocker).LockTenantModerationItems(ctx, "t")
		})
		requireDone(t, inTx(s, readItem("o-u-item")), "another tenant's item was locked")
		item := inTx(s, readItem("t-v-item"))
		requireWaitsForLock(t, s, "SELECT doc FROM moderation_items WHERE content_id", "the tenant's item was not locked")
		require.NoError(t, holder.end())
		requireDone(t, item, "the item's read did not go on")
	})
}

type registrationModerationLocker interface {
	LockRegistrationModerationItems(ctx context.Context, userID, applicationID string) error
}

// On PostgreSQL a registration's delete locks the registration's moderation
// items before the user (authcore's DeleteRegistration): a transaction that
// holds one waits, and one that holds another registration's or the user's
// own does not.
func TestPostgresRegistrationModerationItemLocks(t *testing.T) {
	s := open(t, freshPostgres(t))
	ctx := context.Background()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "t"}))
	for _, a := range []string{"a", "b"} {
		require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: a, TenantID: "t", Name: a, Active: true}))
	}
	for _, u := range []string{"u", "v"} {
		require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: u, TenantID: "t", Email: u + "@example.com", Active: true}))
		require.NoError(t, s.PutModerationItem(ctx, &authcore.ModerationItem{ContentID: u + "-item", TenantID: "t", UserID: u, Username: u}))
		for _, a := range []string{"a", "b"} {
			require.NoError(t, s.CreateRegistration(ctx, &authcore.UserRegistration{ID: u + "-" + a, UserID: u, ApplicationID: a}))
			require.NoError(t, s.PutModerationItem(ctx, &authcore.ModerationItem{ContentID: u + "-" + a + "-item", TenantID: "t", UserID: u, ApplicationID: a, Username: u + a}))
		}
	}
	readItem := func(contentID string) func(ctx context.Context, tx authcore.Store) error {
		return func(ctx context.Context, tx authcore.Store) error {
			_, err := tx.GetModerationItem(ctx, contentID)
			return err
		}
	}

	holder := holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
		return tx.(registrationModerationLocker).LockRegistrationModerationItems(ctx, "u", "a")
	})
	for _, other := range []string{"u-b-item", "v-a-item", "u-item"} {
		requireDone(t, inTx(s, readItem(other)), other+" was locked")
	}
	item := inTx(s, readItem("u-a-item"))
	requireWaitsForLock(t, s, "SELECT doc FROM moderation_items WHERE content_id", "the registration's item was not locked")
	require.NoError(t, holder.end())
	requireDone(t, item, "the item's read did not go on")
}
