package authcore_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func appReq(in authcore.ApplicationInput) authcore.ApplicationRequest {
	return authcore.ApplicationRequest{Application: in}
}

func roleNames(a *authcore.Application) []string {
	var out []string
	for _, r := range a.Roles {
		out = append(out, r.Name)
	}
	return out
}

func TestCreateApplication(t *testing.T) {
	f := newDomFixture(t)
	a, err := f.e.CreateApplication(f.ctx, "", appReq(authcore.ApplicationInput{
		Name:               "App",
		Roles:              []authcore.ApplicationRole{{Name: "user", IsDefault: true}, {Name: "admin", IsSuperRole: true, Description: "all"}, {Name: "viewer", IsDefault: true}},
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true},
		VerifyRegistration: true,
		JWTConfiguration:   &authcore.ApplicationJWTOverrides{Enabled: true, TimeToLiveInSeconds: 60},
	}))
	require.NoError(t, err)
	assert.Equal(t, f.def, a.TenantID, "the only tenant")
	assert.True(t, a.Active, "active by default")
	assert.True(t, a.LoginConfiguration.GenerateRefreshTokens)
	assert.True(t, a.VerifyRegistration)
	assert.Equal(t, 60, a.JWTConfiguration.TimeToLiveInSeconds)
	require.Len(t, a.Roles, 3)
	for _, r := range a.Roles {
		assert.Len(t, r.ID, 36, "role ids are generated")
		assert.Equal(t, a.InsertInstant, r.InsertInstant)
	}
	assert.NotEqual(t, a.Roles[0].ID, a.Roles[1].ID)
	assert.Equal(t, []string{"user", "viewer"}, authcore.DefaultRoles(a))
	assert.Nil(t, authcore.DefaultRoles(nil))

	got, err := f.e.Application(f.ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a, got)

	off, err := f.e.CreateApplication(f.ctx, "", appReq(authcore.ApplicationInput{Name: "Off", Active: boolPtr(false)}))
	require.NoError(t, err)
	assert.False(t, off.Active, "an explicit false is kept")

	list, err := f.e.Applications(f.ctx)
	require.NoError(t, err)
	require.Len(t, list, 1, "active ones only")
	assert.Equal(t, a.ID, list[0].ID)
	list, err = f.e.InactiveApplications(f.ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, off.ID, list[0].ID)
}

func TestCreateApplicationValidation(t *testing.T) {
	tests := []struct {
		name  string
		id    string
		in    authcore.ApplicationInput
		codes []string
	}{
		{"blank name", "", authcore.ApplicationInput{Name: " "}, []string{"[blank]application.name"}},
		{"duplicate role names", "", authcore.ApplicationInput{Name: "a", Roles: []authcore.ApplicationRole{{Name: "admin"}, {Name: "Admin"}}}, []string{"[duplicate]application.roles"}},
		{"blank role name", "", authcore.ApplicationInput{Name: "a", Roles: []authcore.ApplicationRole{{Name: ""}}}, []string{"[blank]application.roles.name"}},
		{"bad role id", "", authcore.ApplicationInput{Name: "a", Roles: []authcore.ApplicationRole{{ID: "r1", Name: "x"}}}, []string{"[invalid]application.roles.id"}},
		{"negative token lifetimes", "", authcore.ApplicationInput{Name: "a", JWTConfiguration: &authcore.ApplicationJWTOverrides{Enabled: true, TimeToLiveInSeconds: -5, RefreshTokenTimeToLiveInMinutes: -1}},
			[]string{"[invalid]application.jwtConfiguration.refreshTokenTimeToLiveInMinutes", "[invalid]application.jwtConfiguration.timeToLiveInSeconds"}},
		{"bad refresh policies", "", authcore.ApplicationInput{Name: "a", JWTConfiguration: &authcore.ApplicationJWTOverrides{Enabled: true, RefreshTokenUsagePolicy: "Twice", RefreshTokenExpirationPolicy: "Forever"}},
			[]string{"[invalid]application.jwtConfiguration.refreshTokenExpirationPolicy", "[invalid]application.jwtConfiguration.refreshTokenUsagePolicy"}},
		{"sliding maximum missing", "", authcore.ApplicationInput{Name: "a", JWTConfiguration: &authcore.ApplicationJWTOverrides{Enabled: true, RefreshTokenExpirationPolicy: authcore.RefreshTokenSlidingWindowWithMaximumLifetime}},
			[]string{"[blank]application.jwtConfiguration.refreshTokenSlidingWindowConfiguration.maximumTimeToLiveInMinutes"}},
		{"unknown tenant", "", authcore.ApplicationInput{Name: "a", TenantID: "8f2b3c4d-0000-4000-8000-000000000000"}, []string{"[invalid]application.tenantId"}},
		{"bad id", "123", authcore.ApplicationInput{Name: "a"}, []string{"[invalid]applicationId"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newDomFixture(t)
			_, err := f.e.CreateApplication(f.ctx, tc.id, appReq(tc.in))
			assert.Equal(t, tc.codes, errCodes(t, err))
			list, err := f.e.Applications(f.ctx)
			require.NoError(t, err)
			assert.Empty(t, list, "nothing stored")
		})
	}
	t.Run("duplicate id", func(t *testing.T) {
		f := newDomFixture(t)
		a := f.app("", "a")
		_, err := f.e.CreateApplication(f.ctx, a.ID, appReq(authcore.ApplicationInput{Name: "b"}))
		assert.Equal(t, []string{"[duplicate]applicationId"}, errCodes(t, err))
	})
}

func TestApplicationTenants(t *testing.T) {
	f := newDomFixture(t)
	other := f.tenant("other")

	_, err := f.e.CreateApplication(f.ctx, "", appReq(authcore.ApplicationInput{Name: "a"}))
	assert.Equal(t, []string{"[TenantIdRequired]"}, errCodes(t, err), "two tenants and no scope")

	a, err := f.e.CreateApplication(asHeader(f.ctx, other), "", appReq(authcore.ApplicationInput{Name: "a"}))
	require.NoError(t, err)
	assert.Equal(t, other, a.TenantID)
	b, err := f.e.CreateApplication(asKey(f.ctx, f.def), "", appReq(authcore.ApplicationInput{Name: "b"}))
	require.NoError(t, err)
	assert.Equal(t, f.def, b.TenantID)
	c, err := f.e.CreateApplication(f.ctx, "", appReq(authcore.ApplicationInput{Name: "c", TenantID: other}))
	require.NoError(t, err)
	assert.Equal(t, other, c.TenantID, "application.tenantId names the tenant")

	_, err = f.e.CreateApplication(asKey(f.ctx, f.def), "", appReq(authcore.ApplicationInput{Name: "d", TenantID: other}))
	assert.Equal(t, []string{"[invalid]application.tenantId"}, errCodes(t, err), "a body tenant that contradicts the key")

	locked := asKey(f.ctx, f.def)
	_, err = f.e.Application(locked, a.ID)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = f.e.UpdateApplication(locked, a.ID, appReq(authcore.ApplicationInput{Name: "x"}))
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = f.e.PatchApplication(locked, a.ID, authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{}`)})
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	assert.ErrorIs(t, f.e.DeleteApplication(locked, a.ID), authcore.ErrNotFound)
	list, err := f.e.Applications(locked)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, b.ID, list[0].ID)

	all, err := f.e.Applications(f.ctx)
	require.NoError(t, err)
	assert.Len(t, all, 3, "an unscoped request sees every tenant")
}

func TestUpdateApplication(t *testing.T) {
	f := newDomFixture(t)
	a := f.app("", "a", authcore.ApplicationRole{Name: "admin"}, authcore.ApplicationRole{Name: "user", IsDefault: true})
	_, err := f.e.DeactivateApplication(f.ctx, a.ID)
	require.NoError(t, err)

	upd, err := f.e.UpdateApplication(f.ctx, a.ID, appReq(authcore.ApplicationInput{
		ID: "8f2b3c4d-0000-4000-8000-000000000000", TenantID: "8f2b3c4d-0000-4000-8000-000000000001",
		Name:  "renamed",
		Roles: []authcore.ApplicationRole{{Name: "user", Description: "changed"}, {ID: a.Roles[0].ID, Name: "administrator"}, {Name: "new"}},
	}))
	require.NoError(t, err)
	assert.Equal(t, a.ID, upd.ID)
	assert.Equal(t, a.TenantID, upd.TenantID, "tenantId is read-only")
	assert.Equal(t, a.InsertInstant, upd.InsertInstant)
	assert.False(t, upd.Active, "active is kept when not sent")
	assert.Equal(t, []string{"user", "administrator", "new"}, roleNames(upd))
	assert.Equal(t, a.Roles[1].ID, upd.Roles[0].ID, "a role named like a stored one keeps its id")
	assert.Equal(t, a.Roles[0].ID, upd.Roles[1].ID, "a role keeps the id it names")
	assert.Equal(t, a.Roles[1].InsertInstant, upd.Roles[0].InsertInstant)
	assert.Greater(t, upd.Roles[0].LastUpdateInstant, a.Roles[1].LastUpdateInstant)
	assert.Len(t, upd.Roles[2].ID, 36)
	assert.Empty(t, authcore.DefaultRoles(upd), "PUT replaces isDefault too")

	re, err := f.e.ReactivateApplication(f.ctx, a.ID)
	require.NoError(t, err)
	assert.True(t, re.Active)
	assert.Equal(t, roleNames(upd), roleNames(re))

	_, err = f.e.UpdateApplication(f.ctx, a.ID, appReq(authcore.ApplicationInput{}))
	assert.Equal(t, []string{"[blank]application.name"}, errCodes(t, err))
}

func TestPatchApplicationRoles(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want                    []string
		codes                   []string
	}{
		{"legacy appends", "application/json", `{"application":{"roles":[{"name":"editor","isDefault":true}]}}`, []string{"admin", "user", "editor"}, nil},
		{"merge patch replaces", "application/merge-patch+json", `{"application":{"roles":[{"name":"editor"}]}}`, []string{"editor"}, nil},
		{"json patch adds", "application/json-patch+json", `[{"op":"add","path":"/application/roles/-","value":{"name":"editor"}}]`, []string{"admin", "user", "editor"}, nil},
		{"json patch removes", "application/json-patch+json", `[{"op":"remove","path":"/application/roles/0"}]`, []string{"user"}, nil},
		{"legacy append of a stored name", "application/json", `{"application":{"roles":[{"name":"admin"}]}}`, nil, []string{"[duplicate]application.roles"}},
		{"other fields", "application/json", `{"application":{"name":"renamed","active":false}}`, []string{"admin", "user"}, nil},
		{"wrong type", "application/json", `{"application":{"roles":"admin"}}`, nil, []string{"[invalidJSON]application.roles"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newDomFixture(t)
			a := f.app("", "a", authcore.ApplicationRole{Name: "admin"}, authcore.ApplicationRole{Name: "user", IsDefault: true})
			got, err := f.e.PatchApplication(f.ctx, a.ID, authcore.PatchRequest{ContentType: tc.contentType, Body: []byte(tc.body)})
			stored, serr := f.e.Application(f.ctx, a.ID)
			require.NoError(t, serr)
			if tc.codes != nil {
				assert.Equal(t, tc.codes, errCodes(t, err))
				assert.Equal(t, a, stored, "nothing stored")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, roleNames(got))
			assert.Equal(t, got, stored)
			for _, r := range got.Roles {
				for _, old := range a.Roles {
					if old.Name == r.Name {
						assert.Equal(t, old.ID, r.ID, "stored roles keep their ids")
					}
				}
			}
		})
	}
}

func TestDeleteApplication(t *testing.T) {
	f := newDomFixture(t)
	a := f.app("", "a", authcore.ApplicationRole{Name: "user", IsDefault: true})
	u := f.user("", "a@example.com")
	_, err := f.e.Register(f.ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: a.ID}})
	require.NoError(t, err)

	off, err := f.e.DeactivateApplication(f.ctx, a.ID)
	require.NoError(t, err)
	assert.False(t, off.Active)
	_, err = f.e.Registration(f.ctx, u.ID, a.ID)
	require.NoError(t, err, "deactivating keeps registrations")

	require.NoError(t, f.e.DeleteApplication(f.ctx, a.ID))
	_, err = f.e.Application(f.ctx, a.ID)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	regs, err := f.store.ListRegistrations(f.ctx, u.ID)
	require.NoError(t, err)
	assert.Empty(t, regs, "hard delete removes registrations")
	assert.ErrorIs(t, f.e.DeleteApplication(f.ctx, a.ID), authcore.ErrNotFound)
}

// The clients' patchApplication sends application/json, whose arrays
// append: an application sent back as retrieved repeats every stored role.
func TestPatchApplicationSentBackAsRetrieved(t *testing.T) {
	f := newDomFixture(t)
	a := f.app("", "a", authcore.ApplicationRole{Name: "admin", Description: "all"}, authcore.ApplicationRole{Name: "user", IsDefault: true})
	legacy := func(in authcore.ApplicationInput) (*authcore.Application, error) {
		body, err := json.Marshal(authcore.ApplicationRequest{Application: in})
		require.NoError(t, err)
		return f.e.PatchApplication(f.ctx, a.ID, authcore.PatchRequest{ContentType: "application/json", Body: body})
	}
	sentBack := authcore.ApplicationInput{Name: "renamed", Roles: append([]authcore.ApplicationRole(nil), a.Roles...)}
	got, err := legacy(sentBack)
	require.NoError(t, err)
	assert.Equal(t, "renamed", got.Name)
	assert.Equal(t, a.Roles, got.Roles, "each role once, with its id and instants")
	stored, err := f.e.Application(f.ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, got, stored)

	// Without the instants (a client that built the roles itself) a role
	// that repeats a stored one is still a copy.
	bare := make([]authcore.ApplicationRole, len(a.Roles))
	for i, r := range a.Roles {
		bare[i] = authcore.ApplicationRole{ID: strings.ToUpper(r.ID), Name: r.Name, Description: r.Description, IsDefault: r.IsDefault}
	}
	got, err = legacy(authcore.ApplicationInput{Roles: bare})
	require.NoError(t, err)
	assert.Equal(t, a.Roles, got.Roles)

	// Another role under a stored id, or a stored name without an id, says
	// something else: refused as before, nothing stored.
	changed := append([]authcore.ApplicationRole(nil), a.Roles...)
	changed[0].Description = "some"
	_, err = legacy(authcore.ApplicationInput{Roles: changed})
	assert.Equal(t, []string{"[duplicate]application.roles"}, errCodes(t, err))
	_, err = legacy(authcore.ApplicationInput{Roles: []authcore.ApplicationRole{{Name: "admin", Description: "all"}}})
	assert.Equal(t, []string{"[duplicate]application.roles"}, errCodes(t, err))
	stored, err = f.e.Application(f.ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, got, stored)

	// RFC 7396 replaces the array: a role sent twice there is the
	// request's own duplicate.
	twice, err := json.Marshal(authcore.ApplicationRequest{Application: authcore.ApplicationInput{Roles: []authcore.ApplicationRole{a.Roles[0], a.Roles[0]}}})
	require.NoError(t, err)
	_, err = f.e.PatchApplication(f.ctx, a.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: twice})
	assert.Equal(t, []string{"[duplicate]application.roles"}, errCodes(t, err))
}

// A merge patch that renames a stored role (by its id) and gives the old
// name to a new role sent without an id: the new role gets a new id, and a
// registration that had the renamed role follows it by id. The new role
// took the renamed role's id by name, and the update was refused as a
// duplicate id that the request never sent.
func TestPatchApplicationGivesARenamedRolesNameToANewRole(t *testing.T) {
	f := newDomFixture(t)
	a := f.app("", "a", authcore.ApplicationRole{Name: "admin"}, authcore.ApplicationRole{Name: "user"})
	adminID := a.Roles[0].ID
	u := f.user("", "ann@example.com")
	_, err := f.e.Register(f.ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{
		ApplicationID: a.ID, Roles: []string{"admin"}}})
	require.NoError(t, err)

	body := `{"application":{"roles":[{"id":"` + adminID + `","name":"owner"},{"name":"admin"}]}}`
	got, err := f.e.PatchApplication(f.ctx, a.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(body)})
	require.NoError(t, err)
	require.Equal(t, []string{"owner", "admin"}, roleNames(got))
	assert.Equal(t, adminID, got.Roles[0].ID, "the renamed role keeps its id")
	assert.NotEqual(t, adminID, got.Roles[1].ID, "the new role gets an id of its own")

	reg, err := f.e.Registration(f.ctx, u.ID, a.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"owner"}, reg.Roles, "the registration follows its role by id")
}
