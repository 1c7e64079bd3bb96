package authcore_test

import (
	"crypto"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upperColonHex is b as FusionAuth prints fingerprints: "AB:6D:…".
func upperColonHex(b []byte) string {
	var pairs []string
	for _, c := range b {
		pairs = append(pairs, strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return strings.Join(pairs, ":")
}

// requireKeyCertificate checks k's certificate, and what KeyInfo says of
// it, against k itself and against hashes computed here; it returns the
// certificate.
func requireKeyCertificate(t *testing.T, k *authcore.SigningKey, issuer string, created time.Time) *x509.Certificate {
	t.Helper()
	require.NotEmpty(t, k.Certificate, "%s key has a certificate", k.Algorithm)
	cert, err := x509.ParseCertificate(k.Certificate)
	require.NoError(t, err)

	// It certifies the key's own public key, and the key signed it.
	pub, err := x509.ParsePKIXPublicKey(k.PublicKey)
	require.NoError(t, err)
	assert.True(t, pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(cert.PublicKey), "certificate holds the key's public key")
	require.NoError(t, cert.CheckSignatureFrom(cert), "self-signed")
	want := map[string]x509.SignatureAlgorithm{
		"RS256": x509.SHA256WithRSA, "RS384": x509.SHA384WithRSA, "RS512": x509.SHA512WithRSA,
		"ES256": x509.ECDSAWithSHA256, "ES384": x509.ECDSAWithSHA384, "ES512": x509.ECDSAWithSHA512,
		"EdDSA": x509.PureEd25519,
	}[k.Algorithm]
	assert.Equal(t, want, cert.SignatureAlgorithm)
	assert.Equal(t, "CN="+issuer, cert.Subject.String())
	assert.Equal(t, "CN="+issuer, cert.Issuer.String())
	notBefore := created.UTC().Truncate(time.Second)
	assert.True(t, cert.NotBefore.Equal(notBefore), "NotBefore %v", cert.NotBefore)
	assert.True(t, cert.NotAfter.Equal(notBefore.AddDate(10, 0, 0)), "NotAfter %v", cert.NotAfter)
	assert.Equal(t, 1, cert.SerialNumber.Sign(), "a positive serial number")
	assert.LessOrEqual(t, len(cert.SerialNumber.Bytes()), 20, "RFC 5280: at most 20 bytes")
	assert.GreaterOrEqual(t, cert.SerialNumber.BitLen(), 64, "at least 64 bits")

	// The Key API's view of it.
	info := k.Info()
	block, rest := pem.Decode([]byte(info.Certificate))
	require.NotNil(t, block, "certificate is PEM: %q", info.Certificate)
	assert.Equal(t, "CERTIFICATE", block.Type)
	assert.Empty(t, rest)
	assert.Equal(t, k.Certificate, block.Bytes)
	ci := info.CertificateInformation
	require.NotNil(t, ci)
	md5Sum, sha1Sum, sha256Sum := md5.Sum(cert.Raw), sha1.Sum(cert.Raw), sha256.Sum256(cert.Raw)
	assert.Equal(t, upperColonHex(md5Sum[:]), ci.MD5Fingerprint)
	assert.Equal(t, upperColonHex(sha1Sum[:]), ci.SHA1Fingerprint)
	assert.Equal(t, upperColonHex(sha256Sum[:]), ci.SHA256Fingerprint)
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(sha1Sum[:]), ci.SHA1Thumbprint)
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(sha256Sum[:]), ci.SHA256Thumbprint)
	assert.Equal(t, upperColonHex(cert.SerialNumber.Bytes()), ci.SerialNumber, "the serial's top bit is clear: no sign byte")
	assert.Equal(t, "CN="+issuer, ci.Issuer)
	assert.Equal(t, "CN="+issuer, ci.Subject)
	assert.Equal(t, cert.NotBefore.UnixMilli(), ci.ValidFrom)
	assert.Equal(t, cert.NotAfter.UnixMilli(), ci.ValidTo)
	assert.Equal(t, cert.NotAfter.UnixMilli(), info.ExpirationInstant)
	assert.Equal(t, issuer, info.Issuer)
	return cert
}

func TestGeneratedKeysCarryACertificate(t *testing.T) {
	f := newTokenFixture(t)
	f.clock.Advance(1234 * time.Millisecond) // an instant with milliseconds: X.509 keeps seconds
	serials := map[string]bool{}
	for _, alg := range []string{authcore.AlgRS256, authcore.AlgRS384, authcore.AlgRS512, authcore.AlgES256, authcore.AlgES384, authcore.AlgES512, "Ed25519"} {
		t.Run(alg, func(t *testing.T) {
			k, err := f.engine.CreateSigningKey(f.ctx, authcore.NewKey{Algorithm: alg, Name: alg, Issuer: "  login.example.com "})
			require.NoError(t, err)
			cert := requireKeyCertificate(t, k, "login.example.com", f.clock.Now())
			assert.False(t, serials[cert.SerialNumber.String()], "serial numbers differ")
			serials[cert.SerialNumber.String()] = true

			// What the store gives back is the same certificate.
			stored, err := f.engine.Key(f.ctx, k.ID)
			require.NoError(t, err)
			assert.Equal(t, k.Certificate, stored.Certificate)
			assert.Equal(t, k.Info(), stored.Info())
		})
	}
}

// Without an issuer, the certificate names the default tenant's, as
// FusionAuth's does: here the oldest tenant, the one New created.
func TestGeneratedKeyCertificateDefaultIssuer(t *testing.T) {
	f := newTokenFixture(t)
	k, err := f.engine.CreateSigningKey(f.ctx, authcore.NewKey{Algorithm: authcore.AlgES256, Name: "default"})
	require.NoError(t, err)
	requireKeyCertificate(t, k, "acme.com", f.clock.Now())

	tn := f.reloadTenant()
	tn.Issuer = "first.example.com"
	require.NoError(t, f.store.UpdateTenant(f.ctx, tn))
	f.clock.Advance(time.Second)
	require.NoError(t, f.store.CreateTenant(f.ctx, &authcore.Tenant{ID: "5b1b6f3e-1c4b-4c5d-8e6f-7a8b9c0d1e2f", Name: "Second", Issuer: "second.example.com", InsertInstant: f.clock.Now().UnixMilli()}))
	k, err = f.engine.CreateSigningKey(f.ctx, authcore.NewKey{Algorithm: "Ed25519", Name: "default again", Issuer: "   "})
	require.NoError(t, err)
	requireKeyCertificate(t, k, "first.example.com", f.clock.Now())

	// A rotation names the rotated tenant's issuer.
	k, err = f.engine.RotateTenantKey(f.ctx, "5b1b6f3e-1c4b-4c5d-8e6f-7a8b9c0d1e2f", authcore.AlgRS256)
	require.NoError(t, err)
	requireKeyCertificate(t, k, "second.example.com", f.clock.Now())
}

// HMAC keys have no certificate, and ignore an issuer (FusionAuth: "does not
// apply and will be ignored"), even one that is too long for a certificate.
func TestKeyIssuerRules(t *testing.T) {
	f := newTokenFixture(t)
	long := strings.Repeat("i", 256)
	for _, alg := range []string{authcore.AlgHS256, authcore.AlgHS384, authcore.AlgHS512} {
		k, err := f.engine.CreateSigningKey(f.ctx, authcore.NewKey{Algorithm: alg, Name: alg, Issuer: long})
		require.NoError(t, err)
		assert.Empty(t, k.Certificate)
		info, err := json.Marshal(k.Info())
		require.NoError(t, err)
		for _, field := range []string{"certificate", "certificateInformation", "expirationInstant", "issuer"} {
			assert.NotContains(t, string(info), `"`+field+`"`)
		}
	}

	_, err := f.engine.CreateSigningKey(f.ctx, authcore.NewKey{Algorithm: authcore.AlgES256, Name: "long", Issuer: long})
	var verr *authcore.ValidationError
	require.True(t, errors.As(err, &verr), "got %v", err)
	assert.Equal(t, []string{"[tooLong]key.issuer"}, verr.Codes())
	k, err := f.engine.CreateSigningKey(f.ctx, authcore.NewKey{Algorithm: authcore.AlgES256, Name: "255", Issuer: long[1:]})
	require.NoError(t, err)
	requireKeyCertificate(t, k, long[1:], f.clock.Now())

	// Only a Go caller can send invalid UTF-8; x509 cannot encode it.
	k, err = f.engine.CreateSigningKey(f.ctx, authcore.NewKey{Algorithm: authcore.AlgES256, Name: "utf8", Issuer: "bad\xffissuer"})
	require.NoError(t, err)
	requireKeyCertificate(t, k, "bad\uFFFDissuer", f.clock.Now())
}

// A key stored before keys had certificates has none and works as before;
// and since tokens never read the certificate, not even a damaged one stops
// a key from signing and verifying (the Key API then shows none).
func TestKeysWithoutAUsableCertificate(t *testing.T) {
	for name, cert := range map[string][]byte{
		"none":                  nil,
		"not a certificate":     []byte("not a certificate"),
		"another key's":         nil, // set below
		"truncated certificate": nil, // set below
	} {
		t.Run(name, func(t *testing.T) {
			f := newTokenFixture(t)
			k, err := f.engine.CreateSigningKey(f.ctx, authcore.NewKey{Algorithm: authcore.AlgRS256, Name: "old"})
			require.NoError(t, err)
			switch name {
			case "another key's":
				other, err := f.engine.CreateSigningKey(f.ctx, authcore.NewKey{Algorithm: authcore.AlgRS256, Name: "other"})
				require.NoError(t, err)
				cert = other.Certificate
			case "truncated certificate":
				cert = k.Certificate[:len(k.Certificate)-1]
			}
			old := *k
			old.ID, old.Name, old.Certificate = "7c9e6679-7425-40de-944b-e07fc1f90ae7", "stored before", cert
			require.NoError(t, f.store.CreateKey(f.ctx, &old))

			info := old.Info()
			assert.Empty(t, info.Certificate)
			assert.Nil(t, info.CertificateInformation)
			assert.Zero(t, info.ExpirationInstant)
			assert.Empty(t, info.Issuer)
			assert.NotEmpty(t, info.PublicKey)

			tn := f.reloadTenant()
			tn.JWTConfiguration.AccessTokenKeyID = old.ID
			require.NoError(t, f.store.UpdateTenant(f.ctx, tn))
			tok, _ := f.issue(authcore.TokenRequest{})
			claims, err := f.engine.ValidateAccessToken(f.ctx, tok)
			require.NoError(t, err)
			assert.Equal(t, f.user.ID, claims["sub"])
			h, _, _ := segments(t, tok)
			assert.Equal(t, old.ID, h["kid"])
		})
	}
}

// The JWKS carries a key's certificate as FusionAuth's does: x5c (standard
// base64 DER), x5t and x5t#S256 (base64url SHA-1 and SHA-256 of the DER). A
// key without a usable certificate is published without them.
func TestJWKSCarriesCertificates(t *testing.T) {
	f := newTokenFixture(t)
	var withCert []*authcore.SigningKey
	for _, alg := range []string{authcore.AlgRS256, authcore.AlgES512, authcore.AlgEdDSA} {
		k, err := f.engine.GenerateKey(f.ctx, alg, alg)
		require.NoError(t, err)
		withCert = append(withCert, k)
	}
	plain := *withCert[0]
	plain.ID, plain.Name, plain.Certificate = "7c9e6679-7425-40de-944b-e07fc1f90ae7", "plain", nil
	require.NoError(t, f.store.CreateKey(f.ctx, &plain))
	broken := *withCert[1]
	broken.ID, broken.Name, broken.Certificate = "8d0f7780-8536-41ef-a55c-f18ad2a01bf8", "broken", withCert[0].Certificate // another key's
	require.NoError(t, f.store.CreateKey(f.ctx, &broken))

	set, err := f.engine.JSONWebKeySet(f.ctx)
	require.NoError(t, err)
	doc, err := json.Marshal(set)
	require.NoError(t, err)
	var raw struct {
		Keys []map[string]any `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(doc, &raw))
	byKid := map[string]map[string]any{}
	for _, k := range raw.Keys {
		byKid[k["kid"].(string)] = k
	}
	for _, k := range withCert {
		jwk := byKid[k.ID]
		require.NotNil(t, jwk, k.Algorithm)
		chain, ok := jwk["x5c"].([]any)
		require.True(t, ok, "%s: x5c in %v", k.Algorithm, jwk)
		require.Len(t, chain, 1)
		der, err := base64.StdEncoding.DecodeString(chain[0].(string))
		require.NoError(t, err)
		assert.Equal(t, k.Certificate, der)
		sha1Sum, sha256Sum := sha1.Sum(der), sha256.Sum256(der)
		assert.Equal(t, base64.RawURLEncoding.EncodeToString(sha1Sum[:]), jwk["x5t"])
		assert.Equal(t, base64.RawURLEncoding.EncodeToString(sha256Sum[:]), jwk["x5t#S256"])
		assert.Equal(t, k.Info().CertificateInformation.SHA1Thumbprint, jwk["x5t"])
	}
	for _, id := range []string{plain.ID, broken.ID} {
		jwk := byKid[id]
		require.NotNil(t, jwk)
		for _, field := range []string{"x5c", "x5t", "x5t#S256"} {
			assert.NotContains(t, jwk, field)
		}
	}

	// A relying party's JOSE library reads it (go-jose checks that the
	// certificate holds the JWK's key and matches its thumbprints).
	var parsed jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal(doc, &parsed))
	for _, k := range withCert {
		found := parsed.Key(k.ID)
		require.Len(t, found, 1)
		require.Len(t, found[0].Certificates, 1)
		assert.Equal(t, k.Certificate, found[0].Certificates[0].Raw)
	}
}
