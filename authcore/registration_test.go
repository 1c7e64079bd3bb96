package authcore_test

import (
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func regReq(appID string, roles ...string) authcore.RegistrationRequest {
	return authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: appID, Roles: roles}}
}

func TestRegister(t *testing.T) {
	f := newDomFixture(t)
	a := f.app("", "a", authcore.ApplicationRole{Name: "admin"}, authcore.ApplicationRole{Name: "user", IsDefault: true}, authcore.ApplicationRole{Name: "viewer", IsDefault: true})
	u := f.user("", "a@example.com")

	reg, err := f.e.Register(f.ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{
		ApplicationID: a.ID, Username: "ann", Data: map[string]any{"k": "v"}, Timezone: "Europe/Paris", PreferredLanguages: []string{"fr"},
		Verified: false, LastLoginInstant: 5,
	}})
	require.NoError(t, err)
	assert.Equal(t, []string{"user", "viewer"}, reg.Roles, "no roles given: the default roles")
	assert.Len(t, reg.ID, 36)
	assert.Equal(t, u.ID, reg.UserID)
	assert.Equal(t, a.ID, reg.ApplicationID)
	assert.Equal(t, authcore.UsernameStatusActive, reg.UsernameStatus)
	assert.True(t, reg.Verified, "the application does not require verification")
	assert.NotZero(t, reg.VerifiedInstant)
	assert.Zero(t, reg.LastLoginInstant, "read-only on input")

	got, err := f.e.Registration(f.ctx, u.ID, a.ID)
	require.NoError(t, err)
	assert.Equal(t, reg, got)
	user, err := f.e.User(f.ctx, u.ID)
	require.NoError(t, err)
	require.Len(t, user.Registrations, 1, "the user carries their registrations")
	assert.Equal(t, *reg, user.Registrations[0])

	b := f.app("", "b", authcore.ApplicationRole{Name: "admin"}, authcore.ApplicationRole{Name: "user", IsDefault: true})
	out, err := f.e.RegisterUser(f.ctx, u.ID, regReq(b.ID, "admin", "admin"))
	require.NoError(t, err)
	assert.Equal(t, []string{"admin"}, out.Registration.Roles, "given roles replace the defaults, once each")
	assert.Len(t, out.User.Registrations, 2)
}

func TestRegisterValidation(t *testing.T) {
	f := newDomFixture(t)
	other := f.tenant("other")
	a := f.app(f.def, "a", authcore.ApplicationRole{Name: "user"})
	foreign := f.app(other, "foreign")
	u := f.user(f.def, "a@example.com")
	_, err := f.e.Register(f.ctx, u.ID, regReq(a.ID))
	require.NoError(t, err)
	b := f.app(f.def, "b", authcore.ApplicationRole{Name: "user"})

	tests := []struct {
		name  string
		req   authcore.RegistrationRequest
		codes []string
	}{
		{"no application", regReq(""), []string{"[blank]registration.applicationId"}},
		{"unknown application", regReq("8f2b3c4d-0000-4000-8000-000000000000"), []string{"[invalid]registration.applicationId"}},
		{"application of another tenant", regReq(foreign.ID), []string{"[invalid]registration.applicationId"}},
		{"already registered", regReq(a.ID), []string{"[duplicate]registration.applicationId"}},
		{"unknown role", regReq(b.ID, "user", "root"), []string{"[invalid]registration.roles"}},
		{"bad registration id", authcore.RegistrationRequest{Registration: authcore.UserRegistration{ID: "r", ApplicationID: b.ID}}, []string{"[invalid]registration.id"}},
		{"timezone", authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: b.ID, Timezone: "Mars/Olympus_Mons"}}, []string{"[invalidJSON]registration.timezone"}},
		// Held to storable text as user.username is: a moderation item
		// keeps it, and PostgreSQL's JSON types refuse U+0000.
		{"username with U+0000", authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: b.ID, Username: "a\x00b"}}, []string{"[invalid]registration.username"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.e.Register(f.ctx, u.ID, tc.req)
			assert.Equal(t, tc.codes, errCodes(t, err))
			regs, err := f.store.ListRegistrations(f.ctx, u.ID)
			require.NoError(t, err)
			assert.Len(t, regs, 1, "nothing stored")
		})
	}
	_, err = f.e.Register(f.ctx, "8f2b3c4d-0000-4000-8000-000000000000", regReq(b.ID))
	assert.ErrorIs(t, err, authcore.ErrNotFound, "unknown user")
	_, err = f.e.Register(asKey(f.ctx, other), u.ID, regReq(b.ID))
	assert.ErrorIs(t, err, authcore.ErrNotFound, "a user outside the key's tenant")
	_, err = f.e.Register(f.ctx, "", regReq(b.ID))
	assert.Equal(t, []string{"[missing]userId"}, errCodes(t, err))
}

func TestRegistrationVerification(t *testing.T) {
	f := newDomFixture(t)
	a, err := f.e.CreateApplication(f.ctx, "", appReq(authcore.ApplicationInput{Name: "strict", VerifyRegistration: true}))
	require.NoError(t, err)
	u := f.user("", "a@example.com")
	v := f.user("", "b@example.com")

	reg, err := f.e.Register(f.ctx, u.ID, regReq(a.ID))
	require.NoError(t, err)
	assert.False(t, reg.Verified)
	assert.Zero(t, reg.VerifiedInstant)

	skip, err := f.e.Register(f.ctx, v.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: a.ID}, SkipRegistrationVerification: true})
	require.NoError(t, err)
	assert.True(t, skip.Verified)

	upd, err := f.e.UpdateRegistration(f.ctx, u.ID, "", authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: a.ID, Verified: true}})
	require.NoError(t, err)
	assert.False(t, upd.Verified, "verified is read-only on update")
	upd, err = f.e.UpdateRegistration(f.ctx, u.ID, a.ID, authcore.RegistrationRequest{SkipRegistrationVerification: true})
	require.NoError(t, err)
	assert.True(t, upd.Verified)
	assert.NotZero(t, upd.VerifiedInstant)
}

func TestCombinedCreate(t *testing.T) {
	f := newDomFixture(t)
	other := f.tenant("other")
	a := f.app(other, "a", authcore.ApplicationRole{Name: "user", IsDefault: true})

	const id = "0f1e2d3c-4b5a-4978-8877-665544332211"
	out, err := f.e.RegisterUser(f.ctx, id, authcore.RegistrationRequest{
		User:         &authcore.UserInput{Email: "new@example.com"},
		Registration: authcore.UserRegistration{ApplicationID: a.ID},
	})
	require.NoError(t, err, "the tenant comes from the application")
	assert.Equal(t, id, out.User.ID)
	assert.Equal(t, other, out.User.TenantID)
	assert.Equal(t, []string{"user"}, out.Registration.Roles)
	require.Len(t, out.User.Registrations, 1)

	tests := []struct {
		name  string
		req   authcore.RegistrationRequest
		codes []string
	}{
		{"both invalid", authcore.RegistrationRequest{User: &authcore.UserInput{Email: "bad", TenantID: other}, Registration: authcore.UserRegistration{ApplicationID: a.ID, Roles: []string{"root"}}},
			[]string{"[invalid]registration.roles", "[notEmail]user.email"}},
		{"no application and no tenant", authcore.RegistrationRequest{User: &authcore.UserInput{Email: "x@example.com"}}, []string{"[TenantIdRequired]"}},
		{"duplicate email", authcore.RegistrationRequest{User: &authcore.UserInput{Email: "NEW@example.com"}, Registration: authcore.UserRegistration{ApplicationID: a.ID}}, []string{"[duplicate]user.email"}},
		{"password", authcore.RegistrationRequest{User: &authcore.UserInput{Email: "p@example.com", Password: "pw"}, Registration: authcore.UserRegistration{ApplicationID: a.ID}}, []string{"[notSupported]user.password"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.e.RegisterUser(f.ctx, "", tc.req)
			assert.Equal(t, tc.codes, errCodes(t, err))
			for _, email := range []string{"bad", "x@example.com", "p@example.com"} {
				_, err := f.e.UserByEmail(asHeader(f.ctx, other), email)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "no user left behind")
			}
		})
	}
}

func TestUpdateAndPatchRegistration(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want                    []string
		codes                   []string
	}{
		{"legacy appends roles (a sorted set)", "application/json", `{"registration":{"roles":["admin"]}}`, []string{"admin", "user"}, nil},
		{"legacy appends a role already there once", "application/json", `{"registration":{"roles":["user"]}}`, []string{"user"}, nil},
		{"merge patch replaces roles", "application/merge-patch+json", `{"registration":{"roles":["admin"]}}`, []string{"admin"}, nil},
		{"json patch", "application/json-patch+json", `[{"op":"replace","path":"/registration/roles","value":[]}]`, nil, nil},
		{"unknown role", "application/json", `{"registration":{"roles":["root"]}}`, nil, []string{"[invalid]registration.roles"}},
		{"timezone", "application/json", `{"registration":{"timezone":"Not/A_Zone"}}`, nil, []string{"[invalidJSON]registration.timezone"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newDomFixture(t)
			a := f.app("", "a", authcore.ApplicationRole{Name: "admin"}, authcore.ApplicationRole{Name: "user", IsDefault: true})
			u := f.user("", "a@example.com")
			before, err := f.e.Register(f.ctx, u.ID, regReq(a.ID))
			require.NoError(t, err)
			got, err := f.e.PatchRegistration(f.ctx, u.ID, a.ID, authcore.PatchRequest{ContentType: tc.contentType, Body: []byte(tc.body)})
			stored, serr := f.e.Registration(f.ctx, u.ID, a.ID)
			require.NoError(t, serr)
			if tc.codes != nil {
				assert.Equal(t, tc.codes, errCodes(t, err))
				assert.Equal(t, before, stored)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Roles)
			assert.Equal(t, before.ID, got.ID)
			assert.Equal(t, before.InsertInstant, got.InsertInstant)
			assert.Equal(t, got, stored)
		})
	}

	t.Run("PUT", func(t *testing.T) {
		f := newDomFixture(t)
		a := f.app("", "a", authcore.ApplicationRole{Name: "admin"}, authcore.ApplicationRole{Name: "user", IsDefault: true})
		u := f.user("", "a@example.com")
		before, err := f.e.Register(f.ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: a.ID, Username: "x"}})
		require.NoError(t, err)
		upd, err := f.e.UpdateRegistration(f.ctx, u.ID, "", authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: a.ID, ID: "8f2b3c4d-0000-4000-8000-000000000000", Timezone: "UTC"}})
		require.NoError(t, err)
		assert.Equal(t, before.ID, upd.ID)
		assert.Empty(t, upd.Roles, "PUT replaces roles as sent, without defaults")
		assert.Empty(t, upd.Username)
		assert.Equal(t, "UTC", upd.Timezone)

		_, err = f.e.UpdateRegistration(f.ctx, u.ID, "", authcore.RegistrationRequest{})
		assert.Equal(t, []string{"[blank]registration.applicationId"}, errCodes(t, err))
		b := f.app("", "b")
		_, err = f.e.UpdateRegistration(f.ctx, u.ID, b.ID, authcore.RegistrationRequest{})
		assert.ErrorIs(t, err, authcore.ErrNotFound, "not registered to b")
	})
}

func TestDeleteRegistration(t *testing.T) {
	f := newDomFixture(t)
	a := f.app("", "a")
	u := f.user("", "a@example.com")
	_, err := f.e.Register(f.ctx, u.ID, regReq(a.ID))
	require.NoError(t, err)
	require.NoError(t, f.e.DeleteRegistration(f.ctx, u.ID, a.ID))
	_, err = f.e.Registration(f.ctx, u.ID, a.ID)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	assert.ErrorIs(t, f.e.DeleteRegistration(f.ctx, u.ID, a.ID), authcore.ErrNotFound)
	_, err = f.e.Register(f.ctx, u.ID, regReq(a.ID))
	require.NoError(t, err, "registering again works")
}

// FusionAuth's UserRegistration.roles is a SortedSet<String>: whatever order
// roles are sent, appended by a legacy PATCH, given as defaults or renamed
// in, a registration answers them once each, sorted.
func TestRegistrationRolesSorted(t *testing.T) {
	f := newDomFixture(t)
	a := f.app("", "a", authcore.ApplicationRole{Name: "zeta", IsDefault: true}, authcore.ApplicationRole{Name: "mid"},
		authcore.ApplicationRole{Name: "alpha", IsDefault: true})
	b := f.app("", "b", authcore.ApplicationRole{Name: "zeta"}, authcore.ApplicationRole{Name: "mid"}, authcore.ApplicationRole{Name: "alpha"})
	u := f.user("", "a@example.com")

	reg, err := f.e.Register(f.ctx, u.ID, regReq(a.ID))
	require.NoError(t, err)
	assert.Equal(t, []string{"alpha", "zeta"}, reg.Roles, "the default roles, sorted")

	reg, err = f.e.Register(f.ctx, u.ID, regReq(b.ID, "zeta", "mid", "zeta"))
	require.NoError(t, err)
	assert.Equal(t, []string{"mid", "zeta"}, reg.Roles, "roles as sent, sorted, once each")

	reg, err = f.e.PatchRegistration(f.ctx, u.ID, b.ID, authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{"registration":{"roles":["alpha"]}}`)})
	require.NoError(t, err)
	assert.Equal(t, []string{"alpha", "mid", "zeta"}, reg.Roles, "a legacy PATCH appends, the set sorts")
	got, err := f.e.Registration(f.ctx, u.ID, b.ID)
	require.NoError(t, err)
	assert.Equal(t, reg, got)

	reg, err = f.e.UpdateRegistration(f.ctx, u.ID, b.ID, regReq(b.ID, "zeta", "alpha"))
	require.NoError(t, err)
	assert.Equal(t, []string{"alpha", "zeta"}, reg.Roles)

	// Renaming "alpha" to "zulu" in b: the registration follows, sorted.
	in := authcore.ApplicationInput{Name: "b", Roles: append([]authcore.ApplicationRole(nil), b.Roles...)}
	for i := range in.Roles {
		if in.Roles[i].Name == "alpha" {
			in.Roles[i].Name = "zulu"
		}
	}
	_, err = f.e.UpdateApplication(f.ctx, b.ID, authcore.ApplicationRequest{Application: in})
	require.NoError(t, err)
	got, err = f.e.Registration(f.ctx, u.ID, b.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"zeta", "zulu"}, got.Roles)
}

// A registration id names one registration across every user, application
// and tenant, as FusionAuth's does: a create with an id another registration
// has is [duplicate]registration.id and stores nothing (the user of a
// combined create included). An update keeps the stored id, whatever the body
// says, so it can neither take another's id nor give up its own.
func TestRegistrationIDUnique(t *testing.T) {
	f := newDomFixture(t)
	other := f.tenant("other")
	a, b := f.app(f.def, "a"), f.app(f.def, "b")
	c := f.app(other, "c")
	u, v := f.user(f.def, "u@example.com"), f.user(f.def, "v@example.com")
	w := f.user(other, "w@example.com")

	const taken = "7d6c5b4a-3928-4716-a5b4-c3d2e1f00112"
	reg, err := f.e.Register(f.ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ID: taken, ApplicationID: a.ID}})
	require.NoError(t, err)
	require.Equal(t, taken, reg.ID)

	want := &validation.Errors{FieldErrors: map[string][]validation.Error{"registration.id": {{
		Code: "[duplicate]registration.id", Message: "A registration with this [registration.id] already exists.",
	}}}}
	tests := []struct {
		name, userID, id, appID string
	}{
		{"another user, same application", v.ID, taken, a.ID},
		{"the id in upper case", v.ID, strings.ToUpper(taken), a.ID},
		{"same user, another application", u.ID, taken, b.ID},
		{"another tenant's user and application", w.ID, taken, c.ID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.e.Register(f.ctx, tc.userID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ID: tc.id, ApplicationID: tc.appID}})
			var got *validation.Errors
			require.ErrorAs(t, err, &got)
			assert.Equal(t, want, got)
			_, err = f.store.GetRegistration(f.ctx, tc.userID, tc.appID)
			assert.ErrorIs(t, err, authcore.ErrNotFound, "nothing stored")
		})
	}

	t.Run("combined create", func(t *testing.T) {
		_, err := f.e.RegisterUser(f.ctx, "", authcore.RegistrationRequest{
			User:         &authcore.UserInput{Email: "new@example.com"},
			Registration: authcore.UserRegistration{ID: taken, ApplicationID: a.ID},
		})
		assert.Equal(t, []string{"[duplicate]registration.id"}, errCodes(t, err))
		_, err = f.e.UserByEmail(asHeader(f.ctx, f.def), "new@example.com")
		assert.ErrorIs(t, err, authcore.ErrNotFound, "the user is not stored either")
	})

	t.Run("update keeps the stored id", func(t *testing.T) {
		mine, err := f.e.Register(f.ctx, v.ID, regReq(a.ID))
		require.NoError(t, err)
		upd, err := f.e.UpdateRegistration(f.ctx, v.ID, a.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ID: taken, Timezone: "UTC"}})
		require.NoError(t, err, "PUT: the body's id is read-only")
		assert.Equal(t, mine.ID, upd.ID)
		upd, err = f.e.PatchRegistration(f.ctx, v.ID, a.ID, authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{"registration":{"id":"` + taken + `"}}`)})
		require.NoError(t, err, "PATCH likewise")
		assert.Equal(t, mine.ID, upd.ID)
		stored, err := f.store.GetRegistration(f.ctx, v.ID, a.ID)
		require.NoError(t, err)
		assert.Equal(t, mine.ID, stored.ID)
		upd, err = f.e.UpdateRegistration(f.ctx, u.ID, a.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ID: taken, Timezone: "UTC"}})
		require.NoError(t, err, "a registration sent with its own id")
		assert.Equal(t, taken, upd.ID)
	})

	t.Run("free again once deleted", func(t *testing.T) {
		require.NoError(t, f.e.DeleteRegistration(f.ctx, u.ID, a.ID))
		again, err := f.e.Register(f.ctx, w.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ID: taken, ApplicationID: c.ID}})
		require.NoError(t, err)
		assert.Equal(t, taken, again.ID)
	})
}
