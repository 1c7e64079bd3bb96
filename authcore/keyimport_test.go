package authcore_test

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Keys made outside authcore, once: RSA keys take a while.
var (
	importRSA      = mustRSA(2048)
	importRSAOther = mustRSA(2048)
	importRSA1024  = mustRSA(1024)
	importEC256    = mustEC(elliptic.P256())
	importEC384    = mustEC(elliptic.P384())
	importEC224    = mustEC(elliptic.P224())
	_, importEd    = mustEd()
)

func mustRSA(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	return k
}

func mustEC(c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

func mustEd() (ed25519.PublicKey, ed25519.PrivateKey) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return pub, priv
}

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func publicPEM(t testing.TB, pub crypto.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return pemOf("PUBLIC KEY", der)
}

func pkcs8PEM(t testing.TB, priv crypto.Signer) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	require.NoError(t, err)
	return pemOf("PRIVATE KEY", der)
}

// certificatePEM is a self-signed certificate of priv's public key, signed
// with sigAlg (0: Go's default for the key).
func certificatePEM(t testing.TB, priv crypto.Signer, sigAlg x509.SignatureAlgorithm) (string, *x509.Certificate) {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "legacy.example.com"},
		NotBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC),
		SignatureAlgorithm: sigAlg,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, priv.Public(), priv)
	require.NoError(t, err)
	c, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return pemOf("CERTIFICATE", der), c
}

// rsaPublicPEM is a PKCS #1 RSA public key of any modulus and exponent.
func rsaPublicPEM(n *big.Int, e int) string {
	return pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rsa.PublicKey{N: n, E: e}))
}

// rsaCertificateWithExponent1 is a certificate (signed by an EC key) of an
// RSA public key whose exponent is 1.
func rsaCertificateWithExponent1(t testing.TB) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "e1"},
		NotBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &rsa.PublicKey{N: importRSA.N, E: 1}, importEC256)
	require.NoError(t, err)
	return pemOf("CERTIFICATE", der)
}

// signOutside signs claims as another system would: go-jose with the key's
// own kid, no authcore involved.
func signOutside(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	require.NoError(t, err)
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	obj, err := s.Sign(payload)
	require.NoError(t, err)
	tok, err := obj.CompactSerialize()
	require.NoError(t, err)
	return tok
}

func legacyClaims(f *tokenFixture) map[string]any {
	now := f.clock.Now()
	return map[string]any{"sub": f.user.ID, "aud": f.app.ID, "iss": "legacy.example.com", "iat": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix()}
}

// TestImportedKeysValidateTokensSignedBefore: a token signed elsewhere, with
// the original private key and the key's own kid, validates in authcore
// once the key is imported (public key, certificate, private key or HMAC
// secret), and the JWKS publishes the key under that kid.
func TestImportedKeysValidateTokensSignedBefore(t *testing.T) {
	certRSA, _ := certificatePEM(t, importRSA, x509.SHA384WithRSA)
	certEd, _ := certificatePEM(t, importEd, 0)
	secret := "a shared secret of FusionAuth's, 48 characters!!"
	tests := []struct {
		name    string
		in      authcore.KeyImport
		alg     jose.SignatureAlgorithm
		signKey any
		wantAlg string
		public  bool
	}{
		{"RSA public key", authcore.KeyImport{Algorithm: "RS256", PublicKey: publicPEM(t, &importRSA.PublicKey)}, jose.RS256, importRSA, "RS256", true},
		{"RSA certificate, RS384 taken from its signature", authcore.KeyImport{Certificate: certRSA}, jose.RS384, importRSA, "RS384", true},
		{"RSA PKCS #1 public key", authcore.KeyImport{Algorithm: "RS512", PublicKey: pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&importRSA.PublicKey))}, jose.RS512, importRSA, "RS512", true},
		{"RSA 1024-bit public key, verification only", authcore.KeyImport{Algorithm: "RS256", PublicKey: publicPEM(t, &importRSA1024.PublicKey)}, jose.RS256, importRSA1024, "RS256", true},
		{"EC P-384 public key, ES384 inferred", authcore.KeyImport{PublicKey: publicPEM(t, &importEC384.PublicKey)}, jose.ES384, importEC384, "ES384", true},
		{"EC P-256 SEC 1 private key", authcore.KeyImport{PrivateKey: func() string { d, _ := x509.MarshalECPrivateKey(importEC256); return pemOf("EC PRIVATE KEY", d) }()}, jose.ES256, importEC256, "ES256", true},
		{"Ed25519 certificate", authcore.KeyImport{Type: "OKP", Certificate: certEd}, jose.EdDSA, importEd, "EdDSA", true},
		{"RSA pair, PKCS #1 private key", authcore.KeyImport{Algorithm: "RS256", Type: "RSA", PublicKey: publicPEM(t, &importRSA.PublicKey),
			PrivateKey: pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(importRSA))}, jose.RS256, importRSA, "RS256", true},
		{"HMAC secret, its UTF-8 bytes", authcore.KeyImport{Algorithm: "HS384", Type: "HMAC", Secret: secret}, jose.HS384, []byte(secret), "HS384", false},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newTokenFixture(t)
			kid := fmt.Sprintf("legacy-kid-%d", i)
			tc.in.Name, tc.in.Kid = "migrated "+tc.name, kid
			k, err := f.engine.ImportKey(f.ctx, tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.wantAlg, k.Algorithm)
			assert.Equal(t, kid, k.Kid)
			assert.Equal(t, kid, k.Info().Kid)

			token := signOutside(t, tc.alg, tc.signKey, kid, legacyClaims(f))
			claims, err := f.engine.ValidateAccessToken(f.ctx, token)
			require.NoError(t, err)
			assert.Equal(t, f.user.ID, claims["sub"])

			// The key answers to its kid only: a token naming it by id is
			// no token of it.
			_, err = f.engine.ValidateAccessToken(f.ctx, signOutside(t, tc.alg, tc.signKey, k.ID, legacyClaims(f)))
			require.ErrorIs(t, err, authcore.ErrTokenInvalid)

			set, err := f.engine.JSONWebKeySet(f.ctx)
			require.NoError(t, err)
			published := set.Key(kid)
			if !tc.public {
				assert.Empty(t, published, "an HMAC secret is never published")
				return
			}
			require.Len(t, published, 1)
			assert.Equal(t, tc.wantAlg, published[0].Algorithm)
			// The published key verifies the token, as a relying party's
			// cached JWKS does.
			obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{tc.alg})
			require.NoError(t, err)
			_, err = obj.Verify(published[0].Key)
			require.NoError(t, err)
			pks, err := f.engine.PublicKeys(f.ctx)
			require.NoError(t, err)
			assert.Contains(t, pks, kid)
		})
	}
}

// A key imported with its private key signs authcore's own tokens under
// its kid, and those verify with the original public key outside authcore.
// Without a certificate it gets a self-signed one, as a generated key; the
// private key is never shown.
func TestImportedPrivateKeySignsUnderItsKid(t *testing.T) {
	f := newTokenFixture(t)
	k, err := f.engine.ImportKey(f.ctx, authcore.KeyImport{Name: "apple", Kid: "8675309", PrivateKey: pkcs8PEM(t, importEC256)})
	require.NoError(t, err)
	assert.Equal(t, authcore.AlgES256, k.Algorithm)
	requireKeyCertificate(t, k, "acme.com", f.clock.Now())
	info := k.Info()
	assert.True(t, info.HasPrivateKey)
	assert.Equal(t, "EC", info.Type)
	body, err := json.Marshal(info)
	require.NoError(t, err)
	assert.NotContains(t, string(body), "PRIVATE")
	// Quoted: the body holds the certificate's base64, which may spell a
	// bare "secret" by chance.
	assert.NotContains(t, string(body), `"secret"`)

	f.tenant.JWTConfiguration.AccessTokenKeyID = k.ID
	_, err = f.engine.UpdateTenant(f.ctx, f.tenant.ID, *f.tenant)
	require.NoError(t, err)
	tenant, err := f.engine.Tenant(f.ctx, f.tenant.ID)
	require.NoError(t, err)
	tok, _, err := f.engine.IssueAccessToken(f.ctx, f.store, authcore.TokenRequest{Tenant: tenant, Application: f.app, User: f.user, Registration: f.reg, AuthenticationType: authcore.AuthenticationTypeTwitter})
	require.NoError(t, err)
	obj, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.ES256})
	require.NoError(t, err)
	assert.Equal(t, "8675309", obj.Signatures[0].Header.KeyID)
	_, err = obj.Verify(&importEC256.PublicKey)
	require.NoError(t, err)
	_, err = f.engine.ValidateAccessToken(f.ctx, tok)
	require.NoError(t, err)
}

// An imported certificate is kept as given and shown by the Key API; its
// public key is the key's.
func TestImportedCertificateIsKept(t *testing.T) {
	f := newTokenFixture(t)
	certPEM, cert := certificatePEM(t, importRSA, x509.SHA256WithRSA)
	k, err := f.engine.ImportKey(f.ctx, authcore.KeyImport{Name: "with cert", Algorithm: "RS256", Certificate: certPEM, PublicKey: publicPEM(t, &importRSA.PublicKey)})
	require.NoError(t, err)
	assert.Equal(t, cert.Raw, k.Certificate)
	info := k.Info()
	assert.Equal(t, certPEM, info.Certificate)
	require.NotNil(t, info.CertificateInformation)
	assert.Equal(t, "CN=legacy.example.com", info.CertificateInformation.Subject)
	assert.Equal(t, cert.NotAfter.UnixMilli(), info.ExpirationInstant)
	assert.Equal(t, 2048, info.Length)
	assert.False(t, info.HasPrivateKey)
	assert.Equal(t, k.ID, info.Kid, "no kid given: the id")
	set, err := f.engine.JSONWebKeySet(f.ctx)
	require.NoError(t, err)
	jwk := set.Key(k.ID)
	require.Len(t, jwk, 1)
	require.Len(t, jwk[0].Certificates, 1)
	assert.Equal(t, cert.Raw, jwk[0].Certificates[0].Raw, "x5c is the imported certificate")
}

// A key that only verifies cannot be chosen to sign: not by a tenant, an
// application or a vend. One chosen behind the engine's back fails the token
// with an error, never a panic.
func TestKeyWithoutPrivateKeyCannotSign(t *testing.T) {
	f := newTokenFixture(t)
	k, err := f.engine.ImportKey(f.ctx, authcore.KeyImport{Name: "verify only", Algorithm: "RS256", PublicKey: publicPEM(t, &importRSA.PublicKey)})
	require.NoError(t, err)

	tenant := *f.tenant
	tenant.JWTConfiguration.AccessTokenKeyID = k.ID
	_, err = f.engine.UpdateTenant(f.ctx, f.tenant.ID, tenant)
	requireCodes(t, err, "[invalid]tenant.jwtConfiguration.accessTokenKeyId")
	_, err = f.engine.CreateTenant(f.ctx, "", authcore.Tenant{Name: "Other", JWTConfiguration: authcore.TenantJWTConfiguration{AccessTokenKeyID: k.ID}})
	requireCodes(t, err, "[invalid]tenant.jwtConfiguration.accessTokenKeyId")

	_, err = f.engine.UpdateApplication(f.ctx, f.app.ID, authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		Name: f.app.Name, JWTConfiguration: &authcore.ApplicationJWTOverrides{Enabled: true, AccessTokenKeyID: k.ID}}})
	requireCodes(t, err, "[invalid]application.jwtConfiguration.accessTokenKeyId")
	_, err = f.engine.CreateApplication(f.ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		TenantID: f.tenant.ID, Name: "other", JWTConfiguration: &authcore.ApplicationJWTOverrides{AccessTokenKeyID: k.ID}}})
	requireCodes(t, err, "[invalid]application.jwtConfiguration.accessTokenKeyId")

	_, err = f.engine.VendJWT(f.ctx, authcore.JWTVendRequest{KeyID: k.ID, Claims: map[string]any{"sub": "robot"}})
	requireCodes(t, err, "[invalid]keyId")

	// Chosen through the store directly.
	forced := *f.tenant
	forced.JWTConfiguration.AccessTokenKeyID = k.ID
	require.NoError(t, f.store.UpdateTenant(f.ctx, &forced))
	_, _, err = f.engine.IssueAccessToken(f.ctx, f.store, authcore.TokenRequest{Tenant: &forced, Application: f.app, User: f.user, Registration: f.reg, AuthenticationType: authcore.AuthenticationTypeTwitter})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no private key")
	var verr *validation.Errors
	assert.False(t, errors.As(err, &verr), "the deployment's fault, not the caller's: %v", err)
}

// requireCodes checks that err is an Errors object with exactly these codes.
func requireCodes(t *testing.T, err error, codes ...string) {
	t.Helper()
	var verr *validation.Errors
	require.True(t, errors.As(err, &verr), "want *validation.Errors, got %T: %v", err, err)
	assert.ElementsMatch(t, codes, verr.Codes(), "%v", err)
}

// Every refused import is a field error, and stores nothing.
func TestImportKeyRefusals(t *testing.T) {
	rsaPub := publicPEM(t, &importRSA.PublicKey)
	ecPub := publicPEM(t, &importEC256.PublicKey)
	rsaCert, _ := certificatePEM(t, importRSA, x509.SHA256WithRSA)
	otherCert, _ := certificatePEM(t, importRSAOther, x509.SHA256WithRSA)
	ecCertSHA1, _ := certificatePEM(t, importRSA, x509.SHA1WithRSA)
	x25519, err := ecdh.X25519().GenerateKey(rand.Reader)
	require.NoError(t, err)
	x25519DER, err := x509.MarshalPKCS8PrivateKey(x25519)
	require.NoError(t, err)
	encrypted := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00112233445566778899AABBCCDDEEFF"}, Bytes: []byte("ciphertext")}))
	long := strings.Repeat("k", 256)
	const hs = "0123456789abcdef0123456789abcdef" // 32 bytes: HS256's least
	tests := []struct {
		name  string
		in    authcore.KeyImport
		codes []string
	}{
		{"no name", authcore.KeyImport{Algorithm: "RS256", PublicKey: rsaPub}, []string{"[blank]key.name"}},
		{"no key at all", authcore.KeyImport{Name: "n"}, []string{"[blank]key.publicKey"}},
		{"bad id", authcore.KeyImport{ID: "nope", Name: "n", Algorithm: "RS256", PublicKey: rsaPub}, []string{"[couldNotConvert]keyId"}},
		{"garbage public key", authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: "not a key"}, []string{"[invalid]key.publicKey"}},
		{"garbage inside the PEM", authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: pemOf("PUBLIC KEY", []byte("junk"))}, []string{"[invalid]key.publicKey"}},
		{"garbage private key", authcore.KeyImport{Name: "n", Algorithm: "RS256", PrivateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}, []string{"[invalid]key.privateKey"}},
		{"garbage certificate", authcore.KeyImport{Name: "n", Certificate: pemOf("CERTIFICATE", []byte("junk"))}, []string{"[invalid]key.certificate"}},
		{"a certificate as the public key", authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: rsaCert}, []string{"[invalid]key.publicKey"}},
		{"a public key as the certificate", authcore.KeyImport{Name: "n", Algorithm: "RS256", Certificate: rsaPub}, []string{"[invalid]key.certificate"}},
		{"two public keys", authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: rsaPub + ecPub}, []string{"[invalid]key.publicKey"}},
		{"an encrypted private key", authcore.KeyImport{Name: "n", Algorithm: "RS256", PrivateKey: encrypted}, []string{"[invalid]key.privateKey"}},
		{"a PKCS #8 encrypted private key", authcore.KeyImport{Name: "n", Algorithm: "RS256", PrivateKey: pemOf("ENCRYPTED PRIVATE KEY", []byte("x"))}, []string{"[invalid]key.privateKey"}},
		{"an X25519 private key", authcore.KeyImport{Name: "n", PrivateKey: pemOf("PRIVATE KEY", x25519DER)}, []string{"[invalid]key.privateKey"}},
		{"private key of another public key", authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: rsaPub, PrivateKey: pkcs8PEM(t, importRSAOther)}, []string{"[invalid]key.privateKey"}},
		{"private key of another family", authcore.KeyImport{Name: "n", PublicKey: ecPub, PrivateKey: pkcs8PEM(t, importRSA)}, []string{"[invalid]key.privateKey"}},
		{"private key not the certificate's", authcore.KeyImport{Name: "n", Algorithm: "RS256", Certificate: otherCert, PrivateKey: pkcs8PEM(t, importRSA)}, []string{"[invalid]key.privateKey"}},
		{"certificate of another public key", authcore.KeyImport{Name: "n", Algorithm: "RS256", Certificate: otherCert, PublicKey: rsaPub}, []string{"[invalid]key.certificate"}},
		{"RS256 with an EC key", authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: ecPub}, []string{"[invalid]key.algorithm"}},
		{"ES256 with a P-384 key", authcore.KeyImport{Name: "n", Algorithm: "ES256", PublicKey: publicPEM(t, &importEC384.PublicKey)}, []string{"[invalid]key.algorithm"}},
		{"Ed25519 with an RSA key", authcore.KeyImport{Name: "n", Algorithm: "Ed25519", PublicKey: rsaPub}, []string{"[invalid]key.algorithm"}},
		{"HS256 with an RSA key", authcore.KeyImport{Name: "n", Algorithm: "HS256", PublicKey: rsaPub}, []string{"[invalid]key.publicKey", "[blank]key.secret"}},
		{"an algorithm FusionAuth does not sign with", authcore.KeyImport{Name: "n", Algorithm: "PS256", PublicKey: rsaPub}, []string{"[invalid]key.algorithm"}},
		{"a Secret's algorithm", authcore.KeyImport{Name: "n", Algorithm: "None", Secret: "value"}, []string{"[invalid]key.algorithm"}},
		{"a Secret's type", authcore.KeyImport{Name: "n", Type: "Secret", Algorithm: "RS256", PublicKey: rsaPub}, []string{"[invalid]key.type"}},
		{"RSA key without algorithm or certificate", authcore.KeyImport{Name: "n", PublicKey: rsaPub}, []string{"[blank]key.algorithm"}},
		{"RSA certificate signed with SHA-1, no algorithm", authcore.KeyImport{Name: "n", Certificate: ecCertSHA1}, []string{"[blank]key.algorithm"}},
		{"type EC for an RSA key", authcore.KeyImport{Name: "n", Type: "EC", Algorithm: "RS256", PublicKey: rsaPub}, []string{"[invalid]key.type"}},
		{"a P-224 key", authcore.KeyImport{Name: "n", PublicKey: publicPEM(t, &importEC224.PublicKey)}, []string{"[invalid]key.publicKey"}},
		{"RSA 1024 with its private key", authcore.KeyImport{Name: "n", Algorithm: "RS256", PrivateKey: pkcs8PEM(t, importRSA1024)}, []string{"[invalid]key.privateKey"}},
		{"RSA 1536 public key", authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: publicPEM(t, &mustRSA(1536).PublicKey)}, []string{"[invalid]key.publicKey"}},
		{"HMAC without algorithm", authcore.KeyImport{Name: "n", Secret: hs}, []string{"[blank]key.algorithm"}},
		{"HMAC secret too short for HS256", authcore.KeyImport{Name: "n", Algorithm: "HS256", Secret: hs[:31]}, []string{"[invalid]key.secret"}},
		{"HMAC secret too short for HS512", authcore.KeyImport{Name: "n", Algorithm: "HS512", Secret: hs + hs[:31]}, []string{"[invalid]key.secret"}},
		{"HMAC with a public key", authcore.KeyImport{Name: "n", Algorithm: "HS256", Secret: hs, PublicKey: rsaPub}, []string{"[invalid]key.publicKey"}},
		{"HMAC with a private key and a certificate", authcore.KeyImport{Name: "n", Algorithm: "HS256", Secret: hs, PrivateKey: pkcs8PEM(t, importEC256), Certificate: rsaCert}, []string{"[invalid]key.privateKey", "[invalid]key.certificate"}},
		{"HS256 without a secret", authcore.KeyImport{Name: "n", Algorithm: "HS256", Type: "HMAC"}, []string{"[blank]key.secret"}},
		{"a secret with RS256", authcore.KeyImport{Name: "n", Algorithm: "RS256", Secret: hs}, []string{"[invalid]key.algorithm"}},
		{"a secret with type RSA", authcore.KeyImport{Name: "n", Algorithm: "HS256", Type: "RSA", Secret: hs}, []string{"[invalid]key.type"}},
		{"kid too long", authcore.KeyImport{Name: "n", Algorithm: "HS256", Secret: hs, Kid: long}, []string{"[tooLong]key.kid"}},
		{"kid with a trailing newline", authcore.KeyImport{Name: "n", Algorithm: "HS256", Secret: hs, Kid: "kid\n"}, []string{"[invalid]key.kid"}},
		{"kid with a leading space", authcore.KeyImport{Name: "n", Algorithm: "HS256", Secret: hs, Kid: " kid"}, []string{"[invalid]key.kid"}},
		// Only a Go caller can send one (the HTTP API refuses a body that
		// is not UTF-8): stored, it would differ from the kid tokens carry.
		{"kid not UTF-8", authcore.KeyImport{Name: "n", Algorithm: "HS256", Secret: hs, Kid: "kid\xff"}, []string{"[invalid]key.kid"}},
		// Keys crypto/rsa refuses to verify with: stored, they would
		// verify nothing, and silently.
		{"RSA public exponent 1", authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: rsaPublicPEM(importRSA.N, 1)}, []string{"[invalid]key.publicKey"}},
		{"RSA public exponent even", authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: rsaPublicPEM(importRSA.N, 65536)}, []string{"[invalid]key.publicKey"}},
		{"RSA modulus even", authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: rsaPublicPEM(new(big.Int).Lsh(big.NewInt(1), 2047), 65537)}, []string{"[invalid]key.publicKey"}},
		{"RSA certificate, public exponent 1", authcore.KeyImport{Name: "n", Algorithm: "RS256", Certificate: rsaCertificateWithExponent1(t)}, []string{"[invalid]key.certificate"}},
	}
	f := newTokenFixture(t)
	before, err := f.store.ListKeys(f.ctx)
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.engine.ImportKey(f.ctx, tc.in)
			requireCodes(t, err, tc.codes...)
			for _, secret := range []string{tc.in.PrivateKey, tc.in.Secret} {
				if secret != "" {
					assert.NotContains(t, err.Error(), secret, "a refusal never repeats the key material")
				}
			}
		})
	}
	after, err := f.store.ListKeys(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing refused was stored")
}

// A kid or an id is one key's: an import that takes another key's kid or id
// (either as the other's kid or as its id) is [duplicate].
func TestImportKeyDuplicates(t *testing.T) {
	f := newTokenFixture(t)
	const hs = "0123456789abcdef0123456789abcdef"
	generated, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, "generated")
	require.NoError(t, err)
	imported, err := f.engine.ImportKey(f.ctx, authcore.KeyImport{ID: "5e1b3c4d-0000-4000-8000-000000000001", Name: "imported", Algorithm: "HS256", Secret: hs, Kid: "legacy"})
	require.NoError(t, err)
	_, err = f.engine.ImportKey(f.ctx, authcore.KeyImport{Name: "uuid kid", Algorithm: "HS256", Secret: hs, Kid: "5e1b3c4d-0000-4000-8000-000000000002"})
	require.NoError(t, err)
	tests := []struct {
		name string
		in   authcore.KeyImport
		code string
	}{
		{"another key's kid", authcore.KeyImport{Kid: "legacy"}, "[duplicate]key.kid"},
		{"another key's id as kid", authcore.KeyImport{Kid: generated.ID}, "[duplicate]key.kid"},
		{"another key's id", authcore.KeyImport{ID: generated.ID}, "[duplicate]keyId"},
		{"another key's id, upper case", authcore.KeyImport{ID: strings.ToUpper(imported.ID)}, "[duplicate]keyId"},
		{"the id of a key with a kid of its own as kid", authcore.KeyImport{Kid: imported.ID}, "[duplicate]key.kid"},
		{"another key's kid as id, with a kid of its own", authcore.KeyImport{ID: "5e1b3c4d-0000-4000-8000-000000000002", Kid: "fresh"}, "[duplicate]keyId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Name, tc.in.Algorithm, tc.in.Secret = "again", "HS256", hs
			_, err := f.engine.ImportKey(f.ctx, tc.in)
			requireCodes(t, err, tc.code)
		})
	}
	// A generated key may not take an imported key's kid as its id either.
	_, err = f.engine.CreateSigningKey(f.ctx, authcore.NewKey{ID: "5e1b3c4d-0000-4000-8000-000000000002", Algorithm: "HS256", Name: "clash"})
	requireCodes(t, err, "[duplicate]keyId")
	// Its own id as its kid is no kid of its own.
	own, err := f.engine.ImportKey(f.ctx, authcore.KeyImport{ID: "5e1b3c4d-0000-4000-8000-000000000003", Kid: "5e1b3c4d-0000-4000-8000-000000000003", Name: "own", Algorithm: "HS256", Secret: hs})
	require.NoError(t, err)
	assert.Empty(t, own.Kid)
	assert.Equal(t, own.ID, own.Info().Kid)
}

// Keys are global: a tenant-scoped request may not import one.
func TestImportKeyIsGlobal(t *testing.T) {
	f := newTokenFixture(t)
	ctx := authcore.WithScope(f.ctx, authcore.Scope{TenantID: f.tenant.ID})
	_, err := f.engine.ImportKey(ctx, authcore.KeyImport{Name: "n", Algorithm: "RS256", PublicKey: publicPEM(t, &importRSA.PublicKey)})
	require.ErrorIs(t, err, authcore.ErrUnauthorized)
}

// The request's private key and secret never print or log, neither from the
// request itself nor from the engine's import.
func TestImportKeyNeverShowsItsSecrets(t *testing.T) {
	privatePEM := pkcs8PEM(t, importEC256)
	const secret = "THE-HMAC-SECRET-0123456789abcdef-0123456789"
	in := authcore.KeyImport{Name: "n", PrivateKey: privatePEM, Secret: secret}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out := fmt.Sprintf(verb, in)
		assert.NotContains(t, out, "PRIVATE KEY", verb)
		assert.NotContains(t, out, secret, verb)
	}
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log.Info("request", "in", in)

	f := newTokenFixture(t)
	e, err := authcore.New(f.ctx, f.store, authcore.WithLogger(log))
	require.NoError(t, err)
	_, err = e.ImportKey(f.ctx, authcore.KeyImport{Name: "hmac", Algorithm: "HS256", Secret: secret, Kid: "hmac-kid"})
	require.NoError(t, err)
	_, err = e.ImportKey(f.ctx, authcore.KeyImport{Name: "ec", PrivateKey: privatePEM})
	require.NoError(t, err)
	assert.Contains(t, logged.String(), "signing key imported")
	assert.NotContains(t, logged.String(), secret)
	assert.NotContains(t, logged.String(), "PRIVATE KEY")
	assert.NotContains(t, logged.String(), strings.Split(privatePEM, "\n")[1], "no line of the key")
}

// A stored key never prints its private key or HMAC secret, whatever the
// verb, as a value or a pointer, and neither does slog.
func TestSigningKeyNeverPrintsItsSecret(t *testing.T) {
	const secret = "THE-HMAC-SECRET-0123456789abcdef-0123456789"
	k := authcore.SigningKey{ID: "5e1b3c4d-0000-4000-8000-0000000000bb", Kid: "legacy", Name: "n", Algorithm: "HS256", Secret: []byte(secret)}
	hexed, decimal, goSyntax := fmt.Sprintf("%x", secret), fmt.Sprint([]byte(secret)), fmt.Sprintf("%#v", []byte(secret))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, arg := range []any{k, &k} {
			out := fmt.Sprintf(verb, arg)
			assert.Contains(t, out, k.ID, "%s of %T", verb, arg)
			for _, leak := range []string{secret, hexed, decimal[1 : len(decimal)-1], goSyntax[len("[]byte{") : len(goSyntax)-1]} {
				assert.NotContains(t, out, leak, "%s of %T", verb, arg)
			}
		}
	}
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	log.Info("key", "value", k, "pointer", &k)
	text := slog.New(slog.NewTextHandler(&logged, nil))
	text.Info("key", "value", k, "pointer", &k)
	assert.NotContains(t, logged.String(), secret)
	assert.NotContains(t, logged.String(), "VEhFLUhNQUMt", "nor its base64")
	assert.NotContains(t, logged.String(), decimal[1:len(decimal)-1])
}

// The signer cache keys by id: a key deleted and imported again under its id,
// with the same secret and a kid of its own, signs under the new kid.
func TestReimportedKeySignsUnderItsNewKid(t *testing.T) {
	f := newTokenFixture(t)
	const id = "5e1b3c4d-0000-4000-8000-0000000000aa"
	const secret = "0123456789abcdef0123456789abcdef"
	_, err := f.engine.ImportKey(f.ctx, authcore.KeyImport{ID: id, Name: "first", Algorithm: "HS256", Secret: secret})
	require.NoError(t, err)
	kidOf := func() string {
		tok, err := f.engine.VendJWT(f.ctx, authcore.JWTVendRequest{KeyID: id, Claims: map[string]any{"sub": "robot"}})
		require.NoError(t, err)
		obj, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.HS256})
		require.NoError(t, err)
		_, err = f.engine.ValidateAccessToken(f.ctx, tok)
		require.NoError(t, err)
		return obj.Signatures[0].Header.KeyID
	}
	assert.Equal(t, id, kidOf())
	require.NoError(t, f.engine.DeleteKey(f.ctx, id))
	_, err = f.engine.ImportKey(f.ctx, authcore.KeyImport{ID: id, Name: "again", Algorithm: "HS256", Secret: secret, Kid: "renamed"})
	require.NoError(t, err)
	assert.Equal(t, "renamed", kidOf())
}
