package authcore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// The refresh token an exchange (GET /api/jwt/issue) gives for another
// application is that application's, counted from the presented token's
// start. FusionAuth's Issue API: "The returned refresh token will share the
// same creation time as the original refresh token in regards to how the
// token expiration is calculated." It was counted from the exchange, so a
// target application with a shorter lifetime than the source's got a
// session that outlived its own policy: a Fixed 60-minute application
// exchanged into 50 minutes after the login lived until minute 110.
func TestIssueJWTRefreshTokenTakesTheTargetLifetimeFromTheStart(t *testing.T) {
	const hooliID = "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f50"
	for _, tc := range []struct {
		name      string
		overrides authcore.ApplicationJWTOverrides
		exchange  time.Duration // after the login
		wantEnd   time.Duration // after the login; 0: no refresh token
	}{
		{"fixed, shorter than the source's", authcore.ApplicationJWTOverrides{Enabled: true, RefreshTokenTimeToLiveInMinutes: 60}, 50 * time.Minute, 60 * time.Minute},
		{"sliding with a maximum, shorter than the source's", authcore.ApplicationJWTOverrides{Enabled: true, RefreshTokenTimeToLiveInMinutes: 30,
			RefreshTokenExpirationPolicy:           authcore.RefreshTokenSlidingWindowWithMaximumLifetime,
			RefreshTokenSlidingWindowConfiguration: authcore.SlidingWindowConfiguration{MaximumTimeToLiveInMinutes: 60}}, 50 * time.Minute, 60 * time.Minute},
		{"fixed, over by the exchange", authcore.ApplicationJWTOverrides{Enabled: true, RefreshTokenTimeToLiveInMinutes: 30}, 45 * time.Minute, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newTokenFixture(t)
			if tc.overrides.RefreshTokenExpirationPolicy != "" {
				// The exchange gives a refresh token only under the
				// source application's expiration policy.
				tenant := f.reloadTenant()
				tenant.JWTConfiguration.RefreshTokenExpirationPolicy = tc.overrides.RefreshTokenExpirationPolicy
				tenant.JWTConfiguration.RefreshTokenSlidingWindowConfiguration.MaximumTimeToLiveInMinutes = 43200
				require.NoError(t, f.store.UpdateTenant(f.ctx, tenant))
			}
			overrides := tc.overrides
			hooli := &authcore.Application{ID: hooliID, TenantID: f.tenant.ID, Name: "Hooli", Active: true,
				LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}, JWTConfiguration: &overrides}
			require.NoError(t, f.store.CreateApplication(f.ctx, hooli))
			require.NoError(t, f.store.CreateRegistration(f.ctx, &authcore.UserRegistration{ID: "aaaaaaaa-0000-4000-8000-000000000002", ApplicationID: hooliID, UserID: f.user.ID}))

			start := f.clock.Now()
			rt, first := f.login(f.user)
			tok, _ := f.issue(authcore.TokenRequest{RefreshTokenID: first.ID})
			f.clock.Advance(tc.exchange)
			res, err := f.engine.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: tok, ApplicationID: hooliID, RefreshToken: rt})
			require.NoError(t, err)
			tokens, err := f.engine.RefreshTokens(f.ctx, f.user.ID)
			require.NoError(t, err)
			if tc.wantEnd == 0 {
				assert.Empty(t, res.RefreshToken, "a refresh token that has ended already is none")
				assert.Len(t, tokens, 1, "and none is stored")
				return
			}
			require.NotEmpty(t, res.RefreshToken)
			require.Len(t, tokens, 2)
			for _, got := range tokens {
				if got.ApplicationID == hooliID {
					assert.Equal(t, first.StartInstant, got.StartInstant)
					assert.Equal(t, start.Add(tc.wantEnd).UnixMilli(), got.ExpirationInstant)
				}
			}

			f.clock.Advance(tc.wantEnd - tc.exchange + time.Minute)
			_, err = f.engine.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: res.RefreshToken})
			assert.ErrorIs(t, err, authcore.ErrRefreshTokenInvalid, "past the target application's lifetime from the start")
		})
	}
}
