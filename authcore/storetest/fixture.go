package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// fixture builds valid objects and stores them, with instants that increase
// so that "oldest first" has one answer.
type fixture struct {
	t   *testing.T
	s   authcore.Store
	ctx context.Context
	now int64
	// pendingIDs are the pending links made through the fixture.
	pendingIDs []string
	opts       options
}

func newFixture(t *testing.T, s authcore.Store, opts options) *fixture {
	return &fixture{t: t, s: s, ctx: t.Context(), now: 1_700_000_000_000, opts: opts}
}

func (f *fixture) instant() int64 {
	f.now += 1000
	return f.now
}

func id() string { return uuid.NewString() }

func (f *fixture) newTenant(name string) *authcore.Tenant {
	now := f.instant()
	return &authcore.Tenant{
		ID:     id(),
		Name:   name,
		Issuer: "issuer.example",
		JWTConfiguration: authcore.TenantJWTConfiguration{
			AccessTokenKeyID: id(), TimeToLiveInSeconds: 3600,
			RefreshTokenTimeToLiveInMinutes: 43200, RefreshTokenUsagePolicy: authcore.RefreshTokenOneTimeUse,
		},
		EmailConfiguration: authcore.EmailConfiguration{VerifyEmail: true},
		Data:               map[string]any{"plan": "gold", "seats": json.Number("3"), "nested": map[string]any{"tags": []any{"a", "b"}}},
		InsertInstant:      now,
		LastUpdateInstant:  now,
	}
}

func (f *fixture) tenant(name string) *authcore.Tenant {
	f.t.Helper()
	v := f.newTenant(name)
	require.NoError(f.t, f.s.CreateTenant(f.ctx, v))
	return v
}

func (f *fixture) newApp(tenantID, name string) *authcore.Application {
	now := f.instant()
	return &authcore.Application{
		ID: id(), TenantID: tenantID, Name: name, Active: true,
		Roles: []authcore.ApplicationRole{
			{ID: id(), Name: "admin", IsSuperRole: true, InsertInstant: now},
			{ID: id(), Name: "user", IsDefault: true, Description: "everyone", InsertInstant: now},
		},
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true},
		VerifyRegistration: true,
		JWTConfiguration:   &authcore.ApplicationJWTOverrides{Enabled: true, TimeToLiveInSeconds: 60},
		Data:               map[string]any{"color": "blue"},
		InsertInstant:      now,
		LastUpdateInstant:  now,
	}
}

func (f *fixture) app(tenantID, name string) *authcore.Application {
	f.t.Helper()
	v := f.newApp(tenantID, name)
	require.NoError(f.t, f.s.CreateApplication(f.ctx, v))
	return v
}

func (f *fixture) newUser(tenantID, email, username string) *authcore.User {
	now := f.instant()
	// An authenticator method carries a nested object: every store keeps it.
	totp := authcore.TwoFactorMethod{ID: "m2", Method: "authenticator", Authenticator: authcore.AuthenticatorConfiguration{Algorithm: "HmacSHA1", CodeLength: 6, TimeStep: 30}}
	return &authcore.User{
		ID: id(), TenantID: tenantID, Email: email, Username: username,
		FirstName: "Ada", LastName: "Lovelace", FullName: "Ada Lovelace",
		Active: true, Verified: true, VerifiedInstant: now,
		Data:               map[string]any{"score": json.Number("7"), "list": []any{"x", true, nil}},
		PreferredLanguages: []string{"en", "fr"},
		TwoFactor:          &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{{ID: "m1", Method: "email", Email: "2fa@example.com"}, totp}},
		InsertInstant:      now,
		LastUpdateInstant:  now,
	}
}

func (f *fixture) user(tenantID, email, username string) *authcore.User {
	f.t.Helper()
	v := f.newUser(tenantID, email, username)
	require.NoError(f.t, f.s.CreateUser(f.ctx, v))
	return v
}

func (f *fixture) newReg(userID, appID string) *authcore.UserRegistration {
	now := f.instant()
	return &authcore.UserRegistration{
		ID: id(), UserID: userID, ApplicationID: appID, Roles: []string{"user"},
		Username: "reg-name", Data: map[string]any{"k": "v"}, Verified: true,
		PreferredLanguages: []string{"de"}, InsertInstant: now, LastUpdateInstant: now,
	}
}

func (f *fixture) reg(userID, appID string) *authcore.UserRegistration {
	f.t.Helper()
	v := f.newReg(userID, appID)
	require.NoError(f.t, f.s.CreateRegistration(f.ctx, v))
	return v
}

func (f *fixture) newLink(u *authcore.User, providerID, providerUserID string) *authcore.IdentityProviderLink {
	return &authcore.IdentityProviderLink{
		Data:                   map[string]any{"screen_name": "ada"},
		DisplayName:            "ada",
		IdentityProviderID:     providerID,
		IdentityProviderName:   "Twitter",
		IdentityProviderType:   "Twitter",
		IdentityProviderUserID: providerUserID,
		InsertInstant:          f.instant(),
		TenantID:               u.TenantID,
		Token:                  "token-" + providerUserID,
		UserID:                 u.ID,
	}
}

// provider makes sure an identity provider with this id exists: links and
// pending links need theirs. Outside a transaction only.
func (f *fixture) provider(id string) {
	f.t.Helper()
	_, err := f.s.GetIdentityProvider(f.ctx, id)
	if errors.Is(err, authcore.ErrNotFound) {
		err = f.s.CreateIdentityProvider(f.ctx, &authcore.IdentityProviderRecord{ID: id, Type: "Twitter", Document: []byte(`{}`), InsertInstant: f.instant()})
	}
	require.NoError(f.t, err)
}

func (f *fixture) link(u *authcore.User, providerID, providerUserID string) *authcore.IdentityProviderLink {
	f.t.Helper()
	f.provider(providerID)
	v := f.newLink(u, providerID, providerUserID)
	require.NoError(f.t, f.s.CreateLink(f.ctx, v))
	return v
}

func (f *fixture) newPending(tenantID, appID, providerID string, expires int64) *authcore.PendingLink {
	return &authcore.PendingLink{
		ID: id(), TenantID: tenantID, ApplicationID: appID, IdentityProviderID: providerID,
		IdentityProviderUserID: id(), DisplayName: "pending", Email: "p@example.com", Token: "tok",
		Data: map[string]any{"a": "b"}, InsertInstant: f.instant(), ExpirationInstant: expires,
	}
}

func (f *fixture) pending(tenantID, appID, providerID string, expires int64) *authcore.PendingLink {
	f.t.Helper()
	f.provider(providerID)
	v := f.newPending(tenantID, appID, providerID, expires)
	require.NoError(f.t, f.s.CreatePendingLink(f.ctx, v))
	f.pendingIDs = append(f.pendingIDs, v.ID)
	return v
}

func (f *fixture) newRefresh(u *authcore.User, appID string, hash string) *authcore.RefreshToken {
	now := f.instant()
	return &authcore.RefreshToken{
		ID: id(), TokenHash: []byte(hash), UserID: u.ID, ApplicationID: appID, TenantID: u.TenantID,
		StartInstant: now, InsertInstant: now, ExpirationInstant: now + 3_600_000,
		MetaData: map[string]any{"device": map[string]any{"name": "phone"}},
	}
}

func (f *fixture) refresh(u *authcore.User, appID string, hash string) *authcore.RefreshToken {
	f.t.Helper()
	v := f.newRefresh(u, appID, hash)
	require.NoError(f.t, f.s.CreateRefreshToken(f.ctx, v))
	return v
}

// requireNotFound asserts err matches authcore.ErrNotFound.
func requireNotFound(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.ErrorIs(t, err, authcore.ErrNotFound, msgAndArgs...)
}

// requireDuplicate asserts err is a *DuplicateError for field.
func requireDuplicate(t *testing.T, err error, field string, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.ErrorIs(t, err, authcore.ErrDuplicate, msgAndArgs...)
	var d *authcore.DuplicateError
	require.True(t, errors.As(err, &d), "want *authcore.DuplicateError, got %T: %v", err, err)
	require.Equal(t, field, d.Field, msgAndArgs...)
}

func ids[T any](vs []*T, idOf func(*T) string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = idOf(v)
	}
	return out
}

func label(format string, args ...any) string { return fmt.Sprintf(format, args...) }
