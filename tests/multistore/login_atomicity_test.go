package multistore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/authcoretest"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

// faultStore wraps a store so that, while armed, the k-th store call of
// every transaction run fails with err. Every run fails the same way, so a
// login that retries a conflict meets the fault again each time, as it would
// against a store that keeps losing. Calls outside InTx are not counted.
type faultStore struct {
	authcore.Store
	mu    sync.Mutex
	k     int // 0: disarmed
	err   error
	once  bool // only the first run that reaches call k fails
	fired int
	seen  map[string]map[string]bool // ids of objects a transaction created, by kind
}

// faultTx is the Store a transaction's function sees: the wrapped store's
// transaction, counting each call.
type faultTx struct {
	authcore.Store
	f     *faultStore
	calls *int
}

func (f *faultStore) arm(k int, err error) { f.armAt(k, err, false) }

func (f *faultStore) armAt(k int, err error, once bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.k, f.err, f.once, f.fired = k, err, once, 0
}

func (f *faultStore) note(kind, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen[kind] == nil {
		f.seen[kind] = map[string]bool{}
	}
	f.seen[kind][id] = true
}

func (f *faultStore) noted(kind string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id := range f.seen[kind] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func (s *faultTx) step(method string) error {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	*s.calls++
	if s.f.k != 0 && *s.calls == s.f.k && (!s.f.once || s.f.fired == 0) {
		s.f.fired++
		return fmt.Errorf("injected fault at store call %d (%s): %w", s.f.k, method, s.f.err)
	}
	return nil
}

func (f *faultStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return f.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		calls := 0
		return fn(ctx, &faultTx{Store: tx, f: f, calls: &calls})
	})
}

// ConfigVersion keeps the engine's configuration cache working as it does on
// the wrapped store.
func (f *faultStore) ConfigVersion(ctx context.Context) (int64, error) {
	if cv, ok := f.Store.(authcore.ConfigVersioner); ok {
		return cv.ConfigVersion(ctx)
	}
	return 0, errors.New("no config version")
}

// InTx inside a transaction runs in the same transaction, still counted.
func (s *faultTx) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		return fn(ctx, &faultTx{Store: tx, f: s.f, calls: s.calls})
	})
}

// GetIdentityProviderShared forwards the shared read a link's creation uses
// where the store offers it.
func (s *faultTx) GetIdentityProviderShared(ctx context.Context, id string) (*authcore.IdentityProviderRecord, error) {
	if err := s.step("GetIdentityProviderShared"); err != nil {
		return nil, err
	}
	if sh, ok := s.Store.(providerSharer); ok {
		return sh.GetIdentityProviderShared(ctx, id)
	}
	return s.Store.GetIdentityProvider(ctx, id)
}

// providerSharer is authcore's optional shared provider read.
type providerSharer interface {
	GetIdentityProviderShared(ctx context.Context, id string) (*authcore.IdentityProviderRecord, error)
}

// GetApplicationShared forwards the shared read a first login uses where
// the store offers it.
func (s *faultTx) GetApplicationShared(ctx context.Context, id string) (*authcore.Application, error) {
	if err := s.step("GetApplicationShared"); err != nil {
		return nil, err
	}
	if sh, ok := s.Store.(interface {
		GetApplicationShared(context.Context, string) (*authcore.Application, error)
	}); ok {
		return sh.GetApplicationShared(ctx, id)
	}
	return s.Store.GetApplication(ctx, id)
}

type atomicityFixture struct {
	tw     *twittertest.Server
	inner  authcore.Store
	f      *faultStore
	e      *authcore.Engine
	h      http.Handler
	tenant string
	key    string
	users  []string // users created by the test itself
	accts  []string // Twitter accounts the test logs in with
}

func newAtomicityFixture(t *testing.T, k storeKind) *atomicityFixture {
	t.Helper()
	ctx := context.Background()
	x := &atomicityFixture{tw: twittertest.NewServer(), key: "atomicity-api-key-0123456789abcdef"}
	t.Cleanup(x.tw.Close)
	x.tw.AddConsumer(ck, cs)
	x.inner = k.open(t)(t)
	x.f = &faultStore{Store: x.inner, seen: map[string]map[string]bool{}}
	client, err := twitter.NewClient(twitter.WithBaseURL(x.tw.URL), twitter.WithTimeout(10*time.Second))
	require.NoError(t, err)
	// The subscriber makes the engine record events in the outbox, so that
	// the test sees the events a failed transaction would have left.
	x.e, err = authcore.New(ctx, x.f, authcore.WithTwitterClient(client),
		authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }))
	require.NoError(t, err)
	x.h, err = httpadapter.New(x.e)
	require.NoError(t, err)
	_, err = authcoretest.TwitterLoginApp(ctx, x.e, appID, ck, cs)
	require.NoError(t, err)
	_, _, err = x.e.CreateAPIKey(ctx, authcore.NewAPIKey{Key: x.key})
	require.NoError(t, err)
	tenants, err := x.inner.ListTenants(ctx)
	require.NoError(t, err)
	require.Len(t, tenants, 1)
	x.tenant = tenants[0].ID
	return x
}

func (x *atomicityFixture) account(i int) string {
	id := fmt.Sprintf("8%06d", i)
	x.tw.AddAccount(twittertest.Account{ID: id, ScreenName: "atom" + id, Name: "Atom " + id, Email: "atom" + id + "@example.com"})
	x.accts = append(x.accts, id)
	return id
}

func (x *atomicityFixture) do(method, path, body string, auth bool) (int, string) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if auth {
		req.Header.Set("Authorization", x.key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	x.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func (x *atomicityFixture) login(acct string) (int, string) {
	tok, sec := x.tw.IssueAccessToken(ck, acct)
	return x.do("POST", "/api/identity-provider/login", fmt.Sprintf(`{"applicationId":%q,"identityProviderId":%q,"data":{"oauth_token":%q,"oauth_token_secret":%q}}`,
		appID, twitter.ProviderID, tok, sec), false)
}

func (x *atomicityFixture) strategy(t *testing.T, s string) {
	t.Helper()
	_, err := x.e.PatchIdentityProvider(context.Background(), twitter.ProviderID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"identityProvider":{"linkingStrategy":"` + s + `"}}`)})
	require.NoError(t, err)
}

// snapshot renders what the store holds about every user, link, pending
// link and refresh token the test made or a transaction tried to make, the
// login records, and the event-log count, read from the wrapped store.
func (x *atomicityFixture) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	putTo := func(w *strings.Builder, label string, v any, err error) {
		if errors.Is(err, authcore.ErrNotFound) {
			fmt.Fprintf(w, "%s: not found\n", label)
			return
		}
		require.NoError(t, err, label)
		j, jerr := json.Marshal(v)
		require.NoError(t, jerr)
		fmt.Fprintf(w, "%s: %s\n", label, j)
	}
	put := func(label string, v any, err error) { putTo(&b, label, v, err) }
	// An id a transaction noted appears only when something of it is
	// stored, so that a snapshot taken before the transaction tried it
	// reads the same as one after a rollback.
	users := append(append([]string(nil), x.users...), x.f.noted("user")...)
	sort.Strings(users)
	for _, id := range users {
		found := false
		u, err := x.inner.GetUser(ctx, id)
		found = found || err == nil
		regs, rerr := x.inner.ListRegistrations(ctx, id)
		links, lerr := x.inner.ListLinks(ctx, id, "")
		rts, terr := x.inner.ListRefreshTokens(ctx, id)
		var lr []authcore.LoginRecord
		var lrerr error
		switch s := x.inner.(type) {
		case *memstore.Store:
			lr = s.LoginRecords(id)
		case *sqlstore.Store:
			lr, lrerr = s.LoginRecords(ctx, id)
		default:
			t.Fatalf("no login records for %T", x.inner)
		}
		require.NoError(t, errors.Join(rerr, lerr, terr, lrerr))
		found = found || len(regs) > 0 || len(links) > 0 || len(rts) > 0 || len(lr) > 0
		if !found {
			continue
		}
		put("user "+id, u, err)
		put("registrations "+id, regs, nil)
		put("links "+id, links, nil)
		put("refresh tokens "+id, rts, nil)
		put("login records "+id, lr, nil)
	}
	for _, acct := range x.accts {
		l, err := x.inner.GetLink(ctx, x.tenant, twitter.ProviderID, acct)
		put("link of "+acct, l, err)
	}
	now := time.Now().UnixMilli()
	for _, id := range x.f.noted("pending") {
		p, err := x.inner.GetPendingLink(ctx, id, now)
		if !errors.Is(err, authcore.ErrNotFound) {
			put("pending "+id, p, err)
		}
	}
	for _, id := range x.f.noted("refresh") {
		rt, err := x.inner.GetRefreshToken(ctx, id)
		if !errors.Is(err, authcore.ErrNotFound) {
			put("refresh token "+id, rt, err)
		}
	}
	_, total, err := x.inner.SearchEventLogs(ctx, authcore.EventLogQuery{Limit: 1})
	put("event logs", total, err)
	return b.String()
}

// drainOutbox removes every event in the outbox and returns their types.
func (x *atomicityFixture) drainOutbox(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	var types []string
	now := time.Now().UnixMilli()
	for {
		evs, err := x.inner.ClaimOutbox(ctx, "atomicity-test", now, time.Minute, 100)
		require.NoError(t, err)
		if len(evs) == 0 {
			break
		}
		seqs := make([]int64, len(evs))
		for i, ev := range evs {
			seqs[i] = ev.Seq
			types = append(types, ev.Type)
		}
		require.NoError(t, x.inner.AckOutbox(ctx, seqs))
	}
	require.NoError(t, x.inner.ReleaseOutbox(ctx, "atomicity-test"))
	return types
}

// faultEvery runs req with the k-th store call of its transaction failing
// with fault, for k = 1, 2, … until k passes the number of calls the
// transaction makes, and checks each failed run: status, nothing written,
// no event but user.login.failed. The last run met no fault: it must answer
// okStatus. It returns that answer's body.
func (x *atomicityFixture) faultEvery(t *testing.T, name string, fault error, status, okStatus int, req func() (int, string)) string {
	t.Helper()
	for k := 1; ; k++ {
		x.drainOutbox(t)
		before := x.snapshot(t)
		x.f.arm(k, fault)
		code, body := req()
		fired := x.f.fired
		x.f.arm(0, nil)
		if fired == 0 {
			require.Greater(t, k, 1, "%s: the transaction made no store call", name)
			t.Logf("%s: %v at each of %d store calls", name, fault, k-1)
			require.Equal(t, okStatus, code, "%s: run without a fault: %s", name, body)
			return body
		}
		require.Equal(t, status, code, "%s: %v at call %d: %s", name, fault, k, body)
		require.Equal(t, before, x.snapshot(t), "%s: %v at call %d left something behind", name, fault, k)
		for _, typ := range x.drainOutbox(t) {
			require.Equal(t, authcore.EventUserLoginFailed, typ, "%s: %v at call %d left an event", name, fault, k)
		}
	}
}

// userCounts is how many refresh tokens and login records a user has.
func (x *atomicityFixture) userCounts(t *testing.T, userID string) (int, int) {
	t.Helper()
	ctx := context.Background()
	rts, err := x.inner.ListRefreshTokens(ctx, userID)
	require.NoError(t, err)
	var lr []authcore.LoginRecord
	switch s := x.inner.(type) {
	case *memstore.Store:
		lr = s.LoginRecords(userID)
	case *sqlstore.Store:
		lr, err = s.LoginRecords(ctx, userID)
		require.NoError(t, err)
	}
	return len(rts), len(lr)
}

// A conflict at any one store call of a repeat login is retried: the login
// succeeds and writes one refresh token and one login record, not one per
// run.
func TestLoginConflictOnceRetriesWithoutDuplicates(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			x := newAtomicityFixture(t, k)
			acct := x.account(0)
			code, body := x.login(acct)
			require.Equal(t, 200, code, body)
			var out struct{ User struct{ ID string } }
			require.NoError(t, json.Unmarshal([]byte(body), &out))
			for call := 1; ; call++ {
				rts, lrs := x.userCounts(t, out.User.ID)
				x.f.armAt(call, authcore.ErrConflict, true)
				code, body := x.login(acct)
				fired := x.f.fired
				x.f.arm(0, nil)
				require.Equal(t, 200, code, "conflict at call %d: %s", call, body)
				rts2, lrs2 := x.userCounts(t, out.User.ID)
				require.Equal(t, rts+1, rts2, "conflict at call %d: refresh tokens", call)
				require.Equal(t, lrs+1, lrs2, "conflict at call %d: login records", call)
				if fired == 0 {
					break
				}
			}
		})
	}
}

// Every store call inside a login's (or a pending-link completion's)
// transaction, failing in turn, fails the request with nothing written; the
// request without the fault then succeeds.
func TestLoginFailureAtomicity(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			x := newAtomicityFixture(t, k)
			ctx := context.Background()
			// A first login outside the test creates the tenant's signing key.
			warm := x.account(0)
			code, body := x.login(warm)
			require.Equal(t, 200, code, body)

			plain := errors.New("injected: disk on fire")
			faults := []struct {
				err    error
				status int
			}{{plain, 500}, {authcore.ErrConflict, 409}}
			for i, f := range faults {
				acct := x.account(1 + i)
				x.faultEvery(t, "first login", f.err, f.status, 200, func() (int, string) { return x.login(acct) })
				x.faultEvery(t, "repeat login", f.err, f.status, 200, func() (int, string) { return x.login(acct) })
			}

			x.strategy(t, "CreatePendingLink")
			const userID = "a7a7a7a7-0000-4000-8000-000000000001"
			require.NoError(t, x.inner.CreateUser(ctx, &authcore.User{ID: userID, TenantID: x.tenant, Email: "completer@example.com", Active: true}))
			x.users = append(x.users, userID)
			for i, f := range faults {
				acct := x.account(3 + i)
				body := x.faultEvery(t, "pending-link login", f.err, f.status, 232, func() (int, string) { return x.login(acct) })
				var out struct{ PendingIdPLinkID string }
				require.NoError(t, json.Unmarshal([]byte(body), &out))
				x.faultEvery(t, "pending-link completion", f.err, f.status, 200, func() (int, string) {
					return x.do("POST", "/api/identity-provider/link", fmt.Sprintf(`{"pendingIdPLinkId":%q,"identityProviderLink":{"userId":%q}}`, out.PendingIdPLinkID, userID), true)
				})
			}
		})
	}
}

// A user.login.failed event whose write loses a race once is written on
// the next run: the refusal is still recorded, exactly once.
func TestLoginFailedEventSurvivesAConflict(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			x := newAtomicityFixture(t, k)
			x.drainOutbox(t)
			x.f.armAt(1, authcore.ErrConflict, true)
			code, body := x.do("POST", "/api/identity-provider/login", fmt.Sprintf(`{"applicationId":%q,"identityProviderId":%q,"data":{"oauth_token":"never-issued","oauth_token_secret":"nope"}}`,
				appID, twitter.ProviderID), false)
			fired := x.f.fired
			x.f.arm(0, nil)
			require.Equal(t, 401, code, body)
			require.Equal(t, 1, fired, "the event's transaction met the conflict")
			require.Equal(t, []string{authcore.EventUserLoginFailed}, x.drainOutbox(t))
		})
	}
}
