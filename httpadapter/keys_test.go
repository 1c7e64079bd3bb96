package httpadapter_test

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeyAPI(t *testing.T) {
	w := newTokenWorld(t)

	tests := []struct {
		name, body, typ, alg string
		length               float64
	}{
		{"RSA", `{"key":{"algorithm":"RS256","name":"rsa","length":2048}}`, "RSA", "RS256", 2048},
		{"EC", `{"key":{"algorithm":"ES256","name":"ec"}}`, "EC", "ES256", 256},
		{"Ed25519", `{"key":{"algorithm":"Ed25519","name":"ed"}}`, "OKP", "Ed25519", 32},
		{"HMAC", `{"key":{"algorithm":"HS256","name":"hmac"}}`, "HMAC", "HS256", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.do("POST", "/api/key/generate", tc.body)
			require.Equal(t, http.StatusOK, r.Code, r.Body)
			var out struct {
				Key map[string]any `json:"key"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.Body), &out))
			k := out.Key
			assert.Equal(t, tc.typ, k["type"])
			assert.Equal(t, tc.alg, k["algorithm"])
			assert.Equal(t, k["id"], k["kid"])
			assert.NotContains(t, k, "secret")
			assert.NotContains(t, k, "privateKey")
			assert.NotContains(t, r.Body, "PRIVATE")
			if tc.typ == "HMAC" {
				assert.NotContains(t, k, "publicKey")
			} else {
				assert.True(t, strings.HasPrefix(k["publicKey"].(string), "-----BEGIN PUBLIC KEY-----"))
				assert.Equal(t, true, k["hasPrivateKey"])
			}
			if tc.length != 0 {
				assert.Equal(t, tc.length, k["length"])
			}

			id := k["id"].(string)
			r = w.do("GET", "/api/key/"+id, "")
			require.Equal(t, http.StatusOK, r.Code)
			assert.Contains(t, r.Body, id)
			r = w.do("DELETE", "/api/key/"+id, "")
			require.Equal(t, http.StatusOK, r.Code, r.Body)
			r = w.do("GET", "/api/key/"+id, "")
			assert.Equal(t, http.StatusNotFound, r.Code)
		})
	}

	const id = "0a1b2c3d-0000-4000-8000-000000000000"
	r := w.do("POST", "/api/key/generate/"+id, `{"key":{"algorithm":"ES256","name":"fixed"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Contains(t, r.Body, `"id":"`+id+`"`)
	r = w.do("GET", "/api/key", "")
	require.Equal(t, http.StatusOK, r.Code)
	assert.Contains(t, r.Body, id)

	errs := []struct {
		method, path, body, code string
	}{
		{"POST", "/api/key/generate", `{"key":{"algorithm":"PS256","name":"x"}}`, "[invalid]key.algorithm"},
		{"POST", "/api/key/generate", `{"key":{"algorithm":"RS256"}}`, "[blank]key.name"},
		{"POST", "/api/key/generate/" + id, `{"key":{"algorithm":"HS256","name":"again"}}`, "[duplicate]keyId"},
		{"POST", "/api/key/generate/nope", `{"key":{"algorithm":"HS256","name":"x"}}`, "[couldNotConvert]keyId"},
	}
	for _, e := range errs {
		r := w.do(e.method, e.path, e.body)
		require.Equal(t, http.StatusBadRequest, r.Code, r.Body)
		assert.Equal(t, []string{e.code}, r.errors(t).Codes())
	}

	// The tenant's signing key cannot be deleted.
	w.login()
	tenant, err := w.store.GetTenant(w.ctx, w.tenant.ID)
	require.NoError(t, err)
	r = w.do("DELETE", "/api/key/"+tenant.JWTConfiguration.AccessTokenKeyID, "")
	require.Equal(t, http.StatusBadRequest, r.Code)
	assert.Equal(t, []string{"[KeyInUse]"}, r.errors(t).Codes())

	r = w.do("POST", "/api/key/generate", `{"key":{"algorithm":"HS256","name":"x"}}`, "Authorization", "")
	assert.Equal(t, http.StatusUnauthorized, r.Code, "API key required")
}

// Keys and the event log are global, and name every tenant: a tenant-locked
// key or a tenant header reads neither (401), as it creates and deletes no
// key. A key for every tenant reads both.
func TestGlobalReadsRefuseTenantScope(t *testing.T) {
	f := newFixture(t)
	def := defaultTenant0(t, f)
	locked := f.lockedKey(def)
	k := f.do("POST", "/api/key/generate", `{"key":{"algorithm":"HS256","name":"k"}}`)
	require.Equal(t, http.StatusOK, k.Code, k.Body)
	keyID := str(k.obj(t, "key"), "id")
	f.do("POST", "/api/application", `{"application":{"name":"a"}}`).obj(t, "application") // an event log entry or none: the reads are what is checked
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/key", ""},
		{"GET", "/api/key/" + keyID, ""},
		{"POST", "/api/system/event-log/search", `{"search":{}}`},
		{"GET", "/api/system/event-log/1", ""},
	} {
		f.do(c.method, c.path, c.body, "Authorization", locked).empty(t, http.StatusUnauthorized)
		f.do(c.method, c.path, c.body, "X-FusionAuth-TenantId", def).empty(t, http.StatusUnauthorized)
		r := f.do(c.method, c.path, c.body)
		assert.Contains(t, []int{http.StatusOK, http.StatusNotFound}, r.Code, "%s %s without scope: %s", c.method, c.path, r.Body)
	}
	assert.Equal(t, http.StatusOK, f.do("GET", "/api/key/"+keyID, "").Code)
}

// A generated RSA, EC or Ed25519 key carries a self-signed certificate, in
// FusionAuth's fields; an HMAC key has none of them.
func TestKeyAPICertificate(t *testing.T) {
	w := newTokenWorld(t)
	r := w.do("POST", "/api/key/generate", `{"key":{"algorithm":"RS256","name":"rsa","issuer":"auth.example.com"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	k := r.obj(t, "key")
	id := str(k, "id")
	block, _ := pem.Decode([]byte(str(k, "certificate")))
	require.NotNil(t, block, "key.certificate is PEM: %s", r.Body)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	require.NoError(t, cert.CheckSignatureFrom(cert))
	pub, _ := pem.Decode([]byte(str(k, "publicKey")))
	require.NotNil(t, pub)
	assert.Equal(t, pub.Bytes, cert.RawSubjectPublicKeyInfo, "the certificate is the key's")
	sha1Sum, sha256Sum := sha1.Sum(cert.Raw), sha256.Sum256(cert.Raw)
	info, ok := k["certificateInformation"].(map[string]any)
	require.True(t, ok, r.Body)
	assert.ElementsMatch(t, []string{"issuer", "md5Fingerprint", "serialNumber", "sha1Fingerprint", "sha1Thumbprint",
		"sha256Fingerprint", "sha256Thumbprint", "subject", "validFrom", "validTo"}, keysOf(info), "FusionAuth's CertificateInformation")
	assert.Equal(t, "CN=auth.example.com", info["issuer"])
	assert.Equal(t, "CN=auth.example.com", info["subject"])
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(sha1Sum[:]), info["sha1Thumbprint"])
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(sha256Sum[:]), info["sha256Thumbprint"])
	assert.Equal(t, strings.ToUpper(hex.EncodeToString(sha1Sum[:1]))+":", info["sha1Fingerprint"].(string)[:3])
	assert.Equal(t, float64(cert.NotBefore.UnixMilli()), info["validFrom"])
	assert.Equal(t, float64(cert.NotAfter.UnixMilli()), info["validTo"])
	assert.Equal(t, float64(cert.NotAfter.UnixMilli()), k["expirationInstant"])
	assert.Equal(t, "auth.example.com", k["issuer"])

	// Retrieve and list show the same.
	got := w.do("GET", "/api/key/"+id, "")
	require.Equal(t, http.StatusOK, got.Code)
	assert.JSONEq(t, r.Body, got.Body)
	list := w.do("GET", "/api/key", "")
	require.Equal(t, http.StatusOK, list.Code)
	assert.Contains(t, list.Body, mustJSON(t, str(k, "certificate")))

	// Without an issuer: the default tenant's.
	r = w.do("POST", "/api/key/generate", `{"key":{"algorithm":"ES384","name":"ec"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Equal(t, "acme.com", r.obj(t, "key")["issuer"])
	assert.Equal(t, "CN=acme.com", r.obj(t, "key")["certificateInformation"].(map[string]any)["subject"])

	r = w.do("POST", "/api/key/generate", `{"key":{"algorithm":"HS256","name":"hmac","issuer":"ignored"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	for _, field := range []string{"certificate", "certificateInformation", "expirationInstant", "issuer"} {
		assert.NotContains(t, r.obj(t, "key"), field)
	}

	for body, code := range map[string]string{
		`{"key":{"algorithm":"RS256","name":"x","issuer":42}}`:                                 "[invalidJSON]key.issuer",
		`{"key":{"algorithm":"ES256","name":"x","issuer":"` + strings.Repeat("i", 256) + `"}}`: "[tooLong]key.issuer",
	} {
		r := w.do("POST", "/api/key/generate", body)
		require.Equal(t, http.StatusBadRequest, r.Code, r.Body)
		assert.Equal(t, []string{code}, r.errors(t).Codes())
	}
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// /.well-known/jwks.json adds a generated key's certificate (x5c, x5t,
// x5t#S256); /api/jwt/public-key stays the PEM public key, which is all
// FusionAuth documents there.
func TestJWKSAndPublicKeyWithCertificate(t *testing.T) {
	w := newTokenWorld(t)
	r := w.do("POST", "/api/key/generate", `{"key":{"algorithm":"ES256","name":"ec"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	k := r.obj(t, "key")
	id := str(k, "id")
	block, _ := pem.Decode([]byte(str(k, "certificate")))
	require.NotNil(t, block)

	r = w.do("GET", "/.well-known/jwks.json", "", "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code)
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &set))
	require.Len(t, set.Keys, 1)
	jwk := set.Keys[0]
	assert.Equal(t, id, jwk["kid"])
	assert.Equal(t, []any{base64.StdEncoding.EncodeToString(block.Bytes)}, jwk["x5c"])
	info := k["certificateInformation"].(map[string]any)
	assert.Equal(t, info["sha1Thumbprint"], jwk["x5t"])
	assert.Equal(t, info["sha256Thumbprint"], jwk["x5t#S256"])

	r = w.do("GET", "/api/jwt/public-key?kid="+id, "")
	require.Equal(t, http.StatusOK, r.Code)
	assert.JSONEq(t, `{"publicKey":`+mustJSON(t, str(k, "publicKey"))+`}`, r.Body)
}
