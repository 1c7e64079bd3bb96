package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

type unlockedLinkLister interface {
	ListLinksUnlocked(ctx context.Context, userID, providerID string) ([]*authcore.IdentityProviderLink, error)
}

// linkFixture stores a user with two links, to providers idp and idp2.
func linkFixture(t *testing.T, s authcore.Store) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
	require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: "u", TenantID: "t", Email: "u@example.com", Active: true}))
	for _, id := range []string{"idp", "idp2"} {
		require.NoError(t, s.CreateIdentityProvider(ctx, &authcore.IdentityProviderRecord{ID: id, Type: "Twitter", Document: []byte(`{}`)}))
		require.NoError(t, s.CreateLink(ctx, &authcore.IdentityProviderLink{TenantID: "t", UserID: "u", IdentityProviderID: id, IdentityProviderUserID: "x-" + id, InsertInstant: 1}))
	}
}

// ListLinksUnlocked, which authcore uses to count a user's links while it
// holds the user's lock, returns what ListLinks returns and, on PostgreSQL,
// does not wait for a transaction that holds one of the links (a login
// through it, or a Link API call, which then waits for the user: waiting
// for the link there closed a deadlock).
func TestPostgresListLinksUnlocked(t *testing.T) {
	s := open(t, freshPostgres(t))
	linkFixture(t, s)

	holder := holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
		_, err := tx.GetLink(ctx, "t", "idp", "x-idp")
		return err
	})
	// The read runs in a goroutine (it may block): it hands its results
	// back rather than assert there.
	var all, one []*authcore.IdentityProviderLink
	read := inTx(s, func(ctx context.Context, tx authcore.Store) error {
		var err error
		if all, err = tx.(unlockedLinkLister).ListLinksUnlocked(ctx, "u", ""); err != nil {
			return err
		}
		one, err = tx.(unlockedLinkLister).ListLinksUnlocked(ctx, "u", "idp")
		return err
	})
	requireDone(t, read, "ListLinksUnlocked waited for a transaction that holds a link")
	require.NoError(t, holder.end())
	require.Len(t, all, 2)
	require.Len(t, one, 1)
	require.Equal(t, "x-idp", one[0].IdentityProviderUserID)
}

// On SQLite (one writer at a time) it is ListLinks.
func TestSQLiteListLinksUnlocked(t *testing.T) {
	s := open(t, freshSQLite(t))
	ctx := context.Background()
	linkFixture(t, s)
	require.NoError(t, s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		for _, provider := range []string{"", "idp", "idp2", "none"} {
			want, err := tx.ListLinks(ctx, "u", provider)
			require.NoError(t, err)
			got, err := tx.(unlockedLinkLister).ListLinksUnlocked(ctx, "u", provider)
			require.NoError(t, err)
			require.Equal(t, want, got, provider)
		}
		return nil
	}))
}
