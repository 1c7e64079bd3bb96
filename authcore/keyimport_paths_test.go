package authcore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/validation"
)

// An id that is another key's kid, for an import without a kid of its own,
// is [duplicate]keyId and says so: the import's own kid would be that id.
func TestImportKeyIDIsAnotherKeysKid(t *testing.T) {
	f := newTokenFixture(t)
	const hs = "0123456789abcdef0123456789abcdef"
	const kid = "5e1b3c4d-0000-4000-8000-000000000002"
	_, err := f.engine.ImportKey(f.ctx, authcore.KeyImport{Name: "uuid kid", Algorithm: "HS256", Secret: hs, Kid: kid})
	require.NoError(t, err)
	_, err = f.engine.ImportKey(f.ctx, authcore.KeyImport{ID: kid, Name: "again", Algorithm: "HS256", Secret: hs})
	var verr *validation.Errors
	require.ErrorAs(t, err, &verr)
	require.Equal(t, map[string][]validation.Error{"keyId": {{Code: "[duplicate]keyId", Message: "The id [" + kid + "] is the kid of another key."}}}, verr.FieldErrors)
	require.Empty(t, verr.GeneralErrors)
}

// tenantsFailingStore fails ListTenants while fail is set.
type tenantsFailingStore struct {
	authcore.Store
	fail *atomic.Bool
}

func (s tenantsFailingStore) ListTenants(ctx context.Context) ([]*authcore.Tenant, error) {
	if s.fail.Load() {
		return nil, errInjected
	}
	return s.Store.ListTenants(ctx)
}

// A private key imported without a certificate gets one issued by the
// oldest tenant's issuer: a store that cannot list the tenants fails the
// import with its own error, and nothing is stored.
func TestImportKeyIssuerReadFails(t *testing.T) {
	ctx := context.Background()
	var fail atomic.Bool
	base := memstore.New()
	e, err := authcore.New(ctx, tenantsFailingStore{Store: base, fail: &fail}, quiet())
	require.NoError(t, err)
	before, err := base.ListKeys(ctx)
	require.NoError(t, err)
	fail.Store(true)
	_, err = e.ImportKey(ctx, authcore.KeyImport{Name: "n", Algorithm: "ES256", PrivateKey: pkcs8PEM(t, importEC256)})
	require.True(t, errors.Is(err, errInjected), "%v", err)
	after, err := base.ListKeys(ctx)
	require.NoError(t, err)
	require.Equal(t, before, after)
}
