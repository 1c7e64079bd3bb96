package authcore_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// login creates a refresh token the way a login does.
func (f *tokenFixture) login(user *authcore.User) (string, *authcore.RefreshToken) {
	f.t.Helper()
	plain, rt, err := f.engine.CreateRefreshToken(f.ctx, f.store, f.reloadTenant(), f.app, user,
		map[string]any{"device": map[string]any{"name": "Richard's Hooli Phone", "type": "MOBILE"}})
	require.NoError(f.t, err)
	return plain, rt
}

func (f *tokenFixture) setPolicy(policy string) {
	f.t.Helper()
	tenant := f.reloadTenant()
	tenant.JWTConfiguration.RefreshTokenUsagePolicy = policy
	require.NoError(f.t, f.store.UpdateTenant(f.ctx, tenant))
}

func (f *tokenFixture) refresh(token string) (authcore.RefreshResult, error) {
	return f.engine.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: token, IPAddress: "203.0.113.7"})
}

// requireRefused checks a refusal: the reason, the sentinel, and the 400
// Errors object it unwraps to.
func requireRefused(t *testing.T, err error, reason string) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, authcore.ErrRefreshTokenInvalid)
	var rte *authcore.RefreshTokenError
	require.True(t, errors.As(err, &rte), "got %v", err)
	assert.Equal(t, reason, rte.Reason)
	var verr *authcore.ValidationError
	require.True(t, errors.As(err, &verr))
	assert.Equal(t, []string{"[invalid]refreshToken"}, verr.Codes())
}

func TestCreateRefreshToken(t *testing.T) {
	f := newTokenFixture(t)
	plain, rt := f.login(f.user)
	assert.Len(t, plain, 64, "384 bits, base64url")
	sum := sha256.Sum256([]byte(plain))
	stored, err := f.store.GetRefreshToken(f.ctx, rt.ID)
	require.NoError(t, err)
	assert.Equal(t, sum[:], stored.TokenHash, "only the hash is stored")
	assert.Nil(t, stored.PreviousTokenHash)
	now := f.clock.Now().UnixMilli()
	assert.Equal(t, now, stored.StartInstant)
	assert.Equal(t, now, stored.InsertInstant)
	assert.Equal(t, now+43200*60*1000, stored.ExpirationInstant, "tenant default: 30 days")
	assert.Equal(t, f.user.ID, stored.UserID)
	assert.Equal(t, f.app.ID, stored.ApplicationID)
	assert.Equal(t, f.tenant.ID, stored.TenantID)
	assert.Equal(t, 43200*60, stored.MaxAge(now))

	other, _ := f.login(f.user)
	assert.NotEqual(t, plain, other)

	app := *f.app
	app.JWTConfiguration = &authcore.ApplicationJWTOverrides{Enabled: true, RefreshTokenTimeToLiveInMinutes: 5}
	_, short, err := f.engine.CreateRefreshToken(f.ctx, f.store, f.tenant, &app, f.user, nil)
	require.NoError(t, err)
	assert.Equal(t, now+5*60*1000, short.ExpirationInstant, "application override")
}

func TestRefreshReusable(t *testing.T) {
	f := newTokenFixture(t)
	plain, rt := f.login(f.user)
	f.clock.Advance(10 * time.Minute)

	for i := 0; i < 2; i++ {
		res, err := f.refresh(plain)
		require.NoError(t, err)
		assert.Equal(t, plain, res.RefreshToken, "Reusable returns the same refresh token")
		assert.Equal(t, rt.ID, res.RefreshTokenID)
		assert.Equal(t, rt.ExpirationInstant, res.RefreshTokenExpirationInstant)
		assert.Equal(t, int((rt.ExpirationInstant-f.clock.Now().UnixMilli())/1000), res.RefreshTokenMaxAge)

		claims, err := f.engine.ValidateAccessToken(f.ctx, res.Token)
		require.NoError(t, err)
		assert.Equal(t, "REFRESH_TOKEN", claims["authenticationType"])
		assert.Equal(t, rt.ID, claims["sid"])
		assert.Equal(t, float64(rt.StartInstant/1000), claims["auth_time"], "auth_time is the original login")
		assert.Equal(t, float64(f.clock.Now().Unix()), claims["iat"])
		assert.Equal(t, []any{"admin", "user"}, claims["roles"])
		assert.Equal(t, (f.clock.Now().Unix()+3600)*1000, res.TokenExpirationInstant)
		f.clock.Advance(time.Minute)
	}

	stored, err := f.store.GetRefreshToken(f.ctx, rt.ID)
	require.NoError(t, err)
	device := stored.MetaData["device"].(map[string]any)
	assert.Equal(t, "203.0.113.7", device["lastAccessedAddress"])
	assert.Equal(t, json.Number(strconv.FormatInt(f.clock.Now().Add(-time.Minute).UnixMilli(), 10)), device["lastAccessedInstant"])
	assert.Equal(t, "Richard's Hooli Phone", device["name"])
}

func TestRefreshOneTimeUse(t *testing.T) {
	f := newTokenFixture(t)
	f.setPolicy(authcore.RefreshTokenOneTimeUse)
	first, rt := f.login(f.user)

	res, err := f.refresh(first)
	require.NoError(t, err)
	second := res.RefreshToken
	assert.NotEqual(t, first, second, "OneTimeUse rotates")
	assert.Equal(t, rt.ID, res.RefreshTokenID, "the id survives rotation")
	stored, err := f.store.GetRefreshToken(f.ctx, rt.ID)
	require.NoError(t, err)
	h1, h2 := sha256.Sum256([]byte(first)), sha256.Sum256([]byte(second))
	assert.Equal(t, h2[:], stored.TokenHash)
	assert.Equal(t, h1[:], stored.PreviousTokenHash)
	assert.Equal(t, rt.StartInstant, stored.StartInstant)
	assert.Equal(t, rt.ExpirationInstant, stored.ExpirationInstant, "rotation does not extend the lifetime")

	res, err = f.refresh(second)
	require.NoError(t, err)
	third := res.RefreshToken

	// second is now the previous value: replaying it is reuse.
	_, err = f.refresh(second)
	requireRefused(t, err, authcore.RefreshRefusedReused)
	_, err = f.store.GetRefreshToken(f.ctx, rt.ID)
	assert.ErrorIs(t, err, authcore.ErrNotFound, "reuse revokes the token")
	_, err = f.refresh(third)
	requireRefused(t, err, authcore.RefreshRefusedUnknown)

	// first is two rotations old: no longer recognised at all.
	_, err = f.refresh(first)
	requireRefused(t, err, authcore.RefreshRefusedUnknown)
}

func TestRefreshOneTimeUseRace(t *testing.T) {
	f := newTokenFixture(t)
	f.setPolicy(authcore.RefreshTokenOneTimeUse)
	plain, rt := f.login(f.user)

	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.refresh(plain)
		}()
	}
	wg.Wait()
	ok, reused := 0, 0
	for _, err := range errs {
		var rte *authcore.RefreshTokenError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &rte) && rte.Reason == authcore.RefreshRefusedReused:
			reused++
		case errors.As(err, &rte) && rte.Reason == authcore.RefreshRefusedUnknown:
			// after the revocation
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	assert.Equal(t, 1, ok, "exactly one refresh wins")
	assert.Equal(t, 1, reused, "the first replay revokes")
	_, err := f.store.GetRefreshToken(f.ctx, rt.ID)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
}

func TestRefreshRefusals(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(f *tokenFixture, rt *authcore.RefreshToken)
		reason  string
		deleted bool
	}{
		{"expired", func(f *tokenFixture, rt *authcore.RefreshToken) {
			f.clock.Advance(time.Duration(rt.ExpirationInstant-rt.InsertInstant) * time.Millisecond)
		}, authcore.RefreshRefusedExpired, true},
		{"revoked by id", func(f *tokenFixture, rt *authcore.RefreshToken) {
			n, err := f.engine.RevokeRefreshTokens(f.ctx, authcore.RevokeRequest{TokenID: rt.ID})
			require.NoError(f.t, err)
			require.Equal(f.t, 1, n)
		}, authcore.RefreshRefusedUnknown, true},
		{"user deleted", func(f *tokenFixture, rt *authcore.RefreshToken) {
			require.NoError(f.t, f.store.DeleteUser(f.ctx, f.user.ID))
		}, authcore.RefreshRefusedUnknown, true},
		{"user deactivated", func(f *tokenFixture, rt *authcore.RefreshToken) {
			u := *f.user
			u.Active = false
			require.NoError(f.t, f.store.UpdateUser(f.ctx, &u))
		}, authcore.RefreshRefusedUserInactive, false},
		{"user expired", func(f *tokenFixture, rt *authcore.RefreshToken) {
			u := *f.user
			u.Expiry = f.clock.Now().Add(time.Minute).UnixMilli()
			require.NoError(f.t, f.store.UpdateUser(f.ctx, &u))
			f.clock.Advance(time.Minute)
		}, authcore.RefreshRefusedUserExpired, false},
		{"application deactivated", func(f *tokenFixture, rt *authcore.RefreshToken) {
			a := *f.app
			a.Active = false
			require.NoError(f.t, f.store.UpdateApplication(f.ctx, &a))
		}, authcore.RefreshRefusedAppInactive, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newTokenFixture(t)
			plain, rt := f.login(f.user)
			_, err := f.refresh(plain)
			require.NoError(t, err, "valid before the change")
			tc.setup(f, rt)
			_, err = f.refresh(plain)
			requireRefused(t, err, tc.reason)
			_, err = f.store.GetRefreshToken(f.ctx, rt.ID)
			if tc.deleted {
				assert.ErrorIs(t, err, authcore.ErrNotFound)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

// A user whose registration was removed after the login still refreshes, as
// FusionAuth does (fusionauth-issues #1748: "just a JWT missing the
// applicationId and roles claims"; the refresh docs refuse only a token that
// expired, was not found or was revoked). The new token is an unregistered
// user's, as IssueJWT's 202 token is, and the refresh token stays usable.
func TestRefreshAfterRegistrationRemoved(t *testing.T) {
	f := newTokenFixture(t)
	plain, rt := f.login(f.user)
	require.NoError(t, f.engine.DeleteRegistration(f.ctx, f.user.ID, f.app.ID))

	for i := 0; i < 2; i++ {
		res, err := f.refresh(plain)
		require.NoError(t, err, "refresh %d", i)
		assert.Equal(t, rt.ID, res.RefreshTokenID)
		claims, err := f.engine.ValidateAccessToken(f.ctx, res.Token)
		require.NoError(t, err)
		assert.Equal(t, f.app.ID, claims["aud"], "aud still names the token's application")
		assert.Equal(t, f.user.ID, claims["sub"])
		assert.Equal(t, "REFRESH_TOKEN", claims["authenticationType"])
		assert.NotContains(t, claims, "applicationId", "not registered: no application claims")
		assert.NotContains(t, claims, "roles")
	}
	_, err := f.store.GetRefreshToken(f.ctx, rt.ID)
	assert.NoError(t, err, "the refresh token is kept")
}

func TestRefreshBadInput(t *testing.T) {
	f := newTokenFixture(t)
	plain, _ := f.login(f.user)

	_, err := f.refresh("")
	var verr *authcore.ValidationError
	require.True(t, errors.As(err, &verr))
	assert.Equal(t, []string{"[blank]refreshToken"}, verr.Codes())
	assert.NotErrorIs(t, err, authcore.ErrRefreshTokenInvalid)

	_, err = f.refresh("not-a-token")
	requireRefused(t, err, authcore.RefreshRefusedUnknown)
	_, err = f.refresh(plain[:63])
	requireRefused(t, err, authcore.RefreshRefusedUnknown)

	// A request scoped to another tenant does not see the token.
	scoped := authcore.WithScope(f.ctx, authcore.Scope{TenantID: "99999999-0000-4000-8000-000000000000"})
	_, err = f.engine.RefreshAccessToken(scoped, authcore.RefreshRequest{RefreshToken: plain})
	requireRefused(t, err, authcore.RefreshRefusedUnknown)
	_, err = f.refresh(plain)
	require.NoError(t, err, "the out-of-scope attempt changed nothing")
}

func TestRevokeRefreshTokens(t *testing.T) {
	otherApp := &authcore.Application{ID: "7b3f1c3e-7d7e-4a5e-9a43-0a5b1c2d3e4f", Name: "Hooli", Active: true}
	setup := func(t *testing.T) (*tokenFixture, map[string]*authcore.RefreshToken, map[string]string) {
		f := newTokenFixture(t)
		a := *otherApp
		a.TenantID = f.tenant.ID
		require.NoError(t, f.store.CreateApplication(f.ctx, &a))
		require.NoError(t, f.store.CreateRegistration(f.ctx, &authcore.UserRegistration{ID: "bbbbbbbb-2222-4333-8444-555555555555", ApplicationID: a.ID, UserID: f.user.ID}))
		tokens := map[string]*authcore.RefreshToken{}
		plains := map[string]string{}
		for _, c := range []struct {
			name string
			app  *authcore.Application
			user *authcore.User
		}{{"user/app", f.app, f.user}, {"user/other", &a, f.user}, {"visitor/app", f.app, f.visitor}} {
			p, rt, err := f.engine.CreateRefreshToken(f.ctx, f.store, f.tenant, c.app, c.user, nil)
			require.NoError(t, err)
			tokens[c.name], plains[c.name] = rt, p
		}
		return f, tokens, plains
	}
	tests := []struct {
		name string
		req  func(tk map[string]*authcore.RefreshToken, plain map[string]string) authcore.RevokeRequest
		gone []string
	}{
		{"by id", func(tk map[string]*authcore.RefreshToken, _ map[string]string) authcore.RevokeRequest {
			return authcore.RevokeRequest{TokenID: tk["user/other"].ID}
		}, []string{"user/other"}},
		{"by value", func(_ map[string]*authcore.RefreshToken, p map[string]string) authcore.RevokeRequest {
			return authcore.RevokeRequest{Token: p["visitor/app"]}
		}, []string{"visitor/app"}},
		{"by user", func(tk map[string]*authcore.RefreshToken, _ map[string]string) authcore.RevokeRequest {
			return authcore.RevokeRequest{UserID: tk["user/app"].UserID}
		}, []string{"user/app", "user/other"}},
		{"by application", func(tk map[string]*authcore.RefreshToken, _ map[string]string) authcore.RevokeRequest {
			return authcore.RevokeRequest{ApplicationID: tk["user/app"].ApplicationID}
		}, []string{"user/app", "visitor/app"}},
		{"by user and application", func(tk map[string]*authcore.RefreshToken, _ map[string]string) authcore.RevokeRequest {
			return authcore.RevokeRequest{UserID: tk["user/app"].UserID, ApplicationID: tk["user/app"].ApplicationID}
		}, []string{"user/app"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, tokens, plains := setup(t)
			n, err := f.engine.RevokeRefreshTokens(f.ctx, tc.req(tokens, plains))
			require.NoError(t, err)
			assert.Equal(t, len(tc.gone), n)
			for name, rt := range tokens {
				_, err := f.store.GetRefreshToken(f.ctx, rt.ID)
				if contains(tc.gone, name) {
					assert.ErrorIs(t, err, authcore.ErrNotFound, name)
				} else {
					assert.NoError(t, err, name)
				}
			}
		})
	}

	t.Run("refused requests", func(t *testing.T) {
		f, tokens, plains := setup(t)
		bad := []struct {
			req  authcore.RevokeRequest
			code string
		}{
			{authcore.RevokeRequest{}, "[missing]userId"},
			{authcore.RevokeRequest{TokenID: tokens["user/app"].ID, Token: plains["user/app"]}, "[invalid]token"},
			{authcore.RevokeRequest{TokenID: tokens["user/app"].ID, UserID: f.user.ID}, "[invalid]token"},
			{authcore.RevokeRequest{UserID: "nope"}, "[couldNotConvert]userId"},
		}
		for _, b := range bad {
			_, err := f.engine.RevokeRefreshTokens(f.ctx, b.req)
			var verr *authcore.ValidationError
			require.True(t, errors.As(err, &verr), "%+v: %v", b.req, err)
			assert.Equal(t, []string{b.code}, verr.Codes())
		}
		missing := []authcore.RevokeRequest{
			{TokenID: "99999999-0000-4000-8000-000000000000"},
			{Token: "unknown"},
			{UserID: "99999999-0000-4000-8000-000000000000"},
			{ApplicationID: "99999999-0000-4000-8000-000000000000"},
		}
		for _, req := range missing {
			_, err := f.engine.RevokeRefreshTokens(f.ctx, req)
			assert.ErrorIs(t, err, authcore.ErrNotFound, "%+v", req)
		}
		// A request scoped to another tenant sees none of these objects.
		scoped := authcore.WithScope(context.Background(), authcore.Scope{TenantID: "99999999-0000-4000-8000-000000000000"})
		for _, req := range []authcore.RevokeRequest{{TokenID: tokens["user/app"].ID}, {UserID: f.user.ID}, {ApplicationID: f.app.ID}, {Token: plains["user/app"]}} {
			_, err := f.engine.RevokeRefreshTokens(scoped, req)
			assert.ErrorIs(t, err, authcore.ErrNotFound, "%+v", req)
		}
		all, err := f.engine.RefreshTokens(f.ctx, f.user.ID)
		require.NoError(t, err)
		assert.Len(t, all, 2, "nothing was revoked")
	})
}

func TestRefreshTokenQueries(t *testing.T) {
	f := newTokenFixture(t)
	_, rt := f.login(f.user)
	f.clock.Advance(time.Second)
	_, rt2 := f.login(f.user)

	list, err := f.engine.RefreshTokens(f.ctx, f.user.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, []string{rt.ID, rt2.ID}, []string{list[0].ID, list[1].ID}, "oldest first")
	info := list[0].Info()
	assert.Equal(t, authcore.RefreshTokenInfo{ID: rt.ID, ApplicationID: f.app.ID, InsertInstant: rt.InsertInstant, StartInstant: rt.StartInstant,
		TenantID: f.tenant.ID, UserID: f.user.ID, MetaData: rt.MetaData}, info)

	got, err := f.engine.RefreshToken(f.ctx, rt.ID)
	require.NoError(t, err)
	assert.Equal(t, rt.ID, got.ID)

	scoped := authcore.WithScope(f.ctx, authcore.Scope{TenantID: "99999999-0000-4000-8000-000000000000"})
	_, err = f.engine.RefreshToken(scoped, rt.ID)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	list, err = f.engine.RefreshTokens(scoped, f.user.ID)
	require.NoError(t, err)
	assert.Empty(t, list)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// flakyStore fails the next n transactions with ErrConflict, as a SQL store
// does when a concurrent serialisable transaction wins.
type flakyStore struct {
	authcore.Store
	mu sync.Mutex
	n  int
}

func (s *flakyStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	s.mu.Lock()
	fail := s.n > 0
	s.n--
	s.mu.Unlock()
	if fail {
		return authcore.ErrConflict
	}
	return s.Store.InTx(ctx, fn)
}

func TestRefreshRetriesConflicts(t *testing.T) {
	f := newTokenFixture(t)
	plain, _ := f.login(f.user)
	flaky := &flakyStore{Store: f.store}
	e, err := authcore.New(f.ctx, flaky, authcore.WithClock(f.clock.Now))
	require.NoError(t, err)

	flaky.n = 2
	_, err = e.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: plain})
	require.NoError(t, err, "two conflicts are retried")

	flaky.n = 3
	_, err = e.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: plain})
	require.ErrorIs(t, err, authcore.ErrConflict, "the third is reported")
}

func (f *tokenFixture) setExpiration(policy string, maxMinutes int) {
	f.t.Helper()
	tenant := f.reloadTenant()
	tenant.JWTConfiguration.RefreshTokenExpirationPolicy = policy
	tenant.JWTConfiguration.RefreshTokenSlidingWindowConfiguration.MaximumTimeToLiveInMinutes = maxMinutes
	require.NoError(f.t, f.store.UpdateTenant(f.ctx, tenant))
}

func TestRefreshExpirationPolicies(t *testing.T) {
	const ttl = 43200 * time.Minute // the tenant default
	cases := []struct {
		name, policy string
		maxMinutes   int
		// after is the expiration a refresh 10 days after the login leaves,
		// counted from the login.
		after time.Duration
	}{
		{"fixed", authcore.RefreshTokenFixed, 0, ttl},
		{"sliding window", authcore.RefreshTokenSlidingWindow, 0, 10*24*time.Hour + ttl},
		{"sliding window under its maximum", authcore.RefreshTokenSlidingWindowWithMaximumLifetime, 90 * 24 * 60, 10*24*time.Hour + ttl},
		{"sliding window capped by its maximum", authcore.RefreshTokenSlidingWindowWithMaximumLifetime, 35 * 24 * 60, 35 * 24 * time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newTokenFixture(t)
			f.setExpiration(tc.policy, tc.maxMinutes)
			plain, rt := f.login(f.user)
			assert.Equal(t, rt.StartInstant+ttl.Milliseconds(), rt.ExpirationInstant, "a new token lives its time to live")
			f.clock.Advance(10 * 24 * time.Hour)
			res, err := f.refresh(plain)
			require.NoError(t, err)
			want := rt.StartInstant + tc.after.Milliseconds()
			assert.Equal(t, want, res.RefreshTokenExpirationInstant)
			assert.Equal(t, int((want-f.clock.Now().UnixMilli())/1000), res.RefreshTokenMaxAge, "the cookie lives as long as the token")
			stored, err := f.store.GetRefreshToken(f.ctx, rt.ID)
			require.NoError(t, err)
			assert.Equal(t, want, stored.ExpirationInstant, "the new expiration is stored")
			assert.Equal(t, rt.StartInstant, stored.StartInstant, "sliding never moves the start")

			// Past the (possibly extended) expiration the token is refused.
			f.clock.Advance(time.Duration(want-f.clock.Now().UnixMilli())*time.Millisecond + time.Second)
			_, err = f.refresh(plain)
			requireRefused(t, err, authcore.RefreshRefusedExpired)
		})
	}
}

// An application whose jwtConfiguration override is enabled sets its own
// usage and expiration policies; one that leaves them empty keeps the
// tenant's.
func TestRefreshApplicationPolicies(t *testing.T) {
	f := newTokenFixture(t) // tenant: Reusable, Fixed
	app, err := f.store.GetApplication(f.ctx, f.app.ID)
	require.NoError(t, err)
	app.JWTConfiguration = &authcore.ApplicationJWTOverrides{Enabled: true, RefreshTokenTimeToLiveInMinutes: 60,
		RefreshTokenUsagePolicy: authcore.RefreshTokenOneTimeUse, RefreshTokenExpirationPolicy: authcore.RefreshTokenSlidingWindow}
	require.NoError(t, f.store.UpdateApplication(f.ctx, app))
	f.app = app

	plain, rt := f.login(f.user)
	assert.Equal(t, rt.StartInstant+time.Hour.Milliseconds(), rt.ExpirationInstant)
	f.clock.Advance(30 * time.Minute)
	res, err := f.refresh(plain)
	require.NoError(t, err)
	assert.NotEqual(t, plain, res.RefreshToken, "the application's OneTimeUse rotates")
	assert.Equal(t, f.clock.Now().Add(time.Hour).UnixMilli(), res.RefreshTokenExpirationInstant, "the application's sliding window")

	// Disabled, the override counts for nothing: the tenant's Reusable and
	// Fixed apply again.
	app.JWTConfiguration.Enabled = false
	require.NoError(t, f.store.UpdateApplication(f.ctx, app))
	next, err := f.refresh(res.RefreshToken)
	require.NoError(t, err)
	assert.Equal(t, res.RefreshToken, next.RefreshToken, "Reusable")
	assert.Equal(t, res.RefreshTokenExpirationInstant, next.RefreshTokenExpirationInstant, "Fixed")
}
