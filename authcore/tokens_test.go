package authcore_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/testclock"
	"github.com/authcore/authcore/store/memstore"
	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tokenFixture is an engine on a memstore with one application, one
// registered user and one unregistered user in the default tenant.
type tokenFixture struct {
	t       testing.TB
	ctx     context.Context
	clock   *testclock.Clock
	engine  *authcore.Engine
	store   authcore.Store
	tenant  *authcore.Tenant
	app     *authcore.Application
	user    *authcore.User
	reg     *authcore.UserRegistration
	visitor *authcore.User // not registered to app
}

func newTokenFixture(t testing.TB) *tokenFixture {
	t.Helper()
	return newTokenFixtureOn(t, memstore.New())
}

// newTokenFixtureOn builds the fixture on store (an empty one).
func newTokenFixtureOn(t testing.TB, store authcore.Store) *tokenFixture {
	t.Helper()
	ctx := context.Background()
	f := &tokenFixture{t: t, ctx: ctx, clock: testclock.New(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)), store: store}
	var err error
	f.engine, err = authcore.New(ctx, f.store, authcore.WithClock(f.clock.Now),
		authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	tenants, err := f.store.ListTenants(ctx)
	require.NoError(t, err)
	require.Len(t, tenants, 1)
	f.tenant = tenants[0]
	now := f.clock.Now().UnixMilli()
	f.app = &authcore.Application{ID: "6a2f1c3e-7d7e-4a5e-9a43-0a5b1c2d3e4f", TenantID: f.tenant.ID, Name: "Pied Piper", Active: true,
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}, InsertInstant: now}
	require.NoError(t, f.store.CreateApplication(ctx, f.app))
	f.user = &authcore.User{ID: "11111111-2222-4333-8444-555555555555", TenantID: f.tenant.ID, Email: "richard@piedpiper.com",
		Username: "richard", Active: true, Verified: true, InsertInstant: now}
	require.NoError(t, f.store.CreateUser(ctx, f.user))
	f.reg = &authcore.UserRegistration{ID: "aaaaaaaa-2222-4333-8444-555555555555", ApplicationID: f.app.ID, UserID: f.user.ID,
		Roles: []string{"admin", "user"}, InsertInstant: now}
	require.NoError(t, f.store.CreateRegistration(ctx, f.reg))
	f.visitor = &authcore.User{ID: "22222222-2222-4333-8444-555555555555", TenantID: f.tenant.ID, Active: true, InsertInstant: now}
	require.NoError(t, f.store.CreateUser(ctx, f.visitor))
	return f
}

// reloadTenant re-reads the tenant (a key rotation changes it).
func (f *tokenFixture) reloadTenant() *authcore.Tenant {
	f.t.Helper()
	t, err := f.store.GetTenant(f.ctx, f.tenant.ID)
	require.NoError(f.t, err)
	f.tenant = t
	return t
}

func (f *tokenFixture) issue(req authcore.TokenRequest) (string, int64) {
	f.t.Helper()
	if req.Tenant == nil {
		req.Tenant = f.reloadTenant()
	}
	if req.Application == nil {
		req.Application = f.app
	}
	if req.User == nil {
		req.User, req.Registration = f.user, f.reg
	}
	if req.AuthenticationType == "" {
		req.AuthenticationType = authcore.AuthenticationTypeTwitter
	}
	tok, exp, err := f.engine.IssueAccessToken(f.ctx, f.store, req)
	require.NoError(f.t, err)
	return tok, exp
}

// segments splits a compact JWS and decodes header and payload.
func segments(t testing.TB, token string) (header, payload map[string]any, parts []string) {
	t.Helper()
	parts = strings.Split(token, ".")
	require.Len(t, parts, 3)
	for i, dst := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, dst))
	}
	return header, payload, parts
}

func TestIssueAccessTokenClaims(t *testing.T) {
	f := newTokenFixture(t)
	require.Empty(t, f.tenant.JWTConfiguration.AccessTokenKeyID, "a new tenant has no key until its first token")

	tok, exp := f.issue(authcore.TokenRequest{RefreshTokenID: "0f0e0d0c-0b0a-4908-8706-050403020100", AuthTime: 1700000000})

	tenant := f.reloadTenant()
	keyID := tenant.JWTConfiguration.AccessTokenKeyID
	require.NotEmpty(t, keyID, "the first token creates the tenant's key")
	key, err := f.store.GetKey(f.ctx, keyID)
	require.NoError(t, err)
	assert.Equal(t, authcore.AlgHS256, key.Algorithm, "FusionAuth's default")

	header, claims, _ := segments(t, tok)
	assert.Equal(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": keyID}, header)

	now := f.clock.Now().Unix()
	assert.Equal(t, (now+3600)*1000, exp, "tokenExpirationInstant is exp in ms")
	jti, _ := claims["jti"].(string)
	assert.Len(t, jti, 36)
	delete(claims, "jti")
	assert.Equal(t, map[string]any{
		"aud":                f.app.ID,
		"applicationId":      f.app.ID,
		"exp":                float64(now + 3600),
		"iat":                float64(now),
		"iss":                "acme.com",
		"sub":                f.user.ID,
		"authenticationType": "TWITTER",
		"email":              "richard@piedpiper.com",
		"email_verified":     true,
		"preferred_username": "richard",
		"roles":              []any{"admin", "user"},
		"auth_time":          float64(1700000000),
		"sid":                "0f0e0d0c-0b0a-4908-8706-050403020100",
		"tid":                f.tenant.ID,
	}, claims)

	// The second token reuses the key.
	tok2, _ := f.issue(authcore.TokenRequest{})
	h2, _, _ := segments(t, tok2)
	assert.Equal(t, keyID, h2["kid"])
	keys, err := f.store.ListKeys(f.ctx)
	require.NoError(t, err)
	assert.Len(t, keys, 1)
}

func TestIssueAccessTokenOptionalClaims(t *testing.T) {
	f := newTokenFixture(t)
	tests := []struct {
		name    string
		user    *authcore.User
		reg     *authcore.UserRegistration
		present []string
		absent  []string
	}{
		{"registered without roles", f.user, &authcore.UserRegistration{ApplicationID: f.app.ID, UserID: f.user.ID}, []string{"roles", "email", "email_verified", "preferred_username"}, []string{"sid"}},
		{"not registered, no email or username", f.visitor, nil, nil, []string{"roles", "email", "email_verified", "preferred_username", "sid"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, _ := f.issue(authcore.TokenRequest{User: tc.user, Registration: tc.reg})
			_, claims, _ := segments(t, tok)
			for _, c := range tc.present {
				assert.Contains(t, claims, c)
			}
			for _, c := range tc.absent {
				assert.NotContains(t, claims, c)
			}
			assert.Equal(t, float64(f.clock.Now().Unix()), claims["auth_time"], "auth_time defaults to now")
			if tc.reg != nil {
				assert.Equal(t, []any{}, claims["roles"], "a registration without roles still says so")
			}
		})
	}
}

func TestAccessTokenLifetime(t *testing.T) {
	tests := []struct {
		name      string
		tenantTTL int
		override  *authcore.ApplicationJWTOverrides
		want      int64
	}{
		{"tenant", 600, nil, 600},
		{"application override", 600, &authcore.ApplicationJWTOverrides{Enabled: true, TimeToLiveInSeconds: 60}, 60},
		{"disabled override", 600, &authcore.ApplicationJWTOverrides{Enabled: false, TimeToLiveInSeconds: 60}, 600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newTokenFixture(t)
			tenant := f.reloadTenant()
			tenant.JWTConfiguration.TimeToLiveInSeconds = tc.tenantTTL
			require.NoError(t, f.store.UpdateTenant(f.ctx, tenant))
			app := *f.app
			app.JWTConfiguration = tc.override
			tok, exp := f.issue(authcore.TokenRequest{Application: &app})
			_, claims, _ := segments(t, tok)
			now := f.clock.Now().Unix()
			assert.Equal(t, float64(now+tc.want), claims["exp"])
			assert.Equal(t, (now+tc.want)*1000, exp)
		})
	}
}

var algorithms = []string{authcore.AlgHS256, authcore.AlgRS256, authcore.AlgES256, authcore.AlgEdDSA}

// allAlgorithms are every algorithm FusionAuth's Key API generates.
var allAlgorithms = []string{
	authcore.AlgHS256, authcore.AlgHS384, authcore.AlgHS512, authcore.AlgRS256, authcore.AlgRS384, authcore.AlgRS512,
	authcore.AlgES256, authcore.AlgES384, authcore.AlgES512, authcore.AlgEdDSA,
}

// independentKey is the verification key for alg as golang-jwt wants it,
// built from the stored key's bytes.
func independentKey(t *testing.T, k *authcore.SigningKey) any {
	t.Helper()
	if strings.HasPrefix(k.Algorithm, "HS") {
		return k.Secret
	}
	pub, err := x509.ParsePKIXPublicKey(k.PublicKey)
	require.NoError(t, err)
	return pub
}

func TestTokensVerifyWithIndependentLibraries(t *testing.T) {
	for _, alg := range allAlgorithms {
		t.Run(alg, func(t *testing.T) {
			f := newTokenFixture(t)
			key, err := f.engine.RotateTenantKey(f.ctx, f.tenant.ID, alg)
			require.NoError(t, err)
			tok, _ := f.issue(authcore.TokenRequest{})

			// golang-jwt, restricted to the one algorithm, on the engine's clock.
			parsed, err := jwt.Parse(tok, func(tk *jwt.Token) (any, error) {
				assert.Equal(t, key.ID, tk.Header["kid"])
				return independentKey(t, key), nil
			}, jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(f.clock.Now),
				jwt.WithAudience(f.app.ID), jwt.WithIssuer("acme.com"), jwt.WithExpirationRequired())
			require.NoError(t, err)
			sub, err := parsed.Claims.GetSubject()
			require.NoError(t, err)
			assert.Equal(t, f.user.ID, sub)

			// Our own verifier agrees.
			claims, err := f.engine.ValidateAccessToken(f.ctx, tok)
			require.NoError(t, err)
			assert.Equal(t, f.user.ID, claims["sub"])

			// Asymmetric keys: a relying party that only has the JWKS document.
			set, err := f.engine.JSONWebKeySet(f.ctx)
			require.NoError(t, err)
			doc, err := json.Marshal(set)
			require.NoError(t, err)
			var jwks jose.JSONWebKeySet
			require.NoError(t, json.Unmarshal(doc, &jwks))
			if strings.HasPrefix(alg, "HS") {
				assert.Empty(t, jwks.Keys, "an HMAC secret is never published")
				assert.NotContains(t, string(doc), base64.RawURLEncoding.EncodeToString(key.Secret))
				return
			}
			found := jwks.Key(key.ID)
			require.Len(t, found, 1)
			jwk := found[0]
			assert.True(t, jwk.IsPublic())
			assert.Equal(t, alg, jwk.Algorithm)
			assert.Equal(t, "sig", jwk.Use)
			assert.NotContains(t, string(doc), `"d":`, "no private part")
			obj, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
			require.NoError(t, err)
			payload, err := obj.Verify(jwk)
			require.NoError(t, err)
			var c map[string]any
			require.NoError(t, json.Unmarshal(payload, &c))
			assert.Equal(t, f.user.ID, c["sub"])
			// And golang-jwt with the key taken from the JWKS.
			_, err = jwt.Parse(tok, func(*jwt.Token) (any, error) { return jwk.Key, nil },
				jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(f.clock.Now))
			require.NoError(t, err)
		})
	}
}

// hs256 signs a token by hand, the way an attacker would.
func hs256(t *testing.T, header, claims map[string]any, secret []byte) string {
	t.Helper()
	signingInput := encodeSegment(t, header) + "." + encodeSegment(t, claims)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(signingInput))
	return signingInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func encodeSegment(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestValidateAccessTokenRefusals(t *testing.T) {
	f := newTokenFixture(t)
	hsTok, _ := f.issue(authcore.TokenRequest{})
	hsKeyID := f.reloadTenant().JWTConfiguration.AccessTokenKeyID
	hsKey, err := f.store.GetKey(f.ctx, hsKeyID)
	require.NoError(t, err)
	rsaKey, err := f.engine.RotateTenantKey(f.ctx, f.tenant.ID, authcore.AlgRS256)
	require.NoError(t, err)
	rsTok, _ := f.issue(authcore.TokenRequest{})
	_, claims, parts := segments(t, rsTok)
	rsaPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: rsaKey.PublicKey})

	otherRSA, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	otherEC, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	_, otherEd, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	signWith := func(method jwt.SigningMethod, kid string, key any, mutate func(jwt.MapClaims)) string {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		if mutate != nil {
			mutate(c)
		}
		tk := jwt.NewWithClaims(method, c)
		tk.Header["kid"] = kid
		s, err := tk.SignedString(key)
		require.NoError(t, err)
		return s
	}
	tampered := func() string {
		c := map[string]any{}
		for k, v := range claims {
			c[k] = v
		}
		c["roles"] = []string{"admin", "superuser"}
		return parts[0] + "." + encodeSegment(t, c) + "." + parts[2]
	}()
	future := float64(f.clock.Now().Add(time.Hour).Unix())

	tests := []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"garbage", "not.a.jwt"},
		{"two segments", parts[0] + "." + parts[1]},
		{"alg none", encodeSegment(t, map[string]any{"alg": "none", "typ": "JWT", "kid": rsaKey.ID}) + "." + parts[1] + "."},
		{"alg none, unsigned HS256 kid", encodeSegment(t, map[string]any{"alg": "none", "kid": hsKeyID}) + "." + parts[1] + "."},
		{"HS256 with the RSA public key PEM as secret", hs256(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": rsaKey.ID}, claims, rsaPEM)},
		{"HS256 with the RSA public key DER as secret", hs256(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": rsaKey.ID}, claims, rsaKey.PublicKey)},
		{"signed by another RSA key", signWith(jwt.SigningMethodRS256, rsaKey.ID, otherRSA, nil)},
		{"signed by another HMAC secret", signWith(jwt.SigningMethodHS256, hsKeyID, []byte("0123456789abcdef0123456789abcdef"), nil)},
		{"ES256 under an RSA kid", signWith(jwt.SigningMethodES256, rsaKey.ID, otherEC, nil)},
		{"EdDSA under an RSA kid", signWith(jwt.SigningMethodEdDSA, rsaKey.ID, otherEd, nil)},
		{"RS384 by the right key", signWith(jwt.SigningMethodRS384, rsaKey.ID, mustPrivate(t, rsaKey), nil)},
		{"HS512 by the right secret", signWith(jwt.SigningMethodHS512, hsKeyID, hsKey.Secret, nil)},
		{"modified payload", tampered},
		{"unknown kid", signWith(jwt.SigningMethodHS256, "7b2c7c9e-0000-4000-8000-000000000000", hsKey.Secret, nil)},
		{"no kid", signWith(jwt.SigningMethodHS256, "", hsKey.Secret, nil)},
		{"no exp", signWith(jwt.SigningMethodHS256, hsKeyID, hsKey.Secret, func(c jwt.MapClaims) { delete(c, "exp") })},
		{"exp not a number", signWith(jwt.SigningMethodHS256, hsKeyID, hsKey.Secret, func(c jwt.MapClaims) { c["exp"] = "tomorrow" })},
		{"not valid before", signWith(jwt.SigningMethodHS256, hsKeyID, hsKey.Secret, func(c jwt.MapClaims) { c["nbf"] = future })},
		{"JWS JSON serialization", `{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.engine.ValidateAccessToken(f.ctx, tc.token)
			require.Error(t, err)
			assert.ErrorIs(t, err, authcore.ErrTokenInvalid)
			assert.ErrorIs(t, err, authcore.ErrUnauthorized)
			assert.NotErrorIs(t, err, authcore.ErrTokenExpired)
		})
	}

	// Control: the genuine tokens pass, so the refusals above are not a
	// broken verifier.
	for _, tok := range []string{hsTok, rsTok, signWith(jwt.SigningMethodHS256, hsKeyID, hsKey.Secret, nil)} {
		_, err := f.engine.ValidateAccessToken(f.ctx, tok)
		require.NoError(t, err)
	}
}

// TestValidateAccessTokenFarTimes: exp and nbf beyond int64's range are
// compared as the numbers they are. Converted to int64 they wrapped to its
// minimum on amd64, so an nbf of 1e19 (not valid for aeons) passed and an
// exp of 1e19 (valid for aeons) was refused as expired.
func TestValidateAccessTokenFarTimes(t *testing.T) {
	f := newTokenFixture(t)
	tok, _ := f.issue(authcore.TokenRequest{})
	_, claims, _ := segments(t, tok)
	hsKey, err := f.store.GetKey(f.ctx, f.reloadTenant().JWTConfiguration.AccessTokenKeyID)
	require.NoError(t, err)
	sign := func(mutate func(jwt.MapClaims)) string {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		mutate(c)
		tk := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
		tk.Header["kid"] = hsKey.ID
		s, err := tk.SignedString(hsKey.Secret)
		require.NoError(t, err)
		return s
	}
	now := float64(f.clock.Now().Unix())

	for _, nbf := range []float64{1e19, 9223372036854775807, 1e300, now + 0.5} {
		_, err := f.engine.ValidateAccessToken(f.ctx, sign(func(c jwt.MapClaims) { c["nbf"] = nbf }))
		assert.ErrorIs(t, err, authcore.ErrTokenInvalid, "nbf %g is in the future", nbf)
	}
	for _, exp := range []float64{1e19, 9223372036854775807, 1e300, now + 0.5} {
		_, err := f.engine.ValidateAccessToken(f.ctx, sign(func(c jwt.MapClaims) { c["exp"] = exp }))
		assert.NoError(t, err, "exp %g is in the future", exp)
	}
	for _, exp := range []float64{-1e19, now - 0.5, now} {
		_, err := f.engine.ValidateAccessToken(f.ctx, sign(func(c jwt.MapClaims) { c["exp"] = exp }))
		assert.ErrorIs(t, err, authcore.ErrTokenExpired, "exp %g has passed", exp)
	}
	_, err = f.engine.ValidateAccessToken(f.ctx, sign(func(c jwt.MapClaims) { c["nbf"] = -1e19 }))
	assert.NoError(t, err, "an nbf long past")
}

func mustPrivate(t *testing.T, k *authcore.SigningKey) any {
	t.Helper()
	p, err := x509.ParsePKCS8PrivateKey(k.Secret)
	require.NoError(t, err)
	return p
}

func TestValidateAccessTokenExpiry(t *testing.T) {
	f := newTokenFixture(t)
	tok, exp := f.issue(authcore.TokenRequest{})

	f.clock.Advance(3599 * time.Second)
	_, err := f.engine.ValidateAccessToken(f.ctx, tok)
	require.NoError(t, err, "one second before exp")

	f.clock.Advance(time.Second)
	_, err = f.engine.ValidateAccessToken(f.ctx, tok)
	require.Error(t, err)
	assert.ErrorIs(t, err, authcore.ErrTokenExpired)
	assert.ErrorIs(t, err, authcore.ErrUnauthorized)
	assert.NotErrorIs(t, err, authcore.ErrTokenInvalid)
	var te *authcore.TokenExpiredError
	require.True(t, errors.As(err, &te))
	assert.Equal(t, exp, te.Expiry.UnixMilli())
}

func TestKeyRotation(t *testing.T) {
	f := newTokenFixture(t)
	oldTok, _ := f.issue(authcore.TokenRequest{})
	oldKeyID := f.reloadTenant().JWTConfiguration.AccessTokenKeyID

	newKey, err := f.engine.RotateTenantKey(f.ctx, f.tenant.ID, authcore.AlgES256)
	require.NoError(t, err)
	assert.Equal(t, newKey.ID, f.reloadTenant().JWTConfiguration.AccessTokenKeyID)
	newTok, _ := f.issue(authcore.TokenRequest{})
	h, _, _ := segments(t, newTok)
	assert.Equal(t, newKey.ID, h["kid"])
	assert.Equal(t, "ES256", h["alg"])

	for _, tok := range []string{oldTok, newTok} {
		_, err := f.engine.ValidateAccessToken(f.ctx, tok)
		require.NoError(t, err, "both keys verify after the rotation")
	}

	// The signing key cannot be removed while a tenant uses it.
	err = f.engine.DeleteKey(f.ctx, newKey.ID)
	require.ErrorIs(t, err, authcore.ErrKeyInUse)
	var verr *authcore.ValidationError
	require.True(t, errors.As(err, &verr))
	assert.True(t, verr.Has("[KeyInUse]"))

	require.NoError(t, f.engine.DeleteKey(f.ctx, oldKeyID))
	_, err = f.engine.ValidateAccessToken(f.ctx, oldTok)
	assert.ErrorIs(t, err, authcore.ErrTokenInvalid, "a removed key verifies nothing")
	_, err = f.engine.ValidateAccessToken(f.ctx, newTok)
	assert.NoError(t, err)

	assert.ErrorIs(t, f.engine.DeleteKey(f.ctx, oldKeyID), authcore.ErrNotFound)
}

func TestCreateSigningKeyValidation(t *testing.T) {
	f := newTokenFixture(t)
	tests := []struct {
		name string
		in   authcore.NewKey
		code string
	}{
		{"no name", authcore.NewKey{Algorithm: authcore.AlgRS256}, "[blank]key.name"},
		{"no algorithm", authcore.NewKey{Name: "k"}, "[blank]key.algorithm"},
		{"unsupported algorithm", authcore.NewKey{Name: "k", Algorithm: "PS256"}, "[invalid]key.algorithm"},
		{"alg none", authcore.NewKey{Name: "k", Algorithm: "none"}, "[invalid]key.algorithm"},
		{"RSA length", authcore.NewKey{Name: "k", Algorithm: authcore.AlgRS256, Length: 1024}, "[invalid]key.length"},
		{"EC length", authcore.NewKey{Name: "k", Algorithm: authcore.AlgES256, Length: 384}, "[invalid]key.length"},
		{"ES512 length", authcore.NewKey{Name: "k", Algorithm: authcore.AlgES512, Length: 512}, "[invalid]key.length"},
		{"bad id", authcore.NewKey{ID: "nope", Name: "k", Algorithm: authcore.AlgHS256}, "[couldNotConvert]keyId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.engine.CreateSigningKey(f.ctx, tc.in)
			var verr *authcore.ValidationError
			require.True(t, errors.As(err, &verr), "got %v", err)
			assert.True(t, verr.Has(tc.code), "codes %v", verr.Codes())
		})
	}

	k, err := f.engine.CreateSigningKey(f.ctx, authcore.NewKey{ID: "0A1B2C3D-0000-4000-8000-000000000000", Name: "ed", Algorithm: "Ed25519"})
	require.NoError(t, err)
	assert.Equal(t, "0a1b2c3d-0000-4000-8000-000000000000", k.ID)
	assert.Equal(t, authcore.AlgEdDSA, k.Algorithm)
	_, err = f.engine.CreateSigningKey(f.ctx, authcore.NewKey{ID: k.ID, Name: "again", Algorithm: authcore.AlgHS256})
	var verr *authcore.ValidationError
	require.True(t, errors.As(err, &verr))
	assert.True(t, verr.Has("[duplicate]keyId"))

	// Keys are global: a tenant-scoped request may not create or delete one.
	scoped := authcore.WithScope(f.ctx, authcore.Scope{KeyTenantID: f.tenant.ID})
	_, err = f.engine.GenerateKey(scoped, authcore.AlgHS256, "scoped")
	assert.ErrorIs(t, err, authcore.ErrUnauthorized)
	assert.ErrorIs(t, f.engine.DeleteKey(scoped, k.ID), authcore.ErrUnauthorized)
}

func TestSigningKeyNeverPrintsMaterial(t *testing.T) {
	f := newTokenFixture(t)
	k, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, "secret one")
	require.NoError(t, err)
	var buf strings.Builder
	slog.New(slog.NewTextHandler(&buf, nil)).Info("key", "key", k)
	out := buf.String() + k.String()
	assert.Contains(t, out, k.ID)
	for _, enc := range []string{base64.StdEncoding.EncodeToString(k.Secret), base64.RawURLEncoding.EncodeToString(k.Secret), string(k.Secret)} {
		assert.NotContains(t, out, enc)
	}
	info, err := json.Marshal(k.Info())
	require.NoError(t, err)
	assert.NotContains(t, string(info), base64.StdEncoding.EncodeToString(k.Secret))
	assert.JSONEq(t, `{"id":"`+k.ID+`","algorithm":"HS256","insertInstant":`+jsonNumber(k.InsertInstant)+`,"kid":"`+k.ID+`","lastUpdateInstant":`+jsonNumber(k.InsertInstant)+`,"name":"secret one","type":"HMAC"}`, string(info))
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestFirstTokensCreateOneKey(t *testing.T) {
	f := newTokenFixture(t)
	tenant := f.reloadTenant() // no key yet; every goroutine sees that
	const n = 8
	tokens := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := authcore.TokenRequest{Tenant: tenant, Application: f.app, User: f.user, Registration: f.reg, AuthenticationType: "TWITTER"}
			if i%2 == 0 {
				tokens[i], _, errs[i] = f.engine.IssueAccessToken(f.ctx, f.store, req)
				return
			}
			// Inside a caller's transaction, as the login does.
			errs[i] = f.store.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
				var err error
				tokens[i], _, err = f.engine.IssueAccessToken(ctx, tx, req)
				return err
			})
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		_, err := f.engine.ValidateAccessToken(f.ctx, tokens[i])
		require.NoError(t, err)
	}
	keys, err := f.store.ListKeys(f.ctx)
	require.NoError(t, err)
	require.Len(t, keys, 1, "one key for all first tokens")
	assert.Equal(t, keys[0].ID, f.reloadTenant().JWTConfiguration.AccessTokenKeyID)
}

func TestIssueAccessTokenRollsBackWithCaller(t *testing.T) {
	f := newTokenFixture(t)
	boom := errors.New("login failed later")
	err := f.store.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
		if _, _, err := f.engine.IssueAccessToken(ctx, tx, authcore.TokenRequest{Tenant: f.tenant, Application: f.app, User: f.user, AuthenticationType: "TWITTER"}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	keys, err := f.store.ListKeys(f.ctx)
	require.NoError(t, err)
	assert.Empty(t, keys, "the key created in a failed transaction is gone")
	assert.Empty(t, f.reloadTenant().JWTConfiguration.AccessTokenKeyID)
}
