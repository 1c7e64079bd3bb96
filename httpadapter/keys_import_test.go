package httpadapter_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// importTestKeys are keys made outside authcore, as a team moving from
// FusionAuth brings them.
type importTestKeys struct {
	rsa, other *rsa.PrivateKey
	ec         *ecdsa.PrivateKey
}

func newImportTestKeys(t *testing.T) importTestKeys {
	t.Helper()
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	o, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	e, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	return importTestKeys{rsa: r, other: o, ec: e}
}

func pemBlock(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func pemPublic(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return pemBlock("PUBLIC KEY", der)
}

func pemPrivate(t *testing.T, priv crypto.Signer) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	require.NoError(t, err)
	return pemBlock("PRIVATE KEY", der)
}

func pemCertificate(t *testing.T, priv crypto.Signer) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "legacy.example.com"},
		NotBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, priv.Public(), priv)
	require.NoError(t, err)
	return pemBlock("CERTIFICATE", der)
}

// importBody is {"key": fields} as JSON.
func importBody(t *testing.T, fields map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"key": fields})
	require.NoError(t, err)
	return string(b)
}

// TestKeyImportAPI: a key made elsewhere, imported with its certificate and
// kid, shows in the Key API and the JWKS under that kid, and a token its
// private key signed outside authcore validates at GET /api/jwt/validate.
func TestKeyImportAPI(t *testing.T) {
	w := newTokenWorld(t)
	keys := newImportTestKeys(t)
	const id = "0a1b2c3d-1111-4000-8000-000000000000"
	certPEM := pemCertificate(t, keys.rsa)
	r := w.do("POST", "/api/key/import/"+id, importBody(t, map[string]any{
		"algorithm": "RS256", "certificate": certPEM, "kid": "legacy-kid", "name": "from FusionAuth", "type": "RSA",
	}))
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	k := r.obj(t, "key")
	assert.Equal(t, id, k["id"])
	assert.Equal(t, "legacy-kid", k["kid"])
	assert.Equal(t, "RS256", k["algorithm"])
	assert.Equal(t, "RSA", k["type"])
	assert.Equal(t, float64(2048), k["length"])
	assert.Equal(t, certPEM, k["certificate"])
	assert.Equal(t, "legacy.example.com", k["issuer"])
	assert.NotContains(t, k, "hasPrivateKey", "false: no private key")
	assert.Equal(t, pemPublic(t, &keys.rsa.PublicKey), k["publicKey"])

	got := w.do("GET", "/api/key/"+id, "")
	require.Equal(t, http.StatusOK, got.Code)
	assert.JSONEq(t, r.Body, got.Body)
	assert.Contains(t, w.do("GET", "/api/key", "").Body, `"kid":"legacy-kid"`)

	// A token FusionAuth signed with the key before the move.
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: keys.rsa}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "legacy-kid"))
	require.NoError(t, err)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) // the world's clock
	payload, err := json.Marshal(map[string]any{"sub": userID, "aud": appID, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "roles": []string{"admin"}})
	require.NoError(t, err)
	obj, err := signer.Sign(payload)
	require.NoError(t, err)
	token, err := obj.CompactSerialize()
	require.NoError(t, err)
	v := w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+token)
	require.Equal(t, http.StatusOK, v.Code, v.Body)
	assert.Equal(t, userID, v.obj(t, "jwt")["sub"])

	jwks := w.do("GET", "/.well-known/jwks.json", "")
	require.Equal(t, http.StatusOK, jwks.Code)
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal([]byte(jwks.Body), &set))
	published := set.Key("legacy-kid")
	require.Len(t, published, 1, jwks.Body)
	assert.Equal(t, "RS256", published[0].Algorithm)
	_, err = obj.Verify(published[0].Key)
	require.NoError(t, err, "the published key verifies the old token")
	assert.Empty(t, set.Key(id), "published under its kid, not its id")

	pk := w.do("GET", "/api/jwt/public-key?kid=legacy-kid", "")
	require.Equal(t, http.StatusOK, pk.Code, pk.Body)
	var one struct {
		PublicKey string `json:"publicKey"`
	}
	require.NoError(t, json.Unmarshal([]byte(pk.Body), &one))
	assert.Equal(t, pemPublic(t, &keys.rsa.PublicKey), one.PublicKey)
	assert.Equal(t, http.StatusNotFound, w.do("GET", "/api/jwt/public-key?kid=LEGACY-KID", "").Code, "a kid is compared exactly")

	// It verifies but cannot sign: no tenant may choose it.
	tenant := w.do("GET", "/api/tenant/"+w.tenant.ID, "").obj(t, "tenant")
	tenant["jwtConfiguration"].(map[string]any)["accessTokenKeyId"] = id
	put := w.do("PUT", "/api/tenant/"+w.tenant.ID, mustJSON(t, map[string]any{"tenant": tenant}))
	put.codes(t, "[invalid]tenant.jwtConfiguration.accessTokenKeyId")
	assert.Equal(t, http.StatusOK, w.do("DELETE", "/api/key/"+id, "").Code)
	v = w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+token)
	assert.Equal(t, http.StatusUnauthorized, v.Code, "a deleted key validates nothing")
}

// An imported pair signs the tenant's tokens under its kid; GET never shows
// the private key or an HMAC secret.
func TestKeyImportAPIHidesPrivateKeyAndSecret(t *testing.T) {
	w := newTokenWorld(t)
	keys := newImportTestKeys(t)
	r := w.do("POST", "/api/key/import", importBody(t, map[string]any{
		"name": "ec pair", "kid": "ec-kid", "publicKey": pemPublic(t, &keys.ec.PublicKey), "privateKey": pemPrivate(t, keys.ec),
	}))
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	k := r.obj(t, "key")
	assert.Equal(t, "ES384", k["algorithm"], "inferred from the curve")
	assert.Equal(t, true, k["hasPrivateKey"])
	assert.NotContains(t, k, "privateKey")
	assert.NotContains(t, r.Body, "PRIVATE")
	ecID := str(k, "id")

	const secret = "the-hmac-secret-of-fusionauth-0123456789"
	r = w.do("POST", "/api/key/import", importBody(t, map[string]any{"name": "hmac", "algorithm": "HS256", "type": "HMAC", "secret": secret}))
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.NotContains(t, r.Body, secret)
	assert.NotContains(t, r.obj(t, "key"), "secret")
	hmacID := str(r.obj(t, "key"), "id")
	for _, id := range []string{ecID, hmacID} {
		got := w.do("GET", "/api/key/"+id, "")
		require.Equal(t, http.StatusOK, got.Code)
		assert.NotContains(t, got.Body, secret)
		assert.NotContains(t, got.Body, "PRIVATE")
	}
	list := w.do("GET", "/api/key", "")
	assert.NotContains(t, list.Body, secret)
	assert.NotContains(t, list.Body, "PRIVATE")

	// The pair may sign the tenant's tokens, under its kid.
	tenant := w.do("GET", "/api/tenant/"+w.tenant.ID, "").obj(t, "tenant")
	tenant["jwtConfiguration"].(map[string]any)["accessTokenKeyId"] = ecID
	require.Equal(t, http.StatusOK, w.do("PUT", "/api/tenant/"+w.tenant.ID, mustJSON(t, map[string]any{"tenant": tenant})).Code)
	access, _, _ := w.login()
	obj, err := jose.ParseSignedCompact(access, []jose.SignatureAlgorithm{jose.ES384})
	require.NoError(t, err)
	assert.Equal(t, "ec-kid", obj.Signatures[0].Header.KeyID)
	_, err = obj.Verify(&keys.ec.PublicKey)
	require.NoError(t, err, "verifies with the original public key")
	assert.Equal(t, http.StatusOK, w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+access).Code)
}

// Every refused import is a 400 Errors object naming the field.
func TestKeyImportAPIRefusals(t *testing.T) {
	w := newTokenWorld(t)
	keys := newImportTestKeys(t)
	rsaPub := pemPublic(t, &keys.rsa.PublicKey)
	r := w.do("POST", "/api/key/import", importBody(t, map[string]any{"name": "first", "algorithm": "RS256", "publicKey": rsaPub, "kid": "taken"}))
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	firstID := str(r.obj(t, "key"), "id")
	tests := []struct {
		name, path, body string
		codes            []string
	}{
		{"garbage PEM", "/api/key/import", importBody(t, map[string]any{"name": "x", "algorithm": "RS256", "publicKey": "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"}), []string{"[invalid]key.publicKey"}},
		{"mismatched pair", "/api/key/import", importBody(t, map[string]any{"name": "x", "algorithm": "RS256", "publicKey": rsaPub, "privateKey": pemPrivate(t, keys.other)}), []string{"[invalid]key.privateKey"}},
		{"certificate of another key", "/api/key/import", importBody(t, map[string]any{"name": "x", "algorithm": "RS256", "publicKey": rsaPub, "certificate": pemCertificate(t, keys.other)}), []string{"[invalid]key.certificate"}},
		{"RS256 with an EC key", "/api/key/import", importBody(t, map[string]any{"name": "x", "algorithm": "RS256", "publicKey": pemPublic(t, &keys.ec.PublicKey)}), []string{"[invalid]key.algorithm"}},
		{"ES256 with a P-384 key", "/api/key/import", importBody(t, map[string]any{"name": "x", "algorithm": "ES256", "publicKey": pemPublic(t, &keys.ec.PublicKey)}), []string{"[invalid]key.algorithm"}},
		{"short HMAC secret", "/api/key/import", importBody(t, map[string]any{"name": "x", "algorithm": "HS256", "secret": "short"}), []string{"[invalid]key.secret"}},
		{"duplicate kid", "/api/key/import", importBody(t, map[string]any{"name": "x", "algorithm": "RS256", "publicKey": rsaPub, "kid": "taken"}), []string{"[duplicate]key.kid"}},
		{"duplicate id", "/api/key/import/" + firstID, importBody(t, map[string]any{"name": "x", "algorithm": "RS256", "publicKey": rsaPub}), []string{"[duplicate]keyId"}},
		{"id that is no UUID", "/api/key/import/nope", importBody(t, map[string]any{"name": "x", "algorithm": "RS256", "publicKey": rsaPub}), []string{"[couldNotConvert]keyId"}},
		{"secret of the wrong JSON type", "/api/key/import", `{"key":{"name":"x","algorithm":"HS256","secret":42}}`, []string{"[invalidJSON]key.secret"}},
		{"nothing to import", "/api/key/import", `{"key":{"name":"x"}}`, []string{"[blank]key.publicKey"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.do("POST", tc.path, tc.body)
			require.Equal(t, http.StatusBadRequest, r.Code, r.Body)
			assert.ElementsMatch(t, tc.codes, r.errors(t).Codes())
			assert.NotContains(t, r.Body, "PRIVATE KEY")
		})
	}
	list := w.do("GET", "/api/key", "")
	assert.Equal(t, 1, strings.Count(list.Body, `"kid":"taken"`))
}

// Keys are global: a tenant-locked API key or a tenant header imports none
// (401, empty), and an import needs an API key.
func TestKeyImportAPIIsGlobal(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)
	locked := f.lockedKey(def)
	keys := newImportTestKeys(t)
	body := importBody(t, map[string]any{"name": "x", "algorithm": "RS256", "publicKey": pemPublic(t, &keys.rsa.PublicKey)})
	f.do("POST", "/api/key/import", body, "Authorization", locked).empty(t, http.StatusUnauthorized)
	f.do("POST", "/api/key/import", body, "X-FusionAuth-TenantId", def).empty(t, http.StatusUnauthorized)
	f.do("POST", "/api/key/import", body, "Authorization", "").empty(t, http.StatusUnauthorized)
	assert.Equal(t, http.StatusOK, f.do("POST", "/api/key/import", body).Code)
	r := f.do("GET", "/api/key/import", "")
	assert.Equal(t, http.StatusMethodNotAllowed, r.Code, "a served route: 405, not a bad key id")
	assert.Equal(t, "POST", r.Header.Get("Allow"))
}
