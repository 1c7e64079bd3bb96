package authcore_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

// keyStores are the stores the key update and search tests run on.
var keyStores = []struct {
	name string
	open func(t *testing.T) authcore.Store
}{
	{"memstore", func(t *testing.T) authcore.Store { return memstore.New() }},
	{"sqlite", func(t *testing.T) authcore.Store {
		s, err := sqlstore.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "authcore.db"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
}

// FusionAuth's Update a Key changes the name only. The tenant's signing key
// renamed keeps signing with the same material under the same kid: tokens
// signed before verify, and new ones carry the same kid.
func TestUpdateKeyRenamesOnly(t *testing.T) {
	for _, st := range keyStores {
		t.Run(st.name, func(t *testing.T) {
			f := newTokenFixtureOn(t, st.open(t))
			key, err := f.engine.RotateTenantKey(f.ctx, f.tenant.ID, authcore.AlgES256)
			require.NoError(t, err)
			before, _ := f.issue(authcore.TokenRequest{})
			_, err = f.engine.ValidateAccessToken(f.ctx, before) // caches the key
			require.NoError(t, err)
			stored, err := f.store.GetKey(f.ctx, key.ID)
			require.NoError(t, err)

			f.clock.Advance(time.Minute)
			got, err := f.engine.UpdateKey(f.ctx, strings.ToUpper(key.ID), authcore.KeyUpdate{Name: "Renamed"})
			require.NoError(t, err)
			want := *stored
			want.Name, want.LastUpdateInstant = "Renamed", f.clock.Now().UnixMilli()
			assert.Equal(t, &want, got, "only the name and the update instant change")
			again, err := f.store.GetKey(f.ctx, key.ID)
			require.NoError(t, err)
			assert.Equal(t, &want, again)
			info := again.Info()
			assert.Equal(t, "Renamed", info.Name)
			assert.Equal(t, want.LastUpdateInstant, info.LastUpdateInstant)
			assert.Equal(t, stored.InsertInstant, info.InsertInstant)

			_, err = f.engine.ValidateAccessToken(f.ctx, before)
			require.NoError(t, err, "a token signed before the rename still verifies")
			after, _ := f.issue(authcore.TokenRequest{})
			_, err = f.engine.ValidateAccessToken(f.ctx, after)
			require.NoError(t, err)
			hb, _, _ := segments(t, before)
			ha, _, _ := segments(t, after)
			assert.Equal(t, hb["kid"], ha["kid"])
			for _, obj := range f.engine.CachedConfig() {
				if k, ok := obj.(*authcore.SigningKey); ok {
					assert.Equal(t, "Renamed", k.Name, "the cached key is the renamed one")
				}
			}
		})
	}
}

// A key never updated shows its insert instant as its last update, as
// FusionAuth answers for a new key.
func TestKeyInfoLastUpdateInstantDefaultsToInsert(t *testing.T) {
	f := newTokenFixture(t)
	k, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, "fresh")
	require.NoError(t, err)
	assert.Equal(t, k.InsertInstant, k.Info().LastUpdateInstant)
	assert.NotZero(t, k.InsertInstant)
}

func TestUpdateKeyRefusals(t *testing.T) {
	f := newTokenFixture(t)
	k, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, "keep")
	require.NoError(t, err)

	for _, name := range []string{"", "   "} {
		_, err = f.engine.UpdateKey(f.ctx, k.ID, authcore.KeyUpdate{Name: name})
		requireCodes(t, err, "[blank]key.name")
	}
	_, err = f.engine.UpdateKey(f.ctx, "0a1b2c3d-0000-4000-8000-00000000dead", authcore.KeyUpdate{Name: "x"})
	require.ErrorIs(t, err, authcore.ErrNotFound)
	for _, scope := range []authcore.Scope{{TenantID: f.tenant.ID}, {KeyTenantID: f.tenant.ID}} {
		_, err = f.engine.UpdateKey(authcore.WithScope(f.ctx, scope), k.ID, authcore.KeyUpdate{Name: "x"})
		require.ErrorIs(t, err, authcore.ErrUnauthorized)
	}
	got, err := f.store.GetKey(f.ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, k, got, "nothing refused is stored")
}
