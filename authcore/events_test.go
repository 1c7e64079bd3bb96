package authcore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/internal/pgtest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

// eventsEnv is an engine whose events a Collector receives through a
// running relay.
func eventsEnv(t *testing.T, s authcore.Store, strategy string) (*eventstest.Env, *eventstest.Collector) {
	t.Helper()
	c := &eventstest.Collector{}
	env := eventstest.New(t, s, eventstest.Options{Strategy: strategy, Engine: []authcore.Option{
		authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay),
	}})
	env.RunRelay()
	return env, c
}

// firstLoginEvents are the events of a first login that creates the user,
// its link and its registration.
var firstLoginEvents = []string{
	authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserIdentityProviderLink,
	authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete, authcore.EventUserLoginSuccess,
}

func requireEventShape(t *testing.T, ev authcore.Event, tenantID string) {
	t.Helper()
	_, err := uuid.Parse(ev.ID)
	require.NoError(t, err, "event.id is a UUID")
	require.Positive(t, ev.CreateInstant)
	require.Equal(t, tenantID, ev.TenantID)
	require.NotNil(t, ev.Info, "event.info is always sent")
}

func TestEventsOfALogin(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	env.Account("101", "ada", "ada@example.com")
	resp := env.MustLogin("101")
	uid := resp.User.ID
	evs := c.WaitFor(t, 6)
	require.Equal(t, []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserIdentityProviderLink,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete, authcore.EventUserLoginSuccess}, c.Types())
	for _, ev := range evs {
		requireEventShape(t, ev, env.TenantID)
		require.Equal(t, uid, ev.User.ID)
		require.Equal(t, "203.0.113.7", ev.Info.IPAddress)
		require.Empty(t, ev.User.Registrations, "events carry the user without registrations")
	}
	link := evs[2].IdentityProviderLink
	require.Equal(t, "101", link.IdentityProviderUserID)
	require.Empty(t, link.Token, "the Twitter token is never published")
	require.Empty(t, link.Data, "nor its secret")
	require.Equal(t, eventstest.AppID, evs[3].ApplicationID)
	require.Equal(t, eventstest.AppID, evs[3].Registration.ApplicationID)
	success := evs[5]
	require.Equal(t, eventstest.AppID, success.ApplicationID)
	require.Equal(t, authcore.AuthenticationTypeTwitter, success.AuthenticationType)
	require.Equal(t, "Twitter", success.IdentityProviderName)
	require.NotEmpty(t, success.IdentityProviderID)

	// A repeat login only logs in.
	env.MustLogin("101")
	evs = c.WaitFor(t, 7)
	require.Equal(t, authcore.EventUserLoginSuccess, evs[6].Type)
	require.Len(t, c.Events(), 7)
}

// user.login.success names the application only when the user is
// registered to it (FusionAuth's event reference), as the access token's
// applicationId claim.
func TestLoginSuccessEventOfUnregisteredUserHasNoApplicationID(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	_, err := env.Engine.PatchIdentityProvider(env.Ctx, twitter.ProviderID, authcore.PatchRequest{ContentType: "application/json",
		Body: []byte(`{"identityProvider":{"applicationConfiguration":{"` + eventstest.AppID + `":{"createRegistration":false}}}}`)})
	require.NoError(t, err)
	env.Account("102", "bea", "bea@example.com")
	resp := env.MustLogin("102")
	require.Equal(t, authcore.LoginNotRegistered, resp.Status)
	evs := c.WaitFor(t, 4)
	require.Equal(t, []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserIdentityProviderLink, authcore.EventUserLoginSuccess}, c.Types())
	success := evs[3]
	require.Empty(t, success.ApplicationID, "not registered to the application")
	require.Equal(t, authcore.AuthenticationTypeTwitter, success.AuthenticationType)
	require.Equal(t, resp.User.ID, success.User.ID)
}

func TestLoginFailedEvents(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(env *eventstest.Env)
		account  string
		req      func(env *eventstest.Env) authcore.IdentityProviderLoginRequest
		code     string
		withUser bool
		// withApp: FusionAuth's event names the application only for a
		// user registered to it.
		withApp bool
	}{
		{"Twitter refuses the token", nil, "201", func(env *eventstest.Env) authcore.IdentityProviderLoginRequest {
			r := env.Request("201")
			r.Data["oauth_token_secret"] = "wrong"
			return r
		}, authcore.LoginFailedCredentials, false, false},
		{"Twitter is down", func(env *eventstest.Env) { env.Twitter.SetFault(twittertest.FaultStatus500) }, "202", nil, authcore.LoginFailedProviderUnavailable, false, false},
		{"the user is inactive", func(env *eventstest.Env) {
			env.MustLogin("203")
			u, err := env.Engine.UserByEmail(env.Ctx, "u203@example.com")
			require.NoError(env.T, err)
			_, err = env.Engine.DeactivateUser(env.Ctx, u.ID)
			require.NoError(env.T, err)
		}, "203", nil, authcore.LoginFailedLoginPrevented, true, true},
		{"the user is inactive, and not registered to the application", func(env *eventstest.Env) {
			env.MustLogin("204")
			u, err := env.Engine.UserByEmail(env.Ctx, "u204@example.com")
			require.NoError(env.T, err)
			err = env.Engine.DeleteRegistration(env.Ctx, u.ID, eventstest.AppID)
			require.NoError(env.T, err)
			_, err = env.Engine.DeactivateUser(env.Ctx, u.ID)
			require.NoError(env.T, err)
		}, "204", nil, authcore.LoginFailedLoginPrevented, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, c := eventsEnv(t, memstore.New(), "")
			env.Account(tc.account, "user"+tc.account, "u"+tc.account+"@example.com")
			if tc.setup != nil {
				tc.setup(env)
			}
			req := env.Request(tc.account)
			if tc.req != nil {
				req = tc.req(env)
			}
			_, err := env.Engine.IdentityProviderLogin(env.Ctx, req)
			require.Error(t, err)
			var failed []authcore.Event
			require.Eventually(t, func() bool {
				failed = failed[:0]
				for _, ev := range c.Events() {
					if ev.Type == authcore.EventUserLoginFailed {
						failed = append(failed, ev)
					}
				}
				return len(failed) > 0
			}, 5*time.Second, 2*time.Millisecond)
			require.Len(t, failed, 1)
			ev := failed[0]
			requireEventShape(t, ev, env.TenantID)
			require.Equal(t, tc.code, ev.Reason.Code)
			if tc.withApp {
				require.Equal(t, eventstest.AppID, ev.ApplicationID)
			} else {
				require.Empty(t, ev.ApplicationID)
			}
			require.Equal(t, tc.withUser, ev.User != nil)
		})
	}
}

func TestEventsOfTheAPIs(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	ctx := env.Ctx
	e := env.Engine
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "api@example.com", FirstName: "Api"}})
	require.NoError(t, err)
	_, err = e.PatchUser(ctx, u.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(`{"user":{"firstName":"Patched"}}`)})
	require.NoError(t, err)
	_, err = e.Register(ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID}})
	require.NoError(t, err)
	providers, err := e.IdentityProviders(ctx)
	require.NoError(t, err)
	link, err := e.CreateLink(ctx, authcore.LinkRequest{IdentityProviderLink: authcore.IdentityProviderLink{
		IdentityProviderID: providers[0].ID, IdentityProviderUserID: "tw-1", UserID: u.ID, Token: "secret-token"}})
	require.NoError(t, err)
	_, err = e.DeleteLink(ctx, link.IdentityProviderID, link.IdentityProviderUserID, u.ID)
	require.NoError(t, err)

	// A login gives a refresh token to refresh and revoke.
	env.Account("301", "bo", "bo@example.com")
	resp := env.MustLogin("301")
	_, err = e.RefreshAccessToken(ctx, authcore.RefreshRequest{RefreshToken: resp.RefreshToken, IPAddress: "198.51.100.1"})
	require.NoError(t, err)
	_, err = e.RevokeRefreshTokens(ctx, authcore.RevokeRequest{UserID: resp.User.ID})
	require.NoError(t, err)
	require.NoError(t, e.DeleteUser(ctx, u.ID))

	want := []string{
		authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserUpdate, authcore.EventUserUpdateComplete,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete,
		authcore.EventUserIdentityProviderLink, authcore.EventUserIdentityProviderUnlink,
		authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserIdentityProviderLink,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete, authcore.EventUserLoginSuccess,
		authcore.EventJWTRefresh, authcore.EventJWTRefreshTokenRevoke, authcore.EventUserDelete, authcore.EventUserDeleteComplete,
	}
	evs := c.WaitFor(t, len(want))
	require.Equal(t, want, c.Types())
	for _, ev := range evs {
		requireEventShape(t, ev, env.TenantID)
	}
	update := evs[2]
	require.Equal(t, "Patched", update.User.FirstName)
	require.Equal(t, "Api", update.Original.FirstName, "user.update carries the original")
	require.Empty(t, evs[6].IdentityProviderLink.Token, "a link's token is never published")
	refresh := evs[14]
	require.Equal(t, resp.User.ID, refresh.UserID)
	require.Equal(t, eventstest.AppID, refresh.ApplicationID)
	require.Equal(t, "198.51.100.1", refresh.Info.IPAddress)
	revoke := evs[15]
	require.Equal(t, resp.User.ID, revoke.UserID)
	require.Equal(t, resp.User.ID, revoke.User.ID)
	require.Equal(t, map[string]int{eventstest.AppID: 3600}, revoke.ApplicationTimeToLiveInSeconds)
	require.Equal(t, u.ID, evs[16].User.ID)
}

func TestNoEventsWithoutAReader(t *testing.T) {
	// No subscriber, no publisher, Kafka disabled: nothing is recorded, so
	// the outbox of an engine that publishes nowhere does not grow.
	mem := memstore.New()
	env := eventstest.New(t, mem, eventstest.Options{})
	env.Account("401", "cy", "cy@example.com")
	env.MustLogin("401")
	require.Zero(t, mem.OutboxLen())
}

func TestSubscriberFailureIsRetried(t *testing.T) {
	c := &eventstest.Collector{}
	var failures atomic.Int32
	c.Fail = func(ev authcore.Event) error {
		if ev.Type == authcore.EventUserRegistrationCreate && failures.Add(1) <= 3 {
			return errors.New("subscriber not ready")
		}
		return nil
	}
	mem := memstore.New()
	env := eventstest.New(t, mem, eventstest.Options{Engine: []authcore.Option{
		authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay),
	}})
	env.RunRelay()
	env.Account("501", "di", "di@example.com")
	env.MustLogin("501")
	c.WaitFor(t, len(firstLoginEvents))
	require.Equal(t, firstLoginEvents, c.Types(),
		"the failed event came again, in order, and nothing before it was delivered twice")
	require.Eventually(t, func() bool { return mem.OutboxLen() == 0 }, 5*time.Second, 5*time.Millisecond)
}

func TestTwoRelaysOneOutbox(t *testing.T) {
	// Two engines on one database, each with a relay: every event is
	// delivered by exactly one of them.
	for _, st := range eventStores(t) {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			a, b := &eventstest.Collector{}, &eventstest.Collector{}
			envA := eventstest.New(t, s, eventstest.Options{Engine: []authcore.Option{authcore.WithEventSubscriber(a.Subscriber), authcore.WithRelay(eventstest.FastRelay)}})
			engineB, err := authcore.New(context.Background(), s, authcore.WithEventSubscriber(b.Subscriber), authcore.WithRelay(eventstest.FastRelay))
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			doneA, doneB := make(chan error, 1), make(chan error, 1)
			go func() { doneA <- envA.Engine.RunRelay(ctx) }()
			go func() { doneB <- engineB.RunRelay(ctx) }()
			const n = 30
			for i := range n {
				id := fmt.Sprint(600 + i)
				envA.Account(id, "u"+id, "u"+id+"@example.com")
				envA.MustLogin(id)
			}
			perLogin := len(firstLoginEvents)
			require.Eventually(t, func() bool { return len(a.Events())+len(b.Events()) >= perLogin*n }, 10*time.Second, 5*time.Millisecond)
			cancel()
			require.NoError(t, <-doneA)
			require.NoError(t, <-doneB)
			seen := map[string]bool{}
			for _, ev := range append(a.Events(), b.Events()...) {
				require.False(t, seen[ev.ID], "event %s delivered twice", ev.ID)
				seen[ev.ID] = true
			}
			require.Len(t, seen, perLogin*n)
			// Both relays released the lease on the way out, and left nothing.
			now := time.Now().UnixMilli()
			left, err := s.ClaimOutbox(context.Background(), "inspector", now, time.Millisecond, 10)
			require.NoError(t, err)
			require.Empty(t, left)
		})
	}
}

// faultStore fails CreateRefreshToken inside transactions while fail is
// set: the last write of a login, after all its events were appended.
type faultStore struct {
	authcore.Store
	fail *atomic.Bool
}

func (s faultStore) InTx(ctx context.Context, fn func(ctx context.Context, tx authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		return fn(ctx, faultStore{Store: tx, fail: s.fail})
	})
}

var errInjected = errors.New("injected failure")

func (s faultStore) CreateRefreshToken(ctx context.Context, t *authcore.RefreshToken) error {
	if s.fail.Load() {
		return errInjected
	}
	return s.Store.CreateRefreshToken(ctx, t)
}

type namedStore struct {
	name string
	open func(t testing.TB) authcore.Store
}

func eventStores(t *testing.T) []namedStore {
	out := []namedStore{
		{"memstore", func(testing.TB) authcore.Store { return memstore.New() }},
		{"sqlite", sqliteStore},
	}
	if pgtest.DSN(t) != "" {
		out = append(out, namedStore{"postgres", freshPostgres})
	}
	return out
}

// freshPostgres opens a store in a schema of its own, dropped afterwards.
func freshPostgres(t testing.TB) authcore.Store {
	s, err := sqlstore.Open(context.Background(), pgtest.Fresh(t, ""))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// TestOutboxAtomicity: a login whose transaction fails leaves no event; one
// that commits always yields its events. On every store.
func TestOutboxAtomicity(t *testing.T) {
	for _, st := range eventStores(t) {
		t.Run(st.name, func(t *testing.T) {
			var fail atomic.Bool
			base := st.open(t)
			s := faultStore{Store: base, fail: &fail}
			// A subscriber makes the engine record events; no relay runs, so
			// the outbox keeps them for inspection.
			env := eventstest.New(t, s, eventstest.Options{Engine: []authcore.Option{
				authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }),
			}})
			env.Account("701", "ed", "ed@example.com")

			fail.Store(true)
			_, err := env.Login("701")
			require.ErrorIs(t, err, errInjected)
			pending, err := base.ClaimOutbox(env.Ctx, "inspector", time.Now().UnixMilli(), time.Millisecond, 100)
			require.NoError(t, err)
			require.Empty(t, pending, "the failed login left no event")
			_, err = base.GetUserByEmail(env.Ctx, env.TenantID, "ed@example.com")
			require.ErrorIs(t, err, authcore.ErrNotFound, "and no user")

			fail.Store(false)
			resp := env.MustLogin("701")
			pending, err = base.ClaimOutbox(env.Ctx, "inspector", time.Now().UnixMilli(), time.Millisecond, 100)
			require.NoError(t, err)
			var types []string
			for _, e := range pending {
				types = append(types, e.Type)
				require.Equal(t, resp.User.ID, e.Key)
				require.Contains(t, string(e.Payload), `"event":{"type":"`+e.Type+`"`)
			}
			require.Equal(t, firstLoginEvents, types)
		})
	}
}

// TestConcurrentLoginsOneEventEach: 16 concurrent first logins of one
// account create one user, and so exactly one user.create.
func TestConcurrentLoginsOneEventEach(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	env.Account("801", "fe", "fe@example.com")
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = env.Login("801")
		}()
	}
	wg.Wait()
	creates := 0
	for _, ev := range c.WaitFor(t, len(firstLoginEvents)) {
		if ev.Type == authcore.EventUserCreate {
			creates++
		}
	}
	require.Equal(t, 1, creates)
}

func TestRegistrationUpdateAndDeleteEvents(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	ctx := env.Ctx
	e := env.Engine
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "reg@example.com"}})
	require.NoError(t, err)
	_, err = e.Register(ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Timezone: "Europe/Paris"}})
	require.NoError(t, err)
	_, err = e.PatchRegistration(ctx, u.ID, eventstest.AppID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"registration":{"timezone":"America/Denver","roles":["user"]}}`)})
	require.NoError(t, err)
	require.NoError(t, e.DeleteRegistration(ctx, u.ID, eventstest.AppID))
	// Deleting what is gone records nothing.
	require.ErrorIs(t, e.DeleteRegistration(ctx, u.ID, eventstest.AppID), authcore.ErrNotFound)

	want := []string{authcore.EventUserCreate, authcore.EventUserCreateComplete,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete,
		authcore.EventUserRegistrationUpdate, authcore.EventUserRegistrationUpdateComplete,
		authcore.EventUserRegistrationDelete, authcore.EventUserRegistrationDeleteComplete}
	evs := c.WaitFor(t, len(want))
	require.Equal(t, want, c.Types())
	for _, ev := range evs {
		requireEventShape(t, ev, env.TenantID)
	}
	update, del := evs[4], evs[6]
	require.Equal(t, eventstest.AppID, update.ApplicationID)
	require.Equal(t, u.ID, update.User.ID)
	require.Equal(t, "America/Denver", update.Registration.Timezone)
	require.Equal(t, []string{"user"}, update.Registration.Roles)
	require.NotNil(t, update.OriginalRegistration, "user.registration.update carries the original registration")
	require.Equal(t, "Europe/Paris", update.OriginalRegistration.Timezone)
	require.Nil(t, update.Original, "the original is a registration, not a user")
	require.Equal(t, eventstest.AppID, del.ApplicationID)
	require.Equal(t, u.ID, del.User.ID)
	require.Equal(t, "America/Denver", del.Registration.Timezone, "the deleted registration as it was")
}

// "original" is a user in user.update and a registration in
// user.registration.update, on the wire as in FusionAuth.
func TestEventOriginalOnTheWire(t *testing.T) {
	reg := authcore.Event{Type: authcore.EventUserRegistrationUpdate, ID: "1",
		Registration:         &authcore.UserRegistration{ApplicationID: "app", Timezone: "new"},
		OriginalRegistration: &authcore.UserRegistration{ApplicationID: "app", Timezone: "old"}}
	b, err := json.Marshal(reg)
	require.NoError(t, err)
	var wire map[string]any
	require.NoError(t, json.Unmarshal(b, &wire))
	require.Equal(t, "old", wire["original"].(map[string]any)["timezone"])
	var back authcore.Event
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, reg, back)

	usr := authcore.Event{Type: authcore.EventUserUpdate, ID: "2", User: &authcore.User{FirstName: "new"}, Original: &authcore.User{FirstName: "old"}}
	b, err = json.Marshal(usr)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &wire))
	require.Equal(t, "old", wire["original"].(map[string]any)["firstName"])
	back = authcore.Event{}
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, usr, back)
}

// jwt.refresh-token.revoke reports tokens that were revoked: FusionAuth
// sends it for a user's tokens "if there is at least one valid Refresh
// Token for this User". A revocation that found none recorded an event
// all the same.
func TestRevokingNoTokensRecordsNoEvent(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	e := env.Engine
	u, err := e.CreateUser(env.Ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "none@example.com"}})
	require.NoError(t, err)
	for _, req := range []authcore.RevokeRequest{{UserID: u.ID}, {UserID: u.ID, ApplicationID: eventstest.AppID}} {
		n, err := e.RevokeRefreshTokens(env.Ctx, req)
		require.NoError(t, err)
		require.Zero(t, n)
	}
	// A marker after them: once it arrives, anything before it has too.
	require.NoError(t, e.DeleteUser(env.Ctx, u.ID))
	c.WaitFor(t, 4)
	require.Equal(t, []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserDelete, authcore.EventUserDeleteComplete}, c.Types())
}
