package authcore_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A key's name is unique among all keys (FusionAuth: "It must be unique
// among all Keys"), compared without case as tenant names are: generate,
// import and update refuse another key's name with [duplicate]key.name and
// store nothing; a key renamed to its own name, in any case, keeps it.
func TestKeyNamesAreUnique(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	for _, st := range keyStores {
		t.Run(st.name, func(t *testing.T) {
			f := newTokenFixtureOn(t, st.open(t))
			shared, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, "Shared Ä")
			require.NoError(t, err)
			other, err := f.engine.CreateSigningKey(f.ctx, authcore.NewKey{Algorithm: authcore.AlgES256, Name: "other"})
			require.NoError(t, err)

			_, err = f.engine.GenerateKey(f.ctx, authcore.AlgHS256, "SHARED ä")
			requireCodes(t, err, "[duplicate]key.name")
			_, err = f.engine.ImportKey(f.ctx, authcore.KeyImport{Algorithm: authcore.AlgHS256, Name: "shared ä", Secret: secret})
			requireCodes(t, err, "[duplicate]key.name")
			_, err = f.engine.ImportKey(f.ctx, authcore.KeyImport{ID: shared.ID, Algorithm: authcore.AlgHS256, Name: "shared ä", Secret: secret})
			requireCodes(t, err, "[duplicate]keyId") // the id before the name, as the stores check them
			_, err = f.engine.UpdateKey(f.ctx, other.ID, authcore.KeyUpdate{Name: "Shared ä"})
			requireCodes(t, err, "[duplicate]key.name")

			keys, err := f.engine.Keys(f.ctx)
			require.NoError(t, err)
			assert.Equal(t, []*authcore.SigningKey{shared, other}, keys, "nothing refused is stored")

			got, err := f.engine.UpdateKey(f.ctx, shared.ID, authcore.KeyUpdate{Name: "SHARED Ä"})
			require.NoError(t, err, "a key may be renamed to its own name, in another case")
			assert.Equal(t, "SHARED Ä", got.Name)
			got, err = f.engine.UpdateKey(f.ctx, other.ID, authcore.KeyUpdate{Name: "other"})
			require.NoError(t, err, "or to the name it has")
			assert.Equal(t, "other", got.Name)

			// A renamed key frees its old name.
			_, err = f.engine.UpdateKey(f.ctx, shared.ID, authcore.KeyUpdate{Name: "moved"})
			require.NoError(t, err)
			_, err = f.engine.ImportKey(f.ctx, authcore.KeyImport{Algorithm: authcore.AlgHS256, Name: "Shared ä", Secret: secret})
			require.NoError(t, err)
		})
	}
}

// Names are indexed by the stores, so they are at most 255 characters, as
// tenant names and kids are.
func TestKeyNameLength(t *testing.T) {
	f := newTokenFixture(t)
	long, longest := strings.Repeat("ü", 256), strings.Repeat("ü", 255)
	_, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, long)
	requireCodes(t, err, "[tooLong]key.name")
	_, err = f.engine.ImportKey(f.ctx, authcore.KeyImport{Algorithm: authcore.AlgHS256, Name: long, Secret: "0123456789abcdef0123456789abcdef"})
	requireCodes(t, err, "[tooLong]key.name")
	k, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, longest)
	require.NoError(t, err)
	_, err = f.engine.UpdateKey(f.ctx, k.ID, authcore.KeyUpdate{Name: long})
	requireCodes(t, err, "[tooLong]key.name")

	// The keys authcore names after a tenant fit too, so that a client may
	// send such a name back in an update.
	tn := f.reloadTenant()
	tn.Name = strings.Repeat("T", 255)
	require.NoError(t, f.store.UpdateTenant(f.ctx, tn))
	for range 2 {
		r, err := f.engine.RotateTenantKey(f.ctx, tn.ID, authcore.AlgHS256)
		require.NoError(t, err)
		assert.Len(t, []rune(r.Name), 255)
		_, err = f.engine.UpdateKey(f.ctx, r.ID, authcore.KeyUpdate{Name: r.Name})
		require.NoError(t, err)
	}
}
