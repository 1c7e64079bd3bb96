package authcore

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/internal/redact"
	"github.com/authcore/authcore/validation"
)

// KeyImport is what ImportKey takes: FusionAuth's Import Key request
// (POST /api/key/import[/{keyId}]). It holds a private key or an HMAC
// secret, so it never prints them: fmt and slog show the other fields only.
type KeyImport struct {
	// ID is the key's id; "" means a new UUID.
	ID string
	// Algorithm is one of the Alg constants (FusionAuth's "Ed25519" is
	// taken for EdDSA). "" infers it from the key: an EC key's curve
	// (P-256 ES256, P-384 ES384, P-521 ES512), an Ed25519 key, or an RSA
	// key's certificate (its signature's hash: SHA-256 RS256…). An HMAC
	// secret, and an RSA key without a certificate, need it.
	Algorithm string
	// Certificate is a PEM X.509 certificate. The key's public key is
	// taken from it; with PublicKey, it must certify that key.
	Certificate string
	// Kid is the key identifier tokens signed by the key carry and the
	// JWKS gives it; "" means the key's id. An imported key keeps its kid,
	// so that tokens it signed before verify here.
	Kid  string
	Name string
	// PrivateKey is an unencrypted PEM private key: PKCS #8 ("PRIVATE
	// KEY"), PKCS #1 ("RSA PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY"). A key
	// imported without one verifies tokens but cannot sign them.
	PrivateKey string
	// PublicKey is a PEM public key: PKIX ("PUBLIC KEY") or PKCS #1 ("RSA
	// PUBLIC KEY"). A private key or certificate alone also gives it.
	PublicKey string
	// Secret is an HMAC secret. Its UTF-8 bytes are the key, as they are
	// FusionAuth's (its Key.secret is a string, signed with as such): no
	// base64 is decoded. It must hold at least the hash's size (RFC 7518
	// §3.2): 32 bytes for HS256, 48 for HS384, 64 for HS512.
	Secret string
	// Type is RSA, EC, OKP or HMAC; "" infers it from the key.
	Type string
}

// String describes in without its private key or secret.
func (in KeyImport) String() string {
	return fmt.Sprintf("KeyImport{ID:%q Name:%q Algorithm:%q Type:%q Kid:%q PublicKey:%d bytes Certificate:%d bytes PrivateKey:%s Secret:%s}",
		in.ID, in.Name, in.Algorithm, in.Type, in.Kid, len(in.PublicKey), len(in.Certificate), redact.Quoted(in.PrivateKey), redact.Quoted(in.Secret))
}

// Format makes every verb, %#v included, print String.
func (in KeyImport) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(in.String())) }

// LogValue is String for slog.
func (in KeyImport) LogValue() slog.Value { return slog.StringValue(in.String()) }

// Key types of FusionAuth's Key API (key.type).
const (
	keyTypeRSA  = "RSA"
	keyTypeEC   = "EC"
	keyTypeOKP  = "OKP"
	keyTypeHMAC = "HMAC"
)

// ImportKey stores a key made elsewhere (FusionAuth's Key Import API), so
// that the tokens it signed there keep verifying here and relying parties'
// cached JWKS stay right: an HMAC secret, or an RSA, EC or Ed25519 key given
// as a public key, a certificate or a private key, or a pair of them that
// must match. A key without a private key verifies tokens and is published
// in the JWKS, but signs nothing: no tenant or application may choose it.
// A key with a private key and no certificate gets a self-signed one, as a
// generated key does. Keys are global objects, so a tenant-scoped request
// may not import one.
//
// Every refusal is a *validation.Errors naming the field (key.publicKey,
// key.privateKey, key.certificate, key.secret, key.algorithm, key.type,
// key.kid, key.name, keyId); a kid, id or name (in any case) another key
// has is [duplicate].
func (e *Engine) ImportKey(ctx context.Context, in KeyImport) (*SigningKey, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	m, err := checkKeyImport(in)
	if err != nil {
		return nil, err
	}
	k := &SigningKey{ID: e.newID(), Name: in.Name, Algorithm: m.algorithm, Secret: m.secret, PublicKey: m.public, Certificate: m.certificate, InsertInstant: e.instant()}
	if in.ID != "" {
		k.ID = strings.ToLower(in.ID)
	}
	if in.Kid != k.ID {
		k.Kid = in.Kid
	}
	if m.signer != nil && k.Certificate == nil {
		if err := e.certifyImportedKey(ctx, k, m.signer); err != nil {
			return nil, err
		}
	}
	if err := retryConflicts(ctx, func() error { return e.store.CreateKey(ctx, k) }); err != nil { // as CreateSigningKey
		return nil, importDuplicate(k, err)
	}
	e.log.InfoContext(ctx, "signing key imported", "keyId", k.ID, "kid", k.EffectiveKid(), "algorithm", k.Algorithm, "signs", len(k.Secret) > 0)
	return k, nil
}

// checkKeyImport checks every field of an import, and the key material
// against them, before anything is read or stored: one Errors object lists
// all that is wrong.
func checkKeyImport(in KeyImport) (*importedMaterial, error) {
	var v validation.Errors
	validateKeyName(&v, in.Name)
	if in.ID != "" && !looksLikeUUID(in.ID) {
		v.Field("keyId", validation.KindCouldNotConvert, "Invalid [keyId]: it must be a UUID.")
	}
	validateImportKid(&v, in.Kid)
	alg, algOK := importAlgorithmName(&v, in.Algorithm)
	if in.Type != "" && !slices.Contains([]string{keyTypeRSA, keyTypeEC, keyTypeOKP, keyTypeHMAC}, in.Type) {
		v.Field("key.type", validation.KindInvalid, fmt.Sprintf("The [key.type] property must be one of [RSA, EC, OKP, HMAC]; it was [%s].", excerpt.Of(in.Type)))
		in.Type = "" // refused once: not also as not fitting the key
	}
	var m *importedMaterial
	if in.Secret != "" || isHMAC(alg) || in.Type == keyTypeHMAC {
		m = importHMAC(&v, in, alg, algOK)
	} else {
		m = importAsymmetric(&v, in, alg, algOK)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// importAlgorithmName reads key.algorithm, with FusionAuth's Ed25519 for
// EdDSA. ok is false when it names no algorithm authcore signs with: the
// refusal is recorded once, not again as not fitting the key.
func importAlgorithmName(v *validation.Errors, given string) (alg string, ok bool) {
	alg = given
	if alg == "Ed25519" {
		alg = AlgEdDSA
	}
	if alg != "" && !slices.Contains(supportedAlgorithms(), alg) {
		v.Field("key.algorithm", validation.KindInvalid, fmt.Sprintf("The [key.algorithm] property must be one of [%s, Ed25519]; it was [%s].", strings.Join(supportedAlgorithms(), ", "), excerpt.Of(given)))
		return alg, false
	}
	return alg, true
}

// certifyImportedKey gives an imported private key without a certificate a
// self-signed one, as a generated key has, issued by the oldest tenant's
// issuer.
func (e *Engine) certifyImportedKey(ctx context.Context, k *SigningKey, signer crypto.Signer) error {
	issuer, err := e.defaultKeyIssuer(ctx)
	if err != nil {
		return err
	}
	k.Certificate, err = selfSignedCertificate(e.random, k.Algorithm, signer, issuer, time.UnixMilli(k.InsertInstant))
	return err
}

// importDuplicate names what a refused insert of k clashed with: its name,
// its kid, its id as another key's kid, or its id. Any other error is
// returned as it is.
func importDuplicate(k *SigningKey, err error) error {
	var dup *DuplicateError
	switch {
	case isDuplicateKeyName(err):
		return duplicateKeyName()
	case errors.As(err, &dup) && dup.Field == "kid" && k.Kid != "":
		return invalid("key.kid", validation.KindDuplicate, fmt.Sprintf("A key with the kid [%s] already exists (as its kid or as its id).", k.Kid))
	case errors.As(err, &dup) && dup.Field == "kid":
		return invalid("keyId", validation.KindDuplicate, fmt.Sprintf("The id [%s] is the kid of another key.", k.ID))
	case errors.Is(err, ErrDuplicate):
		return invalid("keyId", validation.KindDuplicate, fmt.Sprintf("A key with the id [%s] already exists.", k.ID))
	}
	return err
}

// validateImportKid checks a kid to keep: at most 255 characters (the
// stores index it), and no white space at either end or control character,
// which a kid copied from a file or a header picks up by mistake and no
// token would then name.
func validateImportKid(v *validation.Errors, kid string) {
	if kid == "" || v.TooLong("key.kid", kid, validation.MaxIndexedLength) {
		return
	}
	// possibleKid is what a token's kid is held to before it is looked up
	// (tokens.go): one rule for the kids a key may have.
	if strings.TrimSpace(kid) != kid || !possibleKid(kid) {
		v.Field("key.kid", validation.KindInvalid, "The [key.kid] property may not begin or end with white space, nor hold control characters or bytes that are not UTF-8.")
	}
}

// importedMaterial is what an import stores, and the private key to sign a
// certificate with when none was given.
type importedMaterial struct {
	algorithm   string
	secret      []byte
	public      []byte
	certificate []byte
	signer      crypto.Signer
}

// importHMAC checks an HMAC import: a secret and an HMAC algorithm, and
// nothing of an asymmetric key.
func importHMAC(v *validation.Errors, in KeyImport, alg string, algOK bool) *importedMaterial {
	for _, f := range []struct{ path, value string }{
		{"key.publicKey", in.PublicKey}, {"key.privateKey", in.PrivateKey}, {"key.certificate", in.Certificate},
	} {
		if f.value != "" {
			v.Field(f.path, validation.KindInvalid, fmt.Sprintf("An HMAC key has only a secret: omit the [%s] property, or the [key.secret] property for an RSA, EC or Ed25519 key.", f.path))
		}
	}
	if in.Type != "" && in.Type != keyTypeHMAC {
		v.Field("key.type", validation.KindInvalid, fmt.Sprintf("A key with a [key.secret] is an HMAC key; the [key.type] property was [%s].", excerpt.Of(in.Type)))
	}
	switch {
	case alg == "" && algOK:
		v.Field("key.algorithm", validation.KindBlank, "You must specify the [key.algorithm] property of an HMAC key: HS256, HS384 or HS512.")
	case algOK && !isHMAC(alg):
		v.Field("key.algorithm", validation.KindInvalid, fmt.Sprintf("An HMAC secret signs with HS256, HS384 or HS512; the [key.algorithm] property was [%s].", excerpt.Of(in.Algorithm)))
	}
	switch {
	case in.Secret == "":
		v.Blank("key.secret")
	case isHMAC(alg) && len(in.Secret) < hmacSecretBytes(alg):
		v.Field("key.secret", validation.KindInvalid, fmt.Sprintf("The [key.secret] of an %s key must hold at least %d bytes (RFC 7518 §3.2); it holds %d.", alg, hmacSecretBytes(alg), len(in.Secret)))
	}
	return &importedMaterial{algorithm: alg, secret: []byte(in.Secret)}
}

// importAsymmetric checks an RSA, EC or Ed25519 import: each PEM given
// parses to a key authcore signs with, they are one key, and the algorithm
// and type fit it.
func importAsymmetric(v *validation.Errors, in KeyImport, alg string, algOK bool) *importedMaterial {
	if in.PublicKey == "" && in.PrivateKey == "" && in.Certificate == "" {
		v.Field("key.publicKey", validation.KindBlank, "You must specify the [key.publicKey], [key.certificate] or [key.privateKey] property (or [key.secret] for an HMAC key).")
		return nil
	}
	cert, pub, signer, ok := parseImportPEMs(v, in)
	if !ok {
		return nil
	}
	if pub, ok = oneImportedKey(v, in, cert, pub, signer); !ok {
		return nil
	}
	typ, curve := keyTypeOf(pub)
	if in.Type != "" && in.Type != typ {
		v.Field("key.type", validation.KindInvalid, fmt.Sprintf("The key is an %s key; the [key.type] property was [%s].", typ, excerpt.Of(in.Type)))
	}
	if algOK {
		alg = importAlgorithm(v, in, alg, typ, curve, cert)
	}
	if rk, ok := pub.(*rsa.PublicKey); ok {
		checkRSALength(v, in, rk.N.BitLen(), signer != nil)
	}
	if !v.Empty() {
		return nil
	}
	return encodeImported(v, alg, cert, pub, signer)
}

// parseImportPEMs parses each PEM given. ok is false when one does not
// parse; each that does not is recorded in v, so that all are named at once.
func parseImportPEMs(v *validation.Errors, in KeyImport) (cert *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer, ok bool) {
	ok = true
	if in.Certificate != "" {
		if cert = parseCertificatePEM(v, in.Certificate); cert == nil {
			ok = false
		}
	}
	if in.PublicKey != "" {
		if pub = parsePublicKeyPEM(v, in.PublicKey); pub == nil {
			ok = false
		}
	}
	if in.PrivateKey != "" {
		if signer = parsePrivateKeyPEM(v, in.PrivateKey); signer == nil {
			ok = false
		}
	}
	return cert, pub, signer, ok
}

// oneImportedKey checks that what was given is one key: the certificate
// certifies the public key, and the private key is the private half of
// whichever was given. It returns that key's public half.
func oneImportedKey(v *validation.Errors, in KeyImport, cert *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (crypto.PublicKey, bool) {
	if cert != nil && pub != nil && !samePublicKey(pub, cert.PublicKey) {
		v.Field("key.certificate", validation.KindInvalid, "The [key.certificate] property certifies another key than the [key.publicKey] property.")
		return nil, false
	}
	if pub == nil && cert != nil {
		pub = cert.PublicKey
	}
	if signer == nil {
		return pub, true
	}
	if pub != nil && !samePublicKey(pub, signer.Public()) {
		other := "[key.publicKey] property"
		if in.PublicKey == "" {
			other = "public key of the [key.certificate] property"
		}
		v.Field("key.privateKey", validation.KindInvalid, fmt.Sprintf("The [key.privateKey] property is not the private key of the %s.", other))
		return nil, false
	}
	return signer.Public(), true
}

// encodeImported is what is stored of a checked key: the private key as
// PKCS #8, and the certificate's own encoding when one was given, so that
// the key is shown and published as the certificate certifies it
// (parsedCertificate).
func encodeImported(v *validation.Errors, alg string, cert *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *importedMaterial {
	m := &importedMaterial{algorithm: alg, signer: signer}
	var err error
	if signer != nil {
		if m.secret, err = x509.MarshalPKCS8PrivateKey(signer); err != nil {
			v.Field("key.privateKey", validation.KindInvalid, "The [key.privateKey] property holds a key that cannot be stored.")
			return nil
		}
	}
	if cert != nil {
		m.public, m.certificate = bytes.Clone(cert.RawSubjectPublicKeyInfo), bytes.Clone(cert.Raw)
	} else if m.public, err = x509.MarshalPKIXPublicKey(pub); err != nil {
		v.Field("key.publicKey", validation.KindInvalid, "The [key.publicKey] property holds a key that cannot be stored.")
		return nil
	}
	return m
}

// importAlgorithm is the algorithm of an asymmetric key: alg when it fits
// the key, else what the key says (recorded in v when neither works).
func importAlgorithm(v *validation.Errors, in KeyImport, alg, typ string, curve elliptic.Curve, cert *x509.Certificate) string {
	switch typ {
	case keyTypeRSA:
		if alg == "" {
			if alg = rsaAlgorithmOf(cert); alg == "" {
				v.Field("key.algorithm", validation.KindBlank, "An RSA key does not say which hash it signs with: you must specify the [key.algorithm] property, RS256, RS384 or RS512.")
			}
		} else if !isRSA(alg) {
			v.Field("key.algorithm", validation.KindInvalid, fmt.Sprintf("An RSA key signs with RS256, RS384 or RS512; the [key.algorithm] property was [%s].", excerpt.Of(in.Algorithm)))
		}
	case keyTypeEC:
		want := ecAlgorithmOf(curve)
		if alg != "" && alg != want {
			v.Field("key.algorithm", validation.KindInvalid, fmt.Sprintf("The key is an EC %s key, which signs with %s; the [key.algorithm] property was [%s].", curve.Params().Name, want, excerpt.Of(in.Algorithm)))
		}
		alg = want
	case keyTypeOKP:
		if alg != "" && alg != AlgEdDSA {
			v.Field("key.algorithm", validation.KindInvalid, fmt.Sprintf("An Ed25519 key signs with Ed25519; the [key.algorithm] property was [%s].", excerpt.Of(in.Algorithm)))
		}
		alg = AlgEdDSA
	}
	return alg
}

// checkRSALength applies FusionAuth's RSA key lengths: 2048, 3072 or 4096
// bits, or 1024 for a key imported without a private key (it only
// verifies).
func checkRSALength(v *validation.Errors, in KeyImport, bits int, private bool) {
	if bits == 2048 || bits == 3072 || bits == 4096 || bits == 1024 && !private {
		return
	}
	path := "key.publicKey"
	switch {
	case private:
		path = "key.privateKey"
	case in.PublicKey == "":
		path = "key.certificate"
	}
	msg := fmt.Sprintf("An RSA key must have 2048, 3072 or 4096 bits (1024 for a key that only verifies, imported without a private key); the [%s] property holds one of %d.", path, bits)
	v.Field(path, validation.KindInvalid, msg)
}

// rsaAlgorithmOf is the RSA algorithm a certificate's signature names by
// its hash (FusionAuth takes an imported certificate's algorithm from it),
// "" when there is no certificate or its signature is not RSA with SHA-2.
func rsaAlgorithmOf(cert *x509.Certificate) string {
	if cert == nil {
		return ""
	}
	switch cert.SignatureAlgorithm {
	case x509.SHA256WithRSA, x509.SHA256WithRSAPSS:
		return AlgRS256
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS:
		return AlgRS384
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS:
		return AlgRS512
	}
	return ""
}

// ecAlgorithmOf is the ECDSA algorithm of a curve (RFC 7518 §3.4).
func ecAlgorithmOf(curve elliptic.Curve) string {
	switch curve {
	case elliptic.P256():
		return AlgES256
	case elliptic.P384():
		return AlgES384
	}
	return AlgES512
}

// keyTypeOf is the key.type of a public key that supportedPublicKey took,
// and an EC key's curve.
func keyTypeOf(pub crypto.PublicKey) (string, elliptic.Curve) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return keyTypeRSA, nil
	case *ecdsa.PublicKey:
		return keyTypeEC, k.Curve
	}
	return keyTypeOKP, nil
}

// unsupportedKey says what is wrong with a parsed public key for signing
// tokens, "" when nothing: authcore signs with RSA, EC P-256, P-384 and
// P-521 and Ed25519 keys.
func unsupportedKey(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		// What crypto/rsa verifies with (it refuses the others at each
		// token): an odd modulus and an odd exponent from 3 to 2^31-1.
		// x509 parses the others, and a key stored with one would verify
		// nothing.
		if k.N.Bit(0) == 0 || k.E < 3 || k.E%2 == 0 || k.E > 1<<31-1 {
			return "an RSA key whose modulus is even, or whose public exponent is even, below 3 or above 2^31-1"
		}
		return ""
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() || k.Curve == elliptic.P384() || k.Curve == elliptic.P521() {
			return ""
		}
		return fmt.Sprintf("an EC key on curve %s", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return ""
	case nil:
		return "a key of an algorithm authcore does not read"
	}
	return fmt.Sprintf("a key of type %T", pub)
}

// samePublicKey reports whether a and b are one key.
func samePublicKey(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// onePEMBlock decodes the PEM block of s, after any blocks of type skip
// (OpenSSL writes "EC PARAMETERS" before an EC private key). Text before
// the block is ignored, as PEM allows; anything but white space after it
// is refused, so that a second key or certificate is not silently dropped.
func onePEMBlock(v *validation.Errors, path, s, skip string) *pem.Block {
	rest := []byte(s)
	for {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property is not PEM: it must hold one block between a -----BEGIN …----- and an -----END …----- line.", path))
			return nil
		}
		if block.Type == skip {
			continue
		}
		if len(bytes.TrimSpace(rest)) != 0 {
			v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property must hold one PEM block; it holds more.", path))
			return nil
		}
		if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
			v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property is encrypted: import it decrypted.", path))
			return nil
		}
		return block
	}
}

// parseCertificatePEM reads a PEM X.509 certificate of a supported key,
// recording in v why it cannot.
func parseCertificatePEM(v *validation.Errors, s string) *x509.Certificate {
	const path = "key.certificate"
	block := onePEMBlock(v, path, s, "")
	if block == nil {
		return nil
	}
	if block.Type != "CERTIFICATE" {
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property must be a PEM CERTIFICATE; it holds a %s.", path, block.Type))
		return nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property is not an X.509 certificate that can be read.", path))
		return nil
	}
	if why := unsupportedKey(cert.PublicKey); why != "" {
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property certifies %s; authcore signs with RSA, EC (P-256, P-384, P-521) and Ed25519 keys.", path, why))
		return nil
	}
	return cert
}

// parsePublicKeyPEM reads a PEM public key (PKIX or PKCS #1) of a
// supported kind, recording in v why it cannot.
func parsePublicKeyPEM(v *validation.Errors, s string) crypto.PublicKey {
	const path = "key.publicKey"
	block := onePEMBlock(v, path, s, "")
	if block == nil {
		return nil
	}
	var (
		pub any
		err error
	)
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property holds a certificate: send it as the [key.certificate] property.", path))
		return nil
	default:
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property must be a PEM PUBLIC KEY or RSA PUBLIC KEY; it holds a %s.", path, block.Type))
		return nil
	}
	if err != nil {
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property is not a %s that can be read.", path, block.Type))
		return nil
	}
	if why := unsupportedKey(pub); why != "" {
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property holds %s; authcore signs with RSA, EC (P-256, P-384, P-521) and Ed25519 keys.", path, why))
		return nil
	}
	return pub
}

// parsePrivateKeyPEM reads an unencrypted PEM private key (PKCS #8, PKCS #1
// or SEC 1) of a supported kind, recording in v why it cannot. Nothing of
// the key goes into a message.
func parsePrivateKeyPEM(v *validation.Errors, s string) crypto.Signer {
	const path = "key.privateKey"
	block := onePEMBlock(v, path, s, "EC PARAMETERS")
	if block == nil {
		return nil
	}
	var (
		key any
		err error
	)
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "ENCRYPTED PRIVATE KEY":
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property is encrypted: import it decrypted.", path))
		return nil
	default:
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property must be a PEM PRIVATE KEY (PKCS #8), RSA PRIVATE KEY (PKCS #1) or EC PRIVATE KEY (SEC 1); it holds a %s.", path, block.Type))
		return nil
	}
	if err != nil {
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property is not a %s that can be read.", path, block.Type))
		return nil
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property holds a key of type %T, which cannot sign.", path, key))
		return nil
	}
	if why := unsupportedKey(signer.Public()); why != "" {
		v.Field(path, validation.KindInvalid, fmt.Sprintf("The [%s] property holds %s; authcore signs with RSA, EC (P-256, P-384, P-521) and Ed25519 keys.", path, why))
		return nil
	}
	return signer
}
