package authcore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// refreshFaultFixture is a token fixture on a planStore whose engine reads
// nothing of the configuration from a cache and draws on rnd.
func refreshFaultFixture(t *testing.T, policy string) (*tokenFixture, planStore, *switchReader) {
	t.Helper()
	s := newPlanStore(memstore.New())
	f := newTokenFixtureOn(t, s)
	f.setPolicy(policy)
	// The tenant's first token makes its signing key, which the engine
	// below then reads by id.
	f.issue(authcore.TokenRequest{})
	rnd := &switchReader{}
	var err error
	f.engine, err = authcore.New(f.ctx, s, authcore.WithClock(f.clock.Now), authcore.WithRandom(rnd), quiet())
	require.NoError(t, err)
	return f, s, rnd
}

// A store that fails while a refresh reads its token, deletes an expired
// one, loads the user, stores the rotated token or signs answers with its
// own error, and the presented token is left as it was.
func TestRefreshStoreFailures(t *testing.T) {
	for _, tc := range []struct {
		name, method, policy string
		expired              bool
	}{
		{name: "read", method: "GetRefreshTokenByHash", policy: authcore.RefreshTokenReusable},
		{name: "expired", method: "DeleteRefreshTokens", policy: authcore.RefreshTokenReusable, expired: true},
		{name: "user", method: "GetUser", policy: authcore.RefreshTokenReusable},
		{name: "rotation", method: "UpdateRefreshToken", policy: authcore.RefreshTokenOneTimeUse},
		{name: "signing", method: "GetKey", policy: authcore.RefreshTokenReusable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, s, _ := refreshFaultFixture(t, tc.policy)
			plain, _ := f.login(f.user)
			if tc.expired {
				f.clock.Advance(31 * 24 * time.Hour)
			}
			s.p.arm(tc.method, 1, errInjected)
			res, err := f.refresh(plain)
			require.True(t, s.p.injected(), "the store call was made")
			require.ErrorIs(t, err, errInjected)
			assert.NotErrorIs(t, err, authcore.ErrRefreshTokenInvalid)
			assert.Equal(t, authcore.RefreshResult{}, res)
			tokens, err := f.engine.RefreshTokens(f.ctx, f.user.ID)
			require.NoError(t, err)
			assert.Len(t, tokens, 1, "the token is still there")
		})
	}
}

// A refresh whose source of randomness fails cannot rotate a one-time
// token: the error is the source's and the token still works.
func TestRefreshRotationRandomFails(t *testing.T) {
	f, _, rnd := refreshFaultFixture(t, authcore.RefreshTokenOneTimeUse)
	plain, _ := f.login(f.user)
	rnd.off.Store(true)
	_, err := f.refresh(plain)
	require.ErrorIs(t, err, errInjected)
	rnd.off.Store(false)
	res, err := f.refresh(plain)
	require.NoError(t, err)
	assert.NotEqual(t, plain, res.RefreshToken)
}

// A token whose user a store without cascading deletes no longer has is
// refused as orphaned and deleted: it can never be used again.
func TestRefreshOrphanedTokenDeleted(t *testing.T) {
	f, s, _ := refreshFaultFixture(t, authcore.RefreshTokenReusable)
	plain, rt := f.login(f.user)
	s.p.arm("GetUser", 1, authcore.ErrNotFound)
	_, err := f.refresh(plain)
	require.True(t, s.p.injected())
	requireRefused(t, err, authcore.RefreshRefusedOrphaned)
	var rte *authcore.RefreshTokenError
	require.ErrorAs(t, err, &rte)
	assert.Equal(t, rt.ID, rte.TokenID)
	_, err = f.store.GetRefreshToken(f.ctx, rt.ID)
	require.ErrorIs(t, err, authcore.ErrNotFound, "the token is deleted")
}
