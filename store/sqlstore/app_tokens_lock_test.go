package sqlstore_test

import (
	"context"
	"testing"
	"time"

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

	holding, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.CreateRefreshToken(ctx, token("open", "a")); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding

	// Another creation of a token of the application commits while the
	// first is open.
	second := make(chan error, 1)
	go func() { second <- s.CreateRefreshToken(ctx, token("second", "a")) }()
	select {
	case err := <-second:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		close(release)
		t.Fatal("a token's creation waited for another creation of the application's tokens")
	}

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
	waiting := func() bool {
		var n int
		err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'SELECT pg_advisory_xact_lock(%'`).Scan(&n)
		return err == nil && n == 1
	}
	if !assertEventually(t, waiting) {
		close(release)
		<-first
		t.Fatal("the revocation did not wait for the open creation")
	}
	select {
	case r := <-revoked:
		close(release)
		t.Fatalf("the revocation ended while a creation was open: %+v", r)
	default:
	}
	close(release)
	require.NoError(t, <-first)
	r := <-revoked
	require.NoError(t, r.err)
	require.Equal(t, 2, r.n, "both tokens of the application, the open one's included")
	_, err := s.GetRefreshToken(ctx, "open")
	require.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = s.GetRefreshToken(ctx, "other")
	require.NoError(t, err)
}

// assertEventually polls cond (a server's state: no event tells when it
// holds) for up to 30 seconds.
func assertEventually(t *testing.T, cond func() bool) bool {
	t.Helper()
	for range 3000 {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
