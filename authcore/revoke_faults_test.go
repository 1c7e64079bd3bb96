package authcore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// A store that fails while a revocation locks, reads or deletes answers
// with its own error, and revokes nothing.
func TestRevokeRefreshTokensStoreFailures(t *testing.T) {
	for _, tc := range []struct {
		name, method string
		nth          int // 0: the first call
		req          func(f *tokenFixture, tokenID string) authcore.RevokeRequest
	}{
		{"single delete", "DeleteRefreshTokens", 0, func(_ *tokenFixture, id string) authcore.RevokeRequest { return authcore.RevokeRequest{TokenID: id} }},
		{"user's tokens", "ListRefreshTokens", 0, func(f *tokenFixture, _ string) authcore.RevokeRequest {
			return authcore.RevokeRequest{UserID: f.user.ID}
		}},
		// Listed again once the user is held, for their events.
		{"user's tokens listed again", "ListRefreshTokens", 2, func(f *tokenFixture, _ string) authcore.RevokeRequest {
			return authcore.RevokeRequest{UserID: f.user.ID}
		}},
		{"user", "GetUser", 0, func(f *tokenFixture, _ string) authcore.RevokeRequest {
			return authcore.RevokeRequest{UserID: f.user.ID}
		}},
		{"application's tokens", "LockApplicationTokens", 0, func(f *tokenFixture, _ string) authcore.RevokeRequest {
			return authcore.RevokeRequest{ApplicationID: f.app.ID}
		}},
		{"application", "GetApplication", 0, func(f *tokenFixture, _ string) authcore.RevokeRequest {
			return authcore.RevokeRequest{ApplicationID: f.app.ID}
		}},
		{"delete by user", "DeleteRefreshTokens", 0, func(f *tokenFixture, _ string) authcore.RevokeRequest {
			return authcore.RevokeRequest{UserID: f.user.ID, ApplicationID: f.app.ID}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newPlanStore(memstore.New())
			f := newTokenFixtureOn(t, s)
			// The subscriber makes the engine record events (no relay
			// runs), so a revocation by user lists the tokens it revokes.
			var err error
			f.engine, err = authcore.New(f.ctx, s, authcore.WithClock(f.clock.Now), quiet(),
				authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }))
			require.NoError(t, err)
			_, rt := f.login(f.user)
			s.p.arm(tc.method, max(tc.nth, 1), errInjected)
			n, err := f.engine.RevokeRefreshTokens(f.ctx, tc.req(f, rt.ID))
			require.True(t, s.p.injected(), "the store call was made")
			require.ErrorIs(t, err, errInjected)
			assert.Zero(t, n)
			tokens, err := f.engine.RefreshTokens(f.ctx, f.user.ID)
			require.NoError(t, err)
			assert.Len(t, tokens, 1, "nothing was revoked")
		})
	}
}

// A request scoped to another tenant revokes nothing of this one's by user
// or by application: the user or application is not found.
func TestRevokeRefreshTokensOtherTenant(t *testing.T) {
	f := newTokenFixture(t)
	f.login(f.user)
	other := &authcore.Tenant{ID: "9d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6", Name: "other"}
	require.NoError(t, f.store.CreateTenant(f.ctx, other))
	ctx := authcore.WithScope(context.Background(), authcore.Scope{KeyTenantID: other.ID})
	for _, req := range []authcore.RevokeRequest{{UserID: f.user.ID}, {ApplicationID: f.app.ID}} {
		n, err := f.engine.RevokeRefreshTokens(ctx, req)
		require.ErrorIs(t, err, authcore.ErrNotFound)
		assert.Zero(t, n)
	}
	tokens, err := f.engine.RefreshTokens(f.ctx, f.user.ID)
	require.NoError(t, err)
	assert.Len(t, tokens, 1, "nothing was revoked")
}
