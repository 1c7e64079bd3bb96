package authcore

import (
	"bytes"
	"context"
	"crypto"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
)

// certificateValidityYears is how long the certificate of a generated key is
// valid: ten years from its creation, as FusionAuth's generated certificates
// are (its Key API examples: validTo is validFrom plus ten years).
const certificateValidityYears = 10

// defaultIssuer is the issuer FusionAuth gives a tenant that names none, and
// the certificate issuer of a key generated while no tenant exists.
const defaultIssuer = "acme.com"

// certificateSignatureAlgorithm is the X.509 signature algorithm of a key's
// self-signed certificate: the hash its JWT algorithm signs with.
func certificateSignatureAlgorithm(alg string) x509.SignatureAlgorithm {
	switch alg {
	case AlgRS256:
		return x509.SHA256WithRSA
	case AlgRS384:
		return x509.SHA384WithRSA
	case AlgRS512:
		return x509.SHA512WithRSA
	case AlgES256:
		return x509.ECDSAWithSHA256
	case AlgES384:
		return x509.ECDSAWithSHA384
	case AlgES512:
		return x509.ECDSAWithSHA512
	case AlgEdDSA:
		return x509.PureEd25519
	}
	return x509.UnknownSignatureAlgorithm
}

// selfSignedCertificate returns the DER of a certificate for priv, signed by
// priv with algorithm's hash: subject and issuer CN=issuer, valid from
// notBefore (to the second, as X.509 times are) for
// certificateValidityYears, and a random serial number.
//
// It is marked as a CA (path length 0) that may sign certificates, as a
// self-signed root is, so that X.509 verifiers (crypto/x509's
// CheckSignatureFrom, a relying party that pins it) accept its own signature:
// a version 3 certificate without that may not sign even itself. Only the
// holder of the private key, which authcore never gives out, could use that.
func selfSignedCertificate(random io.Reader, algorithm string, priv crypto.Signer, issuer string, notBefore time.Time) ([]byte, error) {
	serial, err := randomSerialNumber(random)
	if err != nil {
		return nil, err
	}
	// A Go caller's issuer (the key's, or a tenant's) may be invalid UTF-8,
	// which no JSON body can carry and x509 refuses to encode: the name gets
	// U+FFFD in its place rather than the key failing.
	name := pkix.Name{CommonName: strings.ToValidUTF8(issuer, "\uFFFD")}
	notBefore = notBefore.UTC().Truncate(time.Second)
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		Issuer:                name,
		NotBefore:             notBefore,
		NotAfter:              notBefore.AddDate(certificateValidityYears, 0, 0),
		SignatureAlgorithm:    certificateSignatureAlgorithm(algorithm),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(random, template, template, priv.Public(), priv)
	if err != nil {
		return nil, fmt.Errorf("authcore: certificate: %w", err)
	}
	return der, nil
}

// randomSerialNumber is 126 random bits: 16 bytes whose first has its top
// bit clear (a positive number, no sign byte) and its next bit set (never
// zero, always 16 bytes). RFC 5280 allows up to 20 bytes; the CA/Browser
// Forum asks for at least 64 random bits.
func randomSerialNumber(random io.Reader) (*big.Int, error) {
	var b [16]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return nil, fmt.Errorf("authcore: certificate serial number: %w", err)
	}
	b[0] = b[0]&0x3f | 0x40
	return new(big.Int).SetBytes(b[:]), nil
}

// defaultKeyIssuer is the certificate issuer of a generated key whose
// request names none. FusionAuth takes its default tenant's issuer; here the
// default tenant is the oldest one (the one New creates in an empty store,
// unless it was deleted since).
func (e *Engine) defaultKeyIssuer(ctx context.Context) (string, error) {
	tenants, err := e.store.ListTenants(ctx) // oldest first
	if err != nil {
		return "", err
	}
	if len(tenants) == 0 || tenants[0].Issuer == "" {
		return defaultIssuer, nil
	}
	return tenants[0].Issuer, nil
}

// CertificateInformation describes a key's certificate as FusionAuth's Key
// API does: the issuer and subject distinguished names (RFC 4514, "CN=…"),
// the validity in epoch milliseconds, the serial number and the
// fingerprints as colon-separated upper-case hex, and the thumbprints as
// unpadded base64url (the JWK's x5t and x5t#S256). Hashes are of the DER.
type CertificateInformation struct {
	Issuer            string `json:"issuer,omitempty"`
	MD5Fingerprint    string `json:"md5Fingerprint,omitempty"`
	SerialNumber      string `json:"serialNumber,omitempty"`
	SHA1Fingerprint   string `json:"sha1Fingerprint,omitempty"`
	SHA1Thumbprint    string `json:"sha1Thumbprint,omitempty"`
	SHA256Fingerprint string `json:"sha256Fingerprint,omitempty"`
	SHA256Thumbprint  string `json:"sha256Thumbprint,omitempty"`
	Subject           string `json:"subject,omitempty"`
	ValidFrom         int64  `json:"validFrom,omitempty"`
	ValidTo           int64  `json:"validTo,omitempty"`
}

// parsedCertificate returns k's certificate, or nil when k has none or what
// it has does not parse or certifies another public key than k's (a damaged
// store): the Key API and the JWKS then show no certificate rather than a
// wrong one. Only those read it, never a token's signing or verification.
func (k *SigningKey) parsedCertificate() *x509.Certificate {
	if len(k.Certificate) == 0 || isHMAC(k.Algorithm) {
		return nil
	}
	c, err := x509.ParseCertificate(k.Certificate)
	if err != nil || !bytes.Equal(c.RawSubjectPublicKeyInfo, k.PublicKey) {
		return nil
	}
	return c
}

// certificateInformation describes c.
func certificateInformation(c *x509.Certificate) *CertificateInformation {
	md5Sum := md5.Sum(c.Raw)
	sha1Sum := sha1.Sum(c.Raw)
	sha256Sum := sha256.Sum256(c.Raw)
	return &CertificateInformation{
		Issuer:            c.Issuer.String(),
		MD5Fingerprint:    colonHex(md5Sum[:]),
		SerialNumber:      colonHex(serialNumberBytes(c.SerialNumber)),
		SHA1Fingerprint:   colonHex(sha1Sum[:]),
		SHA1Thumbprint:    base64.RawURLEncoding.EncodeToString(sha1Sum[:]),
		SHA256Fingerprint: colonHex(sha256Sum[:]),
		SHA256Thumbprint:  base64.RawURLEncoding.EncodeToString(sha256Sum[:]),
		Subject:           c.Subject.String(),
		ValidFrom:         c.NotBefore.UnixMilli(),
		ValidTo:           c.NotAfter.UnixMilli(),
	}
}

// serialNumberBytes is n as its DER integer's content: big-endian, with a
// leading zero byte when the top bit is set (FusionAuth shows serial numbers
// so). A negative serial, which RFC 5280 forbids, is shown by its magnitude.
func serialNumberBytes(n *big.Int) []byte {
	b := new(big.Int).Abs(n).Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}

// colonHex is b as upper-case hex pairs joined by ":".
func colonHex(b []byte) string {
	pairs := make([]string, len(b))
	for i := range b {
		pairs[i] = strings.ToUpper(hex.EncodeToString(b[i : i+1]))
	}
	return strings.Join(pairs, ":")
}

func certificatePEM(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
