package authcore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/store/memstore"
)

// GET /api/jwt/issue exchanges a token for another application's; it must
// not lengthen the session. FusionAuth: "The returned access token will
// have the same expiration of the one provided."
func TestIssueJWTKeepsTheExpiry(t *testing.T) {
	f := newTokenFixture(t)
	tok, _ := f.issue(authcore.TokenRequest{})
	orig, err := f.engine.ValidateAccessToken(f.ctx, tok)
	require.NoError(t, err)

	f.clock.Advance(59 * time.Minute)
	res, err := f.engine.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: tok, ApplicationID: f.app.ID})
	require.NoError(t, err)
	claims, err := f.engine.ValidateAccessToken(f.ctx, res.Token)
	require.NoError(t, err)
	assert.Equal(t, orig["exp"], claims["exp"])
	assert.Greater(t, claims["iat"], orig["iat"], "a new token all the same")

	f.clock.Advance(2 * time.Minute)
	_, err = f.engine.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: res.Token, ApplicationID: f.app.ID})
	assert.ErrorIs(t, err, authcore.ErrTokenExpired, "the chain ends with the first token")
}

// A refresh token issued with the exchange starts and ends with the one
// presented: a Fixed 60-minute session stays 60 minutes.
func TestIssueJWTRefreshTokenKeepsTheLifetime(t *testing.T) {
	f := newTokenFixture(t)
	tenant := f.reloadTenant()
	tenant.JWTConfiguration.RefreshTokenTimeToLiveInMinutes = 60
	require.NoError(t, f.store.UpdateTenant(f.ctx, tenant))
	app2 := &authcore.Application{ID: "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f50", TenantID: f.tenant.ID, Name: "Hooli", Active: true,
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}}
	require.NoError(t, f.store.CreateApplication(f.ctx, app2))
	require.NoError(t, f.store.CreateRegistration(f.ctx, &authcore.UserRegistration{ID: "aaaaaaaa-0000-4000-8000-000000000002", ApplicationID: app2.ID, UserID: f.user.ID}))

	rt, first := f.login(f.user)
	tok, _ := f.issue(authcore.TokenRequest{})
	f.clock.Advance(55 * time.Minute)
	res, err := f.engine.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: tok, ApplicationID: app2.ID, RefreshToken: rt})
	require.NoError(t, err)
	require.NotEmpty(t, res.RefreshToken)
	tokens, err := f.engine.RefreshTokens(f.ctx, f.user.ID)
	require.NoError(t, err)
	require.Len(t, tokens, 2)
	for _, rt := range tokens {
		assert.Equal(t, first.StartInstant, rt.StartInstant)
		assert.Equal(t, first.ExpirationInstant, rt.ExpirationInstant)
	}

	f.clock.Advance(10 * time.Minute)
	_, err = f.engine.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: res.RefreshToken})
	assert.ErrorIs(t, err, authcore.ErrRefreshTokenInvalid, "65 minutes into a 60-minute session")
}

// PATCH with the documented cleanSpeakConfiguration alias: its nulls, and
// those beside it, still remove what they name (the alias is renamed on
// raw JSON, not on a decoded copy that would lose them).
func TestPatchIntegrationsAliasKeepsNulls(t *testing.T) {
	put := func(t *testing.T, f *domFixture) {
		_, err := f.e.UpdateIntegrations(f.ctx, integration.Integrations{
			CleanSpeak: integration.CleanSpeak{APIKey: "secret-key", URL: "https://cs.example.com", ApplicationIDs: []string{"3c219e58-ed0e-4b18-ad48-f4f92793ae32"}},
			Kafka:      integration.Kafka{DefaultTopic: "events", Producer: map[string]string{"acks": "all", "linger.ms": "5"}},
		})
		require.NoError(t, err)
	}
	for _, ct := range []string{"application/json", "application/merge-patch+json"} {
		t.Run(ct, func(t *testing.T) {
			f := newDomFixture(t)
			put(t, f)
			got, err := f.e.PatchIntegrations(f.ctx, authcore.PatchRequest{ContentType: ct,
				Body: []byte(`{"integrations":{"cleanSpeakConfiguration":{"apiKey":null},"kafka":{"producer":{"acks":null}}}}`)})
			require.NoError(t, err)
			assert.Empty(t, got.CleanSpeak.APIKey)
			assert.Equal(t, "https://cs.example.com", got.CleanSpeak.URL)
			assert.Equal(t, map[string]string{"linger.ms": "5"}, got.Kafka.Producer)
		})
	}
	t.Run("duplicate keys are still refused", func(t *testing.T) {
		f := newDomFixture(t)
		put(t, f)
		_, err := f.e.PatchIntegrations(f.ctx, authcore.PatchRequest{ContentType: "application/json",
			Body: []byte(`{"integrations":{"cleanSpeakConfiguration":{"url":"https://a"},"cleanSpeakConfiguration":{"url":"https://b"}}}`)})
		var ve *authcore.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, []string{"[invalidJSON]"}, ve.Codes())
	})
}

// readHookStore runs hook once, right after the first read of a refresh
// token by value outside a transaction: what a concurrent request could do
// between IssueJWT's check of the presented token and its write.
type readHookStore struct {
	authcore.Store
	hook func()
}

func (s *readHookStore) GetRefreshTokenByHash(ctx context.Context, hash []byte, previous bool) (*authcore.RefreshToken, error) {
	rt, err := s.Store.GetRefreshTokenByHash(ctx, hash, previous)
	if h := s.hook; h != nil {
		s.hook = nil
		h()
	}
	return rt, err
}

// A revocation of the user's refresh tokens (logout everywhere) that lands
// while GET /api/jwt/issue exchanges one of them must not be undone: the
// exchange stored a new refresh token, made from the revoked one, after the
// revocation had committed, so the session lived on.
func TestIssueJWTRefreshTokenRevokedMeanwhile(t *testing.T) {
	s := &readHookStore{Store: memstore.New()}
	f := newTokenFixtureOn(t, s)
	app2 := &authcore.Application{ID: "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f50", TenantID: f.tenant.ID, Name: "Hooli", Active: true,
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}}
	require.NoError(t, f.store.CreateApplication(f.ctx, app2))
	require.NoError(t, f.store.CreateRegistration(f.ctx, &authcore.UserRegistration{ID: "aaaaaaaa-0000-4000-8000-000000000002", ApplicationID: app2.ID, UserID: f.user.ID}))
	rt, _ := f.login(f.user)
	tok, _ := f.issue(authcore.TokenRequest{})

	s.hook = func() {
		n, err := f.engine.RevokeRefreshTokens(f.ctx, authcore.RevokeRequest{UserID: f.user.ID})
		require.NoError(t, err)
		require.Equal(t, 1, n)
	}
	res, err := f.engine.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: tok, ApplicationID: app2.ID, RefreshToken: rt})
	require.Nil(t, s.hook, "the revocation ran")
	var v *authcore.ValidationError
	require.ErrorAs(t, err, &v, "the presented refresh token is gone")
	assert.Equal(t, []string{"[invalid]refreshToken"}, v.Codes())
	assert.Empty(t, res.RefreshToken)
	tokens, err := f.engine.RefreshTokens(f.ctx, f.user.ID)
	require.NoError(t, err)
	assert.Empty(t, tokens, "no refresh token outlives the revocation")
}
