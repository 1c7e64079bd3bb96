package authcore_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/validation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// domFixture is an engine on a memstore with a stepping clock, for the
// tenant, application, user and registration tests.
type domFixture struct {
	t     testing.TB
	ctx   context.Context
	e     *authcore.Engine
	store *memstore.Store
	def   string // the default tenant's id
}

func newDomFixture(t testing.TB) *domFixture {
	t.Helper()
	var n atomic.Int64
	base := time.UnixMilli(1_700_000_000_000)
	clock := func() time.Time { return base.Add(time.Duration(n.Add(1)) * time.Millisecond) }
	store := memstore.New()
	ctx := context.Background()
	e, err := authcore.New(ctx, store, authcore.WithClock(clock), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	ts, err := e.Tenants(ctx)
	require.NoError(t, err)
	require.Len(t, ts, 1)
	return &domFixture{t: t, ctx: ctx, e: e, store: store, def: ts[0].ID}
}

// tenant creates another tenant and returns its id.
func (f *domFixture) tenant(name string) string {
	f.t.Helper()
	tn, err := f.e.CreateTenant(f.ctx, "", authcore.Tenant{Name: name})
	require.NoError(f.t, err)
	return tn.ID
}

// app creates an application in tenantID with the given roles.
func (f *domFixture) app(tenantID, name string, roles ...authcore.ApplicationRole) *authcore.Application {
	f.t.Helper()
	a, err := f.e.CreateApplication(f.ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{TenantID: tenantID, Name: name, Roles: roles}})
	require.NoError(f.t, err)
	return a
}

// user creates a user with this e-mail in tenantID.
func (f *domFixture) user(tenantID, email string) *authcore.User {
	f.t.Helper()
	u, err := f.e.CreateUser(f.ctx, "", authcore.UserRequest{User: authcore.UserInput{TenantID: tenantID, Email: email}})
	require.NoError(f.t, err)
	return u
}

// asKey is ctx for a request with an API key locked to tenantID.
func asKey(ctx context.Context, tenantID string) context.Context {
	return authcore.WithScope(ctx, authcore.Scope{KeyTenantID: tenantID})
}

// asHeader is ctx for a request with X-FusionAuth-TenantId.
func asHeader(ctx context.Context, tenantID string) context.Context {
	return authcore.WithScope(ctx, authcore.Scope{TenantID: tenantID})
}

// errCodes returns the codes of a validation error, failing the test on any
// other error.
func errCodes(t testing.TB, err error) []string {
	t.Helper()
	var v *validation.Errors
	require.True(t, errors.As(err, &v), "want a validation error, got %v", err)
	return v.Codes()
}

func boolPtr(b bool) *bool { return &b }

func TestCreateTenantDefaults(t *testing.T) {
	f := newDomFixture(t)
	tn, err := f.e.CreateTenant(f.ctx, "", authcore.Tenant{Name: " Second ", Data: map[string]any{"k": "v"}})
	require.NoError(t, err)
	assert.Equal(t, "Second", tn.Name)
	assert.Equal(t, "acme.com", tn.Issuer)
	assert.Equal(t, 3600, tn.JWTConfiguration.TimeToLiveInSeconds)
	assert.Equal(t, 43200, tn.JWTConfiguration.RefreshTokenTimeToLiveInMinutes)
	assert.Equal(t, authcore.RefreshTokenReusable, tn.JWTConfiguration.RefreshTokenUsagePolicy)
	assert.NotZero(t, tn.InsertInstant)
	assert.Equal(t, tn.InsertInstant, tn.LastUpdateInstant)

	got, err := f.e.Tenant(f.ctx, tn.ID)
	require.NoError(t, err)
	assert.Equal(t, tn, got)

	const id = "5C1E2E8A-4B1B-4C38-9D8E-1A0F1F2B3C4D"
	tn2, err := f.e.CreateTenant(f.ctx, id, authcore.Tenant{
		Name: "Third", Issuer: "example.com",
		JWTConfiguration:   authcore.TenantJWTConfiguration{TimeToLiveInSeconds: 60, RefreshTokenTimeToLiveInMinutes: 5, RefreshTokenUsagePolicy: authcore.RefreshTokenOneTimeUse},
		EmailConfiguration: authcore.EmailConfiguration{VerifyEmail: true},
	})
	require.NoError(t, err)
	assert.Equal(t, "5c1e2e8a-4b1b-4c38-9d8e-1a0f1f2b3c4d", tn2.ID, "ids are stored lower case")
	assert.Equal(t, "example.com", tn2.Issuer)
	assert.Equal(t, 60, tn2.JWTConfiguration.TimeToLiveInSeconds)
	assert.Equal(t, authcore.RefreshTokenOneTimeUse, tn2.JWTConfiguration.RefreshTokenUsagePolicy)
	assert.True(t, tn2.EmailConfiguration.VerifyEmail)

	all, err := f.e.Tenants(f.ctx)
	require.NoError(t, err)
	require.Len(t, all, 3)
	assert.Equal(t, f.def, all[0].ID, "oldest first")
}

func TestCreateTenantValidation(t *testing.T) {
	tests := []struct {
		name  string
		id    string
		in    authcore.Tenant
		codes []string
	}{
		{"blank name", "", authcore.Tenant{Name: "  "}, []string{"[blank]tenant.name"}},
		{"duplicate name", "", authcore.Tenant{Name: "default"}, []string{"[duplicate]tenant.name"}},
		{"bad usage policy", "", authcore.Tenant{Name: "x", JWTConfiguration: authcore.TenantJWTConfiguration{RefreshTokenUsagePolicy: "Sometimes"}}, []string{"[invalid]tenant.jwtConfiguration.refreshTokenUsagePolicy"}},
		{"negative lifetimes", "", authcore.Tenant{Name: "x", JWTConfiguration: authcore.TenantJWTConfiguration{TimeToLiveInSeconds: -1, RefreshTokenTimeToLiveInMinutes: -1}}, []string{"[invalid]tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes", "[invalid]tenant.jwtConfiguration.timeToLiveInSeconds"}},
		{"unknown signing key", "", authcore.Tenant{Name: "x", JWTConfiguration: authcore.TenantJWTConfiguration{AccessTokenKeyID: "0b8a9e0e-8f7e-4d6c-9b5a-4a3f2e1d0c9b"}}, []string{"[invalid]tenant.jwtConfiguration.accessTokenKeyId"}},
		{"several at once", "", authcore.Tenant{JWTConfiguration: authcore.TenantJWTConfiguration{RefreshTokenUsagePolicy: "x"}}, []string{"[blank]tenant.name", "[invalid]tenant.jwtConfiguration.refreshTokenUsagePolicy"}},
		{"bad expiration policy", "", authcore.Tenant{Name: "x", JWTConfiguration: authcore.TenantJWTConfiguration{RefreshTokenExpirationPolicy: "Forever"}}, []string{"[invalid]tenant.jwtConfiguration.refreshTokenExpirationPolicy"}},
		{"maximum lifetime missing", "", authcore.Tenant{Name: "x", JWTConfiguration: authcore.TenantJWTConfiguration{RefreshTokenExpirationPolicy: authcore.RefreshTokenSlidingWindowWithMaximumLifetime}}, []string{"[blank]tenant.jwtConfiguration.refreshTokenSlidingWindowConfiguration.maximumTimeToLiveInMinutes"}},
		{"maximum lifetime under the time to live", "", authcore.Tenant{Name: "x", JWTConfiguration: authcore.TenantJWTConfiguration{RefreshTokenExpirationPolicy: authcore.RefreshTokenSlidingWindowWithMaximumLifetime,
			RefreshTokenTimeToLiveInMinutes: 60, RefreshTokenSlidingWindowConfiguration: authcore.SlidingWindowConfiguration{MaximumTimeToLiveInMinutes: 30}}}, []string{"[invalid]tenant.jwtConfiguration.refreshTokenSlidingWindowConfiguration.maximumTimeToLiveInMinutes"}},
		{"bad id", "nope", authcore.Tenant{Name: "x"}, []string{"[invalid]tenantId"}},
		{"issuer too long", "", authcore.Tenant{Name: "x", Issuer: strings.Repeat("é", 256)}, []string{"[tooLong]tenant.issuer"}},
		{"issuer with U+0000", "", authcore.Tenant{Name: "x", Issuer: "acme\x00.com"}, []string{"[invalid]tenant.issuer"}},
		{"issuer not UTF-8", "", authcore.Tenant{Name: "x", Issuer: "acme\xff.com"}, []string{"[invalid]tenant.issuer"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newDomFixture(t)
			_, err := f.e.CreateTenant(f.ctx, tc.id, tc.in)
			assert.Equal(t, tc.codes, errCodes(t, err))
			ts, err := f.e.Tenants(f.ctx)
			require.NoError(t, err)
			assert.Len(t, ts, 1, "nothing stored")
		})
	}
	t.Run("duplicate id", func(t *testing.T) {
		f := newDomFixture(t)
		_, err := f.e.CreateTenant(f.ctx, f.def, authcore.Tenant{Name: "x"})
		assert.Equal(t, []string{"[duplicate]tenantId"}, errCodes(t, err))
	})
}

func TestTenantScope(t *testing.T) {
	f := newDomFixture(t)
	other := f.tenant("other")
	locked := asKey(f.ctx, other)

	_, err := f.e.Tenant(locked, f.def)
	assert.ErrorIs(t, err, authcore.ErrNotFound, "a locked key cannot read another tenant")
	got, err := f.e.Tenant(locked, other)
	require.NoError(t, err)
	assert.Equal(t, "other", got.Name)

	list, err := f.e.Tenants(locked)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, other, list[0].ID)

	_, err = f.e.CreateTenant(locked, "", authcore.Tenant{Name: "third"})
	assert.ErrorIs(t, err, authcore.ErrUnauthorized)
	assert.ErrorIs(t, f.e.DeleteTenant(locked, f.def), authcore.ErrUnauthorized)
	assert.ErrorIs(t, f.e.DeleteTenant(locked, other), authcore.ErrUnauthorized)

	_, err = f.e.UpdateTenant(locked, f.def, authcore.Tenant{Name: "taken over"})
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	upd, err := f.e.UpdateTenant(locked, other, authcore.Tenant{Name: "other", Issuer: "other.example"})
	require.NoError(t, err, "a locked key may change its own tenant")
	assert.Equal(t, "other.example", upd.Issuer)
	// But not its name, which is unique among all tenants: a clash would
	// tell it another tenant's name.
	_, err = f.e.UpdateTenant(locked, other, authcore.Tenant{Name: "renamed"})
	assert.ErrorContains(t, err, "[invalid]tenant.name")

	_, err = f.e.Tenant(asHeader(f.ctx, other), f.def)
	assert.ErrorIs(t, err, authcore.ErrNotFound, "the tenant header scopes reads too")
}

func TestUpdateTenant(t *testing.T) {
	f := newDomFixture(t)
	tn, err := f.e.CreateTenant(f.ctx, "", authcore.Tenant{Name: "t", Issuer: "example.com", Data: map[string]any{"a": 1.0}})
	require.NoError(t, err)

	upd, err := f.e.UpdateTenant(f.ctx, tn.ID, authcore.Tenant{ID: f.def, Name: "t2", InsertInstant: 1, LastUpdateInstant: 2})
	require.NoError(t, err)
	assert.Equal(t, tn.ID, upd.ID, "id is read-only")
	assert.Equal(t, tn.InsertInstant, upd.InsertInstant, "insertInstant is read-only")
	assert.Greater(t, upd.LastUpdateInstant, tn.LastUpdateInstant)
	assert.Equal(t, "acme.com", upd.Issuer, "PUT replaces: an omitted field takes its default")
	assert.Nil(t, upd.Data)

	_, err = f.e.UpdateTenant(f.ctx, tn.ID, authcore.Tenant{Name: authcore.DefaultTenantName})
	assert.Equal(t, []string{"[duplicate]tenant.name"}, errCodes(t, err))
	_, err = f.e.UpdateTenant(f.ctx, "8f2b3c4d-0000-4000-8000-000000000000", authcore.Tenant{Name: "x"})
	assert.ErrorIs(t, err, authcore.ErrNotFound)
}

func TestPatchTenant(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		check                   func(t *testing.T, tn *authcore.Tenant)
		codes                   []string
	}{
		{"legacy merge", "application/json", `{"tenant":{"jwtConfiguration":{"timeToLiveInSeconds":120},"emailConfiguration":{"verifyEmail":true}}}`,
			func(t *testing.T, tn *authcore.Tenant) {
				assert.Equal(t, 120, tn.JWTConfiguration.TimeToLiveInSeconds)
				assert.Equal(t, 43200, tn.JWTConfiguration.RefreshTokenTimeToLiveInMinutes, "untouched fields kept")
				assert.Equal(t, "example.com", tn.Issuer)
				assert.True(t, tn.EmailConfiguration.VerifyEmail)
			}, nil},
		{"merge patch null removes", "application/merge-patch+json", `{"tenant":{"issuer":null,"data":{"a":null}}}`,
			func(t *testing.T, tn *authcore.Tenant) {
				assert.Equal(t, "acme.com", tn.Issuer, "removed, then defaulted")
				assert.Nil(t, tn.Data)
			}, nil},
		{"json patch", "application/json-patch+json", `[{"op":"replace","path":"/tenant/name","value":"renamed"}]`,
			func(t *testing.T, tn *authcore.Tenant) { assert.Equal(t, "renamed", tn.Name) }, nil},
		{"read-only fields", "application/json", `{"tenant":{"id":"8f2b3c4d-0000-4000-8000-000000000000","insertInstant":5}}`,
			func(t *testing.T, tn *authcore.Tenant) {}, nil},
		{"invalid result", "application/json", `{"tenant":{"jwtConfiguration":{"refreshTokenUsagePolicy":"Never"}}}`, nil,
			[]string{"[invalid]tenant.jwtConfiguration.refreshTokenUsagePolicy"}},
		{"blank name", "application/merge-patch+json", `{"tenant":{"name":null}}`, nil, []string{"[blank]tenant.name"}},
		{"unsupported type", "text/plain", `{}`, nil, []string{"[PatchNotSupported]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newDomFixture(t)
			before, err := f.e.CreateTenant(f.ctx, "", authcore.Tenant{Name: "t", Issuer: "example.com", Data: map[string]any{"a": "b"}})
			require.NoError(t, err)
			got, err := f.e.PatchTenant(f.ctx, before.ID, authcore.PatchRequest{ContentType: tc.contentType, Body: []byte(tc.body)})
			if tc.codes != nil {
				assert.Equal(t, tc.codes, errCodes(t, err))
				stored, err := f.e.Tenant(f.ctx, before.ID)
				require.NoError(t, err)
				assert.Equal(t, before, stored, "nothing stored")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, before.ID, got.ID)
			assert.Equal(t, before.InsertInstant, got.InsertInstant)
			tc.check(t, got)
			stored, err := f.e.Tenant(f.ctx, before.ID)
			require.NoError(t, err)
			assert.Equal(t, got, stored)
		})
	}
	t.Run("missing", func(t *testing.T) {
		f := newDomFixture(t)
		_, err := f.e.PatchTenant(f.ctx, "8f2b3c4d-0000-4000-8000-000000000000", authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{}`)})
		assert.ErrorIs(t, err, authcore.ErrNotFound)
	})
}

func TestDeleteTenant(t *testing.T) {
	f := newDomFixture(t)
	err := f.e.DeleteTenant(f.ctx, f.def)
	assert.Equal(t, []string{"[invalid]tenantId"}, errCodes(t, err), "the last tenant stays")

	other := f.tenant("other")
	a := f.app(other, "app")
	u := f.user(other, "a@example.com")
	_, err = f.e.Register(f.ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: a.ID}})
	require.NoError(t, err)
	key, _, err := f.e.CreateAPIKey(f.ctx, authcore.NewAPIKey{TenantID: other})
	require.NoError(t, err)
	keep, _, err := f.e.CreateAPIKey(f.ctx, authcore.NewAPIKey{})
	require.NoError(t, err)

	require.NoError(t, f.e.DeleteTenant(f.ctx, other))
	_, err = f.e.Tenant(f.ctx, other)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = f.store.GetApplication(f.ctx, a.ID)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = f.store.GetUser(f.ctx, u.ID)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	regs, err := f.store.ListRegistrations(f.ctx, u.ID)
	require.NoError(t, err)
	assert.Empty(t, regs)
	keys, err := f.store.ListAPIKeys(f.ctx)
	require.NoError(t, err)
	var ids []string
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	assert.NotContains(t, ids, key.ID, "keys locked to the tenant go with it")
	assert.Contains(t, ids, keep.ID)

	assert.ErrorIs(t, f.e.DeleteTenant(f.ctx, other), authcore.ErrNotFound)
}

// A request scoped to a tenant (a tenant-locked key, as FusionAuth has it)
// creates API keys for that tenant only, lists only those, and revokes no
// other: a scoped caller had created a key for every tenant.
func TestAPIKeysUnderATenantScope(t *testing.T) {
	ctx := context.Background()
	e, err := authcore.New(ctx, memstore.New(), quiet())
	require.NoError(t, err)
	a, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "a"})
	require.NoError(t, err)
	b, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "b"})
	require.NoError(t, err)
	global, _, err := e.CreateAPIKey(ctx, authcore.NewAPIKey{})
	require.NoError(t, err)
	ofB, _, err := e.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: b.ID})
	require.NoError(t, err)

	scoped := authcore.WithScope(ctx, authcore.Scope{KeyTenantID: strings.ToUpper(a.ID)})
	k, _, err := e.CreateAPIKey(scoped, authcore.NewAPIKey{})
	require.NoError(t, err)
	assert.Equal(t, a.ID, k.TenantID, "a key made under the scope is locked to its tenant")
	_, _, err = e.CreateAPIKey(scoped, authcore.NewAPIKey{TenantID: b.ID})
	require.ErrorIs(t, err, authcore.ErrUnauthorized)

	keys, err := e.ListAPIKeys(scoped)
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, k.ID, keys[0].ID)
	all, err := e.ListAPIKeys(ctx)
	require.NoError(t, err)
	assert.Len(t, all, 3)

	require.ErrorIs(t, e.RevokeAPIKey(scoped, global.ID), authcore.ErrNotFound)
	require.ErrorIs(t, e.RevokeAPIKey(scoped, ofB.ID), authcore.ErrNotFound)
	require.NoError(t, e.RevokeAPIKey(scoped, strings.ToUpper(k.ID)))
	all, err = e.ListAPIKeys(ctx)
	require.NoError(t, err)
	assert.Len(t, all, 2)
}

// TestCopyTenant: the copy has the source's settings under its own id, name
// and instants; a tenant-scoped request may not copy, and a source that is
// no tenant is [invalid]sourceTenantId with nothing created.
func TestCopyTenant(t *testing.T) {
	f := newDomFixture(t)
	src, err := f.e.CreateTenant(f.ctx, "", authcore.Tenant{
		Name: "source", Issuer: "source.example.com",
		JWTConfiguration:   authcore.TenantJWTConfiguration{TimeToLiveInSeconds: 60, RefreshTokenUsagePolicy: authcore.RefreshTokenOneTimeUse},
		EmailConfiguration: authcore.EmailConfiguration{VerifyEmail: true},
		Data:               map[string]any{"k": "v"},
	})
	require.NoError(t, err)

	cp, err := f.e.CopyTenant(f.ctx, "", src.ID, "copy")
	require.NoError(t, err)
	assert.NotEqual(t, src.ID, cp.ID)
	assert.Equal(t, "copy", cp.Name)
	assert.Greater(t, cp.InsertInstant, src.InsertInstant)
	want := *src
	want.ID, want.Name, want.InsertInstant, want.LastUpdateInstant = cp.ID, cp.Name, cp.InsertInstant, cp.LastUpdateInstant
	assert.Equal(t, want, *cp)
	stored, err := f.e.Tenant(f.ctx, cp.ID)
	require.NoError(t, err)
	assert.Equal(t, cp, stored)

	_, err = f.e.CopyTenant(asHeader(f.ctx, src.ID), "", src.ID, "scoped")
	assert.ErrorIs(t, err, authcore.ErrUnauthorized)
	_, err = f.e.CopyTenant(f.ctx, "", "3c1e4a7b-0000-4000-8000-000000000000", "nowhere")
	assert.Equal(t, []string{"[invalid]sourceTenantId"}, errCodes(t, err))
	_, err = f.e.CopyTenant(f.ctx, "", "nope", "nowhere")
	assert.Equal(t, []string{"[invalid]sourceTenantId"}, errCodes(t, err))
	_, err = f.e.CopyTenant(f.ctx, "", src.ID, "")
	assert.Equal(t, []string{"[blank]tenant.name"}, errCodes(t, err))
	list, err := f.e.Tenants(f.ctx)
	require.NoError(t, err)
	assert.Len(t, list, 3, "the default, the source and one copy")
}

// TestTenantIssuerBound checks the issuer's bound at its edge and on an
// update: it is counted in characters, as a key's issuer is, and a refused
// update leaves the stored issuer as it was.
func TestTenantIssuerBound(t *testing.T) {
	f := newDomFixture(t)
	at := strings.Repeat("é", 255)
	tn, err := f.e.CreateTenant(f.ctx, "", authcore.Tenant{Name: "edge", Issuer: at})
	require.NoError(t, err)
	assert.Equal(t, at, tn.Issuer)

	_, err = f.e.UpdateTenant(f.ctx, tn.ID, authcore.Tenant{Name: "edge", Issuer: at + "é"})
	assert.Equal(t, []string{"[tooLong]tenant.issuer"}, errCodes(t, err))
	got, err := f.e.Tenant(f.ctx, tn.ID)
	require.NoError(t, err)
	assert.Equal(t, at, got.Issuer, "nothing stored")
}

// A scoped request may change the case of its tenant's name, as the stores
// compare names: strings.ToLower of each. Unicode case folding matches more
// (ſ folds to s, as K, the Kelvin sign, folds to k): renaming "Bass" to "Baſſ"
// passed as a change of case, and the store's [duplicate]tenant.name told
// the request that another tenant is named "baſſ".
func TestScopedRenameIsACaseChangeAsTheStoresCompare(t *testing.T) {
	f := newDomFixture(t)
	own := f.tenant("Bass")
	f.tenant("baſſ")
	locked := asKey(f.ctx, own)

	_, err := f.e.UpdateTenant(locked, own, authcore.Tenant{Name: "Baſſ"})
	require.Error(t, err)
	assert.Equal(t, []string{"[invalid]tenant.name"}, errCodes(t, err), "a rename, not a change of case")

	upd, err := f.e.UpdateTenant(locked, own, authcore.Tenant{Name: "BASS"})
	require.NoError(t, err, "a change of case")
	assert.Equal(t, "BASS", upd.Name)
}
