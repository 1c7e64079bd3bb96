package authcore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/authcore/authcore/idp/twitter"
)

// Engine is authcore's entry point. It is safe for concurrent use.
//
// It has no Close (see the package doc's Lifecycle): what needs stopping is
// what the embedder started: RunRelay and RunModerationRetry, by ending their
// context, and then the store (sqlstore.Store.Close).
type Engine struct {
	store  Store
	now    func() time.Time
	newID  func() string
	log    *slog.Logger
	random io.Reader

	lambdas lambdas
	twitter *twitter.Client
	ext     engineExt // events.go: outbox, relay, integrations, CleanSpeak

	keyCache      keyCache      // tokens.go: signers and parsed keys by key id
	providerCache providerCache // identityprovider.go: the login's decoded provider
	cfg           configCache   // configcache.go: configuration by version
}

// Option configures an Engine; an option that gets a bad value makes New fail.
type Option func(*Engine) error

// WithClock sets the clock (default time.Now; tests use a fixed or stepping
// one). It stamps objects, judges token expiry and ages the cached
// integrations of a store without a configuration version; give the same
// clock to memstore.WithClock.
func WithClock(now func() time.Time) Option {
	return func(e *Engine) error {
		if now == nil {
			return errors.New("authcore: WithClock(nil)")
		}
		e.now = now
		return nil
	}
}

// WithIDs sets the source of new object ids; it must return UUIDs. The
// default gives time-ordered ones (version 7, see newTimeOrderedID).
func WithIDs(newID func() string) Option {
	return func(e *Engine) error {
		if newID == nil {
			return errors.New("authcore: WithIDs(nil)")
		}
		e.newID = newID
		return nil
	}
}

// WithLogger sets the logger (default slog.Default()). authcore never logs
// secrets, tokens or keys.
func WithLogger(l *slog.Logger) Option {
	return func(e *Engine) error {
		if l == nil {
			return errors.New("authcore: WithLogger(nil)")
		}
		e.log = l
		return nil
	}
}

// WithRandom sets the source of secret randomness (API keys, refresh tokens,
// signing keys). The default is crypto/rand; replace it only in tests.
func WithRandom(r io.Reader) Option {
	return func(e *Engine) error {
		if r == nil {
			return errors.New("authcore: WithRandom(nil)")
		}
		e.random = r
		return nil
	}
}

// WithTwitterClient sets the client that talks to Twitter: its base URL,
// transport and timeouts (twitter.NewClient's options). The default is
// twitter.NewClient(): api.twitter.com, 10 seconds a call.
func WithTwitterClient(c *twitter.Client) Option {
	return func(e *Engine) error {
		if c == nil {
			return errors.New("authcore: WithTwitterClient(nil)")
		}
		e.twitter = c
		return nil
	}
}

// DefaultTenantName is the name of the tenant New creates in an empty store.
const DefaultTenantName = "Default"

// New opens an engine on store. On an empty store it creates the default
// tenant, so a fresh deployment is usable at once; two engines opening one
// empty database at the same time create it once (tenant names are unique).
func New(ctx context.Context, store Store, opts ...Option) (*Engine, error) {
	if store == nil {
		return nil, errors.New("authcore: New needs a Store")
	}
	e := &Engine{
		store:  store,
		now:    time.Now,
		newID:  newTimeOrderedID,
		log:    slog.Default(),
		random: cryptoRand,
	}
	for i, opt := range opts {
		if opt == nil {
			// A nil Option (one left unset, or a helper's "no option")
			// would panic in New; it is a bad value like WithLogger(nil).
			return nil, fmt.Errorf("authcore: New: option %d is nil", i)
		}
		if err := opt(e); err != nil {
			return nil, err
		}
	}
	if e.twitter == nil {
		c, err := twitter.NewClient()
		if err != nil {
			return nil, err
		}
		e.twitter = c
	}
	if err := e.startEvents(ctx); err != nil {
		return nil, fmt.Errorf("authcore: open: %w", err)
	}
	if err := e.ensureDefaultTenant(ctx); err != nil {
		return nil, fmt.Errorf("authcore: open: %w", err)
	}
	return e, nil
}

// Store returns the engine's store, for tools and tests that inspect it.
func (e *Engine) Store() Store { return e.store }

// Logger returns the engine's logger.
func (e *Engine) Logger() *slog.Logger { return e.log }

func (e *Engine) instant() int64 { return e.now().UnixMilli() }

// ensureDefaultTenant creates the default tenant on an empty store. Engines
// that start together on one database race for it: a lost race (a duplicate,
// or a conflict after which the tenants are listed again) is not an error.
func (e *Engine) ensureDefaultTenant(ctx context.Context) error {
	return retryConflicts(ctx, func() error {
		tenants, err := e.store.ListTenants(ctx)
		if err != nil {
			return err
		}
		if len(tenants) > 0 {
			return nil
		}
		now := e.instant()
		t := &Tenant{ID: e.newID(), Name: DefaultTenantName, InsertInstant: now, LastUpdateInstant: now}
		applyTenantDefaults(t)
		err = e.store.CreateTenant(ctx, t)
		if errors.Is(err, ErrDuplicate) {
			return nil // another engine on the same database won the race
		}
		return err
	})
}

// applyTenantDefaults fills what FusionAuth fills on a new tenant.
func applyTenantDefaults(t *Tenant) {
	if t.Issuer == "" {
		t.Issuer = defaultIssuer
	}
	if t.JWTConfiguration.TimeToLiveInSeconds == 0 {
		t.JWTConfiguration.TimeToLiveInSeconds = 3600
	}
	if t.JWTConfiguration.RefreshTokenTimeToLiveInMinutes == 0 {
		t.JWTConfiguration.RefreshTokenTimeToLiveInMinutes = 43200
	}
	if t.JWTConfiguration.RefreshTokenUsagePolicy == "" {
		t.JWTConfiguration.RefreshTokenUsagePolicy = RefreshTokenReusable
	}
	if t.JWTConfiguration.RefreshTokenExpirationPolicy == "" {
		t.JWTConfiguration.RefreshTokenExpirationPolicy = RefreshTokenFixed
	}
}

// newTimeOrderedID is the default id source: RFC 9562 version 7 UUIDs. They
// are UUIDs like any other to FusionAuth's clients, but ordered by creation
// time, so that a row's insert lands at the end of its table's primary-key
// index instead of on a random page: on SQLite that is about a fifth more
// logins per second, the pages of a commit group being shared. They carry
// their creation millisecond, which every object shows in insertInstant
// anyway, and 74 random bits.
func newTimeOrderedID() string {
	id, err := uuid.NewV7()
	if err != nil {
		// Only a failing random source; a random UUID has the same needs,
		// so this panics the way uuid.NewString would.
		return uuid.NewString()
	}
	return id.String()
}
