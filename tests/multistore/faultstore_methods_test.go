package multistore_test

// Code below the faultTx type is one forwarding method per Store method,
// each counting the call; kept in its own file so the test reads apart.

import (
	"context"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
)

func (s *faultTx) AckOutbox(a0 context.Context, a1 []int64) error {
	if err := s.step("AckOutbox"); err != nil {
		return err
	}
	return s.Store.AckOutbox(a0, a1)
}

func (s *faultTx) AppendOutbox(a0 context.Context, a1 ...*authcore.OutboxEvent) error {
	if err := s.step("AppendOutbox"); err != nil {
		return err
	}
	return s.Store.AppendOutbox(a0, a1...)
}

func (s *faultTx) ClaimOutbox(a0 context.Context, a1 string, a2 int64, a3 time.Duration, a4 int) ([]*authcore.OutboxEvent, error) {
	if err := s.step("ClaimOutbox"); err != nil {
		return nil, err
	}
	return s.Store.ClaimOutbox(a0, a1, a2, a3, a4)
}

func (s *faultTx) CreateAPIKey(a0 context.Context, a1 *authcore.APIKey) error {
	if err := s.step("CreateAPIKey"); err != nil {
		return err
	}
	return s.Store.CreateAPIKey(a0, a1)
}

func (s *faultTx) CreateApplication(a0 context.Context, a1 *authcore.Application) error {
	if err := s.step("CreateApplication"); err != nil {
		return err
	}
	return s.Store.CreateApplication(a0, a1)
}

func (s *faultTx) CreateEventLog(a0 context.Context, a1 *authcore.EventLog) error {
	if err := s.step("CreateEventLog"); err != nil {
		return err
	}
	return s.Store.CreateEventLog(a0, a1)
}

func (s *faultTx) CreateIdentityProvider(a0 context.Context, a1 *authcore.IdentityProviderRecord) error {
	if err := s.step("CreateIdentityProvider"); err != nil {
		return err
	}
	return s.Store.CreateIdentityProvider(a0, a1)
}

func (s *faultTx) CreateKey(a0 context.Context, a1 *authcore.SigningKey) error {
	if err := s.step("CreateKey"); err != nil {
		return err
	}
	return s.Store.CreateKey(a0, a1)
}

func (s *faultTx) CreateLink(a0 context.Context, a1 *authcore.IdentityProviderLink) error {
	if err := s.step("CreateLink"); err != nil {
		return err
	}
	return s.Store.CreateLink(a0, a1)
}

func (s *faultTx) CreateLoginRecord(a0 context.Context, a1 *authcore.LoginRecord) error {
	if err := s.step("CreateLoginRecord"); err != nil {
		return err
	}
	return s.Store.CreateLoginRecord(a0, a1)
}

func (s *faultTx) CreatePendingLink(a0 context.Context, a1 *authcore.PendingLink) error {
	if err := s.step("CreatePendingLink"); err != nil {
		return err
	}
	s.f.note("pending", a1.ID)
	return s.Store.CreatePendingLink(a0, a1)
}

func (s *faultTx) CreateRefreshToken(a0 context.Context, a1 *authcore.RefreshToken) error {
	if err := s.step("CreateRefreshToken"); err != nil {
		return err
	}
	s.f.note("refresh", a1.ID)
	return s.Store.CreateRefreshToken(a0, a1)
}

func (s *faultTx) CreateRegistration(a0 context.Context, a1 *authcore.UserRegistration) error {
	if err := s.step("CreateRegistration"); err != nil {
		return err
	}
	return s.Store.CreateRegistration(a0, a1)
}

func (s *faultTx) CreateTenant(a0 context.Context, a1 *authcore.Tenant) error {
	if err := s.step("CreateTenant"); err != nil {
		return err
	}
	return s.Store.CreateTenant(a0, a1)
}

func (s *faultTx) CreateUser(a0 context.Context, a1 *authcore.User) error {
	if err := s.step("CreateUser"); err != nil {
		return err
	}
	s.f.note("user", a1.ID)
	return s.Store.CreateUser(a0, a1)
}

func (s *faultTx) DeleteAPIKey(a0 context.Context, a1 string) error {
	if err := s.step("DeleteAPIKey"); err != nil {
		return err
	}
	return s.Store.DeleteAPIKey(a0, a1)
}

func (s *faultTx) DeleteApplication(a0 context.Context, a1 string) error {
	if err := s.step("DeleteApplication"); err != nil {
		return err
	}
	return s.Store.DeleteApplication(a0, a1)
}

func (s *faultTx) DeleteIdentityProvider(a0 context.Context, a1 string) error {
	if err := s.step("DeleteIdentityProvider"); err != nil {
		return err
	}
	return s.Store.DeleteIdentityProvider(a0, a1)
}

func (s *faultTx) DeleteKey(a0 context.Context, a1 string) error {
	if err := s.step("DeleteKey"); err != nil {
		return err
	}
	return s.Store.DeleteKey(a0, a1)
}

func (s *faultTx) DeleteLink(a0 context.Context, a1 string, a2 string, a3 string) error {
	if err := s.step("DeleteLink"); err != nil {
		return err
	}
	return s.Store.DeleteLink(a0, a1, a2, a3)
}

func (s *faultTx) DeleteModerationItem(a0 context.Context, a1 string) error {
	if err := s.step("DeleteModerationItem"); err != nil {
		return err
	}
	return s.Store.DeleteModerationItem(a0, a1)
}

func (s *faultTx) DeleteProviderLinks(a0 context.Context, a1 string) error {
	if err := s.step("DeleteProviderLinks"); err != nil {
		return err
	}
	return s.Store.DeleteProviderLinks(a0, a1)
}

func (s *faultTx) DeleteRefreshTokens(a0 context.Context, a1 string, a2 string, a3 string) (int, error) {
	if err := s.step("DeleteRefreshTokens"); err != nil {
		return 0, err
	}
	return s.Store.DeleteRefreshTokens(a0, a1, a2, a3)
}

func (s *faultTx) DeleteRegistration(a0 context.Context, a1 string, a2 string) error {
	if err := s.step("DeleteRegistration"); err != nil {
		return err
	}
	return s.Store.DeleteRegistration(a0, a1, a2)
}

func (s *faultTx) DeleteTenant(a0 context.Context, a1 string) error {
	if err := s.step("DeleteTenant"); err != nil {
		return err
	}
	return s.Store.DeleteTenant(a0, a1)
}

func (s *faultTx) DeleteUser(a0 context.Context, a1 string) error {
	if err := s.step("DeleteUser"); err != nil {
		return err
	}
	return s.Store.DeleteUser(a0, a1)
}

func (s *faultTx) GetAPIKey(a0 context.Context, a1 string) (*authcore.APIKey, error) {
	if err := s.step("GetAPIKey"); err != nil {
		return nil, err
	}
	return s.Store.GetAPIKey(a0, a1)
}

func (s *faultTx) GetAPIKeyByHash(a0 context.Context, a1 []byte) (*authcore.APIKey, error) {
	if err := s.step("GetAPIKeyByHash"); err != nil {
		return nil, err
	}
	return s.Store.GetAPIKeyByHash(a0, a1)
}

func (s *faultTx) GetApplication(a0 context.Context, a1 string) (*authcore.Application, error) {
	if err := s.step("GetApplication"); err != nil {
		return nil, err
	}
	return s.Store.GetApplication(a0, a1)
}

func (s *faultTx) GetEventLog(a0 context.Context, a1 int64) (*authcore.EventLog, error) {
	if err := s.step("GetEventLog"); err != nil {
		return nil, err
	}
	return s.Store.GetEventLog(a0, a1)
}

func (s *faultTx) GetIdentityProvider(a0 context.Context, a1 string) (*authcore.IdentityProviderRecord, error) {
	if err := s.step("GetIdentityProvider"); err != nil {
		return nil, err
	}
	return s.Store.GetIdentityProvider(a0, a1)
}

func (s *faultTx) GetIntegrations(a0 context.Context) (*integration.Integrations, error) {
	if err := s.step("GetIntegrations"); err != nil {
		return nil, err
	}
	return s.Store.GetIntegrations(a0)
}

func (s *faultTx) GetKey(a0 context.Context, a1 string) (*authcore.SigningKey, error) {
	if err := s.step("GetKey"); err != nil {
		return nil, err
	}
	return s.Store.GetKey(a0, a1)
}

func (s *faultTx) GetKeyByKid(a0 context.Context, a1 string) (*authcore.SigningKey, error) {
	if err := s.step("GetKeyByKid"); err != nil {
		return nil, err
	}
	return s.Store.GetKeyByKid(a0, a1)
}

func (s *faultTx) GetLink(a0 context.Context, a1 string, a2 string, a3 string) (*authcore.IdentityProviderLink, error) {
	if err := s.step("GetLink"); err != nil {
		return nil, err
	}
	return s.Store.GetLink(a0, a1, a2, a3)
}

func (s *faultTx) GetModerationItem(a0 context.Context, a1 string) (*authcore.ModerationItem, error) {
	if err := s.step("GetModerationItem"); err != nil {
		return nil, err
	}
	return s.Store.GetModerationItem(a0, a1)
}

func (s *faultTx) GetPendingLink(a0 context.Context, a1 string, a2 int64) (*authcore.PendingLink, error) {
	if err := s.step("GetPendingLink"); err != nil {
		return nil, err
	}
	return s.Store.GetPendingLink(a0, a1, a2)
}

func (s *faultTx) GetRefreshToken(a0 context.Context, a1 string) (*authcore.RefreshToken, error) {
	if err := s.step("GetRefreshToken"); err != nil {
		return nil, err
	}
	return s.Store.GetRefreshToken(a0, a1)
}

func (s *faultTx) GetRefreshTokenByHash(a0 context.Context, a1 []byte, a2 bool) (*authcore.RefreshToken, error) {
	if err := s.step("GetRefreshTokenByHash"); err != nil {
		return nil, err
	}
	return s.Store.GetRefreshTokenByHash(a0, a1, a2)
}

func (s *faultTx) GetRegistration(a0 context.Context, a1 string, a2 string) (*authcore.UserRegistration, error) {
	if err := s.step("GetRegistration"); err != nil {
		return nil, err
	}
	return s.Store.GetRegistration(a0, a1, a2)
}

func (s *faultTx) GetTenant(a0 context.Context, a1 string) (*authcore.Tenant, error) {
	if err := s.step("GetTenant"); err != nil {
		return nil, err
	}
	return s.Store.GetTenant(a0, a1)
}

func (s *faultTx) GetUser(a0 context.Context, a1 string) (*authcore.User, error) {
	if err := s.step("GetUser"); err != nil {
		return nil, err
	}
	return s.Store.GetUser(a0, a1)
}

func (s *faultTx) GetUserByEmail(a0 context.Context, a1 string, a2 string) (*authcore.User, error) {
	if err := s.step("GetUserByEmail"); err != nil {
		return nil, err
	}
	return s.Store.GetUserByEmail(a0, a1, a2)
}

func (s *faultTx) GetUserByUsername(a0 context.Context, a1 string, a2 string) (*authcore.User, error) {
	if err := s.step("GetUserByUsername"); err != nil {
		return nil, err
	}
	return s.Store.GetUserByUsername(a0, a1, a2)
}

func (s *faultTx) ListAPIKeys(a0 context.Context) ([]*authcore.APIKey, error) {
	if err := s.step("ListAPIKeys"); err != nil {
		return nil, err
	}
	return s.Store.ListAPIKeys(a0)
}

func (s *faultTx) ListApplicationRegistrations(a0 context.Context, a1 string) ([]*authcore.UserRegistration, error) {
	if err := s.step("ListApplicationRegistrations"); err != nil {
		return nil, err
	}
	return s.Store.ListApplicationRegistrations(a0, a1)
}

func (s *faultTx) ListApplications(a0 context.Context, a1 string) ([]*authcore.Application, error) {
	if err := s.step("ListApplications"); err != nil {
		return nil, err
	}
	return s.Store.ListApplications(a0, a1)
}

func (s *faultTx) ListIdentityProviders(a0 context.Context) ([]*authcore.IdentityProviderRecord, error) {
	if err := s.step("ListIdentityProviders"); err != nil {
		return nil, err
	}
	return s.Store.ListIdentityProviders(a0)
}

func (s *faultTx) ListKeys(a0 context.Context) ([]*authcore.SigningKey, error) {
	if err := s.step("ListKeys"); err != nil {
		return nil, err
	}
	return s.Store.ListKeys(a0)
}

func (s *faultTx) ListLinks(a0 context.Context, a1 string, a2 string) ([]*authcore.IdentityProviderLink, error) {
	if err := s.step("ListLinks"); err != nil {
		return nil, err
	}
	return s.Store.ListLinks(a0, a1, a2)
}

func (s *faultTx) ListModerationItems(a0 context.Context, a1 string, a2 int) ([]*authcore.ModerationItem, error) {
	if err := s.step("ListModerationItems"); err != nil {
		return nil, err
	}
	return s.Store.ListModerationItems(a0, a1, a2)
}

func (s *faultTx) ListRefreshTokens(a0 context.Context, a1 string) ([]*authcore.RefreshToken, error) {
	if err := s.step("ListRefreshTokens"); err != nil {
		return nil, err
	}
	return s.Store.ListRefreshTokens(a0, a1)
}

func (s *faultTx) ListRegistrations(a0 context.Context, a1 string) ([]*authcore.UserRegistration, error) {
	if err := s.step("ListRegistrations"); err != nil {
		return nil, err
	}
	return s.Store.ListRegistrations(a0, a1)
}

func (s *faultTx) ListTenants(a0 context.Context) ([]*authcore.Tenant, error) {
	if err := s.step("ListTenants"); err != nil {
		return nil, err
	}
	return s.Store.ListTenants(a0)
}

func (s *faultTx) PutIntegrations(a0 context.Context, a1 *integration.Integrations) error {
	if err := s.step("PutIntegrations"); err != nil {
		return err
	}
	return s.Store.PutIntegrations(a0, a1)
}

func (s *faultTx) PutModerationItem(a0 context.Context, a1 *authcore.ModerationItem) error {
	if err := s.step("PutModerationItem"); err != nil {
		return err
	}
	return s.Store.PutModerationItem(a0, a1)
}

func (s *faultTx) ReleaseOutbox(a0 context.Context, a1 string) error {
	if err := s.step("ReleaseOutbox"); err != nil {
		return err
	}
	return s.Store.ReleaseOutbox(a0, a1)
}

func (s *faultTx) SearchEventLogs(a0 context.Context, a1 authcore.EventLogQuery) ([]*authcore.EventLog, int, error) {
	if err := s.step("SearchEventLogs"); err != nil {
		return nil, 0, err
	}
	return s.Store.SearchEventLogs(a0, a1)
}

func (s *faultTx) TakePendingLink(a0 context.Context, a1 string, a2 int64) (*authcore.PendingLink, error) {
	if err := s.step("TakePendingLink"); err != nil {
		return nil, err
	}
	return s.Store.TakePendingLink(a0, a1, a2)
}

func (s *faultTx) UpdateAPIKey(a0 context.Context, a1 *authcore.APIKey) error {
	if err := s.step("UpdateAPIKey"); err != nil {
		return err
	}
	return s.Store.UpdateAPIKey(a0, a1)
}

func (s *faultTx) UpdateApplication(a0 context.Context, a1 *authcore.Application) error {
	if err := s.step("UpdateApplication"); err != nil {
		return err
	}
	return s.Store.UpdateApplication(a0, a1)
}

func (s *faultTx) UpdateIdentityProvider(a0 context.Context, a1 *authcore.IdentityProviderRecord) error {
	if err := s.step("UpdateIdentityProvider"); err != nil {
		return err
	}
	return s.Store.UpdateIdentityProvider(a0, a1)
}

func (s *faultTx) UpdateKey(a0 context.Context, a1 *authcore.SigningKey) error {
	if err := s.step("UpdateKey"); err != nil {
		return err
	}
	return s.Store.UpdateKey(a0, a1)
}

func (s *faultTx) UpdateLink(a0 context.Context, a1 *authcore.IdentityProviderLink) error {
	if err := s.step("UpdateLink"); err != nil {
		return err
	}
	return s.Store.UpdateLink(a0, a1)
}

func (s *faultTx) UpdateRefreshToken(a0 context.Context, a1 *authcore.RefreshToken) error {
	if err := s.step("UpdateRefreshToken"); err != nil {
		return err
	}
	return s.Store.UpdateRefreshToken(a0, a1)
}

func (s *faultTx) UpdateRegistration(a0 context.Context, a1 *authcore.UserRegistration) error {
	if err := s.step("UpdateRegistration"); err != nil {
		return err
	}
	return s.Store.UpdateRegistration(a0, a1)
}

func (s *faultTx) UpdateTenant(a0 context.Context, a1 *authcore.Tenant) error {
	if err := s.step("UpdateTenant"); err != nil {
		return err
	}
	return s.Store.UpdateTenant(a0, a1)
}

func (s *faultTx) UpdateUser(a0 context.Context, a1 *authcore.User) error {
	if err := s.step("UpdateUser"); err != nil {
		return err
	}
	return s.Store.UpdateUser(a0, a1)
}
