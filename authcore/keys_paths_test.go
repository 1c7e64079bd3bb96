package authcore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// An asymmetric key without an issuer names the oldest tenant's in its
// certificate: a store that cannot list the tenants fails the creation with
// its own error, and nothing is stored.
func TestCreateSigningKeyIssuerReadFails(t *testing.T) {
	ctx := context.Background()
	var fail atomic.Bool
	base := memstore.New()
	e, err := authcore.New(ctx, tenantsFailingStore{Store: base, fail: &fail}, quiet())
	require.NoError(t, err)
	before, err := base.ListKeys(ctx)
	require.NoError(t, err)
	fail.Store(true)
	_, err = e.CreateSigningKey(ctx, authcore.NewKey{Name: "n", Algorithm: authcore.AlgES256})
	require.True(t, errors.Is(err, errInjected), "%v", err)
	after, err := base.ListKeys(ctx)
	require.NoError(t, err)
	require.Equal(t, before, after)
}

// A key generated from a source of randomness that fails is no key: the
// error is the source's, and nothing is stored.
func TestCreateSigningKeyRandomFails(t *testing.T) {
	ctx := context.Background()
	base := memstore.New()
	e, err := authcore.New(ctx, base, authcore.WithRandom(failingReader{}), quiet())
	require.NoError(t, err)
	before, err := base.ListKeys(ctx)
	require.NoError(t, err)
	_, err = e.CreateSigningKey(ctx, authcore.NewKey{Name: "n", Algorithm: authcore.AlgHS256})
	require.True(t, errors.Is(err, errInjected), "%v", err)
	after, err := base.ListKeys(ctx)
	require.NoError(t, err)
	require.Equal(t, before, after)
}
