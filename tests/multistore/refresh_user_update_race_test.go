package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A refresh against a change of its user (PUT, PATCH, deactivation), of its
// registration (PUT) or of its tenant, each side paused first with its
// first lock held: the refresh
// with its token, before it reads its user, tenant and application (its
// store hides ConfigVersioner, so its transaction reads them, as any
// engine's does on a configuration change); the user's or registration's
// change with the user, before it reads the tenant or the application; the
// tenant's change with the tenant, at its commit. A refresh locked its
// token, then the tenant for update and the application shared, then the
// user; a user's change locks the user and then the tenant for update, a
// registration's the user and then the application for update: with the
// change holding the user, each waited for the other, a PostgreSQL deadlock
// that one of them lost and ran again. The refresh now locks its user
// before its tenant and application. No transaction is lost to a deadlock,
// and both end as in one serial order.
func TestRefreshDuringUserOrTenantUpdate(t *testing.T) {
	for _, k := range kinds() {
		for _, change := range []string{"put", "patch", "deactivate", "registration", "tenant"} {
			for _, changeFirst := range []bool{true, false} {
				name := k.name + "/" + change + "/refresh holds its token"
				if changeFirst {
					name = k.name + "/" + change + "/change holds its lock"
				}
				t.Run(name, func(t *testing.T) {
					refreshDuringChange(t, k, change, changeFirst)
				})
			}
		}
	}
}

func refreshDuringChange(t *testing.T, k storeKind, change string, changeFirst bool) {
	ctx := context.Background()
	open := k.open(t)
	c := newCluster(t, open, 1)
	e := c.engines[0]
	r, err := twitterLogin(ctx, e, c.tw, c.account(1))
	require.NoError(t, err)
	require.NotEmpty(t, r.RefreshToken)
	const newEmail = "renamed@example.com"

	changerPause, refresherPause := "", "GetRefreshTokenByHash"
	if changeFirst {
		changerPause, refresherPause = "GetUser", ""
		if change == "tenant" {
			changerPause = "Commit"
		}
	}
	changer, cs := c.pausedEngine(t, open, changerPause)
	refresher, fs := c.pausedEngine(t, open, refresherPause)

	doChange := func() error {
		var err error
		switch change {
		case "put":
			_, err = changer.UpdateUser(ctx, r.User.ID, authcore.UserRequest{User: authcore.UserInput{Email: newEmail}})
		case "patch":
			_, err = changer.PatchUser(ctx, r.User.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
				Body: []byte(`{"user":{"email":"` + newEmail + `"}}`)})
		case "deactivate":
			_, err = changer.DeactivateUser(ctx, r.User.ID)
		case "registration":
			_, err = changer.UpdateRegistration(ctx, r.User.ID, appID, authcore.RegistrationRequest{
				Registration: authcore.UserRegistration{ApplicationID: appID}}) // no role left
		case "tenant":
			_, err = changer.PatchTenant(ctx, r.User.TenantID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
				Body: []byte(`{"tenant":{"issuer":"renamed.example.com"}}`)})
		}
		return err
	}
	var refreshed authcore.RefreshResult
	doRefresh := func() error {
		var err error
		refreshed, err = refresher.RefreshAccessToken(ctx, authcore.RefreshRequest{RefreshToken: r.RefreshToken})
		return err
	}

	var changeErr, refreshErr error
	if changeFirst {
		// The refresh waits for the user (or the tenant) the change holds.
		pattern := "SELECT doc FROM users WHERE id%"
		if change == "tenant" {
			pattern = "SELECT doc FROM tenants WHERE id%"
		}
		changeErr, refreshErr = raceAround(t, k, cs, pattern, doChange, doRefresh)
	} else {
		refreshErr, changeErr = aheadOf(t, k, fs, doRefresh, doChange)
	}
	assert.Zero(t, cs.conflicts.Load()+fs.conflicts.Load(), "transactions lost to a deadlock")
	require.NoError(t, changeErr)

	// On PostgreSQL a change that waits for nothing the paused refresh
	// holds commits first; memstore and SQLite run one write transaction
	// at a time, so the refresh that began first commits first there.
	changedFirst := changeFirst || k.name == "postgres"
	if change == "deactivate" && changedFirst {
		assert.ErrorIs(t, refreshErr, authcore.ErrRefreshTokenInvalid, "a refresh after the deactivation is refused")
		return
	}
	require.NoError(t, refreshErr)
	claims, err := e.ValidateAccessToken(ctx, refreshed.Token)
	require.NoError(t, err)
	before, err := e.ValidateAccessToken(ctx, r.Token)
	require.NoError(t, err)
	switch {
	case change == "registration" && changedFirst:
		assert.Equal(t, []any{}, claims["roles"], "the refresh after the registration's change")
	case change == "registration":
		require.Equal(t, []any{"user"}, before["roles"], "the login's default role")
		assert.Equal(t, before["roles"], claims["roles"], "the refresh before the registration's change")
	case change == "tenant" && changedFirst:
		assert.Equal(t, "renamed.example.com", claims["iss"], "the refresh after the tenant's change")
	case change == "tenant":
		assert.NotEqual(t, "renamed.example.com", claims["iss"], "the refresh before the tenant's change")
	case change != "deactivate" && changedFirst:
		assert.Equal(t, newEmail, claims["email"], "the refresh after the user's change")
	default:
		assert.Equal(t, r.User.Email, claims["email"], "the refresh before the user's change")
	}
	u, err := open(t).GetUser(ctx, r.User.ID)
	require.NoError(t, err)
	switch change {
	case "put", "patch":
		assert.Equal(t, newEmail, u.Email)
	case "deactivate":
		assert.False(t, u.Active)
	}
}

// aheadOf runs held until it pauses at ps's pause point, then other, which
// needs nothing held has locked: on PostgreSQL other must end while held
// is paused, with no statement waiting for a lock (a wait there could close
// a cycle once held goes on); memstore and SQLite run one write transaction
// at a time, so other waits for held there (raceAround). It returns held's
// error and other's.
func aheadOf(t *testing.T, k storeKind, ps *pausingStore, held, other func() error) (heldErr, otherErr error) {
	t.Helper()
	if k.name != "postgres" {
		return raceAround(t, k, ps, "", held, other)
	}
	ps.armed.Store(true)
	heldDone, otherDone := make(chan error, 1), make(chan error, 1)
	go func() { heldDone <- held() }()
	awaitPause(t, ps, heldDone)
	go func() { otherDone <- other() }()
	ended := false
	waited := watchLockWait(t, "%", func() bool {
		select {
		case otherErr = <-otherDone:
			ended = true
		default:
		}
		return ended
	})
	// Let held go in any case, so that closing the stores does not wait
	// for its open transaction.
	close(ps.release)
	if !ended {
		otherErr = <-otherDone
	}
	heldErr = <-heldDone
	require.False(t, waited, "a statement waited for a lock while the other side was paused")
	require.True(t, ended, "the other side did not end while the held side was paused")
	return heldErr, otherErr
}
