package storetest

import (
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/require"
)

// world is two tenants, each with two applications and two users who are
// registered to both applications, linked to a provider and hold a refresh
// token per application, plus a pending link per tenant.
type world struct {
	tenants [2]*authcore.Tenant
	apps    [2][2]*authcore.Application
	users   [2][2]*authcore.User
	pending [2]*authcore.PendingLink
}

func (f *fixture) world() *world {
	w := &world{}
	for ti := range w.tenants {
		tn := f.tenant(label("Tenant %d", ti))
		w.tenants[ti] = tn
		for ai := range w.apps[ti] {
			w.apps[ti][ai] = f.app(tn.ID, label("app %d/%d", ti, ai))
		}
		for ui := range w.users[ti] {
			u := f.user(tn.ID, label("user%d@t%d.example", ui, ti), label("user%d", ui))
			w.users[ti][ui] = u
			for ai, a := range w.apps[ti] {
				f.reg(u.ID, a.ID)
				f.refresh(u, a.ID, label("hash-%d-%d-%d", ti, ui, ai))
			}
			f.link(u, "idp", label("tw-%d-%d", ti, ui))
		}
		w.pending[ti] = f.pending(tn.ID, w.apps[ti][0].ID, "idp", f.now+1e9)
	}
	return w
}

// userState is what belongs to a user, as the store reports it.
type userState struct {
	exists               bool
	regs, links, refresh int
}

func (f *fixture) userState(u *authcore.User) userState {
	f.t.Helper()
	var st userState
	_, err := f.s.GetUser(f.ctx, u.ID)
	if err == nil {
		st.exists = true
	} else {
		requireNotFound(f.t, err)
	}
	regs, err := f.s.ListRegistrations(f.ctx, u.ID)
	require.NoError(f.t, err)
	links, err := f.s.ListLinks(f.ctx, u.ID, "")
	require.NoError(f.t, err)
	tokens, err := f.s.ListRefreshTokens(f.ctx, u.ID)
	require.NoError(f.t, err)
	st.regs, st.links, st.refresh = len(regs), len(links), len(tokens)
	return st
}

var (
	fullUser = userState{exists: true, regs: 2, links: 1, refresh: 2}
	goneUser = userState{}
)

var cascadeCases = []testCase{
	{"cascade/delete user removes its registrations, links and refresh tokens", func(t *testing.T, f *fixture) {
		w := f.world()
		victim := w.users[0][0]
		require.NoError(t, f.s.DeleteUser(f.ctx, victim.ID))
		require.Equal(t, goneUser, f.userState(victim))
		_, err := f.s.GetLink(f.ctx, victim.TenantID, "idp", "tw-0-0")
		requireNotFound(t, err)
		_, err = f.s.GetRefreshTokenByHash(f.ctx, []byte("hash-0-0-0"), false)
		requireNotFound(t, err)
		require.Equal(t, fullUser, f.userState(w.users[0][1]), "the other user of the tenant is untouched")
		require.Equal(t, fullUser, f.userState(w.users[1][0]), "users of other tenants are untouched")
		// The e-mail is free again.
		f.user(victim.TenantID, victim.Email, victim.Username)
	}},
	{"cascade/delete application removes its registrations and refresh tokens", func(t *testing.T, f *fixture) {
		w := f.world()
		app := w.apps[0][0]
		require.NoError(t, f.s.DeleteApplication(f.ctx, app.ID))
		for _, u := range w.users[0] {
			_, err := f.s.GetRegistration(f.ctx, u.ID, app.ID)
			requireNotFound(t, err)
			require.Equal(t, userState{exists: true, regs: 1, links: 1, refresh: 1}, f.userState(u))
			_, err = f.s.GetRegistration(f.ctx, u.ID, w.apps[0][1].ID)
			require.NoError(t, err, "the registration to the other application stays")
		}
		for _, u := range w.users[1] {
			require.Equal(t, fullUser, f.userState(u))
		}
	}},
	{"cascade/delete tenant removes everything in it", func(t *testing.T, f *fixture) {
		w := f.world()
		tn := w.tenants[0]
		require.NoError(t, f.s.DeleteTenant(f.ctx, tn.ID))
		for _, u := range w.users[0] {
			require.Equal(t, goneUser, f.userState(u))
		}
		for _, a := range w.apps[0] {
			_, err := f.s.GetApplication(f.ctx, a.ID)
			requireNotFound(t, err)
		}
		apps, err := f.s.ListApplications(f.ctx, tn.ID)
		require.NoError(t, err)
		require.Empty(t, apps)
		_, err = f.s.GetPendingLink(f.ctx, w.pending[0].ID, f.now)
		requireNotFound(t, err)

		// The other tenant is whole.
		for _, u := range w.users[1] {
			require.Equal(t, fullUser, f.userState(u))
		}
		apps, err = f.s.ListApplications(f.ctx, w.tenants[1].ID)
		require.NoError(t, err)
		require.Len(t, apps, 2)
		_, err = f.s.GetPendingLink(f.ctx, w.pending[1].ID, f.now)
		require.NoError(t, err)
		tenants, err := f.s.ListTenants(f.ctx)
		require.NoError(t, err)
		require.Equal(t, []*authcore.Tenant{w.tenants[1]}, tenants)
		// The name is free again.
		f.tenant(tn.Name)
	}},
	{"cascade/deleting a user, an application or a tenant frees its registrations' ids", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		w := f.world()
		regID := func(u *authcore.User, a *authcore.Application) string {
			r, err := f.s.GetRegistration(ctx, u.ID, a.ID)
			require.NoError(t, err)
			return r.ID
		}
		keeper := w.users[1][0]
		spare := f.app(keeper.TenantID, "spare")
		claim := func(id string) error {
			r := f.newReg(keeper.ID, spare.ID)
			r.ID = id
			err := f.s.CreateRegistration(ctx, r)
			if err == nil {
				require.NoError(t, f.s.DeleteRegistration(ctx, keeper.ID, spare.ID))
			}
			return err
		}
		userRegs := []string{regID(w.users[0][0], w.apps[0][0]), regID(w.users[0][0], w.apps[0][1])}
		appRegs := []string{regID(w.users[0][1], w.apps[0][0])}
		tenantRegs := []string{regID(w.users[0][1], w.apps[0][1])}
		for _, id := range append(append(userRegs, appRegs...), tenantRegs...) {
			requireDuplicate(t, claim(id), "registrationId")
		}

		require.NoError(t, f.s.DeleteUser(ctx, w.users[0][0].ID))
		for _, id := range userRegs {
			require.NoError(t, claim(id), "a deleted user's registration id")
		}
		require.NoError(t, f.s.DeleteApplication(ctx, w.apps[0][0].ID))
		for _, id := range appRegs {
			require.NoError(t, claim(id), "a deleted application's registration id")
		}
		requireDuplicate(t, claim(tenantRegs[0]), "registrationId", "the tenant's last registration stays")
		require.NoError(t, f.s.DeleteTenant(ctx, w.tenants[0].ID))
		for _, id := range tenantRegs {
			require.NoError(t, claim(id), "a deleted tenant's registration id")
		}
		// The other tenant's registrations keep theirs.
		requireDuplicate(t, claim(regID(w.users[1][1], w.apps[1][0])), "registrationId")
	}},
}
