package authcore_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
)

// The engine caches the decoded Twitter provider of the login and the
// go-jose signers and parsed public keys of the signing keys. These tests
// change what was cached, through the same engine and through a second engine
// on the same store (another instance on one database), and check that the
// next login or token sees the change at once.

const (
	cacheConsumerA, cacheSecretA = "cache-consumer-a", "cache-consumer-a-secret-0123456789"
	cacheConsumerB, cacheSecretB = "cache-consumer-b", "cache-consumer-b-secret-0123456789"
)

// cacheFixture is two engines (a and b) on one memstore, an application, the
// Twitter provider enabled for it with consumer A, and a fake Twitter that
// knows consumers A and B.
type cacheFixture struct {
	t     testing.TB
	ctx   context.Context
	tw    *twittertest.Server
	store authcore.Store
	a, b  *authcore.Engine
	app   *authcore.Application
	next  atomic.Int64
}

func newCacheFixture(t testing.TB) *cacheFixture {
	t.Helper()
	s := memstore.New()
	return newCacheFixtureOn(t, s, s)
}

// newCacheFixtureOn is newCacheFixture with engine a on store a and engine b
// on store b, two instances of one database.
func newCacheFixtureOn(t testing.TB, a, b authcore.Store) *cacheFixture {
	t.Helper()
	f := &cacheFixture{t: t, ctx: context.Background(), tw: twittertest.NewServer(), store: a}
	t.Cleanup(f.tw.Close)
	f.tw.AddConsumer(cacheConsumerA, cacheSecretA)
	f.tw.AddConsumer(cacheConsumerB, cacheSecretB)
	f.a, f.b = f.engineOn(a), f.engineOn(b)
	var err error
	f.app, err = f.a.CreateApplication(f.ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		Name:               "cache",
		Roles:              []authcore.ApplicationRole{{Name: "user", IsDefault: true}},
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true},
	}})
	require.NoError(t, err)
	_, err = f.a.CreateIdentityProvider(f.ctx, "", twitter.Provider{
		Type: twitter.TypeName, ButtonText: "Login with Twitter", Enabled: true,
		ConsumerKey: cacheConsumerA, ConsumerSecret: cacheSecretA,
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{f.app.ID: {Enabled: true}},
	})
	require.NoError(t, err)
	return f
}

// client is a Twitter client of the fixture's fake Twitter.
func (f *cacheFixture) client() *twitter.Client {
	f.t.Helper()
	client, err := twitter.NewClient(twitter.WithBaseURL(f.tw.URL))
	require.NoError(f.t, err)
	return client
}

func (f *cacheFixture) engineOn(s authcore.Store) *authcore.Engine {
	f.t.Helper()
	e, err := authcore.New(f.ctx, s, authcore.WithTwitterClient(f.client()),
		authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(f.t, err)
	return e
}

// account adds a new Twitter account and returns its id.
func (f *cacheFixture) account() string {
	id := fmt.Sprint(3_000_000_000 + f.next.Add(1))
	f.tw.AddAccount(twittertest.Account{ID: id, ScreenName: "c" + id, Name: "Cache " + id, Email: "c" + id + "@example.com"})
	return id
}

// login logs a new account in through e with consumer's access token.
func (f *cacheFixture) login(e *authcore.Engine, consumer string) (*authcore.LoginResponse, error) {
	tok, sec := f.tw.IssueAccessToken(consumer, f.account())
	return e.IdentityProviderLogin(f.ctx, authcore.IdentityProviderLoginRequest{
		ApplicationID: f.app.ID, IdentityProviderID: twitter.ProviderID,
		Data: map[string]string{"oauth_token": tok, "oauth_token_secret": sec},
	})
}

func (f *cacheFixture) mustLogin(e *authcore.Engine, consumer string) *authcore.LoginResponse {
	f.t.Helper()
	resp, err := f.login(e, consumer)
	require.NoError(f.t, err)
	require.Equal(f.t, authcore.LoginOK, resp.Status)
	require.NotEmpty(f.t, resp.Token)
	return resp
}

func (f *cacheFixture) patchProvider(e *authcore.Engine, body string) {
	f.t.Helper()
	_, err := e.PatchIdentityProvider(f.ctx, twitter.ProviderID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(body)})
	require.NoError(f.t, err)
}

func (f *cacheFixture) tenantID() string {
	f.t.Helper()
	return f.app.TenantID
}

// pointTenantAt makes the tenant sign with key id, through e.
func (f *cacheFixture) pointTenantAt(e *authcore.Engine, id string) {
	f.t.Helper()
	_, err := e.PatchTenant(f.ctx, f.tenantID(), authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"tenant":{"jwtConfiguration":{"accessTokenKeyId":"` + id + `"}}}`)})
	require.NoError(f.t, err)
}

func kidAlg(t *testing.T, token string) (kid, alg string) {
	t.Helper()
	h, _, _ := segments(t, token)
	kid, _ = h["kid"].(string)
	alg, _ = h["alg"].(string)
	return kid, alg
}

// TestProviderChangeAppliesToNextLogin changes the provider between two
// logins of engine a, through a itself and through engine b. Each change is
// one the login must act on, so a login that used the provider decoded before
// the change would fail the check.
func TestProviderChangeAppliesToNextLogin(t *testing.T) {
	tests := []struct {
		name  string
		patch string
		// check gets the result of a login with consumer B's access token.
		check func(t *testing.T, resp *authcore.LoginResponse, err error)
	}{
		{
			name:  "consumer credentials",
			patch: `{"identityProvider":{"consumerKey":"` + cacheConsumerB + `","consumerSecret":"` + cacheSecretB + `"}}`,
			check: func(t *testing.T, resp *authcore.LoginResponse, err error) {
				require.NoError(t, err, "the login signs with the new consumer")
				assert.Equal(t, authcore.LoginOK, resp.Status)
			},
		},
		{
			name:  "provider disabled",
			patch: `{"identityProvider":{"enabled":false}}`,
			check: func(t *testing.T, _ *authcore.LoginResponse, err error) {
				var verr *authcore.ValidationError
				require.True(t, errors.As(err, &verr), "got %v", err)
				assert.True(t, verr.Has("[InvalidIdentityProviderId]"))
			},
		},
		{
			name: "linking strategy",
			patch: `{"identityProvider":{"consumerKey":"` + cacheConsumerB + `","consumerSecret":"` + cacheSecretB + `",` +
				`"linkingStrategy":"CreatePendingLink"}}`,
			check: func(t *testing.T, resp *authcore.LoginResponse, err error) {
				require.NoError(t, err)
				assert.Equal(t, authcore.LoginPendingLink, resp.Status)
				assert.NotEmpty(t, resp.PendingIdPLinkID)
			},
		},
	}
	for _, tt := range tests {
		for _, via := range []string{"same engine", "other engine"} {
			t.Run(tt.name+"/"+via, func(t *testing.T) {
				f := newCacheFixture(t)
				f.mustLogin(f.a, cacheConsumerA) // a has decoded the provider
				patcher := f.a
				if via == "other engine" {
					patcher = f.b
				}
				f.patchProvider(patcher, tt.patch)
				resp, err := f.login(f.a, cacheConsumerB)
				tt.check(t, resp, err)
			})
		}
	}
}

// TestProviderDeleteAppliesToNextLogin: a deleted provider refuses the next
// login of an engine that had it decoded.
func TestProviderDeleteAppliesToNextLogin(t *testing.T) {
	f := newCacheFixture(t)
	f.mustLogin(f.a, cacheConsumerA)
	require.NoError(t, f.b.DeleteIdentityProvider(f.ctx, twitter.ProviderID))
	_, err := f.login(f.a, cacheConsumerA)
	var verr *authcore.ValidationError
	require.True(t, errors.As(err, &verr), "got %v", err)
	assert.True(t, verr.Has("[InvalidIdentityProviderId]"))
}

// TestLoginsShareProviderWhileItChanges runs logins on a while b keeps
// updating the provider; under -race it shows that the login only reads the
// provider it shares with other logins.
func TestLoginsShareProviderWhileItChanges(t *testing.T) {
	f := newCacheFixture(t)
	const workers, logins = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*logins)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range logins {
				resp, err := f.login(f.a, cacheConsumerA)
				if err == nil && resp.Status != authcore.LoginOK {
					err = fmt.Errorf("status %d", resp.Status)
				}
				errs <- err
			}
		}()
	}
	for i := range 10 {
		f.patchProvider(f.b, fmt.Sprintf(`{"identityProvider":{"buttonText":"Login %d"}}`, i))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	p, err := f.a.IdentityProvider(f.ctx, twitter.ProviderID)
	require.NoError(t, err)
	assert.Equal(t, "Login 9", p.ButtonText)
}

// TestRotatedKeySignsNextToken rotates the tenant's key through b between
// two logins of a: a's next token names the new key, uses its algorithm, and
// both tokens verify on both engines.
func TestRotatedKeySignsNextToken(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			f := newCacheFixture(t)
			first := f.mustLogin(f.a, cacheConsumerA).Token
			firstKid, firstAlg := kidAlg(t, first)
			assert.Equal(t, authcore.AlgHS256, firstAlg, "a new tenant signs with HS256")

			k, err := f.b.RotateTenantKey(f.ctx, f.tenantID(), alg)
			require.NoError(t, err)
			second := f.mustLogin(f.a, cacheConsumerA).Token
			kid, gotAlg := kidAlg(t, second)
			assert.Equal(t, k.ID, kid)
			assert.NotEqual(t, firstKid, kid)
			assert.Equal(t, alg, gotAlg)

			for _, e := range []*authcore.Engine{f.a, f.b} {
				for _, tok := range []string{first, second} {
					_, err := e.ValidateAccessToken(f.ctx, tok)
					require.NoError(t, err)
				}
			}
		})
	}
}

// TestReusedKeyIDGetsNewMaterial deletes a key that a had signed and
// verified with, and creates a new key under the same id (the Key API lets
// the caller choose it). a must sign with the new key's material and refuse
// the old key's tokens: caching by id alone would do the opposite.
func TestReusedKeyIDGetsNewMaterial(t *testing.T) {
	const keyID = "5e1f0c9a-6b2d-4c3e-8f4a-0b1c2d3e4f50"
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			f := newCacheFixture(t)
			_, err := f.b.CreateSigningKey(f.ctx, authcore.NewKey{ID: keyID, Algorithm: alg, Name: "first"})
			require.NoError(t, err)
			f.pointTenantAt(f.b, keyID)
			old := f.mustLogin(f.a, cacheConsumerA).Token
			_, err = f.a.ValidateAccessToken(f.ctx, old)
			require.NoError(t, err)

			// Another instance replaces the key: rotate away, delete, create
			// again under the same id, point the tenant back at it.
			_, err = f.b.RotateTenantKey(f.ctx, f.tenantID(), authcore.AlgHS256)
			require.NoError(t, err)
			// a is not told, and does not look in between.
			require.NoError(t, f.b.DeleteKey(f.ctx, keyID))
			_, err = f.b.CreateSigningKey(f.ctx, authcore.NewKey{ID: keyID, Algorithm: alg, Name: "second"})
			require.NoError(t, err)
			f.pointTenantAt(f.b, keyID)

			fresh := f.mustLogin(f.a, cacheConsumerA).Token
			kid, _ := kidAlg(t, fresh)
			require.Equal(t, keyID, kid)
			for _, e := range []*authcore.Engine{f.a, f.b} {
				_, err = e.ValidateAccessToken(f.ctx, fresh)
				require.NoError(t, err, "signed with the key now stored under the id")
				_, err = e.ValidateAccessToken(f.ctx, old)
				require.ErrorIs(t, err, authcore.ErrTokenInvalid, "the old key's token no longer verifies")
			}
		})
	}
}

// TestDeletedKeyStopsVerifying deletes, through b, a key whose parsed public
// key a has cached: a refuses the key's tokens at once.
func TestDeletedKeyStopsVerifying(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			f := newCacheFixture(t)
			k, err := f.b.RotateTenantKey(f.ctx, f.tenantID(), alg)
			require.NoError(t, err)
			tok := f.mustLogin(f.a, cacheConsumerA).Token
			for range 2 {
				_, err = f.a.ValidateAccessToken(f.ctx, tok)
				require.NoError(t, err)
			}
			_, err = f.b.RotateTenantKey(f.ctx, f.tenantID(), authcore.AlgHS256)
			require.NoError(t, err)
			require.NoError(t, f.b.DeleteKey(f.ctx, k.ID))
			_, err = f.a.ValidateAccessToken(f.ctx, tok)
			require.ErrorIs(t, err, authcore.ErrTokenInvalid)
		})
	}
}

// TestCachedSignerConcurrentTokens issues tokens from one engine in parallel
// (the signer is built once and shared) and checks each with go-jose and the
// stored public key or secret, outside authcore. Run with -race.
func TestCachedSignerConcurrentTokens(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			f := newTokenFixture(t)
			k, err := f.engine.RotateTenantKey(f.ctx, f.tenant.ID, alg)
			require.NoError(t, err)
			req := f.request()
			req.Tenant = f.reloadTenant()
			verifyKey := any(k.Secret)
			if alg != authcore.AlgHS256 {
				verifyKey, err = x509.ParsePKIXPublicKey(k.PublicKey)
				require.NoError(t, err)
			}

			const workers, each = 8, 10
			tokens := make(chan string, workers*each)
			errs := make(chan error, workers*each)
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range each {
						tok, _, err := f.engine.IssueAccessToken(f.ctx, f.store, req)
						if err != nil {
							errs <- err
							continue
						}
						tokens <- tok
					}
				}()
			}
			wg.Wait()
			close(tokens)
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			seen := map[string]bool{}
			for tok := range tokens {
				obj, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
				require.NoError(t, err)
				require.Len(t, obj.Signatures, 1)
				assert.Equal(t, k.ID, obj.Signatures[0].Header.KeyID)
				_, err = obj.Verify(verifyKey)
				require.NoError(t, err)
				_, err = f.engine.ValidateAccessToken(f.ctx, tok)
				require.NoError(t, err)
				_, payload, _ := segments(t, tok)
				jti, _ := payload["jti"].(string)
				assert.False(t, seen[jti], "each token has its own jti")
				seen[jti] = true
			}
			assert.Len(t, seen, workers*each)
		})
	}
}
