package authcore

import (
	"cmp"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/validation"
	"github.com/go-jose/go-jose/v4"
)

// Signing algorithms authcore issues tokens with. HS256 is FusionAuth's
// default for a new tenant.
const (
	AlgHS256 = "HS256"
	AlgHS384 = "HS384"
	AlgHS512 = "HS512"
	AlgRS256 = "RS256"
	AlgRS384 = "RS384"
	AlgRS512 = "RS512"
	AlgES256 = "ES256"
	AlgES384 = "ES384"
	AlgES512 = "ES512"
	AlgEdDSA = "EdDSA"
)

// isHMAC reports whether alg signs with a shared secret.
func isHMAC(alg string) bool { return alg == AlgHS256 || alg == AlgHS384 || alg == AlgHS512 }

// isRSA reports whether alg signs with an RSA key (PKCS #1 v1.5).
func isRSA(alg string) bool { return alg == AlgRS256 || alg == AlgRS384 || alg == AlgRS512 }

// ecCurve is the curve an ECDSA algorithm signs on (RFC 7518 §3.4), nil for
// another algorithm.
func ecCurve(alg string) elliptic.Curve {
	switch alg {
	case AlgES256:
		return elliptic.P256()
	case AlgES384:
		return elliptic.P384()
	case AlgES512:
		return elliptic.P521()
	}
	return nil
}

// hmacSecretBytes is the size of a generated HMAC secret: the hash's size,
// as RFC 7518 §3.2 asks at least (32 bytes for HS256, 48 and 64 for HS384
// and HS512).
func hmacSecretBytes(alg string) int {
	switch alg {
	case AlgHS384:
		return 48
	case AlgHS512:
		return 64
	}
	return 32
}

// rsaBits is the modulus size of generated RS256 keys.
const rsaBits = 2048

// ErrKeyInUse means the key signs a tenant's tokens and cannot be deleted
// until the tenant is rotated to another key. Errors that match it are
// *KeyInUseError.
var ErrKeyInUse = errors.New("authcore: signing key in use by a tenant")

// KeyInUseError names the tenant that still signs with a key.
type KeyInUseError struct {
	KeyID, TenantID string
	// ApplicationID is set when the key signs that application's tokens
	// (its own key) rather than its tenant's.
	ApplicationID string
}

func (e *KeyInUseError) Error() string {
	if e.ApplicationID != "" {
		return fmt.Sprintf("authcore: key %s signs the tokens of application %s", e.KeyID, e.ApplicationID)
	}
	return fmt.Sprintf("authcore: key %s signs the tokens of tenant %s", e.KeyID, e.TenantID)
}

// Is makes errors.Is(err, ErrKeyInUse) match.
func (e *KeyInUseError) Is(target error) bool { return target == ErrKeyInUse }

// Unwrap gives the Errors object the API answers with (400 [KeyInUse]).
func (e *KeyInUseError) Unwrap() error {
	if e.ApplicationID != "" {
		return general("[KeyInUse]", fmt.Sprintf("The key [%s] signs the access tokens of application [%s]. Give the application another key first.", e.KeyID, e.ApplicationID))
	}
	return general("[KeyInUse]", fmt.Sprintf("The key [%s] signs the access tokens of tenant [%s]. Rotate the tenant to another key first.", e.KeyID, e.TenantID))
}

// GenerateKey creates and stores a signing key for algorithm (AlgHS256,
// AlgRS256, AlgES256, AlgEdDSA or another of the Alg constants). It signs nothing until a tenant points at
// it (RotateTenantKey does both), but it verifies tokens that name it, and an
// asymmetric key's public half is published in the JWKS at once, so relying
// parties can cache it before the first token it signs.
func (e *Engine) GenerateKey(ctx context.Context, algorithm, name string) (*SigningKey, error) {
	return e.CreateSigningKey(ctx, NewKey{Algorithm: algorithm, Name: name})
}

// NewKey is what CreateSigningKey takes (FusionAuth's Generate Key request).
type NewKey struct {
	// ID is the key's id and kid; "" means a new UUID.
	ID string
	// Algorithm is one of the Alg constants: HS256/384/512, RS256/384/512,
	// ES256/384/512 or EdDSA (FusionAuth's key API calls it "Ed25519"; both
	// are accepted).
	Algorithm string
	Name      string
	// Length is the RSA modulus size (2048, 3072 or 4096; 0 means 2048) or
	// the EC curve size (256, 384 or 521, the algorithm's; 0 means that).
	// HMAC and Ed25519 ignore it.
	Length int
	// Issuer is the issuer and subject (CN) of the self-signed certificate
	// of an asymmetric key; "" means the default tenant's issuer (see
	// Engine.defaultKeyIssuer). HMAC keys have no certificate and ignore it.
	Issuer string
}

// maxKeyIssuerLength bounds a key request's issuer, which its certificate
// carries twice (issuer and subject) into every JWKS answer.
const maxKeyIssuerLength = 255

// CreateSigningKey generates and stores a key. Keys are global objects, so a
// tenant-scoped request may not create one. The name is required and must
// not be another key's in any case ([duplicate]key.name).
func (e *Engine) CreateSigningKey(ctx context.Context, in NewKey) (*SigningKey, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	if in.Algorithm == "Ed25519" {
		in.Algorithm = AlgEdDSA
	}
	issuer, err := checkNewKey(in)
	if err != nil {
		return nil, err
	}
	if issuer == "" && !isHMAC(in.Algorithm) {
		if issuer, err = e.defaultKeyIssuer(ctx); err != nil {
			return nil, err
		}
	}
	k, err := e.newSigningKey(in.Algorithm, in.Name, in.Length, issuer)
	if err != nil {
		return nil, err
	}
	if in.ID != "" {
		k.ID = strings.ToLower(in.ID)
	}
	// A single write, but on SQLite a commit group another member broke,
	// and on PostgreSQL the kid's advisory lock, can still lose a race.
	if err := retryConflicts(ctx, func() error { return e.store.CreateKey(ctx, k) }); err != nil {
		switch {
		case isDuplicateKeyName(err):
			return nil, duplicateKeyName()
		case errors.Is(err, ErrDuplicate):
			return nil, invalid("keyId", validation.KindDuplicate, fmt.Sprintf("A key with the id [%s] already exists.", k.ID))
		}
		return nil, err
	}
	e.log.InfoContext(ctx, "signing key created", "keyId", k.ID, "algorithm", k.Algorithm)
	return k, nil
}

// checkNewKey checks a key request's fields, all of them before the
// answer, and returns the issuer asked for, trimmed ("" for an HMAC key,
// which has no certificate).
func checkNewKey(in NewKey) (issuer string, err error) {
	var v validation.Errors
	validateKeyName(&v, in.Name)
	if in.ID != "" && !looksLikeUUID(in.ID) {
		v.Field("keyId", validation.KindCouldNotConvert, "Invalid [keyId]: it must be a UUID.")
	}
	checkNewKeyAlgorithm(&v, in.Algorithm, in.Length)
	if !isHMAC(in.Algorithm) {
		issuer = strings.TrimSpace(in.Issuer)
		v.TooLong("key.issuer", issuer, maxKeyIssuerLength)
	}
	return issuer, v.Err()
}

// checkNewKeyAlgorithm checks the algorithm, and the length against it:
// RSA's three sizes, or an EC key's curve size.
func checkNewKeyAlgorithm(v *validation.Errors, alg string, length int) {
	switch {
	case alg == "":
		v.Blank("key.algorithm")
	case !slices.Contains(supportedAlgorithms(), alg):
		v.Field("key.algorithm", validation.KindInvalid, fmt.Sprintf("The [key.algorithm] property must be one of [%s, Ed25519]; it was [%s].", strings.Join(supportedAlgorithms(), ", "), excerpt.Of(alg)))
	case isRSA(alg) && length != 0 && length != 2048 && length != 3072 && length != 4096:
		v.Field("key.length", validation.KindInvalid, "The [key.length] of an RSA key must be 2048, 3072 or 4096.")
	case ecCurve(alg) != nil && length != 0 && length != ecCurve(alg).Params().BitSize:
		v.Field("key.length", validation.KindInvalid, fmt.Sprintf("The [key.length] of an %s key must be %d.", alg, ecCurve(alg).Params().BitSize))
	}
}

// RotateTenantKey creates a key for algorithm and makes it the tenant's
// signing key. Tokens signed by the previous key keep verifying until that
// key is deleted (DeleteKey), so a rotation logs nobody out. An asymmetric
// key's certificate names the tenant's issuer. Keys are global objects, so
// a request scoped to a tenant may not rotate one, its own tenant's included
// (ErrUnauthorized, as CreateSigningKey).
func (e *Engine) RotateTenantKey(ctx context.Context, tenantID, algorithm string) (*SigningKey, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	// The key is made before the transaction, which then finds the tenant
	// again: an RSA key takes a while to generate.
	t, err := e.store.GetTenant(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	issuer := t.Issuer
	if issuer == "" {
		issuer = defaultIssuer
	}
	k, err := e.newSigningKey(algorithm, "", 0, issuer)
	if err != nil {
		return nil, err
	}
	err = e.inTx(ctx, func(ctx context.Context, tx Store) error {
		t, err := tx.GetTenant(ctx, tenantID)
		if err != nil {
			return err
		}
		// Named after the tenant as this run reads it; a tenant rotated
		// before has a key of that name already, and names are unique.
		if err := createKeyFreeName(ctx, tx, k,
			tenantKeyName("Access token signing key for tenant ", t.Name, ""),
			tenantKeyName("Access token signing key for tenant ", t.Name, " ("+k.ID+")"),
		); err != nil {
			return err
		}
		if err := keepFormerTenant(ctx, tx, t.JWTConfiguration.AccessTokenKeyID, k.ID, t); err != nil {
			return err
		}
		t.JWTConfiguration.AccessTokenKeyID = k.ID
		t.LastUpdateInstant = e.instant()
		return tx.UpdateTenant(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "tenant signing key rotated", "tenantId", tenantID, "keyId", k.ID, "algorithm", k.Algorithm)
	return k, nil
}

// keepFormerTenant records, in tx, that the key prev signed t's access
// tokens until t moved to next: those tokens still stand for logins of the
// tenant (signsForTenant) until they expire or prev is deleted. Nothing is
// recorded when the key does not change, or there was none.
func keepFormerTenant(ctx context.Context, tx Store, prev, next string, t *Tenant) error {
	return keepFormerSigner(ctx, tx, prev, next, func(k *SigningKey) *[]FormerSigner { return &k.FormerTenants },
		FormerSigner{ID: t.ID, InsertInstant: t.InsertInstant})
}

// keepFormerApplication is keepFormerTenant for an application's own key
// (applicationKeyID before and after the change).
func keepFormerApplication(ctx context.Context, tx Store, prev, next string, a *Application) error {
	return keepFormerSigner(ctx, tx, prev, next, func(k *SigningKey) *[]FormerSigner { return &k.FormerApplications },
		FormerSigner{ID: a.ID, InsertInstant: a.InsertInstant})
}

func keepFormerSigner(ctx context.Context, tx Store, prev, next string, list func(*SigningKey) *[]FormerSigner, signer FormerSigner) error {
	if prev == "" || prev == next {
		return nil
	}
	k, err := tx.GetKey(ctx, prev)
	if errors.Is(err, ErrNotFound) {
		// Gone already (deleted behind the engine's back: DeleteKey
		// refuses a key in use): it verifies nothing any more.
		return nil
	}
	if err != nil {
		return err
	}
	l := list(k)
	i := slices.IndexFunc(*l, func(f FormerSigner) bool { return f.ID == signer.ID })
	switch {
	case i < 0:
		*l = append(*l, signer)
	case (*l)[i] == signer:
		return nil
	default:
		// An entry of an earlier tenant or application under this id (it
		// was deleted: the one that moves now exists), or one stored
		// without its InsertInstant: this one stands for the current one.
		(*l)[i] = signer
	}
	// Not a rename: LastUpdateInstant, which the Key API shows, stays.
	return tx.UpdateKey(ctx, k)
}

// Key returns a signing key by id (in any case: ids are stored lower-cased).
//
// Keys are global and their names name tenants (a tenant's first key is
// named after it): a tenant-scoped request gets ErrUnauthorized, as it does
// when creating or deleting one.
func (e *Engine) Key(ctx context.Context, id string) (*SigningKey, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	return e.store.GetKey(ctx, strings.ToLower(id))
}

// Keys lists the signing keys; a tenant-scoped request gets
// ErrUnauthorized, as for Key.
func (e *Engine) Keys(ctx context.Context) ([]*SigningKey, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	return e.store.ListKeys(ctx)
}

// KeyUpdate is what UpdateKey takes (FusionAuth's Update a Key request).
// FusionAuth lets an update change a key's name only; its material,
// algorithm, kid and certificate stay, so a key that needs new ones is
// imported as a new key instead.
type KeyUpdate struct {
	// Name is required ([blank]key.name), as at generation.
	Name string
}

// UpdateKey renames the signing key id (in any case) and sets its
// LastUpdateInstant. Nothing that signs or verifies changes: tokens signed
// before and after carry the same kid and verify with the same key. Keys are
// global objects: a tenant-scoped request gets ErrUnauthorized; an unknown
// key is ErrNotFound. Another key's name, in any case, is
// [duplicate]key.name; the key's own is not.
func (e *Engine) UpdateKey(ctx context.Context, id string, in KeyUpdate) (*SigningKey, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	var v validation.Errors
	validateKeyName(&v, in.Name)
	if err := v.Err(); err != nil {
		return nil, err
	}
	id = strings.ToLower(id) // as CreateSigningKey stores it
	var out *SigningKey
	err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
		k, err := tx.GetKey(ctx, id)
		if err != nil {
			return err
		}
		k.Name, k.LastUpdateInstant = in.Name, e.instant()
		if err := tx.UpdateKey(ctx, k); err != nil {
			return err
		}
		out = k
		return nil
	})
	if isDuplicateKeyName(err) {
		return nil, duplicateKeyName()
	}
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "signing key renamed", "keyId", out.ID)
	return out, nil
}

// validateKeyName checks a key's name as every Key API write takes it:
// required, and at most validation.MaxIndexedLength characters, since the
// stores index it to keep names unique.
func validateKeyName(v *validation.Errors, name string) {
	if strings.TrimSpace(name) == "" {
		v.Blank("key.name")
		return
	}
	if !v.NotStorable("key.name", name) {
		v.TooLong("key.name", name, validation.MaxIndexedLength)
	}
}

// isDuplicateKeyName reports whether a store refused a key's name, which
// another key has (in any case).
func isDuplicateKeyName(err error) bool {
	var dup *DuplicateError
	return errors.As(err, &dup) && dup.Field == "name"
}

// duplicateKeyName is the Key API's refusal of a name another key has:
// FusionAuth documents that a key's name "must be unique among all Keys",
// and no code for the refusal; this is the one tenant names get.
func duplicateKeyName() error {
	return invalid("key.name", validation.KindDuplicate, "A key with this [key.name] already exists.")
}

// createKeyFreeName stores k in tx under the first of names that no other
// key has. The engine names the keys it makes by itself after their tenant,
// and the name can be taken (a rotated tenant's earlier key, another tenant
// that had this one's name); such a create must not fail for it, so the
// last name holds k's id, which no other key's name holds but by design.
// The store's refusal of a name leaves tx usable (stores take a savepoint
// where a failed statement would abort it).
func createKeyFreeName(ctx context.Context, tx Store, k *SigningKey, names ...string) error {
	var err error
	for _, name := range names {
		k.Name = name
		if err = tx.CreateKey(ctx, k); !isDuplicateKeyName(err) {
			return err
		}
	}
	return err
}

// tenantKeyName is prefix, the tenant's name and suffix, the name cut so
// that the whole fits in validation.MaxIndexedLength characters: a rename
// may send back the name the key has (tenant names are as long).
func tenantKeyName(prefix, tenantName, suffix string) string {
	return validation.FitIndexed(prefix, tenantName, suffix)
}

// DeleteKey removes a signing key; tokens it signed stop verifying at once.
// A key that a tenant signs with is refused (ErrKeyInUse): rotate first.
func (e *Engine) DeleteKey(ctx context.Context, id string) error {
	if err := requireGlobal(ctx); err != nil {
		return err
	}
	id = strings.ToLower(id) // as CreateSigningKey stores it
	return e.inTx(ctx, func(ctx context.Context, tx Store) error {
		// Lock order (PostgreSQL locks every row a transaction reads): the
		// tenants and applications before the key, as a tenant's or an
		// application's update locks it and then the key it names. Locked
		// after the key, the delete and such an update deadlocked in most
		// races, and either answered 409.
		tenants, err := tx.ListTenants(ctx)
		if err != nil {
			return err
		}
		apps, err := tx.ListApplications(ctx, "")
		if err != nil {
			return err
		}
		if _, err := tx.GetKey(ctx, id); err != nil {
			return err
		}
		for _, t := range tenants {
			if t.JWTConfiguration.AccessTokenKeyID == id {
				return &KeyInUseError{KeyID: id, TenantID: t.ID}
			}
		}
		for _, a := range apps {
			// Named, enabled or not: enabling the configuration later
			// would sign with a key that is gone.
			if a.JWTConfiguration != nil && a.JWTConfiguration.AccessTokenKeyID == id {
				return &KeyInUseError{KeyID: id, TenantID: a.TenantID, ApplicationID: a.ID}
			}
		}
		return tx.DeleteKey(ctx, id)
	})
}

// newSigningKey generates key material, and for an asymmetric key its
// self-signed certificate naming issuer; it stores nothing.
func (e *Engine) newSigningKey(algorithm, name string, length int, issuer string) (*SigningKey, error) {
	k := &SigningKey{ID: e.newID(), Name: name, Algorithm: algorithm, InsertInstant: e.instant()}
	var priv crypto.Signer
	switch {
	case isHMAC(algorithm):
		k.Secret = make([]byte, hmacSecretBytes(algorithm))
		if _, err := io.ReadFull(e.random, k.Secret); err != nil {
			return nil, fmt.Errorf("authcore: generate key: %w", err)
		}
		return k, nil
	case isRSA(algorithm):
		bits := length
		if bits == 0 {
			bits = rsaBits
		}
		p, err := rsa.GenerateKey(e.random, bits)
		if err != nil {
			return nil, fmt.Errorf("authcore: generate key: %w", err)
		}
		priv = p
	case ecCurve(algorithm) != nil:
		p, err := ecdsa.GenerateKey(ecCurve(algorithm), e.random)
		if err != nil {
			return nil, fmt.Errorf("authcore: generate key: %w", err)
		}
		priv = p
	case algorithm == AlgEdDSA:
		_, p, err := ed25519.GenerateKey(e.random)
		if err != nil {
			return nil, fmt.Errorf("authcore: generate key: %w", err)
		}
		priv = p
	default:
		return nil, invalid("key.algorithm", "invalid", fmt.Sprintf("The [key.algorithm] property must be one of [%s]; it was [%s].", strings.Join(supportedAlgorithms(), ", "), excerpt.Of(algorithm)))
	}
	var err error
	if k.Secret, err = x509.MarshalPKCS8PrivateKey(priv); err != nil {
		return nil, fmt.Errorf("authcore: encode key: %w", err)
	}
	if k.PublicKey, err = x509.MarshalPKIXPublicKey(priv.Public()); err != nil {
		return nil, fmt.Errorf("authcore: encode key: %w", err)
	}
	if k.Certificate, err = selfSignedCertificate(e.random, algorithm, priv, issuer, time.UnixMilli(k.InsertInstant)); err != nil {
		return nil, err
	}
	return k, nil
}

func supportedAlgorithms() []string {
	return []string{AlgHS256, AlgHS384, AlgHS512, AlgRS256, AlgRS384, AlgRS512, AlgES256, AlgES384, AlgES512, AlgEdDSA}
}

// signingMaterial returns what go-jose signs with for k: the HMAC secret or
// the parsed private key. The key's stored algorithm decides, never a token.
func signingMaterial(k *SigningKey) (jose.SignatureAlgorithm, any, error) {
	alg := jose.SignatureAlgorithm(k.Algorithm)
	if isHMAC(k.Algorithm) {
		if len(k.Secret) == 0 {
			return "", nil, fmt.Errorf("authcore: key %s has no secret", k.ID)
		}
		return alg, k.Secret, nil
	}
	if len(k.Secret) == 0 {
		// An imported public key or certificate: it verifies tokens but
		// cannot sign them. Tenants and applications may not choose it;
		// this is for one that was made to, behind the engine's back.
		return "", nil, fmt.Errorf("authcore: key %s has no private key: it can verify tokens but not sign them", k.ID)
	}
	priv, err := x509.ParsePKCS8PrivateKey(k.Secret)
	if err != nil {
		return "", nil, fmt.Errorf("authcore: key %s: private key: %w", k.ID, err)
	}
	if err := matchKeyType(k.Algorithm, priv); err != nil {
		return "", nil, fmt.Errorf("authcore: key %s: %w", k.ID, err)
	}
	return alg, priv, nil
}

// canSign reports whether k can sign tokens: it has its HMAC secret or its
// private key. A key imported as a public key or certificate alone only
// verifies.
func (k *SigningKey) canSign() bool { return len(k.Secret) > 0 }

// cannotSignMessage is the refusal of a key that cannot sign, chosen at path
// to sign tokens.
func cannotSignMessage(path string, k *SigningKey) string {
	return fmt.Sprintf("The [%s] property names the key [%s], which has no private key: it verifies tokens but cannot sign them. Import it with its [key.privateKey], or choose another key.", path, k.ID)
}

// verificationMaterial returns what go-jose verifies with for k: the HMAC
// secret or the public key.
func verificationMaterial(k *SigningKey) (jose.SignatureAlgorithm, any, error) {
	alg := jose.SignatureAlgorithm(k.Algorithm)
	if isHMAC(k.Algorithm) {
		if len(k.Secret) == 0 {
			return "", nil, fmt.Errorf("authcore: key %s has no secret", k.ID)
		}
		return alg, k.Secret, nil
	}
	pub, err := x509.ParsePKIXPublicKey(k.PublicKey)
	if err != nil {
		return "", nil, fmt.Errorf("authcore: key %s: public key: %w", k.ID, err)
	}
	if err := matchKeyType(k.Algorithm, pub); err != nil {
		return "", nil, fmt.Errorf("authcore: key %s: %w", k.ID, err)
	}
	return alg, pub, nil
}

// matchKeyType checks that key is the kind algorithm needs, so a stored key
// with a wrong algorithm label cannot be used across families.
func matchKeyType(algorithm string, key any) error {
	ok := false
	switch {
	case isRSA(algorithm):
		switch k := key.(type) {
		case *rsa.PrivateKey:
			ok = true
		case *rsa.PublicKey:
			ok = k != nil
		}
	case ecCurve(algorithm) != nil:
		switch k := key.(type) {
		case *ecdsa.PrivateKey:
			ok = k.Curve == ecCurve(algorithm)
		case *ecdsa.PublicKey:
			ok = k.Curve == ecCurve(algorithm)
		}
	case algorithm == AlgEdDSA:
		switch key.(type) {
		case ed25519.PrivateKey, ed25519.PublicKey:
			ok = true
		}
	}
	if !ok {
		return fmt.Errorf("a %T is not a %s key", key, algorithm)
	}
	return nil
}

// JSONWebKeySet returns the public halves of every asymmetric signing key,
// the document served at /.well-known/jwks.json. Keys no tenant signs with
// any more are included until they are deleted, so tokens they signed keep
// verifying at relying parties; HMAC secrets are never published. A key
// with a certificate has it as its chain (x5c) with its SHA-1 and SHA-256
// thumbprints (x5t, x5t#S256), as in FusionAuth's JWKS.
func (e *Engine) JSONWebKeySet(ctx context.Context) (jose.JSONWebKeySet, error) {
	keys, err := e.store.ListKeys(ctx)
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for _, k := range keys {
		if isHMAC(k.Algorithm) {
			continue
		}
		_, pub, err := verificationMaterial(k)
		if err != nil {
			return jose.JSONWebKeySet{}, err
		}
		jwk := jose.JSONWebKey{Key: pub, KeyID: k.EffectiveKid(), Algorithm: k.Algorithm, Use: "sig"}
		if c := k.parsedCertificate(); c != nil {
			sha1Sum, sha256Sum := sha1.Sum(c.Raw), sha256.Sum256(c.Raw)
			jwk.Certificates = []*x509.Certificate{c}
			jwk.CertificateThumbprintSHA1, jwk.CertificateThumbprintSHA256 = sha1Sum[:], sha256Sum[:]
		} else if len(k.Certificate) > 0 {
			e.log.WarnContext(ctx, "signing key certificate unusable; published without it", "keyId", k.ID)
		}
		set.Keys = append(set.Keys, jwk)
	}
	return set, nil
}

// PublicKeys returns the PEM public keys of the asymmetric signing keys by
// kid (FusionAuth's Retrieve Public Keys API): SigningKey.EffectiveKid, the
// key's id unless it was imported with a kid of its own.
func (e *Engine) PublicKeys(ctx context.Context) (map[string]string, error) {
	keys, err := e.store.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, k := range keys {
		if !isHMAC(k.Algorithm) {
			out[k.EffectiveKid()] = publicKeyPEM(k)
		}
	}
	return out, nil
}

// ApplicationPublicKey returns the PEM public key that signs the access
// tokens of an application (FusionAuth's GET /api/jwt/public-key?applicationId=):
// its own key when its JWT configuration names one, else its tenant's
// access-token key. ErrNotFound when the application is unknown (or outside
// the request's tenant), or that key is HMAC or there is none yet: there is
// no public key to give.
func (e *Engine) ApplicationPublicKey(ctx context.Context, applicationID string) (string, error) {
	a, err := loadApplication(ctx, e.store, applicationID)
	if err != nil {
		return "", err
	}
	id := applicationKeyID(a)
	if id == "" {
		t, err := e.store.GetTenant(ctx, a.TenantID)
		if err != nil {
			return "", err
		}
		id = t.JWTConfiguration.AccessTokenKeyID
	}
	if id == "" {
		return "", fmt.Errorf("authcore: the tenant of application %q has no signing key yet: %w", a.ID, ErrNotFound)
	}
	k, err := e.store.GetKey(ctx, id)
	if err != nil {
		return "", err
	}
	if isHMAC(k.Algorithm) {
		return "", fmt.Errorf("authcore: application %q is signed with HMAC: %w", a.ID, ErrNotFound)
	}
	return publicKeyPEM(k), nil
}

func publicKeyPEM(k *SigningKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: k.PublicKey}))
}

// KeyInfo is a signing key as FusionAuth's Key API shows it: never the
// secret or the private key. An asymmetric key with a certificate also has
// Certificate (PEM), CertificateInformation, ExpirationInstant (the
// certificate's end, epoch milliseconds) and Issuer (its issuer's CN).
type KeyInfo struct {
	ID                     string                  `json:"id"`
	Algorithm              string                  `json:"algorithm"`
	Certificate            string                  `json:"certificate,omitempty"`
	CertificateInformation *CertificateInformation `json:"certificateInformation,omitempty"`
	ExpirationInstant      int64                   `json:"expirationInstant,omitempty"`
	HasPrivateKey          bool                    `json:"hasPrivateKey,omitempty"`
	InsertInstant          int64                   `json:"insertInstant,omitempty"`
	Issuer                 string                  `json:"issuer,omitempty"`
	Kid                    string                  `json:"kid"`
	LastUpdateInstant      int64                   `json:"lastUpdateInstant,omitempty"`
	Length                 int                     `json:"length,omitempty"`
	Name                   string                  `json:"name,omitempty"`
	PublicKey              string                  `json:"publicKey,omitempty"`
	Type                   string                  `json:"type"`
}

// Info returns the API view of k.
func (k *SigningKey) Info() KeyInfo {
	out := KeyInfo{ID: k.ID, Algorithm: k.Algorithm, InsertInstant: k.InsertInstant, Kid: k.EffectiveKid(), Name: k.Name}
	// A key never updated was last written when it was made, as FusionAuth
	// answers for one.
	out.LastUpdateInstant = cmp.Or(k.LastUpdateInstant, k.InsertInstant)
	switch {
	case isHMAC(k.Algorithm):
		out.Type = "HMAC"
		return out
	case isRSA(k.Algorithm):
		out.Type = "RSA"
		if pub, err := x509.ParsePKIXPublicKey(k.PublicKey); err == nil {
			if rk, ok := pub.(*rsa.PublicKey); ok {
				out.Length = rk.N.BitLen()
			}
		}
	case ecCurve(k.Algorithm) != nil:
		out.Type, out.Length = "EC", ecCurve(k.Algorithm).Params().BitSize
	case k.Algorithm == AlgEdDSA:
		// FusionAuth's key API names the algorithm after the curve, and
		// gives the length of its keys in bytes (its Ed25519 example
		// response: "length": 32).
		out.Type, out.Algorithm, out.Length = "OKP", "Ed25519", ed25519.PublicKeySize
	}
	out.HasPrivateKey = len(k.Secret) > 0
	out.PublicKey = publicKeyPEM(k)
	if c := k.parsedCertificate(); c != nil {
		out.Certificate = certificatePEM(c.Raw)
		out.CertificateInformation = certificateInformation(c)
		out.ExpirationInstant = c.NotAfter.UnixMilli()
		out.Issuer = c.Issuer.CommonName
	}
	return out
}

// String names the key without its material, so a key that ends up in a log
// line leaks nothing. It, Format and LogValue take a value, so that a
// SigningKey printed or logged as a value (not a pointer) does not show its
// fields, Secret among them, either.
func (k SigningKey) String() string {
	return fmt.Sprintf("SigningKey{%s %s %q}", k.ID, k.Algorithm, k.Name)
}

// Format makes every verb, %#v and %x included, print String.
func (k SigningKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue is String for slog.
func (k SigningKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// FormerSigner is an entry of SigningKey.FormerTenants or
// FormerApplications: the tenant's or the application's id and its
// InsertInstant, which tells it from a later one created under the same id
// once it was deleted (ids may be chosen by callers). The deletes leave the
// entry in place, as they take no key's lock; it stands for nobody once its
// InsertInstant is no longer the one stored under its id.
//
// InsertInstant is 0 in an entry stored before it was recorded (the entry
// was then a bare id, which UnmarshalJSON still reads): such an entry
// stands only for tokens issued no earlier than the second the current
// tenant or application was created (signsForTenant).
type FormerSigner struct {
	ID            string
	InsertInstant int64
}

// UnmarshalJSON reads the entry as stored, or a bare id as stored before
// the entries had an InsertInstant.
func (f *FormerSigner) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*f = FormerSigner{}
		return json.Unmarshal(b, &f.ID)
	}
	type plain FormerSigner // without this method
	return json.Unmarshal(b, (*plain)(f))
}
