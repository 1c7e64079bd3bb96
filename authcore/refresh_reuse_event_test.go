package authcore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// TestReuseRevocationEventTakesTheRefreshRequestsInfo: presenting a rotated
// one-time refresh token again revokes the token, and the refresh request
// that did it records jwt.refresh-token.revoke. The request's eventInfo and
// address are where that request came from, as for the jwt.refresh event a
// refresh records, but the revoke event left both out: a Go caller's
// RefreshRequest.IPAddress and EventInfo did not reach it, so the event
// that says a token was stolen had no address at all.
func TestReuseRevocationEventTakesTheRefreshRequestsInfo(t *testing.T) {
	s := memstore.New()
	env, c := eventsEnv(t, s, "")
	tenant, err := s.GetTenant(env.Ctx, env.TenantID)
	require.NoError(t, err)
	tenant.JWTConfiguration.RefreshTokenUsagePolicy = authcore.RefreshTokenOneTimeUse
	require.NoError(t, s.UpdateTenant(env.Ctx, tenant))
	env.Account("1", "ada", "ada@example.com")
	resp := env.MustLogin("1")
	require.NotEmpty(t, resp.RefreshToken)
	before := len(c.WaitFor(t, len(firstLoginEvents)))

	_, err = env.Engine.RefreshAccessToken(env.Ctx, authcore.RefreshRequest{RefreshToken: resp.RefreshToken, IPAddress: "198.51.100.1"})
	require.NoError(t, err)
	_, err = env.Engine.RefreshAccessToken(env.Ctx, authcore.RefreshRequest{RefreshToken: resp.RefreshToken, IPAddress: "198.51.100.2",
		EventInfo: &authcore.EventInfo{DeviceName: "thief's laptop", OS: "Linux"}})
	require.ErrorIs(t, err, authcore.ErrRefreshTokenInvalid, "the rotated value was presented again")

	evs := c.WaitFor(t, before+2)[before:]
	require.Equal(t, []string{authcore.EventJWTRefresh, authcore.EventJWTRefreshTokenRevoke}, c.Types()[before:])
	revoked := evs[1]
	require.NotNil(t, revoked.RefreshToken, "one token was revoked")
	require.NotNil(t, revoked.Info)
	require.Equal(t, "198.51.100.2", revoked.Info.IPAddress, "the address of the request that presented the token again")
	require.Equal(t, "thief's laptop", revoked.Info.DeviceName)
	require.Equal(t, "Linux", revoked.Info.OS)
}
