package authcore_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

// The login reads its application, tenant, provider and signing key through
// a cache that holds for one configuration version of the store
// (configcache.go). These tests count the reads, change the configuration
// through another engine on another store instance of the same database, and
// check that the cached objects are never modified by the logins sharing
// them.

// configReads counts the configuration reads that go to the store.
type configReads struct {
	apps, tenants, providers, keys atomic.Int64
}

func (c *configReads) total() int64 {
	return c.apps.Load() + c.tenants.Load() + c.providers.Load() + c.keys.Load()
}

// countingStore is a store whose configuration reads are counted and which
// does not tell its configuration version.
type countingStore struct {
	authcore.Store
	reads *configReads
}

func (s countingStore) GetApplication(ctx context.Context, id string) (*authcore.Application, error) {
	s.reads.apps.Add(1)
	return s.Store.GetApplication(ctx, id)
}

func (s countingStore) GetTenant(ctx context.Context, id string) (*authcore.Tenant, error) {
	s.reads.tenants.Add(1)
	return s.Store.GetTenant(ctx, id)
}

func (s countingStore) GetIdentityProvider(ctx context.Context, id string) (*authcore.IdentityProviderRecord, error) {
	s.reads.providers.Add(1)
	return s.Store.GetIdentityProvider(ctx, id)
}

func (s countingStore) GetKey(ctx context.Context, id string) (*authcore.SigningKey, error) {
	s.reads.keys.Add(1)
	return s.Store.GetKey(ctx, id)
}

func (s countingStore) GetKeyByKid(ctx context.Context, kid string) (*authcore.SigningKey, error) {
	s.reads.keys.Add(1)
	return s.Store.GetKeyByKid(ctx, kid)
}

// InTx counts the transaction's reads too.
func (s countingStore) InTx(ctx context.Context, fn func(ctx context.Context, tx authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		return fn(ctx, countingStore{Store: tx, reads: s.reads})
	})
}

// versionedCountingStore also tells the version of the store it wraps.
type versionedCountingStore struct {
	countingStore
	versions atomic.Int64
}

func (s *versionedCountingStore) ConfigVersion(ctx context.Context) (int64, error) {
	s.versions.Add(1)
	return s.Store.(authcore.ConfigVersioner).ConfigVersion(ctx)
}

var _ authcore.ConfigVersioner = (*versionedCountingStore)(nil)

// countingStore wraps the fixture's store in a versionedCountingStore.
func (f *cacheFixture) countingStore() *versionedCountingStore {
	return &versionedCountingStore{countingStore: countingStore{Store: f.store, reads: &configReads{}}}
}

func (c *configReads) reset() {
	c.apps.Store(0)
	c.tenants.Store(0)
	c.providers.Store(0)
	c.keys.Store(0)
}

func TestLoginReadsConfigurationOncePerVersion(t *testing.T) {
	f := newCacheFixture(t)
	vs := f.countingStore()
	reads := vs.reads
	e := f.engineOn(vs)

	f.mustLogin(e, cacheConsumerA) // the first login creates the tenant's key
	f.mustLogin(e, cacheConsumerA) // and reads everything of the new version
	reads.reset()
	versionsBefore := vs.versions.Load()
	for range 5 {
		f.mustLogin(e, cacheConsumerA)
	}
	// Each login is an account's first: it reads the application once more
	// in its transaction, for the new registration's default roles.
	assert.Equal(t, int64(5), reads.apps.Load(), "only the new registrations' default roles are read")
	assert.Zero(t, reads.total()-reads.apps.Load(), "an unchanged configuration is not read again")
	assert.Equal(t, int64(5), vs.versions.Load()-versionsBefore, "one version read a login")
	reads.reset()

	_, err := f.b.PatchApplication(f.ctx, f.app.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"application":{"data":{"changed":true}}}`)})
	require.NoError(t, err)
	f.mustLogin(e, cacheConsumerA)
	assert.Equal(t, int64(1+1), reads.apps.Load(), "a new version reads the application again (and the registration's default roles)")
	assert.Equal(t, int64(1), reads.tenants.Load())
	assert.Equal(t, int64(1), reads.providers.Load())
	assert.Equal(t, int64(1), reads.keys.Load())

	// Without a version, every login reads all four.
	plainReads := &configReads{}
	plain, err := authcore.New(f.ctx, countingStore{Store: f.store, reads: plainReads}, authcore.WithTwitterClient(f.client()), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	for range 3 {
		f.mustLogin(plain, cacheConsumerA)
	}
	assert.Equal(t, int64(3+3), plainReads.apps.Load(), "and each first login its registration's default roles")
	assert.Equal(t, int64(3), plainReads.tenants.Load())
	assert.Equal(t, int64(3), plainReads.providers.Load())
	assert.Equal(t, int64(3), plainReads.keys.Load())
}

// configStores are the ways two engines share one database: one memstore,
// and two sqlstore instances opened on one SQLite file (two processes, as far
// as the engines can tell).
var configStores = []struct {
	name string
	open func(t *testing.T) (a, b authcore.Store)
}{
	{"memstore", func(t *testing.T) (authcore.Store, authcore.Store) {
		s := memstore.New()
		return s, s
	}},
	{"sqlite, two instances", func(t *testing.T) (authcore.Store, authcore.Store) {
		path := filepath.Join(t.TempDir(), "authcore.db")
		open := func() authcore.Store {
			s, err := sqlstore.Open(context.Background(), "sqlite:"+path)
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		}
		a := open()
		return a, open()
	}},
}

// TestConfigurationChangeAppliesAcrossInstances warms engine a's cache with a
// login, changes one thing through engine b (another store instance on the
// same database), and checks that a's next login acts on it.
func TestConfigurationChangeAppliesAcrossInstances(t *testing.T) {
	changes := []struct {
		name   string
		change func(f *cacheFixture)
		check  func(t *testing.T, f *cacheFixture, resp *authcore.LoginResponse, err error)
	}{
		{"application stops generating refresh tokens", func(f *cacheFixture) {
			_, err := f.b.PatchApplication(f.ctx, f.app.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
				Body: []byte(`{"application":{"loginConfiguration":{"generateRefreshTokens":false}}}`)})
			require.NoError(f.t, err)
		}, func(t *testing.T, f *cacheFixture, resp *authcore.LoginResponse, err error) {
			require.NoError(t, err)
			assert.Empty(t, resp.RefreshToken)
		}},
		{"application gets a new default role", func(f *cacheFixture) {
			_, err := f.b.PatchApplication(f.ctx, f.app.ID, authcore.PatchRequest{ContentType: "application/json-patch+json",
				Body: []byte(`[{"op":"add","path":"/application/roles/-","value":{"name":"member","isDefault":true}}]`)})
			require.NoError(f.t, err)
		}, func(t *testing.T, f *cacheFixture, resp *authcore.LoginResponse, err error) {
			require.NoError(t, err)
			require.Len(t, resp.User.Registrations, 1)
			assert.ElementsMatch(t, []string{"user", "member"}, resp.User.Registrations[0].Roles)
		}},
		{"tenant's access tokens live two minutes", func(f *cacheFixture) {
			_, err := f.b.PatchTenant(f.ctx, f.tenantID(), authcore.PatchRequest{ContentType: "application/merge-patch+json",
				Body: []byte(`{"tenant":{"jwtConfiguration":{"timeToLiveInSeconds":120}}}`)})
			require.NoError(f.t, err)
		}, func(t *testing.T, f *cacheFixture, resp *authcore.LoginResponse, err error) {
			require.NoError(t, err)
			_, claims, _ := segments(t, resp.Token)
			assert.Equal(t, float64(120), claims["exp"].(float64)-claims["iat"].(float64))
		}},
		{"provider disabled for the application", func(f *cacheFixture) {
			f.patchProvider(f.b, `{"identityProvider":{"applicationConfiguration":{"`+f.app.ID+`":{"enabled":false}}}}`)
		}, func(t *testing.T, f *cacheFixture, resp *authcore.LoginResponse, err error) {
			require.Error(t, err)
			assert.Contains(t, err.Error(), "InvalidIdentityProviderId")
		}},
		{"tenant's key renamed", func(f *cacheFixture) {
			tn, err := f.b.Tenant(f.ctx, f.tenantID())
			require.NoError(f.t, err)
			_, err = f.b.UpdateKey(f.ctx, tn.JWTConfiguration.AccessTokenKeyID, authcore.KeyUpdate{Name: "renamed on b"})
			require.NoError(f.t, err)
		}, func(t *testing.T, f *cacheFixture, resp *authcore.LoginResponse, err error) {
			// The rename moved the version: a's cache holds the renamed
			// key, and still signs with the same material under the same kid.
			require.NoError(t, err)
			assertCacheMatchesStore(t, f, f.a, 4)
			var names []string
			for _, obj := range f.a.CachedConfig() {
				if k, ok := obj.(*authcore.SigningKey); ok {
					names = append(names, k.Name)
					header, _, _ := segments(t, resp.Token)
					assert.Equal(t, k.ID, header["kid"])
				}
			}
			assert.Equal(t, []string{"renamed on b"}, names)
			_, err = f.b.ValidateAccessToken(f.ctx, resp.Token)
			require.NoError(t, err)
		}},
		{"application deleted", func(f *cacheFixture) {
			require.NoError(f.t, f.b.DeleteApplication(f.ctx, f.app.ID))
		}, func(t *testing.T, f *cacheFixture, resp *authcore.LoginResponse, err error) {
			var ve *authcore.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, err.Error(), "applicationId")
		}},
	}
	for _, st := range configStores {
		for _, c := range changes {
			t.Run(st.name+"/"+c.name, func(t *testing.T) {
				a, b := st.open(t)
				f := newCacheFixtureOn(t, a, b)
				f.mustLogin(f.a, cacheConsumerA)
				f.mustLogin(f.a, cacheConsumerA) // served from the cache
				c.change(f)
				resp, err := f.login(f.a, cacheConsumerA)
				c.check(t, f, resp, err)
			})
		}
	}
}

// TestLoginsDoNotModifyCachedConfiguration runs logins of every kind
// (first, repeat, with and without a JWT or a link) concurrently on one
// cached configuration, then compares what the cache holds with what the
// store holds. The race detector sees a write to a shared object; this sees
// one made by a single login too.
func TestLoginsDoNotModifyCachedConfiguration(t *testing.T) {
	f := newCacheFixture(t)
	f.mustLogin(f.a, cacheConsumerA)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			tok, sec := f.tw.IssueAccessToken(cacheConsumerA, f.account())
			req := authcore.IdentityProviderLoginRequest{
				ApplicationID: f.app.ID, IdentityProviderID: twitter.ProviderID,
				Data:  map[string]string{"oauth_token": tok, "oauth_token_secret": sec},
				NoJWT: i%4 == 1,
			}
			for j := range 2 { // a first login, then a repeat one
				req.NoLink = i%4 == 2 && j == 1
				_, err := f.a.IdentityProviderLogin(f.ctx, req)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()

	assertCacheMatchesStore(t, f, f.a, 4) // application, tenant, provider and key
}

// assertCacheMatchesStore checks that e's cache holds want objects and that
// each equals what the store holds: nothing that shared them wrote to them.
func assertCacheMatchesStore(t *testing.T, f *cacheFixture, e *authcore.Engine, want int) {
	t.Helper()
	cached := e.CachedConfig()
	require.Len(t, cached, want)
	for _, obj := range cached {
		switch v := obj.(type) {
		case *authcore.Application:
			stored, err := f.store.GetApplication(f.ctx, v.ID)
			require.NoError(t, err)
			assert.Equal(t, stored, v)
		case *authcore.Tenant:
			stored, err := f.store.GetTenant(f.ctx, v.ID)
			require.NoError(t, err)
			assert.Equal(t, stored, v)
		case *authcore.SigningKey:
			stored, err := f.store.GetKey(f.ctx, v.ID)
			require.NoError(t, err)
			assert.Equal(t, stored, v)
		case *twitter.Provider:
			stored, err := f.b.IdentityProvider(f.ctx, v.ID)
			require.NoError(t, err)
			assert.Equal(t, stored.ApplicationConfiguration, v.ApplicationConfiguration)
			assert.Equal(t, stored.ConsumerKey, v.ConsumerKey)
			assert.Equal(t, stored.Enabled, v.Enabled)
		default:
			t.Fatalf("unexpected cached object %T", obj)
		}
	}
}

// The token flows (refresh, validation, IssueJWT, vend) read the tenant,
// application and key through the same cache as the login: none of them
// reads the configuration again while its version holds, and each reads it
// again once it moved.
func TestTokenFlowsReadConfigurationOncePerVersion(t *testing.T) {
	f := newCacheFixture(t)
	vs := f.countingStore()
	reads := vs.reads
	e := f.engineOn(vs)
	resp := f.mustLogin(e, cacheConsumerA)
	refreshToken := resp.RefreshToken

	flows := func() {
		t.Helper()
		res, err := e.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: refreshToken})
		require.NoError(t, err)
		refreshToken = res.RefreshToken
		_, err = e.ValidateAccessToken(f.ctx, res.Token)
		require.NoError(t, err)
		_, err = e.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: res.Token, ApplicationID: f.app.ID})
		require.NoError(t, err)
		_, err = e.VendJWT(f.ctx, authcore.JWTVendRequest{Claims: map[string]any{"role": "robot"}})
		require.NoError(t, err)
	}
	flows() // fills the cache
	reads.reset()
	for range 3 {
		flows()
	}
	assert.Zero(t, reads.total(), "an unchanged configuration is not read again")

	_, err := f.b.PatchApplication(f.ctx, f.app.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"application":{"data":{"changed":true}}}`)})
	require.NoError(t, err)
	// A refresh reads in its transaction and keeps nothing of it: what a
	// transaction sees may be uncommitted (cachedInTx).
	for range 2 {
		res, err := e.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: refreshToken})
		require.NoError(t, err)
		refreshToken = res.RefreshToken
	}
	assert.Equal(t, int64(2), reads.apps.Load(), "each refresh of the new version reads in its own transaction")
	assert.Equal(t, int64(2), reads.tenants.Load())
	assert.Equal(t, int64(2), reads.keys.Load())
	assert.Empty(t, e.CachedConfig(), "and keeps none of it")

	// Reads outside a transaction keep what they read, once per object;
	// refreshes then find it.
	reads.reset()
	flows()
	assert.Equal(t, int64(2), reads.apps.Load(), "the refresh's, and IssueJWT's which is kept")
	reads.reset()
	flows()
	assert.Zero(t, reads.total())
	// The application, the tenant and the key: by id, which signing reads,
	// and by kid, which validation reads.
	assertCacheMatchesStore(t, f, e, 4)
}

// A configuration change made through another engine on another instance of
// the database reaches the token flows of an engine whose cache is warm.
func TestTokenFlowsSeeChangesAcrossInstances(t *testing.T) {
	changes := []struct {
		name   string
		change func(f *cacheFixture)
		check  func(t *testing.T, f *cacheFixture, refreshed authcore.RefreshResult, refreshErr, validateErr, issueErr error)
	}{
		{"application deactivated", func(f *cacheFixture) {
			_, err := f.b.DeactivateApplication(f.ctx, f.app.ID)
			require.NoError(f.t, err)
		}, func(t *testing.T, f *cacheFixture, _ authcore.RefreshResult, refreshErr, validateErr, issueErr error) {
			var rte *authcore.RefreshTokenError
			require.ErrorAs(t, refreshErr, &rte)
			assert.Equal(t, authcore.RefreshRefusedAppInactive, rte.Reason)
			assert.NoError(t, validateErr)
			var ve *authcore.ValidationError
			require.ErrorAs(t, issueErr, &ve)
			assert.Contains(t, ve.Codes(), "[invalid]applicationId")
		}},
		{"tenant's access tokens live two minutes", func(f *cacheFixture) {
			_, err := f.b.PatchTenant(f.ctx, f.tenantID(), authcore.PatchRequest{ContentType: "application/merge-patch+json",
				Body: []byte(`{"tenant":{"jwtConfiguration":{"timeToLiveInSeconds":120}}}`)})
			require.NoError(f.t, err)
		}, func(t *testing.T, f *cacheFixture, refreshed authcore.RefreshResult, refreshErr, validateErr, issueErr error) {
			require.NoError(t, refreshErr)
			_, claims, _ := segments(t, refreshed.Token)
			assert.Equal(t, float64(120), claims["exp"].(float64)-claims["iat"].(float64))
			assert.NoError(t, validateErr)
			assert.NoError(t, issueErr)
		}},
		{"signing key deleted", func(f *cacheFixture) {
			k, err := f.b.RotateTenantKey(f.ctx, f.tenantID(), authcore.AlgHS256)
			require.NoError(f.t, err)
			keys, err := f.store.ListKeys(f.ctx)
			require.NoError(f.t, err)
			for _, old := range keys {
				if old.ID != k.ID {
					require.NoError(f.t, f.b.DeleteKey(f.ctx, old.ID))
				}
			}
		}, func(t *testing.T, f *cacheFixture, refreshed authcore.RefreshResult, refreshErr, validateErr, issueErr error) {
			require.NoError(t, refreshErr, "the refresh signs with the tenant's new key")
			_, err := f.a.ValidateAccessToken(f.ctx, refreshed.Token)
			assert.NoError(t, err)
			assert.ErrorIs(t, validateErr, authcore.ErrTokenInvalid, "a token of the deleted key")
			assert.ErrorIs(t, issueErr, authcore.ErrTokenInvalid)
		}},
	}
	for _, st := range configStores {
		for _, c := range changes {
			t.Run(st.name+"/"+c.name, func(t *testing.T) {
				a, b := st.open(t)
				f := newCacheFixtureOn(t, a, b)
				resp := f.mustLogin(f.a, cacheConsumerA)
				warm, err := f.a.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: resp.RefreshToken})
				require.NoError(t, err)
				_, err = f.a.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: warm.Token, ApplicationID: f.app.ID})
				require.NoError(t, err)

				c.change(f)
				refreshed, refreshErr := f.a.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: warm.RefreshToken})
				_, validateErr := f.a.ValidateAccessToken(f.ctx, warm.Token)
				_, issueErr := f.a.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: warm.Token, ApplicationID: f.app.ID})
				c.check(t, f, refreshed, refreshErr, validateErr, issueErr)
			})
		}
	}
}
