package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

type tenantLocker interface {
	LockTenantLinks(ctx context.Context, tenantID string) error
	LockTenantUsers(ctx context.Context, tenantID string) error
	LockTenantTokens(ctx context.Context, tenantID string) error
	LockApplicationTokens(ctx context.Context, applicationID string) error
}

// On PostgreSQL a tenant's delete locks the tenant's links, refresh tokens
// and users, and an application's delete the application's tokens, before
// the tenant or the application (authcore's DeleteTenant and
// DeleteApplication): a transaction that holds them waits, and one that
// holds another tenant's or application's does not.
func TestPostgresTenantAndApplicationLocks(t *testing.T) {
	s := open(t, freshPostgres(t))
	ctx := context.Background()
	require.NoError(t, s.CreateIdentityProvider(ctx, &authcore.IdentityProviderRecord{ID: "idp", Type: "Twitter", Document: []byte(`{}`)}))
	for _, tn := range []string{"t", "o"} {
		require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: tn, Name: tn}))
		for _, app := range []string{tn + "-a", tn + "-b"} {
			require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: app, TenantID: tn, Name: app, Active: true}))
		}
		require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: tn + "-u", TenantID: tn, Email: tn + "@example.com", Active: true}))
		require.NoError(t, s.CreateLink(ctx, &authcore.IdentityProviderLink{TenantID: tn, UserID: tn + "-u", IdentityProviderID: "idp", IdentityProviderUserID: tn + "-x"}))
		for _, app := range []string{tn + "-a", tn + "-b"} {
			require.NoError(t, s.CreateRefreshToken(ctx, &authcore.RefreshToken{ID: app + "-token", TokenHash: []byte("hash-" + app), UserID: tn + "-u",
				ApplicationID: app, TenantID: tn, ExpirationInstant: 1 << 50}))
		}
	}
	readToken := func(id string) func(ctx context.Context, tx authcore.Store) error {
		return func(ctx context.Context, tx authcore.Store) error {
			_, err := tx.GetRefreshToken(ctx, id)
			return err
		}
	}
	readLinks := func(user string) func(ctx context.Context, tx authcore.Store) error {
		return func(ctx context.Context, tx authcore.Store) error {
			_, err := tx.ListLinks(ctx, user, "")
			return err
		}
	}

	t.Run("tenant", func(t *testing.T) {
		holder := holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.(tenantLocker).LockTenantLinks(ctx, "t"); err != nil {
				return err
			}
			return tx.(tenantLocker).LockTenantTokens(ctx, "t")
		})
		requireDone(t, inTx(s, readToken("o-a-token")), "another tenant's token was locked")
		requireDone(t, inTx(s, readLinks("o-u")), "another tenant's link was locked")
		token := inTx(s, readToken("t-b-token"))
		requireWaitsForLock(t, s, "SELECT doc FROM refresh_tokens WHERE id", "the tenant's token was not locked")
		links := inTx(s, readLinks("t-u"))
		requireWaitsForLock(t, s, "SELECT doc FROM links WHERE user_id", "the tenant's link was not locked")
		require.NoError(t, holder.end())
		requireDone(t, token, "the token's read did not go on")
		requireDone(t, links, "the links' read did not go on")
	})

	t.Run("users", func(t *testing.T) {
		readUser := func(id string) func(ctx context.Context, tx authcore.Store) error {
			return func(ctx context.Context, tx authcore.Store) error {
				_, err := tx.GetUser(ctx, id)
				return err
			}
		}
		holder := holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
			return tx.(tenantLocker).LockTenantUsers(ctx, "t")
		})
		requireDone(t, inTx(s, readUser("o-u")), "another tenant's user was locked")
		user := inTx(s, readUser("t-u"))
		requireWaitsForLock(t, s, "SELECT doc FROM users WHERE id", "the tenant's user was not locked")
		require.NoError(t, holder.end())
		requireDone(t, user, "the user's read did not go on")
	})

	t.Run("application", func(t *testing.T) {
		holder := holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
			return tx.(tenantLocker).LockApplicationTokens(ctx, "t-a")
		})
		requireDone(t, inTx(s, readToken("t-b-token")), "another application's token was locked")
		token := inTx(s, readToken("t-a-token"))
		requireWaitsForLock(t, s, "SELECT doc FROM refresh_tokens WHERE id", "the application's token was not locked")
		require.NoError(t, holder.end())
		requireDone(t, token, "the token's read did not go on")
	})
}
