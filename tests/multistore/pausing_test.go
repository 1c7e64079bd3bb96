package multistore_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
)

// pausingStore counts the transactions a store lost to a conflict (on
// PostgreSQL: a deadlock), which the engine then runs again; while armed,
// it holds the first transaction that makes the call named by pauseAt right
// after that call, with the locks the call took.
//
// Wrapping hides the store's optional interfaces (ConfigVersioner among
// them): a refresh through it reads its application and user in its
// transaction, as any engine's does on a configuration change.
type pausingStore struct {
	authcore.Store
	pauseAt   string // the method ("CreateUser", "GetRefreshTokenByHash", …), or "Commit"
	conflicts atomic.Int64
	armed     atomic.Bool
	entered   chan struct{}
	release   chan struct{}
}

// newPausingStore wraps s to pause at the call named by at once armed.
func newPausingStore(s authcore.Store, at string) *pausingStore {
	return &pausingStore{Store: s, pauseAt: at, entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (s *pausingStore) InTx(ctx context.Context, fn func(ctx context.Context, tx authcore.Store) error) error {
	var ptx *pausingTx
	err := s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		ptx = &pausingTx{Store: tx, s: s}
		if err := fn(ctx, ptx); err != nil {
			return err
		}
		// "Commit" pauses a transaction that has done all its work and
		// holds every lock it took, before the store commits it.
		ptx.pause("Commit")
		return nil
	})
	if errors.Is(err, authcore.ErrConflict) {
		s.conflicts.Add(1)
	}
	if err == nil && ptx.loggedIn {
		// "LoginCommitted" pauses a login once its transaction has
		// committed, holding no lock, before it signs its token.
		ptx.pause("LoginCommitted")
	}
	if err == nil && ptx.registered {
		// "RegistrationCommitted" pauses a registration's create once its
		// transaction has committed, holding no lock, before it signs its
		// token.
		ptx.pause("RegistrationCommitted")
	}
	return err
}

// GetRegistration pauses a read outside any transaction (the store's
// own, not a transaction's): a token exchange reads the user's
// registration so before its transaction, holding no lock.
func (s *pausingStore) GetRegistration(ctx context.Context, userID, applicationID string) (*authcore.UserRegistration, error) {
	reg, err := s.Store.GetRegistration(ctx, userID, applicationID)
	if s.pauseAt == "GetRegistration" && s.armed.CompareAndSwap(true, false) {
		s.entered <- struct{}{}
		<-s.release
	}
	return reg, err
}

type pausingTx struct {
	authcore.Store
	s *pausingStore
	// loggedIn: the transaction wrote a login record (a login's).
	loggedIn bool
	// registered: the transaction wrote a registration.
	registered bool
}

func (t *pausingTx) CreateLoginRecord(ctx context.Context, r *authcore.LoginRecord) error {
	err := t.Store.CreateLoginRecord(ctx, r)
	t.loggedIn = err == nil
	return err
}

func (t *pausingTx) pause(at string) {
	if t.s.pauseAt == at && t.s.armed.CompareAndSwap(true, false) {
		t.s.entered <- struct{}{}
		<-t.s.release
	}
}

// GetApplicationShared and GetTenantShared forward the shared reads the
// engine finds by type, so that it locks as it does unwrapped.
func (t *pausingTx) GetApplicationShared(ctx context.Context, id string) (*authcore.Application, error) {
	if sh, ok := t.Store.(interface {
		GetApplicationShared(context.Context, string) (*authcore.Application, error)
	}); ok {
		return sh.GetApplicationShared(ctx, id)
	}
	return t.Store.GetApplication(ctx, id)
}

func (t *pausingTx) GetTenantShared(ctx context.Context, id string) (*authcore.Tenant, error) {
	if sh, ok := t.Store.(interface {
		GetTenantShared(context.Context, string) (*authcore.Tenant, error)
	}); ok {
		return sh.GetTenantShared(ctx, id)
	}
	return t.Store.GetTenant(ctx, id)
}

// GetUser pauses with the user read (locked on PostgreSQL), as a
// registration for an existing user holds it before it reads the
// application.
func (t *pausingTx) GetUser(ctx context.Context, id string) (*authcore.User, error) {
	u, err := t.Store.GetUser(ctx, id)
	t.pause("GetUser")
	return u, err
}

// GetApplication pauses with the application read (locked on PostgreSQL),
// as a registration for an existing user holds it, with the user, before
// it inserts the registration, and a combined create with the user's
// tenant.
func (t *pausingTx) GetApplication(ctx context.Context, id string) (*authcore.Application, error) {
	a, err := t.Store.GetApplication(ctx, id)
	t.pause("GetApplication")
	return a, err
}

// CreateRegistration pauses with the registration inserted and whatever its
// transaction locked before it (on PostgreSQL: the user and the
// application).
func (t *pausingTx) CreateRegistration(ctx context.Context, r *authcore.UserRegistration) error {
	err := t.Store.CreateRegistration(ctx, r)
	t.registered = err == nil
	t.pause("CreateRegistration")
	return err
}

func (t *pausingTx) CreateUser(ctx context.Context, u *authcore.User) error {
	err := t.Store.CreateUser(ctx, u)
	t.pause("CreateUser")
	return err
}

// GetRefreshTokenByHash pauses with the token's row lock held on
// PostgreSQL, as a refresh and a token exchange hold it before they read
// (and lock) the token's user.
func (t *pausingTx) GetRefreshTokenByHash(ctx context.Context, hash []byte, previous bool) (*authcore.RefreshToken, error) {
	rt, err := t.Store.GetRefreshTokenByHash(ctx, hash, previous)
	t.pause("GetRefreshTokenByHash")
	return rt, err
}

// TakePendingLink pauses holding the pending link and whatever the
// completion locked before it.
func (t *pausingTx) TakePendingLink(ctx context.Context, id string, now int64) (*authcore.PendingLink, error) {
	p, err := t.Store.TakePendingLink(ctx, id, now)
	t.pause("TakePendingLink")
	return p, err
}

// GetIdentityProviderShared forwards the shared read a link's creation
// uses, so that the completion locks as it does unwrapped.
func (t *pausingTx) GetIdentityProviderShared(ctx context.Context, id string) (*authcore.IdentityProviderRecord, error) {
	if sh, ok := t.Store.(providerSharer); ok {
		return sh.GetIdentityProviderShared(ctx, id)
	}
	return t.Store.GetIdentityProvider(ctx, id)
}

// raceAround runs held until it pauses at ps's pause point, then runs other
// beside it, and lets held go on once other waits for it: on PostgreSQL
// when a statement like pattern (SQL LIKE) waits for a lock, which fails
// the test if none does within 30 seconds; memstore and SQLite run one
// write transaction at a time, so other waits for held there. It returns
// held's error and other's.
func raceAround(t *testing.T, k storeKind, ps *pausingStore, pattern string, held, other func() error) (heldErr, otherErr error) {
	t.Helper()
	ps.armed.Store(true)
	heldDone, otherDone := make(chan error, 1), make(chan error, 1)
	go func() { heldDone <- held() }()
	awaitPause(t, ps, heldDone)
	go func() { otherDone <- other() }()
	waited := k.name != "postgres" || watchLockWait(t, pattern, nil)
	// Let held go in any case: a test that stopped here would leave its
	// transaction open, and closing the stores would wait for it.
	close(ps.release)
	heldErr, otherErr = <-heldDone, <-otherDone
	require.True(t, waited, "no statement like %q waited for a lock", pattern)
	return heldErr, otherErr
}

// pauseAround runs held until it pauses at ps's pause point, then runs
// other to its end, and lets held go on: for a pause point where held
// holds no lock, so that other waits for nothing. It returns held's error
// and other's.
func pauseAround(t testing.TB, ps *pausingStore, held, other func() error) (heldErr, otherErr error) {
	t.Helper()
	ps.armed.Store(true)
	heldDone := make(chan error, 1)
	go func() { heldDone <- held() }()
	awaitPause(t, ps, heldDone)
	otherErr = other()
	close(ps.release)
	return <-heldDone, otherErr
}

// awaitPause waits until held, which sends its result on heldDone, pauses
// at ps's pause point. A held that ends first never will (it failed before
// it got there, or no longer goes that way): the test fails then, where it
// waited for go test's timeout, and ps is disarmed and released so that
// nothing run after it pauses for good.
func awaitPause(t testing.TB, ps *pausingStore, heldDone <-chan error) {
	t.Helper()
	select {
	case <-ps.entered:
	case err := <-heldDone:
		if ps.armed.CompareAndSwap(true, false) {
			close(ps.release)
		}
		t.Fatalf("the held side ended before it paused at %q: %v", ps.pauseAt, err)
	}
}

// pausedEngine is an engine of its own, quiet and with c's fake Twitter,
// over a pausing store on open(t) that pauses at pauseAt once armed (""
// never pauses), and that store, whose conflicts the race tests count.
func (c *cluster) pausedEngine(t *testing.T, open func(testing.TB) authcore.Store, pauseAt string, opts ...authcore.Option) (*authcore.Engine, *pausingStore) {
	t.Helper()
	ps := newPausingStore(open(t), pauseAt)
	client, err := twitter.NewClient(twitter.WithBaseURL(c.tw.URL), twitter.WithTimeout(30*time.Second))
	require.NoError(t, err)
	opts = append([]authcore.Option{authcore.WithTwitterClient(client), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}, opts...)
	e, err := authcore.New(context.Background(), ps, opts...)
	require.NoError(t, err)
	return e, ps
}
