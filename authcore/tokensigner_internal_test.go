package authcore

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingNonces gives every Sign a different header, which the cached
// header must notice.
type countingNonces struct{ n atomic.Int64 }

func (c *countingNonces) Nonce() (string, error) { return strconv.FormatInt(c.n.Add(1), 10), nil }

func TestTokenSignerMatchesCompactSerialize(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	// Longer than one 192-byte chunk of appendBase64, and not a multiple of
	// three bytes, so the last group is a partial one.
	payload := []byte(`{"sub":"8a3e9c39-5b0b-4f3c-9d53-1c3c0e4f9a61","roles":["user"],"name":"Zoë <é>","bio":"` + strings.Repeat("ab?~", 100) + `"}`)
	require.NotZero(t, len(payload)%3)

	cases := []struct {
		name          string
		alg           jose.SignatureAlgorithm
		key, verify   any
		deterministic bool // the same payload signs to the same bytes
		nonces        bool // a header that changes on every call
	}{
		{"HS256", jose.HS256, []byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef0123456789abcdef"), true, false},
		{"RS256", jose.RS256, rsaKey, &rsaKey.PublicKey, true, false},
		{"ES256", jose.ES256, ecKey, &ecKey.PublicKey, false, false},
		{"EdDSA", jose.EdDSA, edKey, edKey.Public(), true, false},
		{"HS256 with a nonce in the header", jose.HS256, []byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef0123456789abcdef"), false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), "key-1")
			if tc.nonces {
				opts.NonceSource = &countingNonces{}
			}
			js, err := jose.NewSigner(jose.SigningKey{Algorithm: tc.alg, Key: tc.key}, opts)
			require.NoError(t, err)
			ts, err := newTokenSigner(js)
			require.NoError(t, err)
			assert.Equal(t, tc.nonces, ts.header == "", "a header is cached exactly when it does not vary")

			token, err := ts.compact(payload)
			require.NoError(t, err)

			obj, err := js.Sign(payload)
			require.NoError(t, err)
			want, err := obj.CompactSerialize()
			require.NoError(t, err)
			if tc.deterministic {
				assert.Equal(t, want, token)
			} else if !tc.nonces {
				gotHeader, _, _ := strings.Cut(token, ".")
				wantHeader, _, _ := strings.Cut(want, ".")
				assert.Equal(t, wantHeader, gotHeader)
			}

			parsed, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{tc.alg})
			require.NoError(t, err)
			got, err := parsed.Verify(tc.verify)
			require.NoError(t, err)
			assert.Equal(t, payload, got)
			require.Len(t, parsed.Signatures, 1)
			assert.Equal(t, "key-1", parsed.Signatures[0].Protected.KeyID)
			assert.Equal(t, string(tc.alg), parsed.Signatures[0].Protected.Algorithm)

			// A signature that does not belong to the header and payload
			// beside it must not verify: the parts are not mixed up.
			parts := strings.Split(token, ".")
			other, err := ts.compact([]byte(`{"sub":"someone else"}`))
			require.NoError(t, err)
			forged := parts[0] + "." + parts[1] + "." + strings.Split(other, ".")[2]
			forgedObj, err := jose.ParseSignedCompact(forged, []jose.SignatureAlgorithm{tc.alg})
			require.NoError(t, err)
			_, err = forgedObj.Verify(tc.verify)
			assert.Error(t, err)
		})
	}
}
