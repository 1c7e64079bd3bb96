package authcore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/store/memstore"
)

// conflictStore wraps a store. Each transaction runs in full on the
// wrapped store and then, while conflicts are left to inject, ends in
// ErrConflict instead of committing, so the wrapped store rolls back
// everything it wrote: what PostgreSQL does to a deadlock's victim, and
// SQLite's group commit to the members of a group that one member broke.
// A write made on the store itself, outside InTx, fails the same way
// before it writes.
type conflictStore struct {
	authcore.Store
	mu   sync.Mutex
	left int // conflicts still to inject
	hit  int // conflicts injected
}

func (s *conflictStore) arm(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.left, s.hit = n, 0
}

func (s *conflictStore) injected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hit
}

func (s *conflictStore) conflict() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.left == 0 {
		return nil
	}
	s.left--
	s.hit++
	return fmt.Errorf("injected: %w", authcore.ErrConflict)
}

func (s *conflictStore) CreateKey(ctx context.Context, k *authcore.SigningKey) error {
	if err := s.conflict(); err != nil {
		return err
	}
	return s.Store.CreateKey(ctx, k)
}

func (s *conflictStore) PutIntegrations(ctx context.Context, in *integration.Integrations) error {
	if err := s.conflict(); err != nil {
		return err
	}
	return s.Store.PutIntegrations(ctx, in)
}

func (s *conflictStore) DeleteAPIKey(ctx context.Context, id string) error {
	if err := s.conflict(); err != nil {
		return err
	}
	return s.Store.DeleteAPIKey(ctx, id)
}

func (s *conflictStore) CreateTenant(ctx context.Context, t *authcore.Tenant) error {
	if err := s.conflict(); err != nil {
		return err
	}
	return s.Store.CreateTenant(ctx, t)
}

func (s *conflictStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return s.conflict()
	})
}

// conflictFixture is an engine on a conflictStore over a memstore, with a
// clock that stands still (so that a run again writes the same instants),
// an application with a registered user, and the Twitter provider
// configured for the application.
type conflictFixture struct {
	ctx   context.Context
	e     *authcore.Engine
	cs    *conflictStore
	mem   *memstore.Store
	def   string // the default tenant
	app   *authcore.Application
	user  *authcore.User
	other *authcore.Tenant // a second, empty tenant
}

const (
	conflictAppID  = "5a6f4c0e-8d1b-4f7e-9c2a-3b4d5e6f7a80"
	conflictUserID = "6b7a5d1f-9e2c-4a8f-8d3b-4c5e6f7a8b91"
	conflictNewID  = "7c8b6e2a-af3d-4b9a-9e4c-5d6f7a8b9ca2"
)

func newConflictFixture(t *testing.T) *conflictFixture {
	t.Helper()
	mem := memstore.New()
	f := &conflictFixture{ctx: context.Background(), cs: &conflictStore{Store: mem}, mem: mem}
	now := time.UnixMilli(1_700_000_000_000)
	var err error
	// The subscriber makes the engine record events (never delivered: no
	// relay runs), so that the outbox shows the events each write emits.
	f.e, err = authcore.New(f.ctx, f.cs, authcore.WithClock(func() time.Time { return now }),
		authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }))
	require.NoError(t, err)
	ts, err := f.e.Tenants(f.ctx)
	require.NoError(t, err)
	f.def = ts[0].ID
	f.other, err = f.e.CreateTenant(f.ctx, "", authcore.Tenant{Name: "other"})
	require.NoError(t, err)
	f.app, err = f.e.CreateApplication(f.ctx, conflictAppID, authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		TenantID: f.def, Name: "contested", Roles: []authcore.ApplicationRole{{Name: "user", IsDefault: true}, {Name: "admin"}},
	}})
	require.NoError(t, err)
	f.user, err = f.e.CreateUser(f.ctx, conflictUserID, authcore.UserRequest{User: authcore.UserInput{TenantID: f.def, Email: "ann@example.com"}})
	require.NoError(t, err)
	_, err = f.e.Register(f.ctx, f.user.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: f.app.ID, Roles: []string{"admin", "user"}}})
	require.NoError(t, err)
	_, err = f.e.CreateIdentityProvider(f.ctx, "", twitter.Provider{
		Type: twitter.TypeName, ButtonText: "Twitter", ConsumerKey: "ck", ConsumerSecret: "cs",
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{f.app.ID: {Enabled: true}},
	})
	require.NoError(t, err)
	return f
}

// world is what the fixture's store holds, as JSON, for a before-and-after
// comparison: tenants, applications, the user, its registrations and the
// identity provider.
func (f *conflictFixture) world(t *testing.T) string {
	t.Helper()
	w := map[string]any{}
	var err error
	w["tenants"], err = f.mem.ListTenants(f.ctx)
	require.NoError(t, err)
	w["applications"], err = f.mem.ListApplications(f.ctx, "")
	require.NoError(t, err)
	u, err := f.mem.GetUser(f.ctx, conflictUserID)
	if err == nil {
		w["user"] = u
	}
	w["registrations"], err = f.mem.ListRegistrations(f.ctx, conflictUserID)
	require.NoError(t, err)
	if _, err := f.mem.GetUser(f.ctx, conflictNewID); err == nil {
		w["newUser"] = true
	}
	w["providers"], err = f.mem.ListIdentityProviders(f.ctx)
	require.NoError(t, err)
	w["keys"], err = f.mem.ListKeys(f.ctx)
	require.NoError(t, err)
	w["apiKeys"], err = f.mem.ListAPIKeys(f.ctx)
	require.NoError(t, err)
	if in, err := f.mem.GetIntegrations(f.ctx); err == nil {
		w["integrations"] = in
	}
	w["events"] = f.events(t)
	w["refreshTokens"], err = f.mem.ListRefreshTokens(f.ctx, conflictUserID)
	require.NoError(t, err)
	b, err := json.Marshal(w)
	require.NoError(t, err)
	return string(b)
}

// events lists the types of the events in the outbox, oldest first.
func (f *conflictFixture) events(t *testing.T) []string {
	t.Helper()
	now := time.Now().UnixMilli()
	evs, err := f.mem.ClaimOutbox(f.ctx, "conflict test", now, 0, 1000)
	require.NoError(t, err)
	out := make([]string, 0, len(evs))
	for _, ev := range evs {
		out = append(out, ev.Type)
	}
	return out
}

// countEvents is how many events of type typ the outbox holds.
func (f *conflictFixture) countEvents(t *testing.T, typ string) int {
	t.Helper()
	n := 0
	for _, e := range f.events(t) {
		if e == typ {
			n++
		}
	}
	return n
}

type conflictCase struct {
	name string
	// setup, when set, prepares the case before conflicts are injected.
	setup func(t *testing.T, f *conflictFixture)
	run   func(f *conflictFixture) error
	// check asserts what the write stored, after it succeeded.
	check func(t *testing.T, f *conflictFixture)
}

// runConflictCases proves for each write that a lost race is run again
// (one conflict: the write succeeds, and what it stored is what a run
// without conflict stores, once) and that a race lost every time is
// reported as ErrConflict (409 [retryableConflict] on the wire) with
// nothing written.
func runConflictCases(t *testing.T, cases []conflictCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name+"/one conflict", func(t *testing.T) {
			f := newConflictFixture(t)
			if c.setup != nil {
				c.setup(t, f)
			}
			f.cs.arm(1)
			require.NoError(t, c.run(f), "one conflict is run again")
			require.Equal(t, 1, f.cs.injected(), "the write met the conflict")
			c.check(t, f)
		})
		t.Run(c.name+"/persistent conflict", func(t *testing.T) {
			f := newConflictFixture(t)
			if c.setup != nil {
				c.setup(t, f)
			}
			before := f.world(t)
			f.cs.arm(1 << 20)
			err := c.run(f)
			require.ErrorIs(t, err, authcore.ErrConflict)
			assert.Greater(t, f.cs.injected(), 1, "the write ran again before giving up")
			f.cs.arm(0)
			assert.JSONEq(t, before, f.world(t), "nothing written")
		})
	}
}

func TestApplicationWritesRetryConflicts(t *testing.T) {
	runConflictCases(t, []conflictCase{
		{"create", nil, func(f *conflictFixture) error {
			_, err := f.e.CreateApplication(f.ctx, conflictNewID, authcore.ApplicationRequest{Application: authcore.ApplicationInput{TenantID: f.def, Name: "new"}})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			apps, err := f.mem.ListApplications(f.ctx, "")
			require.NoError(t, err)
			require.Len(t, apps, 2, "one application created")
			a, err := f.mem.GetApplication(f.ctx, conflictNewID)
			require.NoError(t, err)
			assert.Equal(t, "new", a.Name)
		}},
		{"update", nil, func(f *conflictFixture) error {
			_, err := f.e.UpdateApplication(f.ctx, f.app.ID, authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "renamed", Roles: f.app.Roles[:1]}})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			a, err := f.mem.GetApplication(f.ctx, f.app.ID)
			require.NoError(t, err)
			assert.Equal(t, "renamed", a.Name)
			reg, err := f.mem.GetRegistration(f.ctx, f.user.ID, f.app.ID)
			require.NoError(t, err)
			assert.Equal(t, []string{"user"}, reg.Roles, "the removed role left the registration")
		}},
		{"patch", nil, func(f *conflictFixture) error {
			_, err := f.e.PatchApplication(f.ctx, f.app.ID, authcore.PatchRequest{ContentType: "application/json",
				Body: []byte(`{"application":{"roles":[{"name":"viewer"}]}}`)})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			a, err := f.mem.GetApplication(f.ctx, f.app.ID)
			require.NoError(t, err)
			assert.ElementsMatch(t, []string{"user", "admin", "viewer"}, roleNames(a), "the role is appended once")
		}},
		{"deactivate", nil, func(f *conflictFixture) error {
			_, err := f.e.DeactivateApplication(f.ctx, f.app.ID)
			return err
		}, func(t *testing.T, f *conflictFixture) {
			a, err := f.mem.GetApplication(f.ctx, f.app.ID)
			require.NoError(t, err)
			assert.False(t, a.Active)
		}},
		{"role create", nil, func(f *conflictFixture) error {
			_, err := f.e.CreateApplicationRole(f.ctx, f.app.ID, "", authcore.ApplicationRoleRequest{Role: authcore.ApplicationRole{Name: "viewer"}})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			a, err := f.mem.GetApplication(f.ctx, f.app.ID)
			require.NoError(t, err)
			assert.ElementsMatch(t, []string{"user", "admin", "viewer"}, roleNames(a))
		}},
		{"delete", nil, func(f *conflictFixture) error {
			return f.e.DeleteApplication(f.ctx, f.app.ID)
		}, func(t *testing.T, f *conflictFixture) {
			_, err := f.mem.GetApplication(f.ctx, f.app.ID)
			require.ErrorIs(t, err, authcore.ErrNotFound)
			regs, err := f.mem.ListRegistrations(f.ctx, f.user.ID)
			require.NoError(t, err)
			assert.Empty(t, regs)
			p, err := f.e.IdentityProvider(f.ctx, twitter.ProviderID)
			require.NoError(t, err)
			assert.Empty(t, p.ApplicationConfiguration, "the provider forgot the application")
		}},
	})
}

func TestKeyWritesRetryConflicts(t *testing.T) {
	oneKey := func(t *testing.T, f *conflictFixture) *authcore.SigningKey {
		t.Helper()
		keys, err := f.mem.ListKeys(f.ctx)
		require.NoError(t, err)
		require.Len(t, keys, 1, "one key stored")
		return keys[0]
	}
	runConflictCases(t, []conflictCase{
		{"generate", nil, func(f *conflictFixture) error {
			_, err := f.e.CreateSigningKey(f.ctx, authcore.NewKey{ID: conflictNewID, Algorithm: authcore.AlgHS256, Name: "generated"})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			assert.Equal(t, conflictNewID, oneKey(t, f).ID)
		}},
		{"import", nil, func(f *conflictFixture) error {
			_, err := f.e.ImportKey(f.ctx, authcore.KeyImport{ID: conflictNewID, Algorithm: authcore.AlgHS256, Name: "imported", Secret: "0123456789abcdef0123456789abcdef"})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			assert.Equal(t, conflictNewID, oneKey(t, f).ID)
		}},
		{"rotate", nil, func(f *conflictFixture) error {
			_, err := f.e.RotateTenantKey(f.ctx, f.other.ID, authcore.AlgHS256)
			return err
		}, func(t *testing.T, f *conflictFixture) {
			k := oneKey(t, f)
			tn, err := f.mem.GetTenant(f.ctx, f.other.ID)
			require.NoError(t, err)
			assert.Equal(t, k.ID, tn.JWTConfiguration.AccessTokenKeyID)
			assert.Equal(t, "Access token signing key for tenant other", k.Name)
		}},
		{"update", func(t *testing.T, f *conflictFixture) {
			_, err := f.e.CreateSigningKey(f.ctx, authcore.NewKey{ID: conflictNewID, Algorithm: authcore.AlgHS256, Name: "before"})
			require.NoError(t, err)
		}, func(f *conflictFixture) error {
			_, err := f.e.UpdateKey(f.ctx, conflictNewID, authcore.KeyUpdate{Name: "after"})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			assert.Equal(t, "after", oneKey(t, f).Name)
		}},
		{"delete", func(t *testing.T, f *conflictFixture) {
			_, err := f.e.CreateSigningKey(f.ctx, authcore.NewKey{ID: conflictNewID, Algorithm: authcore.AlgHS256, Name: "doomed"})
			require.NoError(t, err)
		}, func(f *conflictFixture) error {
			return f.e.DeleteKey(f.ctx, conflictNewID)
		}, func(t *testing.T, f *conflictFixture) {
			keys, err := f.mem.ListKeys(f.ctx)
			require.NoError(t, err)
			assert.Empty(t, keys)
		}},
	})
}

func TestTenantUserAndRegistrationWritesRetryConflicts(t *testing.T) {
	secondApp := func(t *testing.T, f *conflictFixture) {
		t.Helper()
		_, err := f.e.CreateApplication(f.ctx, conflictNewID, authcore.ApplicationRequest{Application: authcore.ApplicationInput{TenantID: f.def, Name: "second"}})
		require.NoError(t, err)
	}
	runConflictCases(t, []conflictCase{
		{"tenant create", nil, func(f *conflictFixture) error {
			_, err := f.e.CreateTenant(f.ctx, conflictNewID, authcore.Tenant{Name: "third"})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			ts, err := f.mem.ListTenants(f.ctx)
			require.NoError(t, err)
			assert.Len(t, ts, 3, "one tenant created")
		}},
		{"tenant update", nil, func(f *conflictFixture) error {
			_, err := f.e.UpdateTenant(f.ctx, f.other.ID, authcore.Tenant{Name: "renamed"})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			tn, err := f.mem.GetTenant(f.ctx, f.other.ID)
			require.NoError(t, err)
			assert.Equal(t, "renamed", tn.Name)
		}},
		{"tenant patch", nil, func(f *conflictFixture) error {
			_, err := f.e.PatchTenant(f.ctx, f.other.ID, authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{"tenant":{"name":"patched"}}`)})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			tn, err := f.mem.GetTenant(f.ctx, f.other.ID)
			require.NoError(t, err)
			assert.Equal(t, "patched", tn.Name)
		}},
		{"user create", nil, func(f *conflictFixture) error {
			_, err := f.e.CreateUser(f.ctx, conflictNewID, authcore.UserRequest{User: authcore.UserInput{TenantID: f.def, Email: "bob@example.com"}})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			u, err := f.mem.GetUser(f.ctx, conflictNewID)
			require.NoError(t, err)
			assert.Equal(t, "bob@example.com", u.Email)
			assert.Equal(t, 2, f.countEvents(t, authcore.EventUserCreate), "the fixture's user.create and one for this user")
		}},
		{"user patch", nil, func(f *conflictFixture) error {
			_, err := f.e.PatchUser(f.ctx, f.user.ID, authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{"user":{"preferredLanguages":["fr"]}}`)})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			u, err := f.mem.GetUser(f.ctx, f.user.ID)
			require.NoError(t, err)
			assert.Equal(t, []string{"fr"}, u.PreferredLanguages, "appended once")
			assert.Equal(t, 1, f.countEvents(t, authcore.EventUserUpdate))
		}},
		{"user deactivate", nil, func(f *conflictFixture) error {
			_, err := f.e.DeactivateUser(f.ctx, f.user.ID)
			return err
		}, func(t *testing.T, f *conflictFixture) {
			u, err := f.mem.GetUser(f.ctx, f.user.ID)
			require.NoError(t, err)
			assert.False(t, u.Active)
			assert.Equal(t, 1, f.countEvents(t, authcore.EventUserDeactivate))
		}},
		{"registration create", secondApp, func(f *conflictFixture) error {
			_, err := f.e.Register(f.ctx, f.user.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: conflictNewID}})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			regs, err := f.mem.ListRegistrations(f.ctx, f.user.ID)
			require.NoError(t, err)
			assert.Len(t, regs, 2, "one registration created")
			assert.Equal(t, 2, f.countEvents(t, authcore.EventUserRegistrationCreate), "the fixture's and this one")
		}},
		{"registration update", nil, func(f *conflictFixture) error {
			_, err := f.e.UpdateRegistration(f.ctx, f.user.ID, f.app.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: f.app.ID, Roles: []string{"user"}}})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			reg, err := f.mem.GetRegistration(f.ctx, f.user.ID, f.app.ID)
			require.NoError(t, err)
			assert.Equal(t, []string{"user"}, reg.Roles)
			assert.Equal(t, 1, f.countEvents(t, authcore.EventUserRegistrationUpdate))
		}},
		{"registration delete", nil, func(f *conflictFixture) error {
			return f.e.DeleteRegistration(f.ctx, f.user.ID, f.app.ID)
		}, func(t *testing.T, f *conflictFixture) {
			regs, err := f.mem.ListRegistrations(f.ctx, f.user.ID)
			require.NoError(t, err)
			assert.Empty(t, regs)
			assert.Equal(t, 1, f.countEvents(t, authcore.EventUserRegistrationDelete))
		}},
	})
}

func TestOtherWritesRetryConflicts(t *testing.T) {
	runConflictCases(t, []conflictCase{
		{"integrations put", nil, func(f *conflictFixture) error {
			in := integration.Defaults()
			in.Kafka.Enabled, in.Kafka.DefaultTopic = true, "events"
			_, err := f.e.UpdateIntegrations(f.ctx, in)
			return err
		}, func(t *testing.T, f *conflictFixture) {
			in, err := f.mem.GetIntegrations(f.ctx)
			require.NoError(t, err)
			assert.True(t, in.Kafka.Enabled)
		}},
		{"integrations patch", nil, func(f *conflictFixture) error {
			_, err := f.e.PatchIntegrations(f.ctx, authcore.PatchRequest{ContentType: "application/json",
				Body: []byte(`{"integrations":{"kafka":{"enabled":true,"defaultTopic":"events"}}}`)})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			in, err := f.mem.GetIntegrations(f.ctx)
			require.NoError(t, err)
			assert.True(t, in.Kafka.Enabled)
		}},
		{"refresh token revoke", func(t *testing.T, f *conflictFixture) {
			tn, err := f.mem.GetTenant(f.ctx, f.def)
			require.NoError(t, err)
			_, _, err = f.e.CreateRefreshToken(f.ctx, f.mem, tn, f.app, f.user, nil)
			require.NoError(t, err)
		}, func(f *conflictFixture) error {
			n, err := f.e.RevokeRefreshTokens(f.ctx, authcore.RevokeRequest{UserID: f.user.ID})
			if err == nil && n != 1 {
				return fmt.Errorf("revoked %d tokens, want 1", n)
			}
			return err
		}, func(t *testing.T, f *conflictFixture) {
			rts, err := f.mem.ListRefreshTokens(f.ctx, f.user.ID)
			require.NoError(t, err)
			assert.Empty(t, rts)
			assert.Equal(t, 1, f.countEvents(t, authcore.EventJWTRefreshTokenRevoke))
		}},
		{"api key create", nil, func(f *conflictFixture) error {
			_, _, err := f.e.CreateAPIKey(f.ctx, authcore.NewAPIKey{Key: "a-key-of-sixteen-or-more", TenantID: f.other.ID})
			return err
		}, func(t *testing.T, f *conflictFixture) {
			keys, err := f.mem.ListAPIKeys(f.ctx)
			require.NoError(t, err)
			assert.Len(t, keys, 1, "one API key created")
		}},
		{"api key revoke", func(t *testing.T, f *conflictFixture) {
			_, _, err := f.e.CreateAPIKey(f.ctx, authcore.NewAPIKey{Key: "a-key-of-sixteen-or-more"})
			require.NoError(t, err)
		}, func(f *conflictFixture) error {
			keys, err := f.mem.ListAPIKeys(f.ctx)
			if err != nil {
				return err
			}
			return f.e.RevokeAPIKey(f.ctx, keys[0].ID)
		}, func(t *testing.T, f *conflictFixture) {
			keys, err := f.mem.ListAPIKeys(f.ctx)
			require.NoError(t, err)
			assert.Empty(t, keys)
		}},
	})
}

// An engine that starts on an empty store and loses the race for the
// default tenant once (another engine starting on the same database) lists
// the tenants again and creates it, instead of failing to start.
func TestNewRunsTheDefaultTenantAgainAfterAConflict(t *testing.T) {
	ctx := context.Background()
	cs := &conflictStore{Store: memstore.New()}
	cs.arm(1)
	e, err := authcore.New(ctx, cs, authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	assert.Equal(t, 1, cs.injected())
	ts, err := e.Tenants(ctx)
	require.NoError(t, err)
	require.Len(t, ts, 1)
	assert.Equal(t, authcore.DefaultTenantName, ts[0].Name)
}
