package authcore_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apiKeyWorld is an engine with two tenants and a clock the test moves.
type apiKeyWorld struct {
	e    *authcore.Engine
	a, b *authcore.Tenant
	now  atomic.Int64 // unix milliseconds
}

func newAPIKeyWorld(t *testing.T) *apiKeyWorld {
	t.Helper()
	w := &apiKeyWorld{}
	w.now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	e, err := authcore.New(t.Context(), memstore.New(), quiet(), authcore.WithClock(func() time.Time { return time.UnixMilli(w.now.Load()) }))
	require.NoError(t, err)
	w.e = e
	w.a, err = e.CreateTenant(t.Context(), "", authcore.Tenant{Name: "a"})
	require.NoError(t, err)
	w.b, err = e.CreateTenant(t.Context(), "", authcore.Tenant{Name: "b"})
	require.NoError(t, err)
	return w
}

// key creates a key through the Go API (the admin's authority).
func (w *apiKeyWorld) key(t *testing.T, in authcore.NewAPIKey) *authcore.APIKey {
	t.Helper()
	k, _, err := w.e.CreateAPIKey(t.Context(), in)
	require.NoError(t, err)
	return k
}

// as is the context of a request authenticated by k, as httpadapter makes it.
func as(ctx context.Context, k *authcore.APIKey) context.Context {
	return authcore.WithScope(ctx, authcore.Scope{KeyTenantID: k.TenantID, Key: k})
}

func (w *apiKeyWorld) count(t *testing.T) int {
	t.Helper()
	keys, err := w.e.ListAPIKeys(t.Context())
	require.NoError(t, err)
	return len(keys)
}

func fieldCodes(t *testing.T, err error) map[string]string {
	t.Helper()
	var v *authcore.ValidationError
	require.ErrorAs(t, err, &v)
	out := map[string]string{}
	for path, errs := range v.FieldErrors {
		out[path] = errs[0].Code
	}
	return out
}

func TestAPIKeyAPIOnlyForKeyManagers(t *testing.T) {
	w := newAPIKeyWorld(t)
	plain := w.key(t, authcore.NewAPIKey{Description: "not a manager"})
	other := w.key(t, authcore.NewAPIKey{})
	ctx := as(t.Context(), plain)
	n := w.count(t)

	_, _, err := w.e.CreateAPIKey(ctx, authcore.NewAPIKey{})
	require.ErrorIs(t, err, authcore.ErrUnauthorized)
	_, err = w.e.APIKey(ctx, other.ID)
	require.ErrorIs(t, err, authcore.ErrUnauthorized)
	_, err = w.e.UpdateAPIKey(ctx, other.ID, authcore.APIKeyUpdate{Description: "changed"})
	require.ErrorIs(t, err, authcore.ErrUnauthorized)
	require.ErrorIs(t, w.e.RevokeAPIKey(ctx, other.ID), authcore.ErrUnauthorized)
	require.ErrorIs(t, w.e.RevokeAPIKey(ctx, plain.ID), authcore.ErrUnauthorized, "not even itself")

	assert.Equal(t, n, w.count(t), "nothing created or deleted")
	got, err := w.e.APIKey(t.Context(), other.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Description, "nothing updated")

	manager := w.key(t, authcore.NewAPIKey{KeyManager: true})
	got, err = w.e.APIKey(as(t.Context(), manager), other.ID)
	require.NoError(t, err)
	assert.Equal(t, other.ID, got.ID)
}

func TestAPIKeyAPIEqualOrLesserAuthority(t *testing.T) {
	w := newAPIKeyWorld(t)
	super := w.key(t, authcore.NewAPIKey{Description: "every endpoint"})
	limited := w.key(t, authcore.NewAPIKey{KeyManager: true, Endpoints: map[string][]string{
		"/api/api-key": {"POST", "GET", "PUT", "DELETE"},
		"/api/user":    {"GET", "POST"},
	}})
	ctx := as(t.Context(), limited)

	child, secret, err := w.e.CreateAPIKey(ctx, authcore.NewAPIKey{Endpoints: map[string][]string{"/api/user": {"GET", "GET"}}})
	require.NoError(t, err, "a key of lesser authority")
	assert.Equal(t, map[string][]string{"/api/user": {"GET"}}, child.Endpoints, "methods kept once")
	_, err = w.e.Authenticate(t.Context(), secret)
	require.NoError(t, err)

	n := w.count(t)
	for name, eps := range map[string]map[string][]string{
		"every endpoint":          nil,
		"a method it lacks":       {"/api/user": {"DELETE"}},
		"an endpoint it lacks":    {"/api/tenant": {"GET"}},
		"one of two beyond it":    {"/api/user": {"GET"}, "/api/application": {"GET"}},
		"its own and then wider?": {"/api/user": {"GET", "POST", "PUT"}},
	} {
		_, _, err := w.e.CreateAPIKey(ctx, authcore.NewAPIKey{Endpoints: eps})
		require.ErrorIs(t, err, authcore.ErrUnauthorized, name)
	}
	assert.Equal(t, n, w.count(t), "a refused create stores nothing")

	_, err = w.e.APIKey(ctx, super.ID)
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "a key of greater authority cannot be read")
	_, err = w.e.UpdateAPIKey(ctx, super.ID, authcore.APIKeyUpdate{Endpoints: map[string][]string{"/api/user": {"GET"}}})
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "nor narrowed")
	require.ErrorIs(t, w.e.RevokeAPIKey(ctx, super.ID), authcore.ErrUnauthorized, "nor deleted")

	_, err = w.e.UpdateAPIKey(ctx, child.ID, authcore.APIKeyUpdate{Endpoints: map[string][]string{"/api/user": {"DELETE"}}})
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "a key cannot be widened past its manager")
	_, err = w.e.UpdateAPIKey(ctx, limited.ID, authcore.APIKeyUpdate{})
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "nor can a key widen itself to every endpoint")
	got, err := w.e.APIKey(ctx, child.ID)
	require.NoError(t, err)
	assert.Equal(t, child.Endpoints, got.Endpoints, "a refused update changes nothing")
	got, err = w.e.APIKey(t.Context(), super.ID)
	require.NoError(t, err)
	assert.Equal(t, super, got)

	up, err := w.e.UpdateAPIKey(ctx, child.ID, authcore.APIKeyUpdate{Description: "both", Endpoints: map[string][]string{"/api/user": {"POST", "GET"}}})
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{"/api/user": {"GET", "POST"}}, up.Endpoints)
	require.NoError(t, w.e.RevokeAPIKey(ctx, child.ID))
	_, err = w.e.Authenticate(t.Context(), secret)
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "the deleted key authenticates no more")

	// A key manager is of greater authority than a key that is not, even
	// with the same endpoints.
	otherManager := w.key(t, authcore.NewAPIKey{KeyManager: true})
	plainSuper := w.key(t, authcore.NewAPIKey{})
	_, err = w.e.APIKey(as(t.Context(), otherManager), limited.ID)
	require.NoError(t, err, "a manager for every endpoint covers a limited manager")
	_, err = w.e.APIKey(as(t.Context(), otherManager), plainSuper.ID)
	require.NoError(t, err)
}

func TestAPIKeyAPITenantLockedManager(t *testing.T) {
	w := newAPIKeyWorld(t)
	lockedA := w.key(t, authcore.NewAPIKey{KeyManager: true, TenantID: w.a.ID})
	global := w.key(t, authcore.NewAPIKey{})
	ofB := w.key(t, authcore.NewAPIKey{TenantID: w.b.ID})
	ctx := as(t.Context(), lockedA)

	k, _, err := w.e.CreateAPIKey(ctx, authcore.NewAPIKey{Description: "made by A"})
	require.NoError(t, err)
	assert.Equal(t, w.a.ID, k.TenantID, "locked to the caller's tenant")
	_, _, err = w.e.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: w.b.ID})
	require.ErrorIs(t, err, authcore.ErrUnauthorized)

	for name, id := range map[string]string{"another tenant's": ofB.ID, "a key for every tenant": global.ID} {
		_, err = w.e.APIKey(ctx, id)
		require.ErrorIs(t, err, authcore.ErrNotFound, name)
		_, err = w.e.UpdateAPIKey(ctx, id, authcore.APIKeyUpdate{Description: "x"})
		require.ErrorIs(t, err, authcore.ErrNotFound, name)
		require.ErrorIs(t, w.e.RevokeAPIKey(ctx, id), authcore.ErrNotFound, name)
	}
	got, err := w.e.APIKey(ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, "made by A", got.Description)
	require.NoError(t, w.e.RevokeAPIKey(ctx, k.ID))
	assert.Equal(t, 3, w.count(t), "only A's own key went")
}

func TestAPIKeyAPIValidation(t *testing.T) {
	w := newAPIKeyWorld(t)
	manager := w.key(t, authcore.NewAPIKey{KeyManager: true})
	existing, _, err := w.e.CreateAPIKey(t.Context(), authcore.NewAPIKey{ID: "0b7a8c6e-54b3-4a43-9d9e-1c3c0b1f2a10", Key: "an-existing-key-value"})
	require.NoError(t, err)
	ctx := as(t.Context(), manager)
	past := w.now.Load() - 1
	cases := []struct {
		name string
		in   authcore.NewAPIKey
		want map[string]string
	}{
		{"unknown endpoint", authcore.NewAPIKey{Endpoints: map[string][]string{"/api/nope": {"GET"}}},
			map[string]string{"apiKey.permissions.endpoints": "[invalid]apiKey.permissions.endpoints"}},
		{"endpoint with its id", authcore.NewAPIKey{Endpoints: map[string][]string{"/api/user/{userId}": {"GET"}}},
			map[string]string{"apiKey.permissions.endpoints": "[invalid]apiKey.permissions.endpoints"}},
		{"unknown method", authcore.NewAPIKey{Endpoints: map[string][]string{"/api/user": {"get"}}},
			map[string]string{"apiKey.permissions.endpoints": "[invalid]apiKey.permissions.endpoints"}},
		{"no method", authcore.NewAPIKey{Endpoints: map[string][]string{"/api/user": {}}},
			map[string]string{"apiKey.permissions.endpoints": "[invalid]apiKey.permissions.endpoints"}},
		{"key manager", authcore.NewAPIKey{KeyManager: true},
			map[string]string{"apiKey.keyManager": "[invalid]apiKey.keyManager"}},
		{"expired", authcore.NewAPIKey{ExpirationInstant: past},
			map[string]string{"apiKey.expirationInstant": "[invalid]apiKey.expirationInstant"}},
		{"unknown tenant", authcore.NewAPIKey{TenantID: "5b8a2f4e-7d10-4c3e-9d64-0a8b1f3e2c11"},
			map[string]string{"apiKey.tenantId": "[invalid]apiKey.tenantId"}},
		{"short key", authcore.NewAPIKey{Key: "short"},
			map[string]string{"apiKey.key": "[invalid]apiKey.key"}},
		{"duplicate id", authcore.NewAPIKey{ID: existing.ID},
			map[string]string{"apiKeyId": "[duplicate]apiKeyId"}},
		{"duplicate id in upper case", authcore.NewAPIKey{ID: "0B7A8C6E-54B3-4A43-9D9E-1C3C0B1F2A10"},
			map[string]string{"apiKeyId": "[duplicate]apiKeyId"}},
		{"duplicate key", authcore.NewAPIKey{Key: "an-existing-key-value"},
			map[string]string{"apiKey.key": "[duplicate]apiKey.key"}},
		{"id not a UUID", authcore.NewAPIKey{ID: "key-1"},
			map[string]string{"apiKeyId": "[invalid]apiKeyId"}},
		{"unknown source", authcore.NewAPIKey{SourceKeyID: "5b8a2f4e-7d10-4c3e-9d64-0a8b1f3e2c11"},
			map[string]string{"sourceKeyId": "[invalid]sourceKeyId"}},
		{"a key manager as source", authcore.NewAPIKey{SourceKeyID: manager.ID},
			map[string]string{"sourceKeyId": "[invalid]sourceKeyId"}},
		{"source and permissions", authcore.NewAPIKey{SourceKeyID: existing.ID, Endpoints: map[string][]string{"/api/user": {"GET"}}},
			map[string]string{"sourceKeyId": "[invalid]sourceKeyId"}},
	}
	n := w.count(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := w.e.CreateAPIKey(ctx, c.in)
			assert.Equal(t, c.want, fieldCodes(t, err))
			assert.Equal(t, n, w.count(t), "nothing stored")
		})
	}
	_, _, err = w.e.CreateAPIKey(t.Context(), authcore.NewAPIKey{Key: "an-existing-key-value"})
	require.ErrorIs(t, err, authcore.ErrDuplicate, "a Go caller still tells a duplicate by ErrDuplicate")
}

func TestAPIKeyCopy(t *testing.T) {
	w := newAPIKeyWorld(t)
	manager := w.key(t, authcore.NewAPIKey{KeyManager: true})
	src := w.key(t, authcore.NewAPIKey{TenantID: w.b.ID, Description: "source", Endpoints: map[string][]string{"/api/user": {"GET"}}})
	cp, secret, err := w.e.CreateAPIKey(as(t.Context(), manager), authcore.NewAPIKey{SourceKeyID: src.ID})
	require.NoError(t, err)
	assert.NotEqual(t, src.ID, cp.ID)
	assert.Equal(t, src.Endpoints, cp.Endpoints)
	assert.Equal(t, w.b.ID, cp.TenantID)
	assert.Empty(t, cp.Description, "only the permissions and the tenant are copied")
	got, err := w.e.Authenticate(t.Context(), secret)
	require.NoError(t, err)
	assert.Equal(t, cp.ID, got.ID, "the copy has its own secret")
}

func TestUpdateAPIKey(t *testing.T) {
	w := newAPIKeyWorld(t)
	manager := w.key(t, authcore.NewAPIKey{KeyManager: true})
	k, secret, err := w.e.CreateAPIKey(t.Context(), authcore.NewAPIKey{TenantID: w.a.ID, Description: "before", ExpirationInstant: w.now.Load() + 3_600_000})
	require.NoError(t, err)
	ctx := as(t.Context(), manager)
	w.now.Add(1000)

	up, err := w.e.UpdateAPIKey(ctx, k.ID, authcore.APIKeyUpdate{Description: "after", TenantID: w.a.ID, Key: secret,
		Endpoints: map[string][]string{"/api/tenant": {"GET"}}})
	require.NoError(t, err, "the key's own tenant and secret may be sent back")
	assert.Equal(t, "after", up.Description)
	assert.Zero(t, up.ExpirationInstant, "an update without an expiry clears it")
	assert.Equal(t, k.InsertInstant, up.InsertInstant)
	assert.Equal(t, k.InsertInstant+1000, up.LastUpdateInstant)
	stored, err := w.e.APIKey(t.Context(), k.ID)
	require.NoError(t, err)
	assert.Equal(t, up, stored)
	got, err := w.e.Authenticate(t.Context(), secret)
	require.NoError(t, err, "the secret does not change")
	assert.True(t, got.Allows("/api/tenant", "GET"))

	cases := []struct {
		name string
		in   authcore.APIKeyUpdate
		want map[string]string
	}{
		{"another tenant", authcore.APIKeyUpdate{TenantID: w.b.ID}, map[string]string{"apiKey.tenantId": "[invalid]apiKey.tenantId"}},
		{"another secret", authcore.APIKeyUpdate{Key: "another-secret-value"}, map[string]string{"apiKey.key": "[invalid]apiKey.key"}},
		{"made a manager", authcore.APIKeyUpdate{KeyManager: true}, map[string]string{"apiKey.keyManager": "[invalid]apiKey.keyManager"}},
		{"unknown endpoint", authcore.APIKeyUpdate{Endpoints: map[string][]string{"/api/group": {"GET"}}},
			map[string]string{"apiKey.permissions.endpoints": "[invalid]apiKey.permissions.endpoints"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := w.e.UpdateAPIKey(ctx, k.ID, c.in)
			assert.Equal(t, c.want, fieldCodes(t, err))
			after, err := w.e.APIKey(t.Context(), k.ID)
			require.NoError(t, err)
			assert.Equal(t, up, after, "nothing changed")
		})
	}
	_, err = w.e.UpdateAPIKey(ctx, "5b8a2f4e-7d10-4c3e-9d64-0a8b1f3e2c11", authcore.APIKeyUpdate{})
	require.ErrorIs(t, err, authcore.ErrNotFound)

	// A manager may update a manager of no greater authority, itself
	// included; its flag stays.
	self, err := w.e.UpdateAPIKey(ctx, manager.ID, authcore.APIKeyUpdate{Description: "me", KeyManager: true})
	require.NoError(t, err)
	assert.True(t, self.KeyManager)
}

func TestAPIKeyExpires(t *testing.T) {
	w := newAPIKeyWorld(t)
	_, secret, err := w.e.CreateAPIKey(t.Context(), authcore.NewAPIKey{ExpirationInstant: w.now.Load() + 60_000})
	require.NoError(t, err)
	_, err = w.e.Authenticate(t.Context(), secret)
	require.NoError(t, err)
	w.now.Add(60_000)
	_, err = w.e.Authenticate(t.Context(), secret)
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "at its expiration instant the key is refused")
}

func TestAPIKeyAllows(t *testing.T) {
	super := &authcore.APIKey{}
	assert.True(t, super.Allows("/api/user", "DELETE"), "no permissions: every endpoint")
	limited := &authcore.APIKey{Endpoints: map[string][]string{"/api/user": {"GET", "POST"}}}
	assert.True(t, limited.Allows("/api/user", "GET"))
	assert.True(t, limited.Allows("/api/user", "HEAD"), "HEAD is GET's")
	assert.True(t, limited.Allows("/api/user", "POST"))
	assert.False(t, limited.Allows("/api/user", "DELETE"))
	assert.False(t, limited.Allows("/api/user/registration", "GET"), "an endpoint is not its prefix's")
	assert.False(t, limited.Allows("/api/tenant", "GET"))
	allocs := testing.AllocsPerRun(100, func() { _ = limited.Allows("/api/user", "GET") })
	assert.Zero(t, allocs)
}

// TestAPIKeyAPIAnExpiringManagerCannotOutliveItself: a key that expires has
// less authority than one that does not, or that outlives it. A key
// manager given for a day made a key that never expired, or cleared its own
// expiry with an update that sent none, and so kept the API for ever.
func TestAPIKeyAPIAnExpiringManagerCannotOutliveItself(t *testing.T) {
	w := newAPIKeyWorld(t)
	day := w.now.Load() + 24*time.Hour.Milliseconds()
	manager := w.key(t, authcore.NewAPIKey{KeyManager: true, ExpirationInstant: day})
	forever := w.key(t, authcore.NewAPIKey{Description: "no expiry"})
	ctx := as(t.Context(), manager)
	n := w.count(t)

	_, _, err := w.e.CreateAPIKey(ctx, authcore.NewAPIKey{})
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "a key that never expires")
	_, _, err = w.e.CreateAPIKey(ctx, authcore.NewAPIKey{ExpirationInstant: day + 1})
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "a key that outlives the manager")
	_, _, err = w.e.CreateAPIKey(ctx, authcore.NewAPIKey{SourceKeyID: forever.ID})
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "a copy, which never expires")
	assert.Equal(t, n, w.count(t), "a refused create stores nothing")

	_, err = w.e.UpdateAPIKey(ctx, manager.ID, authcore.APIKeyUpdate{KeyManager: true})
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "an update that clears its own expiry")
	got, err := w.e.APIKey(t.Context(), manager.ID)
	require.NoError(t, err)
	assert.Equal(t, day, got.ExpirationInstant, "the refused update changed nothing")
	_, err = w.e.APIKey(ctx, forever.ID)
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "nor may it read a key that outlives it, and use that")

	child, _, err := w.e.CreateAPIKey(ctx, authcore.NewAPIKey{ExpirationInstant: day})
	require.NoError(t, err, "a key that expires with the manager")
	_, err = w.e.UpdateAPIKey(ctx, child.ID, authcore.APIKeyUpdate{ExpirationInstant: day - 1})
	require.NoError(t, err, "or before it")
	_, err = w.e.UpdateAPIKey(ctx, manager.ID, authcore.APIKeyUpdate{KeyManager: true, ExpirationInstant: day - 1})
	require.NoError(t, err, "a manager may shorten its own life")
}
