package authcore_test

import (
	"crypto/x509"
	"encoding/json"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
	"github.com/go-jose/go-jose/v4"
)

// The benchmarks put our issue and verify next to go-jose's bare sign and
// verify of the same claims with the same key, so the ratio is authcore's
// overhead: a store read of the key, key parsing, claims building, and the
// exp/kid/alg checks.
//
//	go test ./authcore -run '^$' -bench Token -benchmem

func benchFixture(b *testing.B, alg string) (*tokenFixture, *authcore.SigningKey, string) {
	b.Helper()
	f := newTokenFixture(b)
	k, err := f.engine.RotateTenantKey(f.ctx, f.tenant.ID, alg)
	if err != nil {
		b.Fatal(err)
	}
	f.reloadTenant()
	tok, _, err := f.engine.IssueAccessToken(f.ctx, f.store, f.request())
	if err != nil {
		b.Fatal(err)
	}
	return f, k, tok
}

func (f *tokenFixture) request() authcore.TokenRequest {
	return authcore.TokenRequest{Tenant: f.tenant, Application: f.app, User: f.user, Registration: f.reg,
		AuthenticationType: authcore.AuthenticationTypeTwitter, RefreshTokenID: "0f0e0d0c-0b0a-4908-8706-050403020100"}
}

func bareKeys(b *testing.B, k *authcore.SigningKey) (sign, verify any) {
	b.Helper()
	if k.Algorithm == authcore.AlgHS256 {
		return k.Secret, k.Secret
	}
	priv, err := x509.ParsePKCS8PrivateKey(k.Secret)
	if err != nil {
		b.Fatal(err)
	}
	pub, err := x509.ParsePKIXPublicKey(k.PublicKey)
	if err != nil {
		b.Fatal(err)
	}
	return priv, pub
}

func BenchmarkTokenIssue(b *testing.B) {
	for _, alg := range algorithms {
		b.Run(alg+"/authcore", func(b *testing.B) {
			f, _, _ := benchFixture(b, alg)
			req := f.request()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, _, err := f.engine.IssueAccessToken(f.ctx, f.store, req); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/go-jose", func(b *testing.B) {
			_, k, tok := benchFixture(b, alg)
			_, claims, _ := segments(b, tok)
			payload, _ := json.Marshal(claims)
			signKey, _ := bareKeys(b, k)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				// A signer per token, as a server signing for many tenants
				// would build one; the payload is already JSON.
				s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: signKey},
					(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", k.ID))
				if err != nil {
					b.Fatal(err)
				}
				obj, err := s.Sign(payload)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := obj.CompactSerialize(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkTokenVerify(b *testing.B) {
	for _, alg := range algorithms {
		b.Run(alg+"/authcore", func(b *testing.B) {
			f, _, tok := benchFixture(b, alg)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := f.engine.ValidateAccessToken(f.ctx, tok); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/go-jose", func(b *testing.B) {
			_, k, tok := benchFixture(b, alg)
			_, verifyKey := bareKeys(b, k)
			algs := []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				obj, err := jose.ParseSignedCompact(tok, algs)
				if err != nil {
					b.Fatal(err)
				}
				payload, err := obj.Verify(verifyKey)
				if err != nil {
					b.Fatal(err)
				}
				var claims map[string]any
				if err := json.Unmarshal(payload, &claims); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRefresh is POST /api/jwt/refresh without the adapter: the store
// transaction (token by hash, user, registration, device update), an HS256
// access token, and under OneTimeUse a new refresh secret. Reusable keeps
// presenting one token; OneTimeUse presents the token the last refresh
// returned, as a client must.
func BenchmarkRefresh(b *testing.B) {
	for _, st := range benchStores {
		for _, policy := range []string{authcore.RefreshTokenReusable, authcore.RefreshTokenOneTimeUse} {
			b.Run(st.name+"/"+policy, func(b *testing.B) {
				f := newTokenFixtureOn(b, st.open(b))
				f.setPolicy(policy)
				plain, _ := f.login(f.user)
				// A server in use has its configuration cached by the reads
				// outside transactions (logins, validation, IssueJWT); the
				// refresh's own reads are not kept (cachedInTx).
				tok, _ := f.issue(authcore.TokenRequest{})
				if _, err := f.engine.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: tok, ApplicationID: f.app.ID}); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					res, err := f.refresh(plain)
					if err != nil {
						b.Fatal(err)
					}
					plain = res.RefreshToken
				}
			})
		}
	}
}

// BenchmarkTokenVerifyStores is ValidateAccessToken of an HS256 token on each
// store: what the store adds to a verification (the signing key's read).
func BenchmarkTokenVerifyStores(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			f := newTokenFixtureOn(b, st.open(b))
			tok, _, err := f.engine.IssueAccessToken(f.ctx, f.store, f.request())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := f.engine.ValidateAccessToken(f.ctx, tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchStores are the stores the token benchmarks run on.
var benchStores = []namedStore{
	{"memstore", func(testing.TB) authcore.Store { return memstore.New() }},
	{"sqlite", sqliteStore},
}
