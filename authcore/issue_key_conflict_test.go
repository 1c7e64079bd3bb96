package authcore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// keyConflictStore ends a transaction that created a signing key in
// ErrConflict instead of committing it, while conflicts are left: a tenant's
// first key lost to a concurrent transaction (on PostgreSQL, a deadlock's
// victim). The wrapped store rolls back what the transaction wrote.
type keyConflictStore struct {
	authcore.Store
	mu   sync.Mutex
	left int
	hit  int
}

type keyConflictTx struct {
	authcore.Store
	createdKey *bool
}

func (tx keyConflictTx) CreateKey(ctx context.Context, k *authcore.SigningKey) error {
	*tx.createdKey = true
	return tx.Store.CreateKey(ctx, k)
}

func (s *keyConflictStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		created := false
		if err := fn(ctx, keyConflictTx{Store: tx, createdKey: &created}); err != nil || !created {
			return err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.left == 0 {
			return nil
		}
		s.left--
		s.hit++
		return fmt.Errorf("injected at the tenant's first key: %w", authcore.ErrConflict)
	})
}

// A token exchange (GET /api/jwt/issue) whose new token makes the tenant's
// first signing key (the presented token was signed by its application's
// own key) signs again when that key's transaction loses a race, as a login
// and a registration do: the exchange has committed its refresh token by
// then. It answered 409 instead, and the refresh token it had stored was
// never handed out.
func TestIssueJWTRetriesTheTenantFirstKeyConflict(t *testing.T) {
	ctx := context.Background()
	mem := memstore.New()
	ks := &keyConflictStore{Store: mem}
	e, err := authcore.New(ctx, ks, authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	own, err := e.GenerateKey(ctx, authcore.AlgHS256, "the first application's own")
	require.NoError(t, err)
	first, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "first",
		JWTConfiguration:   &authcore.ApplicationJWTOverrides{Enabled: true, AccessTokenKeyID: own.ID},
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}}})
	require.NoError(t, err)
	second, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "second",
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}}})
	require.NoError(t, err)
	user, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "sso@example.com"}})
	require.NoError(t, err)
	reg, err := e.Register(ctx, user.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: first.ID}})
	require.NoError(t, err)
	_, err = e.Register(ctx, user.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: second.ID}})
	require.NoError(t, err)
	tenant, err := mem.GetTenant(ctx, first.TenantID)
	require.NoError(t, err)
	tok, _, err := e.IssueAccessToken(ctx, mem, authcore.TokenRequest{Tenant: tenant, Application: first, User: user, Registration: reg,
		AuthenticationType: authcore.AuthenticationTypeTwitter})
	require.NoError(t, err)
	plain, _, err := e.CreateRefreshToken(ctx, mem, tenant, first, user, nil)
	require.NoError(t, err)
	tenant, err = mem.GetTenant(ctx, first.TenantID)
	require.NoError(t, err)
	require.Empty(t, tenant.JWTConfiguration.AccessTokenKeyID, "the first application's own key signed the token")

	ks.mu.Lock()
	ks.left = 1
	ks.mu.Unlock()
	res, err := e.IssueJWT(ctx, authcore.IssueRequest{AccessToken: tok, ApplicationID: second.ID, RefreshToken: plain})
	require.NoError(t, err, "a lost race for the tenant's first key is run again")
	assert.Equal(t, 1, ks.hit, "the key's transaction met the conflict")
	claims, err := e.ValidateAccessToken(ctx, res.Token)
	require.NoError(t, err)
	assert.Equal(t, second.ID, claims["aud"])
	require.NotEmpty(t, res.RefreshToken)
	tokens, err := e.RefreshTokens(ctx, user.ID)
	require.NoError(t, err)
	assert.Len(t, tokens, 2, "the presented refresh token and the exchange's, once")
	assert.Equal(t, claims["sid"], func() string {
		for _, rt := range tokens {
			if rt.ApplicationID == second.ID {
				return rt.ID
			}
		}
		return ""
	}(), "the new token's session is the refresh token handed out")
}
