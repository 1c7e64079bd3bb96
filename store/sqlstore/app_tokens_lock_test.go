package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// On PostgreSQL a token's insert holds its application's token lock
// shared: another transaction creating a token of the same application
// (two logins) goes through at once, while a revocation of the
// application's tokens waits for both and then deletes them, the one whose
// creation was still open when the revocation began included. Before, the
// revocation did not wait, and that token outlived it.
func TestPostgresApplicationTokensLock(t *testing.T) {
	s := open(t, freshPostgres(t))
	ctx := context.Background()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
	require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: "a", TenantID: "t", Name: "A", Active: true}))
	require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: "b", TenantID: "t", Name: "B", Active: true}))
	require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: "u", TenantID: "t", Email: "u@example.com", Active: true}))
	token := func(id, app string) *authcore.RefreshToken {
		return &authcore.RefreshToken{ID: id, TokenHash: []byte("hash-" + id), UserID: "u", ApplicationID: app, TenantID: "t", ExpirationInstant: 1 << 50}
	}

	first := holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
		return tx.CreateRefreshToken(ctx, token("open", "a"))
	})

	// Another creation of a token of the application commits while the
	// first is open.
	second := inTx(s, func(ctx context.Context, tx authcore.Store) error {
		return tx.CreateRefreshToken(ctx, token("second", "a"))
	})
	requireDone(t, second, "a token's creation waited for another creation of the application's tokens")

	// A revocation of the application's tokens waits for the open one,
	// and leaves another application's.
	require.NoError(t, s.CreateRefreshToken(ctx, token("other", "b")))
	type result struct {
		n   int
		err error
	}
	revoked := make(chan result, 1)
	go func() {
		n, err := s.DeleteRefreshTokens(ctx, "", "", "a")
		revoked <- result{n, err}
	}()
	requireWaitsForLock(t, s, "SELECT pg_advisory_xact_lock(", "the revocation did not wait for the open creation")
	select {
	case r := <-revoked:
		t.Fatalf("the revocation ended while a creation was open: %+v", r)
	default:
	}
	require.NoError(t, first.end())
	r := <-revoked
	require.NoError(t, r.err)
	require.Equal(t, 2, r.n, "both tokens of the application, the open one's included")
	_, err := s.GetRefreshToken(ctx, "open")
	require.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = s.GetRefreshToken(ctx, "other")
	require.NoError(t, err)
}
