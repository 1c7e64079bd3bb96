package multistore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// regRaceOther is what runs beside a registration's create in
// TestRegistrationCreateTokensRaces.
type regRaceOther string

const (
	regRaceTenantDelete regRaceOther = "tenant delete"
	regRaceAppDelete    regRaceOther = "application delete"
	regRaceUserDelete   regRaceOther = "user delete"
	regRaceRevoke       regRaceOther = "revocation"
)

// A registration's create with tokens (RegisterUser, for an existing user
// and combined with the user's create, to an application with and without
// loginConfiguration.generateRefreshTokens) paused at each store call after
// which another transaction may meet its locks, while the application's
// tenant is deleted, the application is deleted, the user is deleted, or
// the application's refresh tokens are revoked. The registration's store
// hides ConfigVersioner, so it reads the tenant and the application in its
// transaction (shared on PostgreSQL) as on a configuration change.
//
// No transaction may be lost to a deadlock, and the outcome is the serial
// one in which the registration, which held its locks first, comes first:
// it answers its tokens, the other side then succeeds, and nothing of a
// deleted tenant, application or user (no registration, no refresh token)
// is left; a revocation leaves no token of the application. The other
// order too: the other side paused before its commit, the registration
// waits for it and is then refused as for what was deleted, with nothing
// written, or (after a revocation) is made with its refresh token.
//
// The registration of an existing user read its tenant (shared) in its
// transaction after it held the user and the application, and a tenant's
// delete, which locks the tenant and then its applications, deadlocked
// with it on PostgreSQL. The tenant is read before the transaction now.
// So is the application a combined create reads for its tenant, which it
// locked before the tenant; and a tenant's delete locks its users before
// the tenant, as the registration of an existing user holds its user when
// it reads the application.
func TestRegistrationCreateTokensRaces(t *testing.T) {
	others := []regRaceOther{regRaceTenantDelete, regRaceAppDelete, regRaceUserDelete, regRaceRevoke}
	for _, k := range kinds() {
		for _, refresh := range []bool{true, false} {
			for _, combined := range []bool{false, true} {
				// An existing user's registration once it holds the user,
				// then the application too; a combined create once it
				// holds the application (and its tenant), then once it
				// inserted the user; after the registration's insert,
				// where it read the tenant (shared) next; before and after
				// the refresh token's insert; and with all its locks,
				// before the commit.
				pauses := []string{"GetUser", "GetApplication"}
				if combined {
					pauses = []string{"GetApplication", "CreateUser"}
				}
				pauses = append(pauses, "CreateRegistration")
				if refresh {
					pauses = append(pauses, "BeforeCreateRefreshToken", "CreateRefreshToken")
				}
				// "": the other side first, paused before its commit.
				pauses = append(pauses, "Commit", "")
				for _, other := range others {
					if combined && other == regRaceUserDelete {
						// The user is the registration's own, not
						// committed: no delete can name it yet.
						continue
					}
					for _, pauseAt := range pauses {
						if pauseAt == "GetUser" && (other == regRaceAppDelete || other == regRaceRevoke) {
							// Holding the user alone, the registration
							// holds nothing these wait for.
							continue
						}
						at := pauseAt
						if at == "" {
							at = "after"
						}
						name := fmt.Sprintf("%s/refresh=%t/combined=%t/%s/%s", k.name, refresh, combined, other, at)
						t.Run(name, func(t *testing.T) {
							raceRegistrationCreate(t, k, refresh, combined, other, pauseAt)
						})
					}
				}
			}
		}
	}
}

// raceRegistrationCreate runs a registration's create beside other. With
// pauseAt set, the registration pauses there and other runs beside it;
// with pauseAt "", other pauses before its commit, holding all its locks,
// and the registration runs beside it.
func raceRegistrationCreate(t *testing.T, k storeKind, refresh, combined bool, other regRaceOther, pauseAt string) {
	ctx := context.Background()
	open := k.open(t)
	c := newCluster(t, open, 1)
	e := c.engines[0]
	// A login first: the tenant gets its signing key, which the
	// registration's access token (signed after its commit) then finds
	// without reading the tenant again, and the application a token that
	// a revocation removes too.
	first, err := twitterLogin(ctx, e, c.tw, c.account(1))
	require.NoError(t, err)
	tenantID := first.User.TenantID
	targetApp := appID
	if !refresh {
		app, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
			Name: "no refresh", Roles: []authcore.ApplicationRole{{Name: "user", IsDefault: true}},
		}})
		require.NoError(t, err)
		require.False(t, app.LoginConfiguration.GenerateRefreshTokens)
		targetApp = app.ID
	}
	req := authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: targetApp}}
	userID := ""
	if combined {
		req.User = &authcore.UserInput{TenantID: tenantID, Email: "combined@example.com"}
	} else {
		u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{TenantID: tenantID, Email: "existing@example.com"}})
		require.NoError(t, err)
		userID = u.ID
	}
	keepAnotherTenant(t, e)

	actorPause := ""
	if pauseAt == "" {
		actorPause = "Commit"
	}
	registrar, rs := c.pausedEngine(t, open, pauseAt)
	actor, as := c.pausedEngine(t, open, actorPause)

	var (
		out     *authcore.RegistrationResponse
		revoked int
	)
	register := func() error {
		var err error
		out, err = registrar.RegisterUser(ctx, userID, req)
		return err
	}
	run := func() error {
		switch other {
		case regRaceTenantDelete:
			return actor.DeleteTenant(ctx, tenantID)
		case regRaceAppDelete:
			return actor.DeleteApplication(ctx, targetApp)
		case regRaceUserDelete:
			return actor.DeleteUser(ctx, userID)
		default:
			var err error
			revoked, err = actor.RevokeRefreshTokens(ctx, authcore.RevokeRequest{ApplicationID: targetApp})
			return err
		}
	}
	if pauseAt == "" {
		otherErr, regErr := raceAround(t, k, as, "%", run, register)
		assert.Zero(t, rs.conflicts.Load()+as.conflicts.Load(), "transactions lost to a deadlock")
		require.NoError(t, otherErr)
		checkRegistrationAfter(t, open(t), other, refresh, combined, tenantID, targetApp, userID, out, revoked, regErr)
		return
	}
	regErr, otherErr := raceAround(t, k, rs, "%", register, run)
	assert.Zero(t, rs.conflicts.Load()+as.conflicts.Load(), "transactions lost to a deadlock")
	require.NoError(t, regErr, "the registration that held its locks first goes on")
	require.NoError(t, otherErr, "the %s waits for the registration and then runs", other)
	require.NotEmpty(t, out.Token, "the registration answers its access token")
	if refresh {
		require.NotEmpty(t, out.RefreshToken, "the registration answers its refresh token")
	} else {
		require.Empty(t, out.RefreshToken)
	}

	s := open(t)
	regUser := out.User.ID
	tokens, err := s.ListRefreshTokens(ctx, regUser)
	require.NoError(t, err)
	assert.Empty(t, tokens, "no refresh token of the registration is left after the %s", other)
	_, err = s.GetRegistration(ctx, regUser, targetApp)
	switch other {
	case regRaceRevoke:
		assert.NoError(t, err, "the registration stays")
		want := 0
		if refresh {
			want = 2 // the first login's and the registration's
		}
		assert.Equal(t, want, revoked, "the revocation came after the registration")
	default:
		assert.ErrorIs(t, err, authcore.ErrNotFound, "no registration is left after the %s", other)
	}
	switch other {
	case regRaceTenantDelete:
		_, err = s.GetTenant(ctx, tenantID)
		assert.ErrorIs(t, err, authcore.ErrNotFound, "the tenant")
		_, err = s.GetUser(ctx, regUser)
		assert.ErrorIs(t, err, authcore.ErrNotFound, "the registration's user goes with the tenant")
	case regRaceAppDelete:
		_, err = s.GetApplication(ctx, targetApp)
		assert.ErrorIs(t, err, authcore.ErrNotFound, "the application")
		_, err = s.GetUser(ctx, regUser)
		assert.NoError(t, err, "the user stays")
	case regRaceUserDelete:
		_, err = s.GetUser(ctx, regUser)
		assert.ErrorIs(t, err, authcore.ErrNotFound, "the user")
	}
}

// checkRegistrationAfter checks the outcome of a registration's create (out
// and regErr) that waited for other's commit: after a delete it is refused
// as for what the delete removed, with nothing written; after a revocation
// it is made, and its refresh token stays.
func checkRegistrationAfter(t *testing.T, s authcore.Store, other regRaceOther, refresh, combined bool, tenantID, targetApp, userID string,
	out *authcore.RegistrationResponse, revoked int, regErr error) {
	t.Helper()
	ctx := context.Background()
	if other == regRaceRevoke {
		require.NoError(t, regErr, "the registration comes after the revocation")
		want := 0
		if refresh {
			want = 1 // the first login's
		}
		assert.Equal(t, want, revoked)
		tokens, err := s.ListRefreshTokens(ctx, out.User.ID)
		require.NoError(t, err)
		if refresh {
			require.Len(t, tokens, 1, "the registration's refresh token outlives a revocation before it")
			assert.Equal(t, out.RefreshTokenID, tokens[0].ID)
		} else {
			assert.Empty(t, tokens)
		}
		return
	}
	var verr *validation.Errors
	switch {
	case other == regRaceAppDelete:
		require.ErrorAs(t, regErr, &verr)
		assert.Equal(t, []string{"[invalid]registration.applicationId"}, verr.Codes(), "an application deleted before is unknown")
	case other == regRaceTenantDelete && combined:
		require.ErrorAs(t, regErr, &verr)
		assert.Equal(t, []string{"[invalid]user.tenantId"}, verr.Codes(), "a tenant deleted before is unknown")
	default:
		assert.ErrorIs(t, regErr, authcore.ErrNotFound, "the user is gone")
	}
	if combined {
		if other == regRaceAppDelete {
			_, err := s.GetUserByEmail(ctx, tenantID, "combined@example.com")
			assert.ErrorIs(t, err, authcore.ErrNotFound, "the refused create leaves no user")
		}
		return
	}
	if other == regRaceAppDelete {
		tokens, err := s.ListRefreshTokens(ctx, userID)
		require.NoError(t, err)
		assert.Empty(t, tokens, "the refused registration leaves no refresh token")
		regs, err := s.ListRegistrations(ctx, userID)
		require.NoError(t, err)
		assert.Empty(t, regs, "nor a registration")
	}
}
