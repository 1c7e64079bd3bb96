package multistore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// newQuietEngine opens an engine on store without log output.
func newQuietEngine(t *testing.T, store authcore.Store) *authcore.Engine {
	t.Helper()
	e, err := authcore.New(context.Background(), store, authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	return e
}

// requireFieldCode checks that err is an Errors object holding exactly code.
func requireFieldCode(t *testing.T, err error, code string, msgAndArgs ...any) {
	t.Helper()
	var verrs *validation.Errors
	require.ErrorAs(t, err, &verrs, msgAndArgs...)
	require.Equal(t, []string{code}, verrs.Codes(), msgAndArgs...)
}

// Two engines on one database (two processes) generate, import and rename
// keys to one name, in two cases, at once: exactly one write wins and every
// other is [duplicate]key.name, the store's unique index deciding, not a
// check that both could pass before either wrote.
func TestKeyNameUniqueAcrossEngines(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			engines := []*authcore.Engine{newQuietEngine(t, open(t)), newQuietEngine(t, open(t))}
			renamed := make([]*authcore.SigningKey, 8)
			for i := range renamed {
				var err error
				renamed[i], err = engines[0].GenerateKey(ctx, authcore.AlgHS256, fmt.Sprintf("key %d", i))
				require.NoError(t, err)
			}
			const racers = 24
			errs := make([]error, racers)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range racers {
				wg.Go(func() {
					<-start
					e, name := engines[i%2], "Contested"
					if i%3 == 0 {
						name = strings.ToUpper(name)
					}
					switch i % 3 {
					case 0:
						_, errs[i] = e.GenerateKey(ctx, authcore.AlgHS256, name)
					case 1:
						_, errs[i] = e.ImportKey(ctx, authcore.KeyImport{Algorithm: authcore.AlgHS256, Name: name, Secret: fmt.Sprintf("a secret of at least 32 bytes, %02d", i)})
					default:
						_, errs[i] = e.UpdateKey(ctx, renamed[i/3].ID, authcore.KeyUpdate{Name: name})
					}
				})
			}
			close(start)
			wg.Wait()
			winners := 0
			for i, err := range errs {
				if err == nil {
					winners++
					continue
				}
				requireFieldCode(t, err, "[duplicate]key.name", "racer %d", i)
			}
			assert.Equal(t, 1, winners, "one write of the name wins")
			keys, err := engines[1].Keys(ctx)
			require.NoError(t, err)
			holders := 0
			for _, key := range keys {
				if strings.EqualFold(key.Name, "contested") {
					holders++
				}
			}
			assert.Equal(t, 1, holders, "one key holds the name")
		})
	}
}

// The key authcore makes for a tenant's first token is named after the
// tenant; when another key has that name (a tenant renamed, and another
// made with its old name; or a key named so by hand), the tenant's id, and
// then the key's, tell it apart: a first login never fails for a name. On
// PostgreSQL each refused name is rolled back to a savepoint, and the
// transaction goes on.
func TestTenantKeyNamesAvoidTakenNames(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			e := newQuietEngine(t, k.open(t)(t))
			vend := func(tn *authcore.Tenant) *authcore.SigningKey {
				t.Helper()
				_, err := e.VendJWT(authcore.WithScope(ctx, authcore.Scope{TenantID: tn.ID}), authcore.JWTVendRequest{Claims: map[string]any{"sub": "svc"}})
				require.NoError(t, err)
				got, err := e.Tenant(ctx, tn.ID)
				require.NoError(t, err)
				key, err := e.Key(ctx, got.JWTConfiguration.AccessTokenKeyID)
				require.NoError(t, err)
				return key
			}

			first, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "Acme"})
			require.NoError(t, err)
			assert.Equal(t, "Default signing key for tenant Acme", vend(first).Name)
			first.Name = "Acme Old"
			_, err = e.UpdateTenant(ctx, first.ID, *first)
			require.NoError(t, err)
			second, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "ACME"})
			require.NoError(t, err)
			assert.Equal(t, "Default signing key for tenant ACME ("+second.ID+")", vend(second).Name)

			third, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "Charlie"})
			require.NoError(t, err)
			for _, name := range []string{"Default signing key for tenant charlie", "Default signing key for tenant Charlie (" + third.ID + ")"} {
				_, err := e.GenerateKey(ctx, authcore.AlgHS256, name)
				require.NoError(t, err)
			}
			key := vend(third)
			assert.Equal(t, "Default signing key for tenant Charlie ("+key.ID+")", key.Name)

			// Rotations name their keys after the tenant too, and a second
			// one finds the first one's name taken.
			r1, err := e.RotateTenantKey(ctx, third.ID, authcore.AlgHS256)
			require.NoError(t, err)
			r2, err := e.RotateTenantKey(ctx, third.ID, authcore.AlgHS256)
			require.NoError(t, err)
			assert.Equal(t, "Access token signing key for tenant Charlie", r1.Name)
			assert.Equal(t, "Access token signing key for tenant Charlie ("+r2.ID+")", r2.Name)
		})
	}
}
