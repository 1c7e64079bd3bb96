package authcore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/authcore/authcore/validation"
	"github.com/go-jose/go-jose/v4"
)

// Authentication types (the authenticationType claim).
const (
	AuthenticationTypeTwitter      = "TWITTER"
	AuthenticationTypeRefreshToken = "REFRESH_TOKEN"
	// AuthenticationTypeJWTSSO: a valid access token of one application was
	// exchanged for one of another (GET /api/jwt/issue).
	AuthenticationTypeJWTSSO = "JWT_SSO"
	// AuthenticationTypeRegistration: the token of a registration's create
	// answer (the User Registration API, alone or with its user).
	AuthenticationTypeRegistration = "REGISTRATION"
)

// Token errors. Each matches ErrUnauthorized through errors.Is as well, so a
// caller that only cares "may this request go on" tests that one.
var (
	// ErrTokenInvalid: the token is malformed, its signature does not verify,
	// its key is unknown or deleted, or its algorithm is not its key's.
	ErrTokenInvalid error = &unauthorizedError{"authcore: invalid token"}
	// ErrTokenExpired: the token was valid but its exp has passed. Errors
	// that match it are *TokenExpiredError, which carries the instant.
	ErrTokenExpired error = &unauthorizedError{"authcore: token expired"}
)

// unauthorizedError is a sentinel that is also an ErrUnauthorized.
type unauthorizedError struct{ msg string }

func (e *unauthorizedError) Error() string { return e.msg }

func (e *unauthorizedError) Is(target error) bool { return target == ErrUnauthorized }

// TokenExpiredError says when a refused token expired.
type TokenExpiredError struct {
	Expiry time.Time
}

func (e *TokenExpiredError) Error() string {
	return fmt.Sprintf("authcore: token expired at %s", e.Expiry.UTC().Format(time.RFC3339))
}

// Is makes errors.Is match ErrTokenExpired and ErrUnauthorized.
func (e *TokenExpiredError) Is(target error) bool {
	return target == ErrTokenExpired || target == ErrUnauthorized
}

// tokenInvalid wraps ErrTokenInvalid with the reason (for logs; the reason
// never includes key material or the token).
func tokenInvalid(reason string) error {
	return fmt.Errorf("%w: %s", ErrTokenInvalid, reason)
}

// TokenRequest describes the access token of one login or refresh.
type TokenRequest struct {
	Tenant             *Tenant
	Application        *Application
	User               *User
	Registration       *UserRegistration // nil when the user is not registered to Application
	AuthenticationType string            // e.g. "TWITTER", "REFRESH_TOKEN"
	RefreshTokenID     string            // "sid" claim; "" when none
	AuthTime           int64             // epoch seconds of the original authentication; 0 = now
	// expiresAt, when set, is the token's exp (epoch seconds) instead of
	// now plus the lifetime: IssueJWT's token ends with the one it replaces.
	expiresAt int64
	// ttl, when set, is the token's lifetime instead of the tenant's or the
	// application's (a refresh's timeToLiveInSeconds). It is counted from
	// the token's own iat, so that exp - iat is exactly the lifetime asked
	// for.
	ttl time.Duration
}

// accessClaims are the claims of an access token (SPEC §7), in a struct so
// that the JSON is built without a map and in a stable order.
type accessClaims struct {
	Audience           string    `json:"aud"`
	Expiry             int64     `json:"exp"`
	IssuedAt           int64     `json:"iat"`
	Issuer             string    `json:"iss"`
	Subject            string    `json:"sub"`
	JTI                string    `json:"jti"`
	AuthenticationType string    `json:"authenticationType"`
	Email              string    `json:"email,omitempty"`
	EmailVerified      *bool     `json:"email_verified,omitempty"`
	PreferredUsername  string    `json:"preferred_username,omitempty"`
	ApplicationID      string    `json:"applicationId,omitempty"`
	Roles              *[]string `json:"roles,omitempty"`
	AuthTime           int64     `json:"auth_time"`
	SID                string    `json:"sid,omitempty"`
	TenantID           string    `json:"tid"`
}

// IssueAccessToken signs an access token (JWT) with the tenant's signing key
// (created on first use when the tenant has none: HS256, FusionAuth's
// default; the tenant's jwtConfiguration.accessTokenKeyId is then set). s is
// the store to use (a tx-bound store inside a transaction, or e.Store()).
// Returns the compact JWT and its expiry instant in epoch milliseconds
// (tokenExpirationInstant).
func (e *Engine) IssueAccessToken(ctx context.Context, s Store, req TokenRequest) (token string, expirationInstant int64, err error) {
	return e.issueAccessToken(ctx, s, nil, req)
}

// issueAccessToken is IssueAccessToken, reading the signing key through cfg
// (only keeping it there when s is the engine's store, see cachedInTx).
func (e *Engine) issueAccessToken(ctx context.Context, s Store, cfg *configSnapshot, req TokenRequest) (token string, expirationInstant int64, err error) {
	if req.Tenant == nil || req.Application == nil || req.User == nil {
		return "", 0, errors.New("authcore: IssueAccessToken needs a tenant, an application and a user")
	}
	key, err := e.accessTokenKey(ctx, s, cfg, req.Tenant, req.Application)
	if err != nil {
		return "", 0, err
	}
	now := e.now()
	ttl := accessTokenTTL(req.Tenant, req.Application)
	if req.ttl > 0 {
		ttl = req.ttl
	}
	exp := now.Add(ttl)
	if req.expiresAt != 0 {
		exp = time.Unix(req.expiresAt, 0)
	}
	c := accessClaims{
		Audience:           req.Application.ID,
		Expiry:             exp.Unix(),
		IssuedAt:           now.Unix(),
		Issuer:             req.Tenant.Issuer,
		Subject:            req.User.ID,
		JTI:                e.newID(),
		AuthenticationType: req.AuthenticationType,
		Email:              req.User.Email,
		PreferredUsername:  req.User.Username,
		AuthTime:           req.AuthTime,
		SID:                req.RefreshTokenID,
		TenantID:           req.Tenant.ID,
	}
	if c.AuthTime == 0 {
		c.AuthTime = now.Unix()
	}
	if req.User.Email != "" {
		v := req.User.Verified
		c.EmailVerified = &v
	}
	if req.Registration != nil {
		// applicationId, as roles, only for a registered user (FusionAuth's
		// claims reference): it asserts authorization to the application,
		// which aud, the audience, does not.
		c.ApplicationID = req.Application.ID
		roles := append([]string{}, req.Registration.Roles...)
		c.Roles = &roles
	}
	signer, err := e.keyCache.signer(key)
	if err != nil {
		return "", 0, err
	}
	buf := claimsBuffers.Get().(*[]byte)
	payload := c.appendJSON((*buf)[:0])
	token, err = signer.compact(payload)
	if cap(payload) <= 64<<10 { // a token with a huge role list keeps its buffer to itself
		*buf = payload
		claimsBuffers.Put(buf)
	}
	if err != nil {
		return "", 0, err
	}
	// The instant is exp exactly (whole seconds), so the body and the token
	// agree.
	return token, exp.Unix() * 1000, nil
}

// accessTokenTTL is the tenant's access-token lifetime, or the application's
// when its override is enabled.
func accessTokenTTL(t *Tenant, a *Application) time.Duration {
	secs := t.JWTConfiguration.TimeToLiveInSeconds
	if o := a.JWTConfiguration; o != nil && o.Enabled && o.TimeToLiveInSeconds > 0 {
		secs = o.TimeToLiveInSeconds
	}
	if secs <= 0 {
		secs = 3600
	}
	return time.Duration(secs) * time.Second
}

// tenantSigningKey returns the key the tenant signs with, creating an HS256
// key on first use. The creation runs in a transaction of s (the caller's own
// when s is tx-bound) that re-reads the tenant, so two first logins that race
// end with one key: the loser re-reads it or, in a store that detects the
// conflict, fails with ErrConflict and is retried by its caller.
// accessTokenKey is the key that signs app's access tokens: its own when
// its JWT configuration is enabled and names one, else its tenant's.
func (e *Engine) accessTokenKey(ctx context.Context, s Store, cfg *configSnapshot, t *Tenant, app *Application) (*SigningKey, error) {
	id := applicationKeyID(app)
	if id == "" {
		return e.tenantSigningKey(ctx, s, cfg, t)
	}
	// Not the caller's fault when it is gone: DeleteKey refuses a key an
	// application names, so the store was changed behind the engine's back.
	return e.namedSigningKey(ctx, s, cfg, id, "application", app.ID)
}

// namedSigningKey reads the key a tenant or an application (ownerKind and
// ownerID, for the error alone: this runs for every token) signs with,
// through the configuration cache. A key that is gone is forgotten by the
// signer cache and reported as the deployment's fault, not the caller's.
func (e *Engine) namedSigningKey(ctx context.Context, s Store, cfg *configSnapshot, id, ownerKind, ownerID string) (*SigningKey, error) {
	get := cached[*SigningKey] // configcache.go
	if s != e.store {
		get = cachedInTx[*SigningKey]
	}
	k, err := get(ctx, cfg, configKindKey, id, s.GetKey)
	if errors.Is(err, ErrNotFound) {
		e.keyCache.forget(id)
		return nil, fmt.Errorf("authcore: %s %s signs with key %s, which does not exist", ownerKind, ownerID, id)
	}
	return k, err
}

func (e *Engine) tenantSigningKey(ctx context.Context, s Store, cfg *configSnapshot, t *Tenant) (*SigningKey, error) {
	id := t.JWTConfiguration.AccessTokenKeyID
	if id == "" {
		var created *SigningKey
		err := s.InTx(ctx, func(ctx context.Context, tx Store) error {
			fresh, err := tx.GetTenant(ctx, t.ID)
			if err != nil {
				return err
			}
			if id = fresh.JWTConfiguration.AccessTokenKeyID; id != "" {
				return nil
			}
			k, err := e.newSigningKey(AlgHS256, "", 0, "")
			if err != nil {
				return err
			}
			// Key names are unique, and this name can be another key's: a
			// tenant renamed and another made with its old name, or a key
			// given it by hand. A login must not fail for that, so the
			// tenant's id, and then the key's, tell them apart.
			const prefix = "Default signing key for tenant "
			if err := createKeyFreeName(ctx, tx, k,
				tenantKeyName(prefix, fresh.Name, ""),
				tenantKeyName(prefix, fresh.Name, " ("+fresh.ID+")"),
				tenantKeyName(prefix, fresh.Name, " ("+k.ID+")"),
			); err != nil {
				return err
			}
			fresh.JWTConfiguration.AccessTokenKeyID = k.ID
			fresh.LastUpdateInstant = e.instant()
			if err := tx.UpdateTenant(ctx, fresh); err != nil {
				return err
			}
			created = k
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("authcore: tenant signing key: %w", err)
		}
		if created != nil {
			e.log.InfoContext(ctx, "tenant signing key created", "tenantId", t.ID, "keyId", created.ID, "algorithm", created.Algorithm)
			return created, nil
		}
	}
	return e.namedSigningKey(ctx, s, cfg, id, "tenant", t.ID)
}

// tokenSigner is a go-jose signer and the protected header it writes.
//
// go-jose's CompactSerialize encodes the protected header to JSON again and
// the payload to base64 again, work Sign has just done: a third of a token's
// cost. The header a signer writes depends only on the signer (alg, kid and
// typ, in go-jose's sorted key order), so it is encoded once, from go-jose's
// own output, and each token is the cached header, the payload and the
// signature go-jose computed over that same header and payload. A signer
// whose header is not the same on every call falls back to CompactSerialize.
type tokenSigner struct {
	signer jose.Signer
	header string // base64url protected header; "" to use CompactSerialize
}

// newTokenSigner wraps s, learning its header from two probe tokens.
func newTokenSigner(s jose.Signer) (*tokenSigner, error) {
	ts := &tokenSigner{signer: s}
	var headers [2]string
	for i, probe := range []string{`{"probe":1}`, `{"probe":2}`} {
		obj, err := s.Sign([]byte(probe))
		if err != nil {
			return nil, fmt.Errorf("authcore: sign: %w", err)
		}
		compact, err := obj.CompactSerialize()
		if err != nil {
			return nil, fmt.Errorf("authcore: sign: %w", err)
		}
		headers[i], _, _ = strings.Cut(compact, ".")
	}
	if headers[0] == headers[1] {
		ts.header = headers[0]
	}
	return ts, nil
}

// compact signs payload and returns the compact JWS.
func (ts *tokenSigner) compact(payload []byte) (string, error) {
	obj, err := ts.signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("authcore: sign: %w", err)
	}
	if ts.header == "" || len(obj.Signatures) != 1 {
		return obj.CompactSerialize()
	}
	sig := obj.Signatures[0].Signature
	enc := base64.RawURLEncoding
	var b strings.Builder
	b.Grow(len(ts.header) + enc.EncodedLen(len(payload)) + enc.EncodedLen(len(sig)) + 2)
	b.WriteString(ts.header)
	b.WriteByte('.')
	appendBase64(&b, payload)
	b.WriteByte('.')
	appendBase64(&b, sig)
	return b.String(), nil
}

// appendBase64 writes src to b in unpadded base64url, through a stack
// buffer, so that the token is built in one allocation.
func appendBase64(b *strings.Builder, src []byte) {
	var buf [256]byte // encodes 192 bytes: whole 3-byte groups until the end
	for len(src) > 0 {
		n := min(len(src), 192)
		base64.RawURLEncoding.Encode(buf[:], src[:n])
		b.Write(buf[:base64.RawURLEncoding.EncodedLen(n)])
		src = src[n:]
	}
}

// keyCache keeps, per signing-key id, the go-jose signer and the parsed
// verification key built from that key's stored bytes, so that a token does
// not parse a PKCS#8 or PKIX key and build a signer every time.
//
// The store stays the source of truth: every use still reads the key from the
// store (the caller does), and an entry is used only when the stored
// algorithm and bytes are the ones it was built from. Key ids are not
// forever: a deleted key's id can be given to a new key (NewKey.ID), on this
// instance or on another one sharing the database, so the id alone would not
// be a safe cache key. A deleted key fails the store read before the cache is
// consulted, so no instance signs or verifies with it, whatever it cached.
type keyCache struct {
	signers   sync.Map // key id → *cachedSigner
	verifiers sync.Map // key id → *cachedVerifier
}

// cachedSigner is a go-jose signer and the stored bytes it was built from.
// A go-jose signer may be shared: Sign only reads the signer (it builds each
// header in a fresh map), and HMAC, crypto/rsa, crypto/ecdsa and
// crypto/ed25519 keys are safe for concurrent use once parsed (x509's parsers
// precompute the RSA values).
type cachedSigner struct {
	algorithm string
	kid       string
	secret    []byte
	signer    *tokenSigner
}

// cachedVerifier is the parsed public key of an asymmetric key and the stored
// bytes it was parsed from.
type cachedVerifier struct {
	algorithm string
	public    []byte
	key       any
}

// signer returns the signer of k, from the cache when k's stored bytes are
// the cached ones. k must have just been read from the store.
func (c *keyCache) signer(k *SigningKey) (*tokenSigner, error) {
	if v, ok := c.signers.Load(k.ID); ok {
		if cs := v.(*cachedSigner); cs.algorithm == k.Algorithm && cs.kid == k.EffectiveKid() && bytes.Equal(cs.secret, k.Secret) {
			return cs.signer, nil
		}
	}
	// The signer keeps the HMAC secret it is given: give it a copy nobody
	// else holds, and compare later reads against that same copy.
	own := *k
	own.Secret = bytes.Clone(k.Secret)
	alg, material, err := signingMaterial(&own)
	if err != nil {
		return nil, err
	}
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), k.EffectiveKid())
	js, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: material}, opts)
	if err != nil {
		return nil, fmt.Errorf("authcore: signer: %w", err)
	}
	s, err := newTokenSigner(js)
	if err != nil {
		return nil, err
	}
	c.signers.Store(k.ID, &cachedSigner{algorithm: k.Algorithm, kid: k.EffectiveKid(), secret: own.Secret, signer: s})
	return s, nil
}

// verificationKey returns what go-jose verifies with for k, parsing an
// asymmetric key's public half only when its stored bytes changed. k must
// have just been read from the store.
func (c *keyCache) verificationKey(k *SigningKey) (jose.SignatureAlgorithm, any, error) {
	if isHMAC(k.Algorithm) {
		return verificationMaterial(k) // the secret itself: nothing to parse
	}
	if v, ok := c.verifiers.Load(k.ID); ok {
		if cv := v.(*cachedVerifier); cv.algorithm == k.Algorithm && bytes.Equal(cv.public, k.PublicKey) {
			return jose.SignatureAlgorithm(cv.algorithm), cv.key, nil
		}
	}
	alg, pub, err := verificationMaterial(k)
	if err != nil {
		return "", nil, err
	}
	c.verifiers.Store(k.ID, &cachedVerifier{algorithm: k.Algorithm, public: bytes.Clone(k.PublicKey), key: pub})
	return alg, pub, nil
}

// forget drops what is cached for a key the store no longer has. Only
// memory is at stake: a stale entry is never used without a store read that
// finds the same bytes.
func (c *keyCache) forget(id string) {
	c.signers.Delete(id)
	c.verifiers.Delete(id)
}

// acceptedAlgorithms are the algorithms a token may name at all; the key
// named by kid then narrows it to exactly one.
var acceptedAlgorithms = []jose.SignatureAlgorithm{
	jose.HS256, jose.HS384, jose.HS512, jose.RS256, jose.RS384, jose.RS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

// ValidateAccessToken verifies token and returns its claims. The signature
// must verify with the key its kid names, and only with that key, under that
// key's algorithm (alg none, or HS256 on an RSA key's public bytes, cannot
// pass). exp is required and nbf honoured, both against the engine's clock.
// Refusals match ErrTokenInvalid or ErrTokenExpired, and ErrUnauthorized.
//
// Numbers in the claims are float64, as encoding/json decodes them into a
// map (exp, iat and auth_time among them), so an integer above 2^53 that a
// vend's claims carried comes back rounded; GET /api/jwt/validate answers
// with the token's own payload instead, which keeps it exact.
func (e *Engine) ValidateAccessToken(ctx context.Context, token string) (map[string]any, error) {
	claims, _, err := e.validateAccessToken(ctx, e.configSnapshot(ctx), token)
	return claims, err
}

// validateAccessToken is ValidateAccessToken, reading the key through cfg,
// and also returning the key the token verified with (shared through cfg:
// read, never modified). A token whose tid names a tenant outside the
// request's scope is refused like an unknown one.
func (e *Engine) validateAccessToken(ctx context.Context, cfg *configSnapshot, token string) (map[string]any, *SigningKey, error) {
	claims, key, err := e.verifyAccessToken(ctx, cfg, token)
	if err != nil {
		return nil, nil, err
	}
	if tid, ok := claims["tid"].(string); ok && !inScope(ctx, tid) {
		return nil, nil, tokenInvalid("another tenant's token")
	}
	return claims, key, nil
}

func (e *Engine) verifyAccessToken(ctx context.Context, cfg *configSnapshot, token string) (map[string]any, *SigningKey, error) {
	obj, err := jose.ParseSignedCompact(token, acceptedAlgorithms)
	if err != nil {
		return nil, nil, tokenInvalid("malformed")
	}
	if len(obj.Signatures) != 1 {
		return nil, nil, tokenInvalid("not one signature")
	}
	h := obj.Signatures[0].Header
	if h.KeyID == "" {
		return nil, nil, tokenInvalid("no kid")
	}
	if !possibleKid(h.KeyID) {
		// Not looked up: the header is not yet verified, so anyone may
		// send it, and PostgreSQL fails a lookup of U+0000 (a 500).
		return nil, nil, tokenInvalid("unknown key")
	}
	// The kid is the key's id, or the kid it was imported with
	// (SigningKey.EffectiveKid): one lookup finds either.
	k, err := cached(ctx, cfg, configKindKid, h.KeyID, e.store.GetKeyByKid) // configcache.go
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			e.keyCache.forget(h.KeyID)
			return nil, nil, tokenInvalid("unknown key")
		}
		return nil, nil, err
	}
	alg, material, err := e.keyCache.verificationKey(k)
	if err != nil {
		return nil, nil, err
	}
	if h.Algorithm != string(alg) {
		return nil, nil, tokenInvalid("algorithm does not match the key")
	}
	payload, err := obj.Verify(material)
	if err != nil {
		return nil, nil, tokenInvalid("bad signature")
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, nil, tokenInvalid("claims are not a JSON object")
	}
	if err := e.checkTimes(claims); err != nil {
		return nil, nil, err
	}
	return claims, k, nil
}

// possibleKid reports whether some stored key could have kid: a key's kid
// is its id (a UUID) or one imported with it, at most
// validation.MaxIndexedLength characters of UTF-8 without control
// characters (keyimport.go).
func possibleKid(kid string) bool {
	return utf8.ValidString(kid) && utf8.RuneCountInString(kid) <= validation.MaxIndexedLength &&
		!strings.ContainsFunc(kid, unicode.IsControl)
}

// checkTimes enforces exp (required) and nbf (when present), in seconds.
// The claims are compared as the float64s they were decoded to: converting
// one beyond int64's range to int64 is undefined in Go (amd64 gives the
// minimum), which made an nbf of 1e19 pass as long past and an exp of 1e19
// count as long expired. RFC 7519 NumericDates may also have a fraction.
func (e *Engine) checkTimes(claims map[string]any) error {
	now := float64(e.now().UnixMilli()) / 1000
	exp, ok := claims["exp"].(float64)
	if !ok {
		return tokenInvalid("no exp")
	}
	if now >= exp {
		return &TokenExpiredError{Expiry: time.UnixMilli(int64(max(exp, 0) * 1000))}
	}
	if v, present := claims["nbf"]; present {
		nbf, ok := v.(float64)
		if !ok {
			return tokenInvalid("nbf is not a number")
		}
		if now < nbf {
			return tokenInvalid("not valid yet")
		}
	}
	return nil
}

// refreshTokenBytes is the entropy of a refresh token: 384 bits, 64
// characters of base64url (FusionAuth's refresh tokens have that length).
const refreshTokenBytes = 48

// CreateRefreshToken creates and stores a refresh token (opaque, >=256 bits
// from e.random, stored as a hash) for user+application in s; returns the
// plain token and the stored record (its ID is the refreshTokenId).
func (e *Engine) CreateRefreshToken(ctx context.Context, s Store, tenant *Tenant, app *Application, user *User, metaData map[string]any) (plain string, rt *RefreshToken, err error) {
	return e.createRefreshToken(ctx, s, tenant, app, user, metaData, nil)
}

// createRefreshToken is CreateRefreshToken; a token made from another (from,
// non-nil) starts when that one started and ends as exchangedExpiry says.
func (e *Engine) createRefreshToken(ctx context.Context, s Store, tenant *Tenant, app *Application, user *User, metaData map[string]any, from *RefreshToken) (plain string, rt *RefreshToken, err error) {
	if tenant == nil || app == nil || user == nil {
		return "", nil, errors.New("authcore: CreateRefreshToken needs a tenant, an application and a user")
	}
	plain, hash, err := e.newRefreshSecret()
	if err != nil {
		return "", nil, err
	}
	now := e.instant()
	rt = &RefreshToken{
		ID:                e.newID(),
		TokenHash:         hash,
		UserID:            user.ID,
		ApplicationID:     app.ID,
		TenantID:          tenant.ID,
		StartInstant:      now,
		InsertInstant:     now,
		ExpirationInstant: refreshPolicyOf(tenant, app).expiry(now),
		MetaData:          metaData,
	}
	if from != nil {
		rt.StartInstant = from.StartInstant
		rt.ExpirationInstant = exchangedExpiry(refreshPolicyOf(tenant, app), from, now)
	}
	if err := s.CreateRefreshToken(ctx, rt); err != nil {
		return "", nil, err
	}
	return plain, rt, nil
}

// refreshPolicy is what governs one application's refresh tokens: the
// tenant's settings, each replaced by the application's when its override
// is enabled and sets it.
type refreshPolicy struct {
	usage      string
	expiration string
	ttl        time.Duration
	// max bounds a sliding window, counted from the token's start.
	max time.Duration
}

func refreshPolicyOf(t *Tenant, a *Application) refreshPolicy {
	j := t.JWTConfiguration
	p := refreshPolicy{
		usage:      j.RefreshTokenUsagePolicy,
		expiration: j.RefreshTokenExpirationPolicy,
		ttl:        time.Duration(j.RefreshTokenTimeToLiveInMinutes) * time.Minute,
		max:        time.Duration(j.RefreshTokenSlidingWindowConfiguration.MaximumTimeToLiveInMinutes) * time.Minute,
	}
	if o := a.JWTConfiguration; o != nil && o.Enabled {
		if o.RefreshTokenTimeToLiveInMinutes > 0 {
			p.ttl = time.Duration(o.RefreshTokenTimeToLiveInMinutes) * time.Minute
		}
		if o.RefreshTokenUsagePolicy != "" {
			p.usage = o.RefreshTokenUsagePolicy
		}
		if o.RefreshTokenExpirationPolicy != "" {
			p.expiration = o.RefreshTokenExpirationPolicy
			p.max = time.Duration(o.RefreshTokenSlidingWindowConfiguration.MaximumTimeToLiveInMinutes) * time.Minute
		}
	}
	if p.ttl <= 0 {
		p.ttl = 43200 * time.Minute
	}
	return p
}

// expiry is the expiration instant of a token created at now.
func (p refreshPolicy) expiry(now int64) int64 { return p.window(now, now) }

// exchangedExpiry is the expiration instant of the token an exchange (GET
// /api/jwt/issue) makes at now from the presented one, from, under the
// target application's policy p. FusionAuth's Issue API counts it from the
// presented token's creation ("share the same creation time … in regards
// to how the token expiration is calculated"): start plus the time to live
// under Fixed, a window from now capped by start plus the maximum under a
// sliding policy. Counted from now, a target application with a shorter
// lifetime than the source's got a session past its own policy. It never
// ends after from does: an exchange does not lengthen a session.
func exchangedExpiry(p refreshPolicy, from *RefreshToken, now int64) int64 {
	end := p.window(from.StartInstant, from.StartInstant)
	if p.expiration == RefreshTokenSlidingWindow || p.expiration == RefreshTokenSlidingWindowWithMaximumLifetime {
		end = p.window(from.StartInstant, now)
	}
	return min(end, from.ExpirationInstant)
}

// slide is the expiration instant a refresh at now leaves rt with: unchanged
// under Fixed, else a new window from now.
func (p refreshPolicy) slide(rt *RefreshToken, now int64) int64 {
	if p.expiration != RefreshTokenSlidingWindow && p.expiration != RefreshTokenSlidingWindowWithMaximumLifetime {
		return rt.ExpirationInstant
	}
	return p.window(rt.StartInstant, now)
}

// window is the end of a time to live counted from from, never past start
// plus the maximum lifetime when the policy has one.
func (p refreshPolicy) window(start, from int64) int64 {
	end := from + p.ttl.Milliseconds()
	if p.expiration == RefreshTokenSlidingWindowWithMaximumLifetime && p.max > 0 {
		end = min(end, start+p.max.Milliseconds())
	}
	return end
}

// newRefreshSecret returns a new plain refresh token and its hash.
func (e *Engine) newRefreshSecret() (string, []byte, error) {
	b := make([]byte, refreshTokenBytes)
	if _, err := io.ReadFull(e.random, b); err != nil {
		return "", nil, fmt.Errorf("authcore: refresh token: %w", err)
	}
	plain := base64.RawURLEncoding.EncodeToString(b)
	return plain, hashRefreshToken(plain), nil
}

// hashRefreshToken is SHA-256: the tokens are long random strings, so a fast
// hash leaks nothing a slow one would protect.
func hashRefreshToken(plain string) []byte {
	h := sha256.Sum256([]byte(plain))
	return h[:]
}
