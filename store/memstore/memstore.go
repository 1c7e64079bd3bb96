package memstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
)

// Store is an authcore.Store in memory. The zero value is not usable; call New.
// Its methods are authcore.Store's, documented there. It holds no goroutine
// or file, so its Close does nothing; its data goes with the last reference
// to it.
type Store struct {
	mu sync.RWMutex
	d  data
	// ro is the read-only view reads outside a transaction use; it has no
	// state of its own, so one serves every reader.
	ro txn
}

var _ authcore.Store = (*Store)(nil)

// Close does nothing and returns nil. It is there so that memstore and
// sqlstore are both an io.Closer besides an authcore.Store: an app that
// chooses its store at start-up closes whichever it opened the same way.
// The store stays usable after it.
func (s *Store) Close() error { return nil }

// Option configures a Store (see New).
type Option func(*Store)

// WithClock sets the clock by which expired refresh tokens and pending links
// are pruned. Give
// the engine's clock (authcore.WithClock) when it is not the wall clock. A
// nil clock keeps the default, which is described in the package doc.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.d.clock = now }
}

// WithLoginRecordLimit sets how many login records the store keeps: the n
// most recent ones, store-wide (default DefaultLoginRecordLimit). n == 0 keeps
// none; n < 0 keeps every record, so the store grows with every login.
func WithLoginRecordLimit(n int) Option {
	return func(s *Store) { s.d.logins.limit = n }
}

// DefaultLoginRecordLimit is how many login records a store keeps unless
// WithLoginRecordLimit says otherwise: at a few hundred bytes each, tens of
// megabytes at most.
const DefaultLoginRecordLimit = 100_000

// New returns an empty store.
func New(opts ...Option) *Store {
	s := &Store{d: data{
		tenants:     map[string]*authcore.Tenant{},
		tenantNames: map[string]string{},
		apps:        map[string]*authcore.Application{},
		users:       map[string]*userRec{},
		userEmail:   map[string]map[string]*userRec{},
		userName:    map[string]map[string]*userRec{},
		regIDs:      map[string]*userRec{},
		links:       map[linkGroup]map[string]*userRec{},
		linkMetas:   map[linkMetaKey]*linkMeta{},
		pending:     map[string]*authcore.PendingLink{},
		idps:        map[string]*authcore.IdentityProviderRecord{},
		apiKeys:     map[string]*authcore.APIKey{},
		apiKeyHash:  map[string]string{},
		apiKeyNames: nameIndex{},
		refresh:     map[string]*authcore.RefreshToken{},
		refreshHash: map[string]string{},
		refreshPrev: map[string]string{},
		keys:        map[string]*authcore.SigningKey{},
		keyKids:     map[string]string{},
		keyNames:    nameIndex{},
		eventLogs:   map[int64]*authcore.EventLog{},
		logins:      loginRing{limit: DefaultLoginRecordLimit},
	}}
	for _, o := range opts {
		o(s)
	}
	s.ro.d = &s.d
	return s
}

// data is the store's state. Its mutators keep the secondary indexes in step
// and are only called with the write lock held.
type data struct {
	tenants     map[string]*authcore.Tenant
	tenantNames map[string]string
	apps        map[string]*authcore.Application
	// users holds each user with its registrations and links (users.go).
	// The e-mail, username and link indexes are two-level (tenant, or
	// tenant and provider, then the value) and point at the record; the
	// registration ids, unique across all registrations, are one level.
	users        map[string]*userRec
	userEmail    map[string]map[string]*userRec // tenant -> lower(email)
	userName     map[string]map[string]*userRec // tenant -> lower(username)
	regIDs       map[string]*userRec            // registration id -> its user
	links        map[linkGroup]map[string]*userRec
	linkMetas    map[linkMetaKey]*linkMeta
	pending      map[string]*authcore.PendingLink
	idps         map[string]*authcore.IdentityProviderRecord
	integrations *integration.Integrations
	apiKeys      map[string]*authcore.APIKey
	apiKeyHash   map[string]string
	apiKeyNames  nameIndex
	refresh      map[string]*authcore.RefreshToken
	refreshHash  map[string]string
	refreshPrev  map[string]string
	refreshDue   expiryQueue      // refresh.go
	pendingDue   expiryQueue      // pending.go
	clock        func() time.Time // WithClock; nil: see refresh.go
	keys         map[string]*authcore.SigningKey
	keyKids      map[string]string // EffectiveKid -> key id
	keyNames     nameIndex
	eventLogs    map[int64]*authcore.EventLog
	eventLogSeq  int64
	logins       loginRing  // loginrecords.go
	outbox       outboxData // outbox.go
	// configVersion moves with every write of a tenant, an application, an
	// identity provider, a signing key or the integrations (ConfigVersion). It is bumped
	// under the write lock, before the commit, so that a reader who sees
	// the new number waits for the lock and then reads the new objects.
	configVersion atomic.Int64
}

// InTx runs fn in a transaction (see authcore.Transactor). A transaction
// that commits then prunes a bounded number of expired refresh tokens
// (refresh.go): the store's upkeep is paid by its writers, a little each.
// One whose ctx ended before fn returned is rolled back, as a SQL store's
// is.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx authcore.Store) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &txn{d: &s.d, writable: true}
	tx.due = tx.dueBuf[:0]
	defer func() {
		if p := recover(); p != nil {
			tx.rollback()
			panic(p)
		}
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			tx.rollback()
			return
		}
		s.d.afterCommit(tx)
	}()
	return fn(ctx, tx)
}

// ConfigVersion implements authcore.ConfigVersioner: the number changes
// with every create, update or delete of a tenant, an application, an
// identity provider or a signing key.
func (s *Store) ConfigVersion(context.Context) (int64, error) {
	return s.d.configVersion.Load(), nil
}

// read runs a read-only function under the read lock.
func read[T any](s *Store, ctx context.Context, f func(*txn) (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return f(&s.ro)
}

// write runs one mutation as its own transaction.
func (s *Store) write(ctx context.Context, f func(*txn) error) error {
	return s.InTx(ctx, func(_ context.Context, tx authcore.Store) error { return f(tx.(*txn)) })
}

// txn is the authcore.Store seen inside a transaction (and, read-only, by
// reads outside one). It records how to undo each change.
type txn struct {
	d        *data
	writable bool
	undo     []func()
	// due are the expiries of the refresh tokens this transaction stored,
	// queued for pruning when it commits (refresh.go); dueBuf holds a
	// login's one without an allocation of its own.
	due       []dueEntry
	dueBuf    [1]dueEntry
	maxInsert int64
	// pendingDue are the expiries of the pending links this transaction
	// stored, and maxPendingInsert their newest InsertInstant (pending.go).
	pendingDue       []dueEntry
	maxPendingInsert int64
}

var _ authcore.Store = (*txn)(nil)

func (t *txn) InTx(ctx context.Context, fn func(ctx context.Context, tx authcore.Store) error) error {
	if !t.writable {
		return fmt.Errorf("memstore: InTx on a read-only view")
	}
	return fn(ctx, t)
}

func (t *txn) onUndo(f func()) { t.undo = append(t.undo, f) }

func (t *txn) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

// notFoundError is authcore.ErrNotFound with what was looked for. Its text
// is only built when someone reads it: a first login looks up a link, a user
// and a registration that do not exist yet, and formatting three messages
// nobody reads was a measurable share of its transaction.
type notFoundError struct{ what, id, id2 string }

func (e *notFoundError) Error() string {
	id := e.id
	if e.id2 != "" {
		id += "/" + e.id2
	}
	return fmt.Sprintf("memstore: %s %q: %v", e.what, id, authcore.ErrNotFound)
}

func (e *notFoundError) Unwrap() error { return authcore.ErrNotFound }

func notFound(what, id string) error { return &notFoundError{what: what, id: id} }

// notFound2 is notFound for a key of two ids, shown as "id/id2".
func notFound2(what, id, id2 string) error { return &notFoundError{what: what, id: id, id2: id2} }

func lower(s string) string { return strings.ToLower(s) }

// ---- tenants

func (d *data) putTenant(t *authcore.Tenant) {
	if old, ok := d.tenants[t.ID]; ok {
		delete(d.tenantNames, lower(old.Name))
	}
	d.tenants[t.ID] = t
	d.tenantNames[lower(t.Name)] = t.ID
}

func (d *data) delTenant(id string) {
	if old, ok := d.tenants[id]; ok {
		delete(d.tenantNames, lower(old.Name))
		delete(d.tenants, id)
	}
}

func (t *txn) setTenant(id string, v *authcore.Tenant) {
	t.d.configVersion.Add(1)
	old := t.d.tenants[id]
	if v == nil {
		t.d.delTenant(id)
	} else {
		t.d.putTenant(v)
	}
	t.onUndo(func() {
		if old == nil {
			t.d.delTenant(id)
		} else {
			t.d.putTenant(old)
		}
	})
}

func (t *txn) CreateTenant(_ context.Context, v *authcore.Tenant) error {
	if err := authcore.CheckStorable("id", v.ID, "name", v.Name); err != nil {
		return err
	}
	if err := checkData("tenant", v.Data); err != nil {
		return err
	}
	if _, ok := t.d.tenants[v.ID]; ok {
		return authcore.Duplicate("id")
	}
	if _, ok := t.d.tenantNames[lower(v.Name)]; ok {
		return authcore.Duplicate("name")
	}
	t.setTenant(v.ID, cloneTenant(v))
	return nil
}

func (t *txn) GetTenant(_ context.Context, id string) (*authcore.Tenant, error) {
	v, ok := t.d.tenants[id]
	if !ok {
		return nil, notFound("tenant", id)
	}
	return cloneTenant(v), nil
}

func (t *txn) ListTenants(context.Context) ([]*authcore.Tenant, error) {
	out := make([]*authcore.Tenant, 0, len(t.d.tenants))
	for _, v := range t.d.tenants {
		out = append(out, cloneTenant(v))
	}
	sort.Slice(out, func(i, j int) bool {
		return lessByInstant(out[i].InsertInstant, out[j].InsertInstant, out[i].ID, out[j].ID)
	})
	return out, nil
}

func (t *txn) UpdateTenant(_ context.Context, v *authcore.Tenant) error {
	if err := authcore.CheckStorable("name", v.Name); err != nil {
		return err
	}
	if err := checkData("tenant", v.Data); err != nil {
		return err
	}
	if _, ok := t.d.tenants[v.ID]; !ok {
		return notFound("tenant", v.ID)
	}
	if id, ok := t.d.tenantNames[lower(v.Name)]; ok && id != v.ID {
		return authcore.Duplicate("name")
	}
	t.setTenant(v.ID, cloneTenant(v))
	return nil
}

func (t *txn) DeleteTenant(ctx context.Context, id string) error {
	if _, ok := t.d.tenants[id]; !ok {
		return notFound("tenant", id)
	}
	gone := map[string]bool{}
	for uid, u := range t.d.users {
		if u.TenantID == id {
			if err := t.deleteUser(uid); err != nil {
				return err
			}
			gone[uid] = true
		}
	}
	if len(gone) > 0 {
		t.dropLoginRecords(func(userID string) bool { return gone[userID] })
		t.dropModerationItems(func(m *authcore.ModerationItem) bool { return gone[m.UserID] })
	}
	for aid, a := range t.d.apps {
		if a.TenantID == id {
			if err := t.DeleteApplication(ctx, aid); err != nil {
				return err
			}
		}
	}
	for pid, p := range t.d.pending {
		if p.TenantID == id {
			t.setPending(pid, nil)
		}
	}
	t.setTenant(id, nil)
	return nil
}

func lessByInstant(a, b int64, ida, idb string) bool {
	if a != b {
		return a < b
	}
	return ida < idb
}

// ---- applications

func (t *txn) setApp(id string, v *authcore.Application) {
	t.d.configVersion.Add(1)
	old := t.d.apps[id]
	if v == nil {
		delete(t.d.apps, id)
	} else {
		t.d.apps[id] = v
	}
	t.onUndo(func() {
		if old == nil {
			delete(t.d.apps, id)
		} else {
			t.d.apps[id] = old
		}
	})
}

func (t *txn) CreateApplication(_ context.Context, v *authcore.Application) error {
	if err := authcore.CheckStorable("id", v.ID); err != nil {
		return err
	}
	if err := checkData("application", v.Data); err != nil {
		return err
	}
	if _, ok := t.d.apps[v.ID]; ok {
		return authcore.Duplicate("id")
	}
	if _, ok := t.d.tenants[v.TenantID]; !ok {
		return notFound("tenant", v.TenantID)
	}
	t.setApp(v.ID, cloneApplication(v))
	return nil
}

func (t *txn) GetApplication(_ context.Context, id string) (*authcore.Application, error) {
	v, ok := t.d.apps[id]
	if !ok {
		return nil, notFound("application", id)
	}
	return cloneApplication(v), nil
}

func (t *txn) ListApplications(_ context.Context, tenantID string) ([]*authcore.Application, error) {
	out := []*authcore.Application{}
	for _, v := range t.d.apps {
		if tenantID == "" || v.TenantID == tenantID {
			out = append(out, cloneApplication(v))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return lessByInstant(out[i].InsertInstant, out[j].InsertInstant, out[i].ID, out[j].ID)
	})
	return out, nil
}

func (t *txn) UpdateApplication(_ context.Context, v *authcore.Application) error {
	if err := checkData("application", v.Data); err != nil {
		return err
	}
	if _, ok := t.d.apps[v.ID]; !ok {
		return notFound("application", v.ID)
	}
	if _, ok := t.d.tenants[v.TenantID]; !ok {
		// As the SQL stores' foreign key: left in, it would belong to no
		// tenant, and no tenant's delete would take it away.
		return notFound("tenant", v.TenantID)
	}
	t.setApp(v.ID, cloneApplication(v))
	return nil
}

func (t *txn) DeleteApplication(ctx context.Context, id string) error {
	if _, ok := t.d.apps[id]; !ok {
		return notFound("application", id)
	}
	for _, rec := range t.d.users {
		if rec.reg(id) != nil {
			t.setReg(rec, id, nil)
		}
	}
	for rid, rt := range t.d.refresh {
		if rt.ApplicationID == id {
			t.setRefresh(rid, nil)
		}
	}
	t.dropModerationItems(func(m *authcore.ModerationItem) bool { return m.ApplicationID == id })
	t.setApp(id, nil)
	return nil
}

// ---- pending links

func (t *txn) setPending(id string, v *authcore.PendingLink) {
	old := t.d.pending[id]
	if v == nil {
		delete(t.d.pending, id)
	} else {
		t.d.pending[id] = v
	}
	t.onUndo(func() {
		if old == nil {
			delete(t.d.pending, id)
		} else {
			t.d.pending[id] = old
		}
	})
}

func (t *txn) CreatePendingLink(_ context.Context, p *authcore.PendingLink) error {
	if err := authcore.CheckStorable("id", p.ID); err != nil {
		return err
	}
	if err := checkData("pending link", p.Data); err != nil {
		return err
	}
	if _, ok := t.d.pending[p.ID]; ok {
		return authcore.Duplicate("id")
	}
	if _, ok := t.d.tenants[p.TenantID]; !ok {
		return notFound("tenant", p.TenantID)
	}
	if _, ok := t.d.idps[p.IdentityProviderID]; !ok {
		return notFound("identity provider", p.IdentityProviderID)
	}
	t.setPending(p.ID, clonePending(p))
	t.queuePendingExpiry(p)
	return nil
}

func (t *txn) GetPendingLink(_ context.Context, id string, now int64) (*authcore.PendingLink, error) {
	p, ok := t.d.pending[id]
	if !ok || p.ExpirationInstant <= now {
		return nil, notFound("pending link", id)
	}
	return clonePending(p), nil
}

func (t *txn) TakePendingLink(ctx context.Context, id string, now int64) (*authcore.PendingLink, error) {
	p, err := t.GetPendingLink(ctx, id, now)
	if err != nil {
		return nil, err
	}
	t.setPending(id, nil)
	return p, nil
}

// ---- identity providers

func (t *txn) setIdP(id string, v *authcore.IdentityProviderRecord) {
	t.d.configVersion.Add(1)
	old := t.d.idps[id]
	if v == nil {
		delete(t.d.idps, id)
	} else {
		t.d.idps[id] = v
	}
	t.onUndo(func() {
		if old == nil {
			delete(t.d.idps, id)
		} else {
			t.d.idps[id] = old
		}
	})
}

func (t *txn) CreateIdentityProvider(_ context.Context, p *authcore.IdentityProviderRecord) error {
	if err := authcore.CheckStorable("id", p.ID); err != nil {
		return err
	}
	if _, ok := t.d.idps[p.ID]; ok {
		return authcore.Duplicate("id")
	}
	t.setIdP(p.ID, cloneIdP(p))
	return nil
}

func (t *txn) GetIdentityProvider(_ context.Context, id string) (*authcore.IdentityProviderRecord, error) {
	p, ok := t.d.idps[id]
	if !ok {
		return nil, notFound("identity provider", id)
	}
	return cloneIdP(p), nil
}

func (t *txn) ListIdentityProviders(context.Context) ([]*authcore.IdentityProviderRecord, error) {
	out := make([]*authcore.IdentityProviderRecord, 0, len(t.d.idps))
	for _, p := range t.d.idps {
		out = append(out, cloneIdP(p))
	}
	sort.Slice(out, func(i, j int) bool {
		return lessByInstant(out[i].InsertInstant, out[j].InsertInstant, out[i].ID, out[j].ID)
	})
	return out, nil
}

func (t *txn) UpdateIdentityProvider(_ context.Context, p *authcore.IdentityProviderRecord) error {
	if _, ok := t.d.idps[p.ID]; !ok {
		return notFound("identity provider", p.ID)
	}
	t.setIdP(p.ID, cloneIdP(p))
	return nil
}

// DeleteIdentityProvider takes the provider's links and pending links with
// it, as the SQL stores' foreign keys do.
func (t *txn) DeleteIdentityProvider(ctx context.Context, id string) error {
	if _, ok := t.d.idps[id]; !ok {
		return notFound("identity provider", id)
	}
	t.setIdP(id, nil)
	return t.DeleteProviderLinks(ctx, id)
}

// ---- integrations

func (t *txn) GetIntegrations(context.Context) (*integration.Integrations, error) {
	if t.d.integrations == nil {
		return nil, notFound("integrations", "")
	}
	return cloneIntegrations(t.d.integrations), nil
}

func (t *txn) PutIntegrations(_ context.Context, in *integration.Integrations) error {
	t.d.configVersion.Add(1) // engines cache the integrations by it too
	old := t.d.integrations
	t.d.integrations = cloneIntegrations(in)
	t.onUndo(func() { t.d.integrations = old })
	return nil
}

func cloneIntegrations(in *integration.Integrations) *integration.Integrations {
	c := in.Clone()
	return &c
}

// ---- API keys

func (t *txn) setAPIKey(id string, v *authcore.APIKey) {
	old := t.d.apiKeys[id]
	put := func(k *authcore.APIKey) {
		if cur, ok := t.d.apiKeys[id]; ok {
			delete(t.d.apiKeyHash, string(cur.KeyHash))
			t.d.apiKeyNames.drop(cur.Name)
			delete(t.d.apiKeys, id)
		}
		if k != nil {
			t.d.apiKeys[id] = k
			t.d.apiKeyHash[string(k.KeyHash)] = id
			t.d.apiKeyNames.put(k.Name, id)
		}
	}
	put(v)
	t.onUndo(func() { put(old) })
}

func (t *txn) CreateAPIKey(_ context.Context, k *authcore.APIKey) error {
	if err := authcore.CheckStorable("id", k.ID, "name", k.Name); err != nil {
		return err
	}
	if _, ok := t.d.apiKeys[k.ID]; ok {
		return authcore.Duplicate("id")
	}
	if _, ok := t.d.apiKeyHash[string(k.KeyHash)]; ok {
		return authcore.Duplicate("key")
	}
	if t.d.apiKeyNames.taken(k.Name, k.ID) {
		return authcore.Duplicate("name")
	}
	t.setAPIKey(k.ID, cloneAPIKey(k))
	return nil
}

func (t *txn) GetAPIKeyByHash(_ context.Context, hash []byte) (*authcore.APIKey, error) {
	id, ok := t.d.apiKeyHash[string(hash)]
	if !ok {
		return nil, notFound("api key", "")
	}
	return cloneAPIKey(t.d.apiKeys[id]), nil
}

func (t *txn) GetAPIKey(_ context.Context, id string) (*authcore.APIKey, error) {
	k, ok := t.d.apiKeys[id]
	if !ok {
		return nil, notFound("api key", id)
	}
	return cloneAPIKey(k), nil
}

// UpdateAPIKey keeps the stored hash and insert instant, as sqlstore does.
func (t *txn) UpdateAPIKey(_ context.Context, k *authcore.APIKey) error {
	if err := authcore.CheckStorable("name", k.Name); err != nil {
		return err
	}
	old, ok := t.d.apiKeys[k.ID]
	if !ok {
		return notFound("api key", k.ID)
	}
	if t.d.apiKeyNames.taken(k.Name, k.ID) {
		return authcore.Duplicate("name")
	}
	c := cloneAPIKey(k)
	c.KeyHash, c.InsertInstant = cloneBytes(old.KeyHash), old.InsertInstant
	t.setAPIKey(k.ID, c)
	return nil
}

func (t *txn) ListAPIKeys(context.Context) ([]*authcore.APIKey, error) {
	out := make([]*authcore.APIKey, 0, len(t.d.apiKeys))
	for _, k := range t.d.apiKeys {
		out = append(out, cloneAPIKey(k))
	}
	sort.Slice(out, func(i, j int) bool {
		return lessByInstant(out[i].InsertInstant, out[j].InsertInstant, out[i].ID, out[j].ID)
	})
	return out, nil
}

func (t *txn) DeleteAPIKey(_ context.Context, id string) error {
	if _, ok := t.d.apiKeys[id]; !ok {
		return notFound("api key", id)
	}
	t.setAPIKey(id, nil)
	return nil
}

// ---- signing keys

func (t *txn) setKey(id string, v *authcore.SigningKey) {
	t.d.configVersion.Add(1)
	old := t.d.keys[id]
	put := func(k *authcore.SigningKey) {
		if cur, ok := t.d.keys[id]; ok {
			delete(t.d.keyKids, cur.EffectiveKid())
			t.d.keyNames.drop(cur.Name)
			delete(t.d.keys, id)
		}
		if k != nil {
			t.d.keys[id] = k
			t.d.keyKids[k.EffectiveKid()] = id
			t.d.keyNames.put(k.Name, id)
		}
	}
	put(v)
	t.onUndo(func() { put(old) })
}

func (t *txn) CreateKey(_ context.Context, k *authcore.SigningKey) error {
	if err := authcore.CheckStorable("id", k.ID, "kid", k.Kid, "name", k.Name); err != nil {
		return err
	}
	if _, ok := t.d.keys[k.ID]; ok {
		return authcore.Duplicate("id")
	}
	kid := k.EffectiveKid()
	if _, ok := t.d.keyKids[kid]; ok {
		return authcore.Duplicate("kid")
	}
	if kid != k.ID {
		// keyKids holds the ids of keys without a kid of their own only.
		if _, ok := t.d.keys[kid]; ok {
			return authcore.Duplicate("kid")
		}
		if _, ok := t.d.keyKids[k.ID]; ok {
			return authcore.Duplicate("id")
		}
	}
	if t.d.keyNames.taken(k.Name, k.ID) {
		return authcore.Duplicate("name")
	}
	t.setKey(k.ID, cloneKey(k))
	return nil
}

func (t *txn) GetKey(_ context.Context, id string) (*authcore.SigningKey, error) {
	k, ok := t.d.keys[id]
	if !ok {
		return nil, notFound("key", id)
	}
	return cloneKey(k), nil
}

func (t *txn) GetKeyByKid(ctx context.Context, kid string) (*authcore.SigningKey, error) {
	id, ok := t.d.keyKids[kid]
	if !ok {
		return nil, notFound("key", kid)
	}
	return t.GetKey(ctx, id)
}

func (t *txn) ListKeys(context.Context) ([]*authcore.SigningKey, error) {
	out := make([]*authcore.SigningKey, 0, len(t.d.keys))
	for _, k := range t.d.keys {
		out = append(out, cloneKey(k))
	}
	sort.Slice(out, func(i, j int) bool {
		return lessByInstant(out[i].InsertInstant, out[j].InsertInstant, out[i].ID, out[j].ID)
	})
	return out, nil
}

func (t *txn) UpdateKey(_ context.Context, k *authcore.SigningKey) error {
	if err := authcore.CheckStorable("name", k.Name); err != nil {
		return err
	}
	cur, ok := t.d.keys[k.ID]
	if !ok {
		return notFound("key", k.ID)
	}
	if cur.EffectiveKid() != k.EffectiveKid() {
		return fmt.Errorf("memstore: key %q: an update may not change its kid", k.ID)
	}
	if t.d.keyNames.taken(k.Name, k.ID) {
		return authcore.Duplicate("name")
	}
	t.setKey(k.ID, cloneKey(k))
	return nil
}

func (t *txn) DeleteKey(_ context.Context, id string) error {
	if _, ok := t.d.keys[id]; !ok {
		return notFound("key", id)
	}
	t.setKey(id, nil)
	return nil
}

// ---- event log and login records

func (t *txn) CreateEventLog(_ context.Context, e *authcore.EventLog) error {
	// Ids are never reused, even when the transaction rolls back.
	t.d.eventLogSeq++
	id := t.d.eventLogSeq
	e.ID = id
	c := *e
	t.d.eventLogs[id] = &c
	t.onUndo(func() { delete(t.d.eventLogs, id) })
	return nil
}

func (t *txn) GetEventLog(_ context.Context, id int64) (*authcore.EventLog, error) {
	e, ok := t.d.eventLogs[id]
	if !ok {
		return nil, notFound("event log", fmt.Sprint(id))
	}
	c := *e
	return &c, nil
}

func (t *txn) SearchEventLogs(_ context.Context, q authcore.EventLogQuery) ([]*authcore.EventLog, int, error) {
	var all []*authcore.EventLog
	match := authcore.EventLogMessageMatcher(q.Message)
	for _, e := range t.d.eventLogs {
		if (q.Type == "" || e.Type == q.Type) && match(e.Message) &&
			(q.Start == 0 || e.InsertInstant >= q.Start) && (q.End == 0 || e.InsertInstant <= q.End) {
			all = append(all, e)
		}
	}
	// before orders ascending; the default is descending.
	before := func(a, b *authcore.EventLog) bool {
		switch q.OrderBy {
		case authcore.EventLogOrderMessage:
			if am, bm := authcore.EventLogSearchKey(a.Message), authcore.EventLogSearchKey(b.Message); am != bm {
				return am < bm
			}
		case authcore.EventLogOrderType:
			if a.Type != b.Type {
				return a.Type < b.Type
			}
		default:
			if a.InsertInstant != b.InsertInstant {
				return a.InsertInstant < b.InsertInstant
			}
		}
		return a.ID < b.ID
	}
	sort.Slice(all, func(i, j int) bool {
		if q.Asc {
			return before(all[i], all[j])
		}
		return before(all[j], all[i])
	})
	limit := q.Limit
	if limit <= 0 {
		limit = 25
	}
	out := []*authcore.EventLog{}
	for i := q.Offset; i < len(all) && len(out) < limit; i++ {
		if i < 0 {
			continue
		}
		c := *all[i]
		out = append(out, &c)
	}
	return out, len(all), nil
}

// Stats counts the rows of each aggregate: what tests assert after a failure
// ("nothing was written") and what a load test reports.
type Stats struct {
	Tenants, Applications, Users, Registrations, Links, PendingLinks, RefreshTokens, Keys, LoginRecords, EventLogs int
}

// Stats returns the current counts.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	regs := 0
	for _, rec := range s.d.users {
		regs += len(rec.regs)
	}
	links := 0
	for _, m := range s.d.links {
		links += len(m)
	}
	return Stats{
		Tenants: len(s.d.tenants), Applications: len(s.d.apps), Users: len(s.d.users), Registrations: regs,
		Links: links, PendingLinks: len(s.d.pending), RefreshTokens: len(s.d.refresh), Keys: len(s.d.keys),
		LoginRecords: len(s.d.logins.recs), EventLogs: len(s.d.eventLogs),
	}
}

// nameIndex maps a lower-cased name to the id of the record holding it, as
// the SQL stores' name_lower unique indexes do; unnamed records are not in
// it. API keys and signing keys each have one.
type nameIndex map[string]string

// taken reports whether a record other than id holds name in any case. A
// record keeps its own name, so that a rename to the name it has goes
// through.
func (x nameIndex) taken(name, id string) bool {
	if name == "" {
		return false
	}
	holder, ok := x[lower(name)]
	return ok && holder != id
}

func (x nameIndex) put(name, id string) {
	if name != "" {
		x[lower(name)] = id
	}
}

func (x nameIndex) drop(name string) {
	if name != "" {
		delete(x, lower(name))
	}
}
