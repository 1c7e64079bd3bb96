package storetest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/stretchr/testify/require"
)

var tenantCases = []testCase{
	{"tenant/create get update delete", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("Acme")
		got, err := f.s.GetTenant(ctx, tn.ID)
		require.NoError(t, err)
		require.Equal(t, tn, got)

		tn.Name, tn.Issuer, tn.Data = "Acme Corp", "acme.example", map[string]any{"plan": "silver"}
		tn.LastUpdateInstant = f.instant()
		require.NoError(t, f.s.UpdateTenant(ctx, tn))
		got, err = f.s.GetTenant(ctx, tn.ID)
		require.NoError(t, err)
		require.Equal(t, tn, got)

		requireDuplicate(t, f.s.CreateTenant(ctx, f.newTenantWithID(tn.ID, "Other")), "id")
		require.NoError(t, f.s.DeleteTenant(ctx, tn.ID))
		_, err = f.s.GetTenant(ctx, tn.ID)
		requireNotFound(t, err)
		requireNotFound(t, f.s.DeleteTenant(ctx, tn.ID))
		requireNotFound(t, f.s.UpdateTenant(ctx, tn))
		_, err = f.s.GetTenant(ctx, "no-such-tenant")
		requireNotFound(t, err)
	}},
	{"tenant/names unique case-insensitively", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		a := f.tenant("Acme")
		b := f.tenant("Beta")
		requireDuplicate(t, f.s.CreateTenant(ctx, f.newTenant("ACME")), "name")
		b.Name = "aCmE"
		requireDuplicate(t, f.s.UpdateTenant(ctx, b), "name")
		got, err := f.s.GetTenant(ctx, b.ID)
		require.NoError(t, err)
		require.Equal(t, "Beta", got.Name, "a refused update changes nothing")

		// A tenant may keep its own name in another case.
		a.Name = "ACME"
		require.NoError(t, f.s.UpdateTenant(ctx, a))
		// A rename frees the old name.
		a.Name = "Gamma"
		require.NoError(t, f.s.UpdateTenant(ctx, a))
		f.tenant("acme")
		// A delete frees it too.
		require.NoError(t, f.s.DeleteTenant(ctx, a.ID))
		f.tenant("GAMMA")
	}},
	{"tenant/list oldest first then by id", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		empty, err := f.s.ListTenants(ctx)
		require.NoError(t, err)
		require.NotNil(t, empty)
		require.Empty(t, empty)

		same := f.instant()
		c := f.newTenantWithID("c-tenant", "C")
		c.InsertInstant = same
		b := f.newTenantWithID("b-tenant", "B")
		b.InsertInstant = same
		a := f.newTenantWithID("a-tenant", "A")
		a.InsertInstant = same + 1
		for _, v := range []*authcore.Tenant{a, c, b} {
			require.NoError(t, f.s.CreateTenant(ctx, v))
		}
		list, err := f.s.ListTenants(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"b-tenant", "c-tenant", "a-tenant"}, ids(list, func(v *authcore.Tenant) string { return v.ID }))
		require.Equal(t, b, list[0])
	}},
}

func (f *fixture) newTenantWithID(tid, name string) *authcore.Tenant {
	v := f.newTenant(name)
	v.ID = tid
	return v
}

var applicationCases = []testCase{
	{"application/create get list update delete", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		t1, t2 := f.tenant("One"), f.tenant("Two")
		a1 := f.app(t1.ID, "first")
		a2 := f.app(t2.ID, "second")
		a3 := f.app(t1.ID, "third")

		got, err := f.s.GetApplication(ctx, a1.ID)
		require.NoError(t, err)
		require.Equal(t, a1, got)

		all, err := f.s.ListApplications(ctx, "")
		require.NoError(t, err)
		require.Equal(t, []*authcore.Application{a1, a2, a3}, all)
		in1, err := f.s.ListApplications(ctx, t1.ID)
		require.NoError(t, err)
		require.Equal(t, []*authcore.Application{a1, a3}, in1)
		none, err := f.s.ListApplications(ctx, "no-such-tenant")
		require.NoError(t, err)
		require.NotNil(t, none)
		require.Empty(t, none)

		a1.Name, a1.Active, a1.JWTConfiguration = "renamed", false, nil
		a1.Roles = append(a1.Roles, authcore.ApplicationRole{ID: id(), Name: "extra"})
		require.NoError(t, f.s.UpdateApplication(ctx, a1))
		got, err = f.s.GetApplication(ctx, a1.ID)
		require.NoError(t, err)
		require.Equal(t, a1, got)

		requireDuplicate(t, f.s.CreateApplication(ctx, a2), "id")
		require.NoError(t, f.s.DeleteApplication(ctx, a1.ID))
		_, err = f.s.GetApplication(ctx, a1.ID)
		requireNotFound(t, err)
		requireNotFound(t, f.s.DeleteApplication(ctx, a1.ID))
		requireNotFound(t, f.s.UpdateApplication(ctx, a1))
	}},
	{"application/needs its tenant", func(t *testing.T, f *fixture) {
		requireNotFound(t, f.s.CreateApplication(f.ctx, f.newApp("no-such-tenant", "x")))
		all, err := f.s.ListApplications(f.ctx, "")
		require.NoError(t, err)
		require.Empty(t, all)
	}},
}

var userCases = []testCase{
	{"user/create get update delete", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		u := f.user(tn.ID, "Ada@Example.com", "Ada")
		got, err := f.s.GetUser(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, u, got)

		for _, email := range []string{"ada@example.com", "ADA@EXAMPLE.COM", "Ada@Example.com"} {
			got, err = f.s.GetUserByEmail(ctx, tn.ID, email)
			require.NoError(t, err, email)
			require.Equal(t, u.ID, got.ID, email)
		}
		for _, name := range []string{"ada", "ADA"} {
			got, err = f.s.GetUserByUsername(ctx, tn.ID, name)
			require.NoError(t, err, name)
			require.Equal(t, u.ID, got.ID, name)
		}
		_, err = f.s.GetUserByEmail(ctx, "other-tenant", "ada@example.com")
		requireNotFound(t, err, "lookups are per tenant")
		_, err = f.s.GetUserByEmail(ctx, tn.ID, "")
		requireNotFound(t, err)
		_, err = f.s.GetUserByUsername(ctx, tn.ID, "")
		requireNotFound(t, err)

		u.Email, u.Username, u.FirstName, u.TwoFactor = "new@example.com", "", "Augusta", nil
		u.LastUpdateInstant = f.instant()
		require.NoError(t, f.s.UpdateUser(ctx, u))
		got, err = f.s.GetUser(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, u, got)
		_, err = f.s.GetUserByEmail(ctx, tn.ID, "ada@example.com")
		requireNotFound(t, err, "the old e-mail no longer finds the user")
		_, err = f.s.GetUserByUsername(ctx, tn.ID, "ada")
		requireNotFound(t, err, "the removed username no longer finds the user")
		got, err = f.s.GetUserByEmail(ctx, tn.ID, "NEW@example.com")
		require.NoError(t, err)
		require.Equal(t, u.ID, got.ID)

		requireDuplicate(t, f.s.CreateUser(ctx, f.newUserWithID(u.ID, tn.ID)), "id")
		require.NoError(t, f.s.DeleteUser(ctx, u.ID))
		_, err = f.s.GetUser(ctx, u.ID)
		requireNotFound(t, err)
		_, err = f.s.GetUserByEmail(ctx, tn.ID, "new@example.com")
		requireNotFound(t, err)
		requireNotFound(t, f.s.DeleteUser(ctx, u.ID))
		requireNotFound(t, f.s.UpdateUser(ctx, u))
	}},
	{"user/needs its tenant", func(t *testing.T, f *fixture) {
		requireNotFound(t, f.s.CreateUser(f.ctx, f.newUser("no-such-tenant", "a@example.com", "")))
	}},
	{"user/e-mail and username unique per tenant, case-insensitively", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		t1, t2 := f.tenant("One"), f.tenant("Two")
		f.user(t1.ID, "Ada@Example.com", "Ada")
		tests := []struct {
			name      string
			tenant    string
			email     string
			username  string
			wantField string // "" when allowed
		}{
			{"same e-mail other case", t1.ID, "ADA@example.COM", "", "email"},
			{"same username other case", t1.ID, "", "aDA", "username"},
			{"same e-mail in another tenant", t2.ID, "ada@example.com", "", ""},
			{"same username in another tenant", t2.ID, "x@example.com", "ada", ""},
			{"different e-mail and username", t1.ID, "bob@example.com", "bob", ""},
			{"no e-mail and no username", t1.ID, "", "", ""},
			{"again no e-mail and no username", t1.ID, "", "", ""},
			{"e-mail only", t1.ID, "carol@example.com", "", ""},
			{"username only", t1.ID, "", "dave", ""},
		}
		for _, tc := range tests {
			err := f.s.CreateUser(ctx, f.newUser(tc.tenant, tc.email, tc.username))
			if tc.wantField == "" {
				require.NoError(t, err, tc.name)
			} else {
				requireDuplicate(t, err, tc.wantField, tc.name)
			}
		}
		// Unicode case folding: Ö and ö are the same letter.
		f.user(t1.ID, "Ölaf@example.com", "")
		requireDuplicate(t, f.s.CreateUser(ctx, f.newUser(t1.ID, "öLAF@EXAMPLE.COM", "")), "email")
		got, err := f.s.GetUserByEmail(ctx, t1.ID, "ÖLAF@example.com")
		require.NoError(t, err)
		require.Equal(t, "Ölaf@example.com", got.Email)
	}},
	{"user/update keeps uniqueness", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.user(tn.ID, "a@example.com", "a")
		b := f.user(tn.ID, "b@example.com", "b")
		b.Email = "A@example.com"
		requireDuplicate(t, f.s.UpdateUser(ctx, b), "email")
		b.Email, b.Username = "b@example.com", "A"
		requireDuplicate(t, f.s.UpdateUser(ctx, b), "username")
		got, err := f.s.GetUser(ctx, b.ID)
		require.NoError(t, err)
		require.Equal(t, "b", got.Username, "a refused update changes nothing")

		// Freeing an e-mail lets another user take it.
		a.Email = "z@example.com"
		require.NoError(t, f.s.UpdateUser(ctx, a))
		b.Email, b.Username = "a@example.com", "b"
		require.NoError(t, f.s.UpdateUser(ctx, b))
		got, err = f.s.GetUserByEmail(ctx, tn.ID, "a@example.com")
		require.NoError(t, err)
		require.Equal(t, b.ID, got.ID)
	}},
	{"user/registrations are not stored with the user", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		u := f.newUser(tn.ID, "a@example.com", "")
		u.Registrations = []authcore.UserRegistration{{ID: id(), ApplicationID: id()}}
		require.NoError(t, f.s.CreateUser(f.ctx, u))
		got, err := f.s.GetUser(f.ctx, u.ID)
		require.NoError(t, err)
		require.Empty(t, got.Registrations)
		regs, err := f.s.ListRegistrations(f.ctx, u.ID)
		require.NoError(t, err)
		require.Empty(t, regs)
	}},
}

func (f *fixture) newUserWithID(uid, tenantID string) *authcore.User {
	v := f.newUser(tenantID, "", "")
	v.ID = uid
	return v
}

var registrationCases = []testCase{
	{"registration/list by application, ordered by user id", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a, b := f.app(tn.ID, "a"), f.app(tn.ID, "b")
		none, err := f.s.ListApplicationRegistrations(ctx, a.ID)
		require.NoError(t, err)
		require.NotNil(t, none, "no registration is an empty slice")
		require.Empty(t, none)

		var want []*authcore.UserRegistration
		for i := range 5 {
			u := f.user(tn.ID, fmt.Sprintf("u%d@example.com", i), "")
			r := f.reg(u.ID, a.ID)
			if i%2 == 0 {
				r.Roles = []string{"admin"}
				require.NoError(t, f.s.UpdateRegistration(ctx, r))
			}
			want = append(want, r)
			f.reg(u.ID, b.ID)
		}
		slices.SortFunc(want, func(x, y *authcore.UserRegistration) int { return strings.Compare(x.UserID, y.UserID) })
		got, err := f.s.ListApplicationRegistrations(ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, want, got)

		require.NoError(t, f.s.DeleteRegistration(ctx, want[1].UserID, a.ID))
		got, err = f.s.ListApplicationRegistrations(ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, append(want[:1:1], want[2:]...), got)
		other, err := f.s.ListApplicationRegistrations(ctx, b.ID)
		require.NoError(t, err)
		require.Len(t, other, 5, "another application's registrations are its own")
	}},
	{"registration/create get list update delete", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a1, a2, a3 := f.app(tn.ID, "1"), f.app(tn.ID, "2"), f.app(tn.ID, "3")
		u := f.user(tn.ID, "u@example.com", "")
		other := f.user(tn.ID, "o@example.com", "")

		none, err := f.s.ListRegistrations(ctx, u.ID)
		require.NoError(t, err)
		require.NotNil(t, none, "no registration is an empty slice")
		require.Empty(t, none)

		r2 := f.reg(u.ID, a2.ID)
		r1 := f.reg(u.ID, a1.ID)
		r3 := f.reg(u.ID, a3.ID)
		f.reg(other.ID, a1.ID)
		got, err := f.s.GetRegistration(ctx, u.ID, a1.ID)
		require.NoError(t, err)
		require.Equal(t, r1, got)
		list, err := f.s.ListRegistrations(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, []*authcore.UserRegistration{r2, r1, r3}, list, "oldest first")

		r1.Roles, r1.Data, r1.LastLoginInstant = []string{"admin", "user"}, map[string]any{"x": "y"}, f.instant()
		require.NoError(t, f.s.UpdateRegistration(ctx, r1))
		got, err = f.s.GetRegistration(ctx, u.ID, a1.ID)
		require.NoError(t, err)
		require.Equal(t, r1, got)

		require.NoError(t, f.s.DeleteRegistration(ctx, u.ID, a1.ID))
		_, err = f.s.GetRegistration(ctx, u.ID, a1.ID)
		requireNotFound(t, err)
		requireNotFound(t, f.s.DeleteRegistration(ctx, u.ID, a1.ID))
		requireNotFound(t, f.s.UpdateRegistration(ctx, r1))
		_, err = f.s.GetRegistration(ctx, other.ID, a1.ID)
		require.NoError(t, err, "another user's registration stays")
	}},
	{"registration/one per user and application", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "u@example.com", "")
		f.reg(u.ID, a.ID)
		requireDuplicate(t, f.s.CreateRegistration(f.ctx, f.newReg(u.ID, a.ID)), "registration")
	}},
	{"registration/an id is unique across all registrations", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn, other := f.tenant("T"), f.tenant("O")
		a, b, c := f.app(tn.ID, "a"), f.app(tn.ID, "b"), f.app(other.ID, "c")
		u, v, w := f.user(tn.ID, "u@example.com", ""), f.user(tn.ID, "v@example.com", ""), f.user(other.ID, "w@example.com", "")
		r := f.reg(u.ID, a.ID)
		for _, tc := range []struct{ name, userID, appID string }{
			{"another user, same application", v.ID, a.ID},
			{"same user, another application", u.ID, b.ID},
			{"another tenant's user and application", w.ID, c.ID},
		} {
			dup := f.newReg(tc.userID, tc.appID)
			dup.ID = r.ID
			requireDuplicate(t, f.s.CreateRegistration(ctx, dup), "registrationId", tc.name)
			_, err := f.s.GetRegistration(ctx, tc.userID, tc.appID)
			requireNotFound(t, err, "%s: nothing stored", tc.name)
		}
		same := f.newReg(u.ID, a.ID)
		same.ID = r.ID
		requireDuplicate(t, f.s.CreateRegistration(ctx, same), "registration", "the same user and application: that rule is named first")

		// An update may keep its own id, not take another's.
		rv := f.reg(v.ID, a.ID)
		r.Timezone = "UTC"
		require.NoError(t, f.s.UpdateRegistration(ctx, r), "an update keeps its own id")
		taken := *rv
		taken.ID = r.ID
		requireDuplicate(t, f.s.UpdateRegistration(ctx, &taken), "registrationId")
		got, err := f.s.GetRegistration(ctx, v.ID, a.ID)
		require.NoError(t, err)
		require.Equal(t, rv, got, "the refused update changed nothing")

		// An update to a fresh id frees the old one.
		oldID := rv.ID
		rv.ID = id()
		require.NoError(t, f.s.UpdateRegistration(ctx, rv))
		got, err = f.s.GetRegistration(ctx, v.ID, a.ID)
		require.NoError(t, err)
		require.Equal(t, rv, got)
		reuse := f.newReg(w.ID, c.ID)
		reuse.ID = oldID
		require.NoError(t, f.s.CreateRegistration(ctx, reuse), "the id given up is free")
		dup := f.newReg(u.ID, b.ID)
		dup.ID = rv.ID
		requireDuplicate(t, f.s.CreateRegistration(ctx, dup), "registrationId", "the new id is taken")

		// Inside a transaction, and a rolled-back create takes no id.
		fresh := f.newReg(u.ID, b.ID)
		err = f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			require.NoError(t, tx.CreateRegistration(ctx, fresh))
			again := f.newReg(v.ID, b.ID)
			again.ID = fresh.ID
			requireDuplicate(t, tx.CreateRegistration(ctx, again), "registrationId", "the transaction's own registration holds the id")
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		later := f.newReg(v.ID, b.ID)
		later.ID = fresh.ID
		require.NoError(t, f.s.CreateRegistration(ctx, later), "the rolled-back registration's id is free")
	}},
	{"registration/a deleted registration's id is free again", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u, v := f.user(tn.ID, "u@example.com", ""), f.user(tn.ID, "v@example.com", "")
		r := f.reg(u.ID, a.ID)
		// A delete rolled back keeps the id taken.
		err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			require.NoError(t, tx.DeleteRegistration(ctx, u.ID, a.ID))
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		dup := f.newReg(v.ID, a.ID)
		dup.ID = r.ID
		requireDuplicate(t, f.s.CreateRegistration(ctx, dup), "registrationId")

		require.NoError(t, f.s.DeleteRegistration(ctx, u.ID, a.ID))
		require.NoError(t, f.s.CreateRegistration(ctx, dup))
	}},
	{"registration/needs user and application", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "u@example.com", "")
		requireNotFound(t, f.s.CreateRegistration(f.ctx, f.newReg("no-such-user", a.ID)))
		requireNotFound(t, f.s.CreateRegistration(f.ctx, f.newReg(u.ID, "no-such-app")))

		// A taken id is reported before a missing user or application, as
		// the SQL stores' unique index is checked before their foreign keys
		// (and as a taken id comes before a missing tenant elsewhere).
		taken := f.reg(u.ID, a.ID).ID
		for name, r := range map[string]*authcore.UserRegistration{
			"no user":             f.newReg("no-such-user", a.ID),
			"no application":      f.newReg(u.ID, "no-such-app"),
			"neither":             f.newReg("no-such-user", "no-such-app"),
			"another application": f.newReg(u.ID, f.app(tn.ID, "b").ID),
		} {
			r.ID = taken
			requireDuplicate(t, f.s.CreateRegistration(f.ctx, r), "registrationId", name)
		}
	}},
}

var linkCases = []testCase{
	{"link/create get list update delete", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		u := f.user(tn.ID, "u@example.com", "")
		other := f.user(tn.ID, "o@example.com", "")
		l2 := f.link(u, "idp-b", "200")
		l1 := f.link(u, "idp-a", "100")
		l3 := f.link(u, "idp-a", "300")
		f.link(other, "idp-a", "400")

		got, err := f.s.GetLink(ctx, tn.ID, "idp-a", "100")
		require.NoError(t, err)
		require.Equal(t, l1, got)
		_, err = f.s.GetLink(ctx, "other-tenant", "idp-a", "100")
		requireNotFound(t, err)

		all, err := f.s.ListLinks(ctx, u.ID, "")
		require.NoError(t, err)
		require.Equal(t, []*authcore.IdentityProviderLink{l2, l1, l3}, all, "oldest first")
		onlyA, err := f.s.ListLinks(ctx, u.ID, "idp-a")
		require.NoError(t, err)
		require.Equal(t, []*authcore.IdentityProviderLink{l1, l3}, onlyA)
		none, err := f.s.ListLinks(ctx, u.ID, "idp-none")
		require.NoError(t, err)
		require.NotNil(t, none)
		require.Empty(t, none)

		l1.DisplayName, l1.Token, l1.LastLoginInstant = "renamed", "new-token", f.instant()
		require.NoError(t, f.s.UpdateLink(ctx, l1))
		got, err = f.s.GetLink(ctx, tn.ID, "idp-a", "100")
		require.NoError(t, err)
		require.Equal(t, l1, got)

		require.NoError(t, f.s.DeleteLink(ctx, tn.ID, "idp-a", "100"))
		_, err = f.s.GetLink(ctx, tn.ID, "idp-a", "100")
		requireNotFound(t, err)
		requireNotFound(t, f.s.DeleteLink(ctx, tn.ID, "idp-a", "100"))
		requireNotFound(t, f.s.UpdateLink(ctx, l1))
	}},
	{"link/one per tenant, provider and provider user", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		t1, t2 := f.tenant("One"), f.tenant("Two")
		u := f.user(t1.ID, "u@example.com", "")
		v := f.user(t1.ID, "v@example.com", "")
		w := f.user(t2.ID, "w@example.com", "")
		f.link(u, "idp", "42")
		f.provider("idp2")
		tests := []struct {
			name    string
			link    *authcore.IdentityProviderLink
			wantDup bool
		}{
			{"same key, same user", f.newLink(u, "idp", "42"), true},
			{"same key, another user", f.newLink(v, "idp", "42"), true},
			{"same provider user in another tenant", f.newLink(w, "idp", "42"), false},
			{"same provider user at another provider", f.newLink(u, "idp2", "42"), false},
			{"another provider user", f.newLink(v, "idp", "43"), false},
		}
		for _, tc := range tests {
			err := f.s.CreateLink(ctx, tc.link)
			if tc.wantDup {
				requireDuplicate(t, err, "link", tc.name)
			} else {
				require.NoError(t, err, tc.name)
			}
		}
	}},
	{"link/needs its user", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		ghost := &authcore.User{ID: "no-such-user", TenantID: tn.ID}
		f.provider("idp")
		requireNotFound(t, f.s.CreateLink(f.ctx, f.newLink(ghost, "idp", "1")))
	}},
	{"link/needs its provider", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "u@example.com", "")
		requireNotFound(t, f.s.CreateLink(ctx, f.newLink(u, "no-such-provider", "1")))
		requireNotFound(t, f.s.CreatePendingLink(ctx, f.newPending(tn.ID, a.ID, "no-such-provider", f.now+1e9)))
		_, err := f.s.GetLink(ctx, tn.ID, "no-such-provider", "1")
		requireNotFound(t, err)
	}},
	{"pending link/needs its tenant, and goes with it", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		f.provider("idp")
		requireNotFound(t, f.s.CreatePendingLink(ctx, f.newPending("no-such-tenant", a.ID, "idp", f.now+1e9)))
		p := f.pending(tn.ID, a.ID, "idp", f.now+1e9)
		require.NoError(t, f.s.DeleteTenant(ctx, tn.ID))
		_, err := f.s.GetPendingLink(ctx, p.ID, f.now)
		requireNotFound(t, err)
	}},
	{"link/deleting a provider's links, or the provider, removes its links and pending links only", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		for i, remove := range []func(id string) error{
			func(id string) error { return f.s.DeleteProviderLinks(ctx, id) },
			func(id string) error { return f.s.DeleteIdentityProvider(ctx, id) },
		} {
			u := f.user(tn.ID, label("u%d@example.com", i), "")
			f.link(u, "gone", label("%d-1", i))
			f.link(u, "gone", label("%d-2", i))
			kept := f.link(u, "kept", label("%d-1", i))
			p1 := f.pending(tn.ID, a.ID, "gone", f.now+1e9)
			p2 := f.pending(tn.ID, a.ID, "kept", f.now+1e9)

			require.NoError(t, remove("gone"))
			all, err := f.s.ListLinks(ctx, u.ID, "")
			require.NoError(t, err)
			require.Equal(t, []*authcore.IdentityProviderLink{kept}, all)
			_, err = f.s.GetPendingLink(ctx, p1.ID, f.now)
			requireNotFound(t, err)
			_, err = f.s.GetPendingLink(ctx, p2.ID, f.now)
			require.NoError(t, err)
		}
		require.NoError(t, f.s.DeleteProviderLinks(ctx, "never-had-links"))
	}},
}

var pendingLinkCases = []testCase{
	{"pending link/get, expiry, take once", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		exp := f.now + 60_000
		p := f.pending(tn.ID, a.ID, "idp", exp)
		requireDuplicate(t, f.s.CreatePendingLink(ctx, p), "id")

		tests := []struct {
			name  string
			now   int64
			found bool
		}{
			{"well before expiry", exp - 60_000, true},
			{"one ms before expiry", exp - 1, true},
			{"at expiry", exp, false},
			{"after expiry", exp + 1, false},
		}
		for _, tc := range tests {
			got, err := f.s.GetPendingLink(ctx, p.ID, tc.now)
			if tc.found {
				require.NoError(t, err, tc.name)
				require.Equal(t, p, got, tc.name)
			} else {
				requireNotFound(t, err, tc.name)
			}
		}
		_, err := f.s.TakePendingLink(ctx, p.ID, exp)
		requireNotFound(t, err, "an expired link cannot be taken")
		got, err := f.s.TakePendingLink(ctx, p.ID, exp-1)
		require.NoError(t, err)
		require.Equal(t, p, got)
		_, err = f.s.TakePendingLink(ctx, p.ID, exp-1)
		requireNotFound(t, err, "taken once")
		_, err = f.s.GetPendingLink(ctx, p.ID, exp-1)
		requireNotFound(t, err, "gone after take")
		_, err = f.s.GetPendingLink(ctx, "no-such-id", 0)
		requireNotFound(t, err)
	}},
}

var identityProviderCases = []testCase{
	{"identity provider/create get list update delete", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		mk := func(pid string) *authcore.IdentityProviderRecord {
			now := f.instant()
			return &authcore.IdentityProviderRecord{ID: pid, Type: "Twitter", Document: []byte(`{"id":"` + pid + `","enabled":true}`), InsertInstant: now, LastUpdateInstant: now}
		}
		b, a := mk("b-idp"), mk("a-idp")
		require.NoError(t, f.s.CreateIdentityProvider(ctx, b))
		require.NoError(t, f.s.CreateIdentityProvider(ctx, a))
		requireDuplicate(t, f.s.CreateIdentityProvider(ctx, mk("a-idp")), "id")
		got, err := f.s.GetIdentityProvider(ctx, "a-idp")
		require.NoError(t, err)
		require.Equal(t, a, got)
		list, err := f.s.ListIdentityProviders(ctx)
		require.NoError(t, err)
		require.Equal(t, []*authcore.IdentityProviderRecord{b, a}, list, "oldest first")

		a.Document, a.LastUpdateInstant = []byte(`{"enabled":false}`), f.instant()
		require.NoError(t, f.s.UpdateIdentityProvider(ctx, a))
		got, err = f.s.GetIdentityProvider(ctx, "a-idp")
		require.NoError(t, err)
		require.Equal(t, a, got)

		require.NoError(t, f.s.DeleteIdentityProvider(ctx, "a-idp"))
		_, err = f.s.GetIdentityProvider(ctx, "a-idp")
		requireNotFound(t, err)
		requireNotFound(t, f.s.DeleteIdentityProvider(ctx, "a-idp"))
		requireNotFound(t, f.s.UpdateIdentityProvider(ctx, a))
	}},
}

func sampleIntegrations() *integration.Integrations {
	return &integration.Integrations{
		CleanSpeak: integration.CleanSpeak{
			APIKey: "k", ApplicationIDs: []string{"6e4b0a8e-4f3a-4b8e-9a8e-2b0a0b0c0d0e"}, Enabled: true,
			URL: "https://cleanspeak.example", UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: "6e4b0a8e-4f3a-4b8e-9a8e-2b0a0b0c0d0e"},
		},
		Kafka: integration.Kafka{DefaultTopic: "events", Enabled: true, Producer: map[string]string{"bootstrap.servers": "localhost:9092"}},
	}
}

var integrationCases = []testCase{
	{"integrations/not found until put, then replaced", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		_, err := f.s.GetIntegrations(ctx)
		requireNotFound(t, err)
		in := sampleIntegrations()
		require.NoError(t, f.s.PutIntegrations(ctx, in))
		got, err := f.s.GetIntegrations(ctx)
		require.NoError(t, err)
		require.Equal(t, in, got)

		next := &integration.Integrations{Kafka: integration.Kafka{DefaultTopic: "t2"}}
		require.NoError(t, f.s.PutIntegrations(ctx, next))
		got, err = f.s.GetIntegrations(ctx)
		require.NoError(t, err)
		require.Equal(t, next, got)
	}},
}

var apiKeyCases = []testCase{
	{"api key/create, lookup by hash, list, delete", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		mk := func(kid, hash, tenant string) *authcore.APIKey {
			return &authcore.APIKey{ID: kid, KeyHash: []byte(hash), TenantID: tenant, Description: "key " + kid, InsertInstant: f.instant()}
		}
		k2, k1 := mk("k2", "hash-2", ""), mk("k1", "hash-1", "some-tenant")
		require.NoError(t, f.s.CreateAPIKey(ctx, k2))
		require.NoError(t, f.s.CreateAPIKey(ctx, k1))
		requireDuplicate(t, f.s.CreateAPIKey(ctx, mk("k3", "hash-1", "")), "key")
		requireDuplicate(t, f.s.CreateAPIKey(ctx, mk("k1", "hash-9", "")), "id")

		got, err := f.s.GetAPIKeyByHash(ctx, []byte("hash-1"))
		require.NoError(t, err)
		require.Equal(t, k1, got)
		_, err = f.s.GetAPIKeyByHash(ctx, []byte("hash-x"))
		requireNotFound(t, err)
		list, err := f.s.ListAPIKeys(ctx)
		require.NoError(t, err)
		require.Equal(t, []*authcore.APIKey{k2, k1}, list, "oldest first")

		require.NoError(t, f.s.DeleteAPIKey(ctx, "k1"))
		_, err = f.s.GetAPIKeyByHash(ctx, []byte("hash-1"))
		requireNotFound(t, err)
		requireNotFound(t, f.s.DeleteAPIKey(ctx, "k1"))
		require.NoError(t, f.s.CreateAPIKey(ctx, mk("k4", "hash-1", "")), "a deleted key's hash is free again")
	}},
	{"api key/permissions, key manager and expiry kept; get by id; update keeps hash and insert instant", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		k := &authcore.APIKey{ID: "k1", KeyHash: []byte("hash-1"), TenantID: "some-tenant", Description: "limited",
			InsertInstant: f.instant(), KeyManager: true, ExpirationInstant: 4102444800000,
			Endpoints: map[string][]string{"/api/user": {"GET", "POST"}, "/api/user/registration": {"DELETE"}}}
		require.NoError(t, f.s.CreateAPIKey(ctx, k))
		got, err := f.s.GetAPIKey(ctx, "k1")
		require.NoError(t, err)
		require.Equal(t, k, got)
		got, err = f.s.GetAPIKeyByHash(ctx, []byte("hash-1"))
		require.NoError(t, err)
		require.Equal(t, k, got)
		_, err = f.s.GetAPIKey(ctx, "k2")
		requireNotFound(t, err)

		// An update that carries another hash and insert instant changes
		// neither: the secret that authenticates is fixed at create.
		up := &authcore.APIKey{ID: "k1", KeyHash: []byte("hash-2"), TenantID: "some-tenant", Description: "changed",
			InsertInstant: 1, LastUpdateInstant: f.instant(), Endpoints: map[string][]string{"/api/tenant": {"GET"}}}
		require.NoError(t, f.s.UpdateAPIKey(ctx, up))
		want := *up
		want.KeyHash, want.InsertInstant = k.KeyHash, k.InsertInstant
		got, err = f.s.GetAPIKey(ctx, "k1")
		require.NoError(t, err)
		require.Equal(t, &want, got)
		got, err = f.s.GetAPIKeyByHash(ctx, []byte("hash-1"))
		require.NoError(t, err)
		require.Equal(t, &want, got)
		_, err = f.s.GetAPIKeyByHash(ctx, []byte("hash-2"))
		requireNotFound(t, err)
		requireNotFound(t, f.s.UpdateAPIKey(ctx, &authcore.APIKey{ID: "k2", KeyHash: []byte("hash-3")}))
		_, err = f.s.GetAPIKeyByHash(ctx, []byte("hash-3"))
		requireNotFound(t, err, "an update of a missing key creates none")
	}},
	{"api key/update rolled back with its transaction", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		k := &authcore.APIKey{ID: "k1", KeyHash: []byte("hash-1"), Description: "before", InsertInstant: f.instant()}
		require.NoError(t, f.s.CreateAPIKey(ctx, k))
		boom := errors.New("boom")
		err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			up := *k
			up.Description, up.Endpoints = "after", map[string][]string{"/api/user": {"GET"}}
			require.NoError(t, tx.UpdateAPIKey(ctx, &up))
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := f.s.GetAPIKey(ctx, "k1")
		require.NoError(t, err)
		require.Equal(t, k, got)
	}},
	{"api key/names are unique in any case, after the id and the key; a key keeps its own", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		mk := func(id, hash, name string) *authcore.APIKey {
			return &authcore.APIKey{ID: id, KeyHash: []byte(hash), Name: name, InsertInstant: f.instant()}
		}
		k1 := mk("k1", "hash-1", "Reporting Ä")
		require.NoError(t, f.s.CreateAPIKey(ctx, k1))
		got, err := f.s.GetAPIKey(ctx, "k1")
		require.NoError(t, err)
		require.Equal(t, k1, got, "the name is kept")
		// strings.ToLower's case, not only ASCII's: Ä and ä are one name.
		requireDuplicate(t, f.s.CreateAPIKey(ctx, mk("k2", "hash-2", "REPORTING ä")), "name")
		_, err = f.s.GetAPIKey(ctx, "k2")
		requireNotFound(t, err, "nothing of a refused create is stored")
		requireDuplicate(t, f.s.CreateAPIKey(ctx, mk("k1", "hash-2", "reporting ä")), "id", "the id before the name")
		requireDuplicate(t, f.s.CreateAPIKey(ctx, mk("k2", "hash-1", "reporting ä")), "key", "the key before the name")
		require.NoError(t, f.s.CreateAPIKey(ctx, mk("u1", "hash-u1", "")), "an empty name is no name")
		require.NoError(t, f.s.CreateAPIKey(ctx, mk("u2", "hash-u2", "")), "an empty name is no name")

		k2 := mk("k2", "hash-2", "two")
		require.NoError(t, f.s.CreateAPIKey(ctx, k2))
		taken := *k2
		taken.Name = "reporting ä"
		requireDuplicate(t, f.s.UpdateAPIKey(ctx, &taken), "name", "a rename to another key's name")
		got, err = f.s.GetAPIKey(ctx, "k2")
		require.NoError(t, err)
		require.Equal(t, k2, got, "a refused update changes nothing")
		k1.Name = "REPORTING Ä"
		require.NoError(t, f.s.UpdateAPIKey(ctx, k1), "a rename to its own name, in another case")
		got, err = f.s.GetAPIKey(ctx, "k1")
		require.NoError(t, err)
		require.Equal(t, k1, got)

		// A rename or a clear frees the old name; a delete frees the name.
		k1.Name = ""
		require.NoError(t, f.s.UpdateAPIKey(ctx, k1))
		require.NoError(t, f.s.CreateAPIKey(ctx, mk("k3", "hash-3", "reporting ä")), "a cleared name is free")
		require.NoError(t, f.s.DeleteAPIKey(ctx, "k2"))
		require.NoError(t, f.s.CreateAPIKey(ctx, mk("k4", "hash-4", "TWO")), "a deleted key's name is free")

		// A refused name leaves the transaction usable, and a rolled-back
		// rename keeps the name.
		boom := errors.New("boom")
		require.ErrorIs(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			requireDuplicate(t, tx.CreateAPIKey(ctx, mk("k5", "hash-5", "two")), "name")
			if err := tx.CreateAPIKey(ctx, mk("k5", "hash-5", "five")); err != nil {
				return err
			}
			c := *k1
			c.Name = "rolled back"
			if err := tx.UpdateAPIKey(ctx, &c); err != nil {
				return err
			}
			return boom
		}), boom)
		_, err = f.s.GetAPIKey(ctx, "k5")
		requireNotFound(t, err)
		require.NoError(t, f.s.CreateAPIKey(ctx, mk("k6", "hash-6", "rolled back")), "the rolled-back rename took no name")
		require.NoError(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.CreateAPIKey(ctx, mk("k7", "hash-7", "seven")); err != nil {
				return err
			}
			requireDuplicate(t, tx.CreateAPIKey(ctx, mk("k8", "hash-8", "Seven")), "name", "a name taken in the same transaction")
			return tx.CreateAPIKey(ctx, mk("k8", "hash-8", "eight"))
		}))
		for _, id := range []string{"k7", "k8"} {
			_, err = f.s.GetAPIKey(ctx, id)
			require.NoError(t, err, "the transaction went on after the refusal: %s", id)
		}
	}},
}

var refreshTokenCases = []testCase{
	{"refresh token/metaData numbers keep their value", func(t *testing.T, f *fixture) {
		// As in data maps (storetest.go): a number comes back as the
		// json.Number of its text, whichever store keeps it, and touchDevice
		// writes lastAccessedInstant into metaData.device.
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "u@example.com", "")
		r := f.newRefresh(u, a.ID, "h1")
		r.MetaData = map[string]any{"device": map[string]any{"lastAccessedInstant": json.Number("9007199254740993")}}
		require.NoError(t, f.s.CreateRefreshToken(f.ctx, r))
		got, err := f.s.GetRefreshToken(f.ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, r.MetaData, got.MetaData)
	}},
	{"refresh token/create, lookup by id, hash and previous hash, rotate", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "u@example.com", "")
		r := f.refresh(u, a.ID, "h1")
		requireDuplicate(t, f.s.CreateRefreshToken(ctx, f.newRefresh(u, a.ID, "h1")), "token")
		dupID := f.newRefresh(u, a.ID, "h-other")
		dupID.ID = r.ID
		requireDuplicate(t, f.s.CreateRefreshToken(ctx, dupID), "id")
		requireNotFound(t, f.s.CreateRefreshToken(ctx, f.newRefresh(&authcore.User{ID: "no-such-user", TenantID: tn.ID}, a.ID, "h9")))
		// Refresh tokens have no foreign key to applications in the SQL
		// stores; the store refuses a token of an application all the same.
		gone := f.newRefresh(u, "no-such-application", "h8")
		requireNotFound(t, f.s.CreateRefreshToken(ctx, gone))
		_, err := f.s.GetRefreshToken(ctx, gone.ID)
		requireNotFound(t, err, "nothing of the refused token is stored")
		// A missing application wins over a taken id or hash: the SQL stores
		// insert nothing (so hit no unique index) when the application is
		// gone, and every store answers as they do.
		goneDup := f.newRefresh(u, "no-such-application", "h1")
		goneDup.ID = r.ID
		requireNotFound(t, f.s.CreateRefreshToken(ctx, goneDup))

		got, err := f.s.GetRefreshToken(ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, r, got)
		got, err = f.s.GetRefreshTokenByHash(ctx, []byte("h1"), false)
		require.NoError(t, err)
		require.Equal(t, r, got)
		_, err = f.s.GetRefreshTokenByHash(ctx, []byte("h1"), true)
		requireNotFound(t, err, "no previous hash before a rotation")

		// Rotation (one-time-use): same id, new hash, the old one kept as previous.
		r.PreviousTokenHash, r.TokenHash = r.TokenHash, []byte("h2")
		require.NoError(t, f.s.UpdateRefreshToken(ctx, r))
		got, err = f.s.GetRefreshTokenByHash(ctx, []byte("h2"), false)
		require.NoError(t, err)
		require.Equal(t, r, got)
		_, err = f.s.GetRefreshTokenByHash(ctx, []byte("h1"), false)
		requireNotFound(t, err, "the old hash is no longer current")
		got, err = f.s.GetRefreshTokenByHash(ctx, []byte("h1"), true)
		require.NoError(t, err, "the old hash is found as previous (reuse detection)")
		require.Equal(t, r.ID, got.ID)
		_, err = f.s.GetRefreshTokenByHash(ctx, []byte("h2"), true)
		requireNotFound(t, err)

		other := f.refresh(u, a.ID, "h3")
		other.TokenHash = []byte("h2")
		requireDuplicate(t, f.s.UpdateRefreshToken(ctx, other), "token")
		ghost := f.newRefresh(u, a.ID, "h7")
		requireNotFound(t, f.s.UpdateRefreshToken(ctx, ghost))
		_, err = f.s.GetRefreshToken(ctx, ghost.ID)
		requireNotFound(t, err)
	}},
	{"refresh token/list and delete by filters", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a, b := f.app(tn.ID, "a"), f.app(tn.ID, "b")
		u, v := f.user(tn.ID, "u@example.com", ""), f.user(tn.ID, "v@example.com", "")
		ua1, ua2, ub := f.refresh(u, a.ID, "ua1"), f.refresh(u, a.ID, "ua2"), f.refresh(u, b.ID, "ub")
		va := f.refresh(v, a.ID, "va")

		list, err := f.s.ListRefreshTokens(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, []*authcore.RefreshToken{ua1, ua2, ub}, list, "oldest first")
		none, err := f.s.ListRefreshTokens(ctx, "nobody")
		require.NoError(t, err)
		require.NotNil(t, none)
		require.Empty(t, none)

		_, err = f.s.DeleteRefreshTokens(ctx, "", "", "")
		require.Error(t, err, "at least one filter")

		tests := []struct {
			name            string
			id, user, app   string
			wantN           int
			wantLeftForUser []*authcore.RefreshToken
		}{
			{"no match", "no-such-id", "", "", 0, []*authcore.RefreshToken{ua1, ua2, ub}},
			{"id of another user", ua1.ID, v.ID, "", 0, []*authcore.RefreshToken{ua1, ua2, ub}},
			{"by id", ua1.ID, "", "", 1, []*authcore.RefreshToken{ua2, ub}},
			{"by user and application", "", u.ID, a.ID, 1, []*authcore.RefreshToken{ub}},
			{"by user", "", u.ID, "", 1, []*authcore.RefreshToken{}},
		}
		for _, tc := range tests {
			n, err := f.s.DeleteRefreshTokens(ctx, tc.id, tc.user, tc.app)
			require.NoError(t, err, tc.name)
			require.Equal(t, tc.wantN, n, tc.name)
			left, err := f.s.ListRefreshTokens(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, tc.wantLeftForUser, left, tc.name)
		}
		got, err := f.s.GetRefreshToken(ctx, va.ID)
		require.NoError(t, err)
		require.Equal(t, va, got, "the other user's token stays")
		n, err := f.s.DeleteRefreshTokens(ctx, "", "", a.ID)
		require.NoError(t, err)
		require.Equal(t, 1, n, "by application")
	}},
}

var keyCases = []testCase{
	{"signing key/create get list delete", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		mk := func(kid, alg string) *authcore.SigningKey {
			return &authcore.SigningKey{ID: kid, Name: "key " + kid, Algorithm: alg, Secret: []byte("secret-" + kid), PublicKey: []byte{0, 1, 2, 255}, InsertInstant: f.instant()}
		}
		k2, k1 := mk("k2", "RS256"), mk("k1", "HS256")
		k1.PublicKey = nil
		k2.Certificate = []byte{0x30, 0x82, 0, 255, 'c'} // kept as given; a key without one (k1) has none
		require.NoError(t, f.s.CreateKey(ctx, k2))
		require.NoError(t, f.s.CreateKey(ctx, k1))
		requireDuplicate(t, f.s.CreateKey(ctx, mk("k1", "HS512")), "id")
		got, err := f.s.GetKey(ctx, "k1")
		require.NoError(t, err)
		require.Equal(t, k1, got)
		list, err := f.s.ListKeys(ctx)
		require.NoError(t, err)
		require.Equal(t, []*authcore.SigningKey{k2, k1}, list, "oldest first")
		require.NoError(t, f.s.DeleteKey(ctx, "k1"))
		_, err = f.s.GetKey(ctx, "k1")
		requireNotFound(t, err)
		requireNotFound(t, f.s.DeleteKey(ctx, "k1"))
	}},
	{"signing key/found by kid: its own, else its id; no two keys share one", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		mk := func(id, kid string) *authcore.SigningKey {
			return &authcore.SigningKey{ID: id, Kid: kid, Name: "key " + id, Algorithm: "RS256", PublicKey: []byte("public-" + id), InsertInstant: f.instant()}
		}
		plain, imported := mk("k1", ""), mk("k2", "Imported-Kid-ü")
		require.NoError(t, f.s.CreateKey(ctx, plain))
		require.NoError(t, f.s.CreateKey(ctx, imported))
		got, err := f.s.GetKeyByKid(ctx, "k1")
		require.NoError(t, err)
		require.Equal(t, plain, got, "a key without a kid of its own is found by its id")
		got, err = f.s.GetKeyByKid(ctx, "Imported-Kid-ü")
		require.NoError(t, err)
		require.Equal(t, imported, got, "the kid is kept and found")
		got, err = f.s.GetKey(ctx, "k2")
		require.NoError(t, err)
		require.Equal(t, imported, got)
		for _, kid := range []string{"k2", "imported-kid-ü", "IMPORTED-KID-Ü", "K1", ""} {
			_, err = f.s.GetKeyByKid(ctx, kid)
			requireNotFound(t, err, "kid %q: another key's id, or another case, names nothing", kid)
		}
		requireDuplicate(t, f.s.CreateKey(ctx, mk("k3", "Imported-Kid-ü")), "kid", "another key's kid")
		requireDuplicate(t, f.s.CreateKey(ctx, mk("k3", "k1")), "kid", "another key's id as a kid")
		requireDuplicate(t, f.s.CreateKey(ctx, mk("Imported-Kid-ü", "")), "kid", "another key's kid as an id")
		requireDuplicate(t, f.s.CreateKey(ctx, mk("k1", "fresh")), "id")
		// Ids count even when their key has a kid of its own: k2 is named
		// by "Imported-Kid-ü", yet "k2" is still its id.
		requireDuplicate(t, f.s.CreateKey(ctx, mk("k3", "k2")), "kid", "the id of a key with a kid of its own as a kid")
		requireDuplicate(t, f.s.CreateKey(ctx, mk("Imported-Kid-ü", "other")), "id", "another key's kid as an id, with a kid of its own")
		_, err = f.s.GetKey(ctx, "k3")
		requireNotFound(t, err, "nothing of a refused create is stored")
		for _, kid := range []string{"fresh", "other"} {
			_, err = f.s.GetKeyByKid(ctx, kid)
			requireNotFound(t, err, "nothing of a refused create is stored")
		}

		// A rolled-back create leaves its kid free; a deleted key frees its.
		boom := errors.New("boom")
		require.ErrorIs(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.CreateKey(ctx, mk("k4", "rolled-back")); err != nil {
				return err
			}
			return boom
		}), boom)
		_, err = f.s.GetKeyByKid(ctx, "rolled-back")
		requireNotFound(t, err)
		require.NoError(t, f.s.DeleteKey(ctx, "k2"))
		_, err = f.s.GetKeyByKid(ctx, "Imported-Kid-ü")
		requireNotFound(t, err)
		again := mk("k5", "Imported-Kid-ü")
		require.NoError(t, f.s.CreateKey(ctx, again))
		got, err = f.s.GetKeyByKid(ctx, "Imported-Kid-ü")
		require.NoError(t, err)
		require.Equal(t, again, got)
	}},
	{"signing key/update replaces the key but not its kid", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		plain := &authcore.SigningKey{ID: "k1", Name: "plain", Algorithm: "HS256", Secret: []byte("secret-k1"), InsertInstant: f.instant()}
		own := &authcore.SigningKey{ID: "k2", Kid: "own-kid", Name: "imported", Algorithm: "RS256", PublicKey: []byte("public-k2"), Certificate: []byte("cert-k2"), InsertInstant: f.instant()}
		require.NoError(t, f.s.CreateKey(ctx, plain))
		require.NoError(t, f.s.CreateKey(ctx, own))

		for _, k := range []*authcore.SigningKey{plain, own} {
			k.Name, k.LastUpdateInstant = "renamed "+k.ID, f.instant()
			require.NoError(t, f.s.UpdateKey(ctx, k))
			got, err := f.s.GetKey(ctx, k.ID)
			require.NoError(t, err)
			require.Equal(t, k, got, "the whole key is kept as given, material included")
			got, err = f.s.GetKeyByKid(ctx, k.EffectiveKid())
			require.NoError(t, err)
			require.Equal(t, k, got, "found by its kid as before")
		}
		list, err := f.s.ListKeys(ctx)
		require.NoError(t, err)
		require.Equal(t, []*authcore.SigningKey{plain, own}, list, "the order is the insert order, as before")

		// What names the key in tokens cannot change: neither a new kid
		// nor dropping the one it has.
		for _, kid := range []string{"other-kid", "k2"} {
			moved := *own
			moved.Kid, moved.Name = kid, "moved"
			require.Error(t, f.s.UpdateKey(ctx, &moved), "kid %q", kid)
		}
		moved := *plain
		moved.Kid = "new-kid"
		require.Error(t, f.s.UpdateKey(ctx, &moved))
		for _, k := range []*authcore.SigningKey{plain, own} {
			got, err := f.s.GetKey(ctx, k.ID)
			require.NoError(t, err)
			require.Equal(t, k, got, "a refused update changes nothing")
		}
		_, err = f.s.GetKeyByKid(ctx, "new-kid")
		requireNotFound(t, err)

		requireNotFound(t, f.s.UpdateKey(ctx, &authcore.SigningKey{ID: "k9", Name: "gone", Algorithm: "HS256", Secret: []byte("s"), InsertInstant: f.instant()}))
		_, err = f.s.GetKey(ctx, "k9")
		requireNotFound(t, err, "an update creates nothing")

		// A rolled-back update leaves the stored key.
		boom := errors.New("boom")
		require.ErrorIs(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			c := *plain
			c.Name = "rolled back"
			if err := tx.UpdateKey(ctx, &c); err != nil {
				return err
			}
			return boom
		}), boom)
		got, err := f.s.GetKey(ctx, plain.ID)
		require.NoError(t, err)
		require.Equal(t, plain, got)
	}},
	// The tenants and applications a key signed for before they moved to
	// another key (authcore records them so that the tokens it signed for
	// them still stand for logins) are part of the key, each with the
	// InsertInstant that tells it from a later one under the same id.
	{"signing key/former tenants and applications are kept", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		t1 := authcore.FormerSigner{ID: "t1", InsertInstant: 1700000000001}
		t2 := authcore.FormerSigner{ID: "t2", InsertInstant: 1700000000002}
		a1 := authcore.FormerSigner{ID: "a1", InsertInstant: 1700000000003}
		k := &authcore.SigningKey{ID: "k1", Name: "retired", Algorithm: "HS256", Secret: []byte("secret-k1"), InsertInstant: f.instant(),
			FormerTenants: []authcore.FormerSigner{t1}}
		require.NoError(t, f.s.CreateKey(ctx, k))
		got, err := f.s.GetKey(ctx, k.ID)
		require.NoError(t, err)
		require.Equal(t, []authcore.FormerSigner{t1}, got.FormerTenants)
		require.Empty(t, got.FormerApplications)

		require.NoError(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			k, err := tx.GetKey(ctx, "k1")
			if err != nil {
				return err
			}
			k.FormerTenants = append(k.FormerTenants, t2)
			k.FormerApplications = append(k.FormerApplications, a1)
			return tx.UpdateKey(ctx, k)
		}))
		byID, err := f.s.GetKey(ctx, k.ID)
		require.NoError(t, err)
		byKid, err := f.s.GetKeyByKid(ctx, k.ID)
		require.NoError(t, err)
		list, err := f.s.ListKeys(ctx)
		require.NoError(t, err)
		require.Len(t, list, 1)
		for _, got := range []*authcore.SigningKey{byID, byKid, list[0]} {
			require.Equal(t, []authcore.FormerSigner{t1, t2}, got.FormerTenants)
			require.Equal(t, []authcore.FormerSigner{a1}, got.FormerApplications)
		}

		// A rolled-back update leaves them as they were.
		boom := errors.New("boom")
		require.ErrorIs(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			c := *byID
			c.FormerTenants = []authcore.FormerSigner{{ID: "t3", InsertInstant: 1}}
			if err := tx.UpdateKey(ctx, &c); err != nil {
				return err
			}
			return boom
		}), boom)
		got, err = f.s.GetKey(ctx, k.ID)
		require.NoError(t, err)
		require.Equal(t, []authcore.FormerSigner{t1, t2}, got.FormerTenants)
	}},
	{"signing key/names are unique in any case; a key keeps its own", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		mk := func(id, kid, name string) *authcore.SigningKey {
			return &authcore.SigningKey{ID: id, Kid: kid, Name: name, Algorithm: "HS256", Secret: []byte("secret-" + id), InsertInstant: f.instant()}
		}
		k1 := mk("k1", "", "Signing Key Ä")
		require.NoError(t, f.s.CreateKey(ctx, k1))
		// strings.ToLower's case, not only ASCII's: Ä and ä are one name.
		requireDuplicate(t, f.s.CreateKey(ctx, mk("k2", "", "SIGNING KEY ä")), "name")
		_, err := f.s.GetKey(ctx, "k2")
		requireNotFound(t, err, "nothing of a refused create is stored")
		requireDuplicate(t, f.s.CreateKey(ctx, mk("k1", "", "signing key ä")), "id", "the id is checked first")
		require.NoError(t, f.s.CreateKey(ctx, mk("k5", "own-kid", "five")))
		requireDuplicate(t, f.s.CreateKey(ctx, mk("k6", "own-kid", "Signing key ä")), "kid", "the kid before the name")
		requireDuplicate(t, f.s.CreateKey(ctx, mk("k6", "", "FIVE")), "name")
		require.NoError(t, f.s.CreateKey(ctx, mk("u1", "", "")), "an empty name is no name")
		require.NoError(t, f.s.CreateKey(ctx, mk("u2", "", "")), "an empty name is no name")

		k2 := mk("k2", "", "Signing Key Ä2")
		require.NoError(t, f.s.CreateKey(ctx, k2), "another name")
		taken := *k2
		taken.Name = "signing key ä"
		requireDuplicate(t, f.s.UpdateKey(ctx, &taken), "name", "a rename to another key's name")
		got, err := f.s.GetKey(ctx, "k2")
		require.NoError(t, err)
		require.Equal(t, k2, got, "a refused update changes nothing")
		k1.Name = "SIGNING KEY Ä"
		require.NoError(t, f.s.UpdateKey(ctx, k1), "a rename to its own name, in another case")
		got, err = f.s.GetKey(ctx, "k1")
		require.NoError(t, err)
		require.Equal(t, k1, got)

		// A rename frees the old name; a delete frees the name.
		k1.Name = "renamed"
		require.NoError(t, f.s.UpdateKey(ctx, k1))
		require.NoError(t, f.s.CreateKey(ctx, mk("k3", "", "signing key ä")), "the old name is free")
		require.NoError(t, f.s.DeleteKey(ctx, "k2"))
		require.NoError(t, f.s.CreateKey(ctx, mk("k4", "", "Signing Key Ä2")), "a deleted key's name is free")

		// A refused name leaves the transaction usable (the engine then
		// tries another); a rolled-back rename keeps the name.
		boom := errors.New("boom")
		require.ErrorIs(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			requireDuplicate(t, tx.CreateKey(ctx, mk("k7", "", "RENAMED")), "name")
			if err := tx.CreateKey(ctx, mk("k7", "", "seven")); err != nil {
				return err
			}
			c := *k1
			c.Name = "rolled back"
			if err := tx.UpdateKey(ctx, &c); err != nil {
				return err
			}
			return boom
		}), boom)
		_, err = f.s.GetKey(ctx, "k7")
		requireNotFound(t, err)
		requireDuplicate(t, f.s.CreateKey(ctx, mk("k8", "", "renamed")), "name", "the rolled-back rename left the name")
		require.NoError(t, f.s.CreateKey(ctx, mk("k8", "", "rolled back")), "and did not take the new one")
		require.NoError(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.CreateKey(ctx, mk("k9", "", "nine")); err != nil {
				return err
			}
			err := tx.CreateKey(ctx, mk("k10", "", "Nine"))
			requireDuplicate(t, err, "name", "a name taken in the same transaction")
			return tx.CreateKey(ctx, mk("k10", "", "ten"))
		}))
		for _, id := range []string{"k9", "k10"} {
			_, err = f.s.GetKey(ctx, id)
			require.NoError(t, err, "the transaction went on after the refusal: %s", id)
		}
	}},
}

var eventLogCases = []testCase{
	{"event log/ids are assigned and increase", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		var last int64
		for i := 0; i < 5; i++ {
			e := &authcore.EventLog{InsertInstant: f.instant(), Message: label("entry %d", i), Type: authcore.EventLogDebug}
			require.NoError(t, f.s.CreateEventLog(ctx, e))
			require.Greater(t, e.ID, last)
			last = e.ID
			got, err := f.s.GetEventLog(ctx, e.ID)
			require.NoError(t, err)
			require.Equal(t, e, got)
		}
		_, err := f.s.GetEventLog(ctx, last+1000)
		requireNotFound(t, err)
		require.NoError(t, f.s.CreateLoginRecord(ctx, &authcore.LoginRecord{ID: id(), UserID: id(), ApplicationID: id(), TenantID: id(), IPAddress: "127.0.0.1", Instant: f.instant(), Device: map[string]any{"type": "BROWSER"}}))
	}},
	{"event log/U+0000 is searched and ordered as U+FFFD on every store", func(t *testing.T, f *fixture) {
		// PostgreSQL's text cannot hold U+0000, so the SQL stores search a
		// copy of the message with U+FFFD in its place
		// (authcore.EventLogSearchKey); memstore compares the same way.
		ctx := f.ctx
		nul := &authcore.EventLog{InsertInstant: f.now, Message: "nul\x00end", Type: authcore.EventLogDebug}
		rep := &authcore.EventLog{InsertInstant: f.now + 1, Message: "nul\uFFFDend", Type: authcore.EventLogDebug}
		plain := &authcore.EventLog{InsertInstant: f.now + 2, Message: "nulzend", Type: authcore.EventLogDebug}
		for _, e := range []*authcore.EventLog{nul, rep, plain} {
			require.NoError(t, f.s.CreateEventLog(ctx, e))
		}
		got, total, err := f.s.SearchEventLogs(ctx, authcore.EventLogQuery{Message: "nul\x00*", Limit: 10})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Equal(t, []*authcore.EventLog{rep, nul}, got)
		got, _, err = f.s.SearchEventLogs(ctx, authcore.EventLogQuery{Message: "NUL\uFFFDEND", Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []*authcore.EventLog{rep, nul}, got)
		one, err := f.s.GetEventLog(ctx, nul.ID)
		require.NoError(t, err)
		require.Equal(t, "nul\x00end", one.Message, "the entry keeps its message as it is")
		// By message: "z" (0x7a) sorts before U+FFFD, and so before U+0000.
		got, _, err = f.s.SearchEventLogs(ctx, authcore.EventLogQuery{Message: "nul*", OrderBy: authcore.EventLogOrderMessage, Asc: true, Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []*authcore.EventLog{plain, nul, rep}, got)
	}},
	{"event log/search filters, newest first, pages, total", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		base := f.now
		var all []*authcore.EventLog
		for i := 0; i < 30; i++ {
			typ := authcore.EventLogDebug
			if i%3 == 0 {
				typ = authcore.EventLogError
			}
			msg := label("Twitter call %d failed", i)
			if i%5 == 0 {
				msg = label("Lambda ÜBER %d", i)
			}
			e := &authcore.EventLog{InsertInstant: base + int64(i)*10, Message: msg, Type: typ}
			require.NoError(t, f.s.CreateEventLog(ctx, e))
			all = append(all, e)
		}
		// Two entries at the same instant: the later id is newer.
		same := &authcore.EventLog{InsertInstant: base + 290, Message: "twin", Type: authcore.EventLogInformation}
		require.NoError(t, f.s.CreateEventLog(ctx, same))
		all = append(all, same)

		newestFirst := func(keep func(*authcore.EventLog) bool) []*authcore.EventLog {
			var out []*authcore.EventLog
			for i := len(all) - 1; i >= 0; i-- {
				if keep(all[i]) {
					out = append(out, all[i])
				}
			}
			return out
		}
		everything := newestFirst(func(*authcore.EventLog) bool { return true })
		require.Equal(t, same, everything[0], "same instant: larger id first")
		// ordered sorts every entry by key, then id, ascending.
		ordered := func(key func(*authcore.EventLog) string) []*authcore.EventLog {
			out := slices.Clone(all)
			slices.SortStableFunc(out, func(a, b *authcore.EventLog) int {
				if c := strings.Compare(key(a), key(b)); c != 0 {
					return c
				}
				return cmp.Compare(a.ID, b.ID)
			})
			return out
		}
		byMessage := ordered(func(e *authcore.EventLog) string { return strings.ToLower(e.Message) })
		byType := ordered(func(e *authcore.EventLog) string { return e.Type })
		slices.Reverse(byType)
		oldestFirst := slices.Clone(everything)
		slices.Reverse(oldestFirst)

		tests := []struct {
			name      string
			q         authcore.EventLogQuery
			wantTotal int
			want      []*authcore.EventLog
		}{
			{"default limit 25", authcore.EventLogQuery{}, 31, everything[:25]},
			{"second page", authcore.EventLogQuery{Offset: 25, Limit: 25}, 31, everything[25:]},
			{"past the end", authcore.EventLogQuery{Offset: 40, Limit: 5}, 31, []*authcore.EventLog{}},
			{"small page", authcore.EventLogQuery{Offset: 2, Limit: 3}, 31, everything[2:5]},
			{"by type", authcore.EventLogQuery{Type: authcore.EventLogError, Limit: 100}, 10,
				newestFirst(func(e *authcore.EventLog) bool { return e.Type == authcore.EventLogError })},
			{"message pattern, any case", authcore.EventLogQuery{Message: "*über*", Limit: 100}, 6,
				newestFirst(func(e *authcore.EventLog) bool { return strings.Contains(e.Message, "ÜBER") })},
			{"a pattern matches the whole message", authcore.EventLogQuery{Message: "über", Limit: 100}, 0, []*authcore.EventLog{}},
			{"without a wildcard: equal, any case", authcore.EventLogQuery{Message: "TWIN", Limit: 100}, 1, []*authcore.EventLog{same}},
			{"prefix", authcore.EventLogQuery{Message: "twitter call 1*", Limit: 100}, 9,
				newestFirst(func(e *authcore.EventLog) bool { return strings.HasPrefix(e.Message, "Twitter call 1") })},
			{"wildcards in the middle", authcore.EventLogQuery{Message: "*call 2* failed", Limit: 100}, 9,
				newestFirst(func(e *authcore.EventLog) bool { return strings.HasPrefix(e.Message, "Twitter call 2") })},
			{"oldest first", authcore.EventLogQuery{OrderBy: authcore.EventLogOrderInstant, Asc: true, Limit: 100}, 31, oldestFirst},
			{"by message, case-insensitive", authcore.EventLogQuery{OrderBy: authcore.EventLogOrderMessage, Asc: true, Offset: 3, Limit: 10}, 31, byMessage[3:13]},
			{"by type, descending", authcore.EventLogQuery{OrderBy: authcore.EventLogOrderType, Limit: 100}, 31, byType},
			{"LIKE's wildcards match themselves", authcore.EventLogQuery{Message: "*%*", Limit: 100}, 0, []*authcore.EventLog{}},
			{"and so does LIKE's one-character wildcard", authcore.EventLogQuery{Message: "tw_n", Limit: 100}, 0, []*authcore.EventLog{}},
			{"inclusive time range", authcore.EventLogQuery{Start: base + 100, End: base + 150, Limit: 100}, 6,
				newestFirst(func(e *authcore.EventLog) bool { return e.InsertInstant >= base+100 && e.InsertInstant <= base+150 })},
			{"start only", authcore.EventLogQuery{Start: base + 280, Limit: 100}, 3,
				newestFirst(func(e *authcore.EventLog) bool { return e.InsertInstant >= base+280 })},
			{"all filters", authcore.EventLogQuery{Type: authcore.EventLogError, Message: "*twitter*", Start: base, End: base + 100, Limit: 100}, 3,
				newestFirst(func(e *authcore.EventLog) bool {
					return e.Type == authcore.EventLogError && strings.Contains(e.Message, "Twitter") && e.InsertInstant <= base+100
				})},
		}
		for _, tc := range tests {
			got, total, err := f.s.SearchEventLogs(ctx, tc.q)
			require.NoError(t, err, tc.name)
			require.Equal(t, tc.wantTotal, total, tc.name)
			require.Equal(t, tc.want, got, tc.name)
		}
	}},
	{"event log/a message pattern longer than SQLite's LIKE takes is searched as any other", func(t *testing.T, f *fixture) {
		// SQLite refuses a LIKE pattern over 50,000 bytes ("LIKE or GLOB
		// pattern too complex", a bound sqlite3_limit cannot raise): the
		// search failed there, a 500 for a long search.message, where
		// memstore and PostgreSQL answered.
		ctx := f.ctx
		long := strings.Repeat("Ab", 30_000)
		hit := &authcore.EventLog{InsertInstant: f.now, Message: "start " + long + " end", Type: authcore.EventLogError}
		twin := &authcore.EventLog{InsertInstant: f.now + 1, Message: "START " + long + " END", Type: authcore.EventLogDebug}
		near := &authcore.EventLog{InsertInstant: f.now + 2, Message: "start " + long[1:] + " end", Type: authcore.EventLogError}
		short := &authcore.EventLog{InsertInstant: f.now + 3, Message: "start end", Type: authcore.EventLogError}
		for _, e := range []*authcore.EventLog{hit, twin, near, short} {
			require.NoError(t, f.s.CreateEventLog(ctx, e))
		}
		upper := strings.ToUpper(long)
		tests := []struct {
			name      string
			q         authcore.EventLogQuery
			wantTotal int
			want      []*authcore.EventLog
		}{
			{"contains, any case", authcore.EventLogQuery{Message: "*" + upper + "*", Limit: 10}, 2, []*authcore.EventLog{twin, hit}},
			{"equal, any case", authcore.EventLogQuery{Message: "START " + upper + " END", Limit: 10}, 2, []*authcore.EventLog{twin, hit}},
			{"wildcards between the parts", authcore.EventLogQuery{Message: "s*" + long + "*d", Limit: 10}, 2, []*authcore.EventLog{twin, hit}},
			{"with other filters", authcore.EventLogQuery{Message: "*" + long + "*", Type: authcore.EventLogError, Limit: 10}, 1, []*authcore.EventLog{hit}},
			{"a page of them, oldest first", authcore.EventLogQuery{Message: "*" + long + "*", Asc: true, Offset: 1, Limit: 1}, 2, []*authcore.EventLog{twin}},
			{"by message", authcore.EventLogQuery{Message: "*" + long + "*", OrderBy: authcore.EventLogOrderMessage, Limit: 10}, 2, []*authcore.EventLog{twin, hit}},
			{"past the end", authcore.EventLogQuery{Message: "*" + long + "*", Offset: 5, Limit: 10}, 2, []*authcore.EventLog{}},
			{"no match", authcore.EventLogQuery{Message: "*" + long + "x*", Limit: 10}, 0, []*authcore.EventLog{}},
			{"LIKE's wildcards match themselves", authcore.EventLogQuery{Message: "*" + long + "_%*", Limit: 10}, 0, []*authcore.EventLog{}},
		}
		for _, tc := range tests {
			got, total, err := f.s.SearchEventLogs(ctx, tc.q)
			require.NoError(t, err, tc.name)
			require.Equal(t, tc.wantTotal, total, tc.name)
			require.Equal(t, tc.want, got, tc.name)
		}
	}},
}
