package authcore_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The token flows on SQLite: what memstore shows must hold on a store with
// real transactions and conflicts too.
func TestTokensOnSQLite(t *testing.T) {
	f := newTokenFixtureOn(t, sqliteStore(t))

	// First tokens, concurrently: one key.
	tenant := f.reloadTenant()
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = f.engine.IssueAccessToken(f.ctx, f.store, authcore.TokenRequest{Tenant: tenant, Application: f.app, User: f.user, Registration: f.reg, AuthenticationType: "TWITTER"})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		// A lost race may surface as ErrConflict for the caller to retry;
		// never as two keys.
		if err != nil {
			require.ErrorIs(t, err, authcore.ErrConflict)
		}
	}
	keys, err := f.store.ListKeys(f.ctx)
	require.NoError(t, err)
	require.Len(t, keys, 1)

	// Rotation keeps old tokens valid until the key is deleted.
	oldTok, _ := f.issue(authcore.TokenRequest{})
	_, err = f.engine.RotateTenantKey(f.ctx, f.tenant.ID, authcore.AlgRS256)
	require.NoError(t, err)
	newTok, _ := f.issue(authcore.TokenRequest{})
	_, err = f.engine.ValidateAccessToken(f.ctx, oldTok)
	require.NoError(t, err)
	require.NoError(t, f.engine.DeleteKey(f.ctx, keys[0].ID))
	_, err = f.engine.ValidateAccessToken(f.ctx, oldTok)
	require.ErrorIs(t, err, authcore.ErrTokenInvalid)
	_, err = f.engine.ValidateAccessToken(f.ctx, newTok)
	require.NoError(t, err)

	// One-time use: rotation, then a concurrent replay storm.
	f.setPolicy(authcore.RefreshTokenOneTimeUse)
	plain, _ := f.login(f.user)
	res, err := f.refresh(plain)
	require.NoError(t, err)
	require.NotEqual(t, plain, res.RefreshToken)
	next := res.RefreshToken
	results := make([]error, 6)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = f.refresh(next)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, authcore.ErrRefreshTokenInvalid), errors.Is(err, authcore.ErrConflict):
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	assert.LessOrEqual(t, ok, 1, "at most one concurrent use of a one-time token succeeds")
	_, err = f.refresh(next)
	require.ErrorIs(t, err, authcore.ErrRefreshTokenInvalid, "after the storm the token is rotated or revoked")
	_, err = f.refresh(plain)
	requireRefused(t, err, authcore.RefreshRefusedUnknown)

	// Reusable, then the user's deletion revokes.
	f.setPolicy(authcore.RefreshTokenReusable)
	plain, rt := f.login(f.user)
	res, err = f.refresh(plain)
	require.NoError(t, err)
	assert.Equal(t, plain, res.RefreshToken)
	assert.Equal(t, rt.ID, res.RefreshTokenID)
	require.NoError(t, f.store.DeleteUser(f.ctx, f.user.ID))
	_, err = f.refresh(plain)
	requireRefused(t, err, authcore.RefreshRefusedUnknown)
}
