package sqlstore

import (
	"context"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
)

// The Store's methods outside a transaction: reads on the read pool, each
// write as a transaction of its own.

// read runs a read outside any transaction.
func read[T any](s *Store, ctx context.Context, f func(*tx) (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	return f(s.reader())
}

func (s *Store) CreateTenant(ctx context.Context, v *authcore.Tenant) error {
	return s.write(ctx, func(t *tx) error { return t.CreateTenant(ctx, v) })
}
func (s *Store) GetTenant(ctx context.Context, id string) (*authcore.Tenant, error) {
	return read(s, ctx, func(t *tx) (*authcore.Tenant, error) { return t.GetTenant(ctx, id) })
}
func (s *Store) ListTenants(ctx context.Context) ([]*authcore.Tenant, error) {
	return read(s, ctx, func(t *tx) ([]*authcore.Tenant, error) { return t.ListTenants(ctx) })
}
func (s *Store) UpdateTenant(ctx context.Context, v *authcore.Tenant) error {
	return s.write(ctx, func(t *tx) error { return t.UpdateTenant(ctx, v) })
}
func (s *Store) DeleteTenant(ctx context.Context, id string) error {
	return s.write(ctx, func(t *tx) error { return t.DeleteTenant(ctx, id) })
}

func (s *Store) CreateApplication(ctx context.Context, v *authcore.Application) error {
	return s.write(ctx, func(t *tx) error { return t.CreateApplication(ctx, v) })
}
func (s *Store) GetApplication(ctx context.Context, id string) (*authcore.Application, error) {
	return read(s, ctx, func(t *tx) (*authcore.Application, error) { return t.GetApplication(ctx, id) })
}
func (s *Store) ListApplications(ctx context.Context, tenantID string) ([]*authcore.Application, error) {
	return read(s, ctx, func(t *tx) ([]*authcore.Application, error) { return t.ListApplications(ctx, tenantID) })
}
func (s *Store) UpdateApplication(ctx context.Context, v *authcore.Application) error {
	return s.write(ctx, func(t *tx) error { return t.UpdateApplication(ctx, v) })
}
func (s *Store) DeleteApplication(ctx context.Context, id string) error {
	return s.write(ctx, func(t *tx) error { return t.DeleteApplication(ctx, id) })
}

func (s *Store) CreateUser(ctx context.Context, v *authcore.User) error {
	return s.write(ctx, func(t *tx) error { return t.CreateUser(ctx, v) })
}
func (s *Store) GetUser(ctx context.Context, id string) (*authcore.User, error) {
	return read(s, ctx, func(t *tx) (*authcore.User, error) { return t.GetUser(ctx, id) })
}
func (s *Store) GetUserByEmail(ctx context.Context, tenantID, email string) (*authcore.User, error) {
	return read(s, ctx, func(t *tx) (*authcore.User, error) { return t.GetUserByEmail(ctx, tenantID, email) })
}
func (s *Store) GetUserByUsername(ctx context.Context, tenantID, username string) (*authcore.User, error) {
	return read(s, ctx, func(t *tx) (*authcore.User, error) { return t.GetUserByUsername(ctx, tenantID, username) })
}
func (s *Store) UpdateUser(ctx context.Context, v *authcore.User) error {
	return s.write(ctx, func(t *tx) error { return t.UpdateUser(ctx, v) })
}
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	return s.write(ctx, func(t *tx) error { return t.DeleteUser(ctx, id) })
}

func (s *Store) CreateRegistration(ctx context.Context, v *authcore.UserRegistration) error {
	return s.write(ctx, func(t *tx) error { return t.CreateRegistration(ctx, v) })
}
func (s *Store) GetRegistration(ctx context.Context, userID, applicationID string) (*authcore.UserRegistration, error) {
	return read(s, ctx, func(t *tx) (*authcore.UserRegistration, error) { return t.GetRegistration(ctx, userID, applicationID) })
}
func (s *Store) ListApplicationRegistrations(ctx context.Context, applicationID string) ([]*authcore.UserRegistration, error) {
	return read(s, ctx, func(t *tx) ([]*authcore.UserRegistration, error) {
		return t.ListApplicationRegistrations(ctx, applicationID)
	})
}

func (s *Store) ListRegistrations(ctx context.Context, userID string) ([]*authcore.UserRegistration, error) {
	return read(s, ctx, func(t *tx) ([]*authcore.UserRegistration, error) { return t.ListRegistrations(ctx, userID) })
}
func (s *Store) UpdateRegistration(ctx context.Context, v *authcore.UserRegistration) error {
	return s.write(ctx, func(t *tx) error { return t.UpdateRegistration(ctx, v) })
}
func (s *Store) DeleteRegistration(ctx context.Context, userID, applicationID string) error {
	return s.write(ctx, func(t *tx) error { return t.DeleteRegistration(ctx, userID, applicationID) })
}

func (s *Store) CreateLink(ctx context.Context, v *authcore.IdentityProviderLink) error {
	return s.write(ctx, func(t *tx) error { return t.CreateLink(ctx, v) })
}
func (s *Store) GetLink(ctx context.Context, tenantID, providerID, providerUserID string) (*authcore.IdentityProviderLink, error) {
	return read(s, ctx, func(t *tx) (*authcore.IdentityProviderLink, error) {
		return t.GetLink(ctx, tenantID, providerID, providerUserID)
	})
}
func (s *Store) ListLinks(ctx context.Context, userID, providerID string) ([]*authcore.IdentityProviderLink, error) {
	return read(s, ctx, func(t *tx) ([]*authcore.IdentityProviderLink, error) { return t.ListLinks(ctx, userID, providerID) })
}
func (s *Store) UpdateLink(ctx context.Context, v *authcore.IdentityProviderLink) error {
	return s.write(ctx, func(t *tx) error { return t.UpdateLink(ctx, v) })
}
func (s *Store) DeleteLink(ctx context.Context, tenantID, providerID, providerUserID string) error {
	return s.write(ctx, func(t *tx) error { return t.DeleteLink(ctx, tenantID, providerID, providerUserID) })
}
func (s *Store) DeleteProviderLinks(ctx context.Context, providerID string) error {
	return s.write(ctx, func(t *tx) error { return t.DeleteProviderLinks(ctx, providerID) })
}

func (s *Store) CreatePendingLink(ctx context.Context, v *authcore.PendingLink) error {
	return s.write(ctx, func(t *tx) error { return t.CreatePendingLink(ctx, v) })
}
func (s *Store) GetPendingLink(ctx context.Context, id string, now int64) (*authcore.PendingLink, error) {
	return read(s, ctx, func(t *tx) (*authcore.PendingLink, error) { return t.GetPendingLink(ctx, id, now) })
}
func (s *Store) TakePendingLink(ctx context.Context, id string, now int64) (p *authcore.PendingLink, err error) {
	err = s.write(ctx, func(t *tx) error {
		p, err = t.TakePendingLink(ctx, id, now)
		return err
	})
	return p, err
}

func (s *Store) CreateIdentityProvider(ctx context.Context, v *authcore.IdentityProviderRecord) error {
	return s.write(ctx, func(t *tx) error { return t.CreateIdentityProvider(ctx, v) })
}
func (s *Store) GetIdentityProvider(ctx context.Context, id string) (*authcore.IdentityProviderRecord, error) {
	return read(s, ctx, func(t *tx) (*authcore.IdentityProviderRecord, error) { return t.GetIdentityProvider(ctx, id) })
}
func (s *Store) ListIdentityProviders(ctx context.Context) ([]*authcore.IdentityProviderRecord, error) {
	return read(s, ctx, func(t *tx) ([]*authcore.IdentityProviderRecord, error) { return t.ListIdentityProviders(ctx) })
}
func (s *Store) UpdateIdentityProvider(ctx context.Context, v *authcore.IdentityProviderRecord) error {
	return s.write(ctx, func(t *tx) error { return t.UpdateIdentityProvider(ctx, v) })
}
func (s *Store) DeleteIdentityProvider(ctx context.Context, id string) error {
	return s.write(ctx, func(t *tx) error { return t.DeleteIdentityProvider(ctx, id) })
}

func (s *Store) GetIntegrations(ctx context.Context) (*integration.Integrations, error) {
	return read(s, ctx, func(t *tx) (*integration.Integrations, error) { return t.GetIntegrations(ctx) })
}
func (s *Store) PutIntegrations(ctx context.Context, v *integration.Integrations) error {
	return s.write(ctx, func(t *tx) error { return t.PutIntegrations(ctx, v) })
}

func (s *Store) CreateAPIKey(ctx context.Context, v *authcore.APIKey) error {
	return s.write(ctx, func(t *tx) error { return t.CreateAPIKey(ctx, v) })
}
func (s *Store) GetAPIKeyByHash(ctx context.Context, hash []byte) (*authcore.APIKey, error) {
	return read(s, ctx, func(t *tx) (*authcore.APIKey, error) { return t.GetAPIKeyByHash(ctx, hash) })
}
func (s *Store) GetAPIKey(ctx context.Context, id string) (*authcore.APIKey, error) {
	return read(s, ctx, func(t *tx) (*authcore.APIKey, error) { return t.GetAPIKey(ctx, id) })
}
func (s *Store) UpdateAPIKey(ctx context.Context, v *authcore.APIKey) error {
	return s.write(ctx, func(t *tx) error { return t.UpdateAPIKey(ctx, v) })
}
func (s *Store) ListAPIKeys(ctx context.Context) ([]*authcore.APIKey, error) {
	return read(s, ctx, func(t *tx) ([]*authcore.APIKey, error) { return t.ListAPIKeys(ctx) })
}
func (s *Store) DeleteAPIKey(ctx context.Context, id string) error {
	return s.write(ctx, func(t *tx) error { return t.DeleteAPIKey(ctx, id) })
}

func (s *Store) CreateRefreshToken(ctx context.Context, v *authcore.RefreshToken) error {
	return s.write(ctx, func(t *tx) error { return t.CreateRefreshToken(ctx, v) })
}
func (s *Store) GetRefreshToken(ctx context.Context, id string) (*authcore.RefreshToken, error) {
	return read(s, ctx, func(t *tx) (*authcore.RefreshToken, error) { return t.GetRefreshToken(ctx, id) })
}
func (s *Store) GetRefreshTokenByHash(ctx context.Context, hash []byte, previous bool) (*authcore.RefreshToken, error) {
	return read(s, ctx, func(t *tx) (*authcore.RefreshToken, error) { return t.GetRefreshTokenByHash(ctx, hash, previous) })
}
func (s *Store) ListRefreshTokens(ctx context.Context, userID string) ([]*authcore.RefreshToken, error) {
	return read(s, ctx, func(t *tx) ([]*authcore.RefreshToken, error) { return t.ListRefreshTokens(ctx, userID) })
}
func (s *Store) UpdateRefreshToken(ctx context.Context, v *authcore.RefreshToken) error {
	return s.write(ctx, func(t *tx) error { return t.UpdateRefreshToken(ctx, v) })
}
func (s *Store) DeleteRefreshTokens(ctx context.Context, id, userID, applicationID string) (n int, err error) {
	err = s.write(ctx, func(t *tx) error {
		n, err = t.DeleteRefreshTokens(ctx, id, userID, applicationID)
		return err
	})
	return n, err
}

func (s *Store) CreateKey(ctx context.Context, v *authcore.SigningKey) error {
	return s.write(ctx, func(t *tx) error { return t.CreateKey(ctx, v) })
}
func (s *Store) GetKey(ctx context.Context, id string) (*authcore.SigningKey, error) {
	return read(s, ctx, func(t *tx) (*authcore.SigningKey, error) { return t.GetKey(ctx, id) })
}
func (s *Store) GetKeyByKid(ctx context.Context, kid string) (*authcore.SigningKey, error) {
	return read(s, ctx, func(t *tx) (*authcore.SigningKey, error) { return t.GetKeyByKid(ctx, kid) })
}
func (s *Store) ListKeys(ctx context.Context) ([]*authcore.SigningKey, error) {
	return read(s, ctx, func(t *tx) ([]*authcore.SigningKey, error) { return t.ListKeys(ctx) })
}
func (s *Store) UpdateKey(ctx context.Context, v *authcore.SigningKey) error {
	return s.write(ctx, func(t *tx) error { return t.UpdateKey(ctx, v) })
}
func (s *Store) DeleteKey(ctx context.Context, id string) error {
	return s.write(ctx, func(t *tx) error { return t.DeleteKey(ctx, id) })
}

func (s *Store) CreateEventLog(ctx context.Context, v *authcore.EventLog) error {
	return s.write(ctx, func(t *tx) error { return t.CreateEventLog(ctx, v) })
}
func (s *Store) GetEventLog(ctx context.Context, id int64) (*authcore.EventLog, error) {
	return read(s, ctx, func(t *tx) (*authcore.EventLog, error) { return t.GetEventLog(ctx, id) })
}
func (s *Store) SearchEventLogs(ctx context.Context, q authcore.EventLogQuery) ([]*authcore.EventLog, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	return s.reader().SearchEventLogs(ctx, q)
}
func (s *Store) CreateLoginRecord(ctx context.Context, v *authcore.LoginRecord) error {
	return s.write(ctx, func(t *tx) error { return t.CreateLoginRecord(ctx, v) })
}
