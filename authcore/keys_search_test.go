package authcore_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// searchKeyNames runs the search and returns the names found and the total.
func searchKeyNames(t *testing.T, f *tokenFixture, c authcore.KeySearchCriteria) ([]string, int) {
	t.Helper()
	out, err := f.engine.SearchKeys(f.ctx, c)
	require.NoError(t, err)
	names := []string{}
	for _, k := range out.Keys {
		names = append(names, k.Name)
	}
	return names, out.Total
}

func TestSearchKeys(t *testing.T) {
	for _, st := range keyStores {
		t.Run(st.name, func(t *testing.T) {
			f := newTokenFixtureOn(t, st.open(t))
			for _, k := range []struct{ alg, name string }{
				{authcore.AlgRS256, "Signing RSA"},
				{authcore.AlgES384, "signing ec"},
				{authcore.AlgEdDSA, "Edwards"},
				{authcore.AlgHS512, "HMAC secret"},
				{authcore.AlgHS256, "another hmac"},
			} {
				f.clock.Advance(time.Second)
				_, err := f.engine.GenerateKey(f.ctx, k.alg, k.name)
				require.NoError(t, err)
			}
			f.clock.Advance(time.Second)
			imported, err := f.engine.ImportKey(f.ctx, authcore.KeyImport{Name: "a public key", Algorithm: authcore.AlgRS256, PublicKey: publicPEM(t, &importRSA.PublicKey)})
			require.NoError(t, err)

			cases := []struct {
				name  string
				c     authcore.KeySearchCriteria
				want  []string
				total int
			}{
				{"everything, by name", authcore.KeySearchCriteria{}, []string{"a public key", "another hmac", "Edwards", "HMAC secret", "signing ec", "Signing RSA"}, 6},
				{"name without a wildcard is *name*, any case", authcore.KeySearchCriteria{Name: "SIGNING"}, []string{"signing ec", "Signing RSA"}, 2},
				{"name with a wildcard matches the whole name", authcore.KeySearchCriteria{Name: "*hmac"}, []string{"another hmac"}, 1},
				{"name with a wildcard at the end", authcore.KeySearchCriteria{Name: "hmac*"}, []string{"HMAC secret"}, 1},
				{"algorithm", authcore.KeySearchCriteria{Algorithm: "RS256"}, []string{"a public key", "Signing RSA"}, 2},
				{"Ed25519", authcore.KeySearchCriteria{Algorithm: "Ed25519"}, []string{"Edwards"}, 1},
				{"EdDSA, as generate takes it", authcore.KeySearchCriteria{Algorithm: "EdDSA"}, []string{"Edwards"}, 1},
				{"type", authcore.KeySearchCriteria{Type: "HMAC"}, []string{"another hmac", "HMAC secret"}, 2},
				{"type OKP", authcore.KeySearchCriteria{Type: "OKP"}, []string{"Edwards"}, 1},
				{"type and algorithm", authcore.KeySearchCriteria{Type: "RSA", Algorithm: "HS256"}, []string{}, 0},
				{"FusionAuth's Secret type: none here", authcore.KeySearchCriteria{Type: "Secret"}, []string{}, 0},
				{"FusionAuth's None algorithm: none here", authcore.KeySearchCriteria{Algorithm: "None"}, []string{}, 0},
				{"a page", authcore.KeySearchCriteria{NumberOfResults: 2, StartRow: 1}, []string{"another hmac", "Edwards"}, 6},
				{"past the end", authcore.KeySearchCriteria{StartRow: 6}, []string{}, 6},
				{"name DESC", authcore.KeySearchCriteria{OrderBy: "name desc", NumberOfResults: 2}, []string{"Signing RSA", "signing ec"}, 6},
				{"insertInstant", authcore.KeySearchCriteria{OrderBy: "insertInstant", Type: "HMAC"}, []string{"HMAC secret", "another hmac"}, 2},
				{"insertInstant DESC", authcore.KeySearchCriteria{OrderBy: "insertInstant DESC", NumberOfResults: 2}, []string{"a public key", "another hmac"}, 6},
				{"algorithm ASC", authcore.KeySearchCriteria{OrderBy: "algorithm ASC", Name: "s"}, []string{"signing ec", "Edwards", "HMAC secret", "Signing RSA"}, 4},
				{"type DESC", authcore.KeySearchCriteria{OrderBy: "TYPE DESC", Name: "s"}, []string{"Signing RSA", "Edwards", "HMAC secret", "signing ec"}, 4},
				// HMAC keys and a public key alone have no certificate, so no
				// expiration: smaller than every other.
				{"expiration", authcore.KeySearchCriteria{OrderBy: "expiration", Name: "i"}, []string{"a public key", "Signing RSA", "signing ec"}, 3},
				{"expiration DESC", authcore.KeySearchCriteria{OrderBy: "expiration DESC", Name: "i"}, []string{"signing ec", "Signing RSA", "a public key"}, 3},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					names, total := searchKeyNames(t, f, tc.c)
					assert.Equal(t, tc.want, names)
					assert.Equal(t, tc.total, total)
				})
			}

			// The answer is the Key API's view: no secret, no private key.
			out, err := f.engine.SearchKeys(f.ctx, authcore.KeySearchCriteria{})
			require.NoError(t, err)
			body, err := json.Marshal(out)
			require.NoError(t, err)
			assert.NotContains(t, string(body), "PRIVATE")
			assert.NotContains(t, string(body), `"secret"`)
			for _, k := range out.Keys {
				assert.Equal(t, k.ID == imported.ID, !k.HasPrivateKey && k.Type == "RSA", k.Name)
			}
		})
	}
}

func TestSearchKeysRefusals(t *testing.T) {
	f := newTokenFixture(t)
	cases := []struct {
		c    authcore.KeySearchCriteria
		code string
	}{
		{authcore.KeySearchCriteria{Algorithm: "rs256"}, "[invalid]search.algorithm"},
		{authcore.KeySearchCriteria{Algorithm: "PS256"}, "[invalid]search.algorithm"},
		{authcore.KeySearchCriteria{Type: "rsa"}, "[invalid]search.type"},
		{authcore.KeySearchCriteria{Type: "X25519"}, "[invalid]search.type"},
		{authcore.KeySearchCriteria{OrderBy: "lastUpdateInstant"}, "[invalid]search.orderBy"},
		{authcore.KeySearchCriteria{OrderBy: "name sideways"}, "[invalid]search.orderBy"},
		{authcore.KeySearchCriteria{OrderBy: "name ASC id"}, "[invalid]search.orderBy"},
		{authcore.KeySearchCriteria{NumberOfResults: -1}, "[invalid]search.numberOfResults"},
		{authcore.KeySearchCriteria{StartRow: -1}, "[invalid]search.startRow"},
		{authcore.KeySearchCriteria{StartRow: 1 << 31}, "[invalid]search.startRow"},
	}
	for _, tc := range cases {
		_, err := f.engine.SearchKeys(f.ctx, tc.c)
		requireCodes(t, err, tc.code)
	}
	_, err := f.engine.SearchKeys(authcore.WithScope(f.ctx, authcore.Scope{TenantID: f.tenant.ID}), authcore.KeySearchCriteria{})
	require.ErrorIs(t, err, authcore.ErrUnauthorized)
}
