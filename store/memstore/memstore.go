package memstore

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
)

// Store is an authcore.Store in memory. The zero value is not usable; call New.
type Store struct {
	mu sync.RWMutex
	d  data
	// ro is the read-only view reads outside a transaction use; it has no
	// state of its own, so one serves every reader.
	ro txn
}

var _ authcore.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	s := &Store{d: data{
		tenants:      map[string]*authcore.Tenant{},
		tenantNames:  map[string]string{},
		apps:         map[string]*authcore.Application{},
		users:        map[string]*authcore.User{},
		userEmail:    map[tenantKey]*authcore.User{},
		userName:     map[tenantKey]*authcore.User{},
		regs:         map[string][]*authcore.UserRegistration{},
		links:        map[linkKey]*storedLink{},
		userLinks:    map[string][]*storedLink{},
		pending:      map[string]*authcore.PendingLink{},
		idps:         map[string]*authcore.IdentityProviderRecord{},
		apiKeys:      map[string]*authcore.APIKey{},
		apiKeyHash:   map[string]string{},
		refresh:      map[string]*authcore.RefreshToken{},
		refreshHash:  map[string]string{},
		refreshPrev:  map[string]string{},
		keys:         map[string]*authcore.SigningKey{},
		eventLogs:    map[int64]*authcore.EventLog{},
		loginRecords: map[string]*authcore.LoginRecord{},
	}}
	s.ro.d = &s.d
	return s
}

type tenantKey struct{ tenant, value string }

type linkKey struct{ tenant, provider, providerUser string }

// data is the store's state. Its mutators keep the secondary indexes in step
// and are only called with the write lock held.
type data struct {
	tenants     map[string]*authcore.Tenant
	tenantNames map[string]string
	apps        map[string]*authcore.Application
	users       map[string]*authcore.User
	userEmail   map[tenantKey]*authcore.User // the stored user, not its id: one lookup, not two
	userName    map[tenantKey]*authcore.User
	// regs and userLinks hold a user's few registrations and links in a
	// slice rather than a map of their own: a small map costs hundreds of
	// bytes, and memory per user is what limits an in-memory deployment.
	regs         map[string][]*authcore.UserRegistration // user -> registrations
	links        map[linkKey]*storedLink
	userLinks    map[string][]*storedLink // user -> its links
	pending      map[string]*authcore.PendingLink
	idps         map[string]*authcore.IdentityProviderRecord
	integrations *integration.Integrations
	apiKeys      map[string]*authcore.APIKey
	apiKeyHash   map[string]string
	refresh      map[string]*authcore.RefreshToken
	refreshHash  map[string]string
	refreshPrev  map[string]string
	keys         map[string]*authcore.SigningKey
	eventLogs    map[int64]*authcore.EventLog
	eventLogSeq  int64
	loginRecords map[string]*authcore.LoginRecord
	outbox       outboxData // outbox.go
}

// InTx runs fn in a transaction (see authcore.Transactor).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx authcore.Store) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &txn{d: &s.d, writable: true}
	defer func() {
		if p := recover(); p != nil {
			tx.rollback()
			panic(p)
		}
		if err != nil {
			tx.rollback()
		}
	}()
	return fn(ctx, tx)
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
	for uid, u := range t.d.users {
		if u.TenantID == id {
			if err := t.DeleteUser(ctx, uid); err != nil {
				return err
			}
		}
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
	if _, ok := t.d.apps[v.ID]; !ok {
		return notFound("application", v.ID)
	}
	t.setApp(v.ID, cloneApplication(v))
	return nil
}

func (t *txn) DeleteApplication(ctx context.Context, id string) error {
	if _, ok := t.d.apps[id]; !ok {
		return notFound("application", id)
	}
	for uid := range t.d.regs {
		if t.d.reg(uid, id) != nil {
			t.setReg(uid, id, nil)
		}
	}
	for rid, rt := range t.d.refresh {
		if rt.ApplicationID == id {
			t.setRefresh(rid, nil)
		}
	}
	t.setApp(id, nil)
	return nil
}

// ---- users

func (d *data) putUser(u *authcore.User) {
	d.delUser(u.ID)
	d.users[u.ID] = u
	if u.Email != "" {
		d.userEmail[tenantKey{u.TenantID, lower(u.Email)}] = u
	}
	if u.Username != "" {
		d.userName[tenantKey{u.TenantID, lower(u.Username)}] = u
	}
}

func (d *data) delUser(id string) {
	old, ok := d.users[id]
	if !ok {
		return
	}
	if old.Email != "" {
		delete(d.userEmail, tenantKey{old.TenantID, lower(old.Email)})
	}
	if old.Username != "" {
		delete(d.userName, tenantKey{old.TenantID, lower(old.Username)})
	}
	delete(d.users, id)
}

func (t *txn) setUser(id string, v *authcore.User) {
	old := t.d.users[id]
	if v == nil {
		t.d.delUser(id)
	} else {
		t.d.putUser(v)
	}
	t.onUndo(func() {
		if old == nil {
			t.d.delUser(id)
		} else {
			t.d.putUser(old)
		}
	})
}

// checkUserUnique refuses an email or username that another user of the
// tenant already has.
func (t *txn) checkUserUnique(v *authcore.User) error {
	if v.Email != "" {
		if u, ok := t.d.userEmail[tenantKey{v.TenantID, lower(v.Email)}]; ok && u.ID != v.ID {
			return authcore.Duplicate("email")
		}
	}
	if v.Username != "" {
		if u, ok := t.d.userName[tenantKey{v.TenantID, lower(v.Username)}]; ok && u.ID != v.ID {
			return authcore.Duplicate("username")
		}
	}
	return nil
}

func (t *txn) CreateUser(_ context.Context, v *authcore.User) error {
	if _, ok := t.d.users[v.ID]; ok {
		return authcore.Duplicate("id")
	}
	if _, ok := t.d.tenants[v.TenantID]; !ok {
		return notFound("tenant", v.TenantID)
	}
	if err := t.checkUserUnique(v); err != nil {
		return err
	}
	t.setUser(v.ID, cloneUser(v))
	return nil
}

func (t *txn) GetUser(_ context.Context, id string) (*authcore.User, error) {
	v, ok := t.d.users[id]
	if !ok {
		return nil, notFound("user", id)
	}
	return cloneUser(v), nil
}

func (t *txn) GetUserByEmail(_ context.Context, tenantID, email string) (*authcore.User, error) {
	u, ok := t.d.userEmail[tenantKey{tenantID, lower(email)}]
	if !ok || email == "" {
		return nil, notFound("user with email", email)
	}
	return cloneUser(u), nil
}

func (t *txn) GetUserByUsername(_ context.Context, tenantID, username string) (*authcore.User, error) {
	u, ok := t.d.userName[tenantKey{tenantID, lower(username)}]
	if !ok || username == "" {
		return nil, notFound("user with username", username)
	}
	return cloneUser(u), nil
}

func (t *txn) UpdateUser(_ context.Context, v *authcore.User) error {
	old, ok := t.d.users[v.ID]
	if !ok {
		return notFound("user", v.ID)
	}
	if old.TenantID != v.TenantID {
		return fmt.Errorf("memstore: a user cannot change tenant: %w", authcore.ErrConflict)
	}
	if err := t.checkUserUnique(v); err != nil {
		return err
	}
	t.setUser(v.ID, cloneUser(v))
	return nil
}

func (t *txn) DeleteUser(_ context.Context, id string) error {
	if _, ok := t.d.users[id]; !ok {
		return notFound("user", id)
	}
	for _, r := range slices.Clone(t.d.regs[id]) {
		t.setReg(id, r.ApplicationID, nil)
	}
	for _, l := range slices.Clone(t.d.userLinks[id]) {
		t.setLink(keyOf(&l.IdentityProviderLink), nil)
	}
	for rid, rt := range t.d.refresh {
		if rt.UserID == id {
			t.setRefresh(rid, nil)
		}
	}
	t.setUser(id, nil)
	return nil
}

// ---- registrations

// reg returns the user's registration for appID, nil when there is none.
func (d *data) reg(userID, appID string) *authcore.UserRegistration {
	for _, r := range d.regs[userID] {
		if r.ApplicationID == appID {
			return r
		}
	}
	return nil
}

// putReg sets (r != nil) or removes (r == nil) the user's registration for
// appID. The slice is never changed in place: a new one replaces it, so a
// slice handed out earlier stays as it was.
func (d *data) putReg(userID, appID string, r *authcore.UserRegistration) {
	old := d.regs[userID]
	next := make([]*authcore.UserRegistration, 0, len(old)+1)
	for _, cur := range old {
		if cur.ApplicationID != appID {
			next = append(next, cur)
		}
	}
	if r != nil {
		next = append(next, r)
	}
	if len(next) == 0 {
		delete(d.regs, userID)
		return
	}
	d.regs[userID] = next
}

func (t *txn) setReg(userID, appID string, v *authcore.UserRegistration) {
	old := t.d.reg(userID, appID)
	t.d.putReg(userID, appID, v)
	t.onUndo(func() { t.d.putReg(userID, appID, old) })
}

func (t *txn) CreateRegistration(_ context.Context, r *authcore.UserRegistration) error {
	if _, ok := t.d.users[r.UserID]; !ok {
		return notFound("user", r.UserID)
	}
	if _, ok := t.d.apps[r.ApplicationID]; !ok {
		return notFound("application", r.ApplicationID)
	}
	if t.d.reg(r.UserID, r.ApplicationID) != nil {
		return authcore.Duplicate("registration")
	}
	t.setReg(r.UserID, r.ApplicationID, cloneRegistration(r))
	return nil
}

func (t *txn) GetRegistration(_ context.Context, userID, applicationID string) (*authcore.UserRegistration, error) {
	r := t.d.reg(userID, applicationID)
	if r == nil {
		return nil, notFound2("registration", userID, applicationID)
	}
	return cloneRegistration(r), nil
}

func (t *txn) ListRegistrations(_ context.Context, userID string) ([]*authcore.UserRegistration, error) {
	out := make([]*authcore.UserRegistration, 0, len(t.d.regs[userID]))
	for _, r := range t.d.regs[userID] {
		out = append(out, cloneRegistration(r))
	}
	sort.Slice(out, func(i, j int) bool {
		return lessByInstant(out[i].InsertInstant, out[j].InsertInstant, out[i].ID, out[j].ID)
	})
	return out, nil
}

func (t *txn) UpdateRegistration(_ context.Context, r *authcore.UserRegistration) error {
	if t.d.reg(r.UserID, r.ApplicationID) == nil {
		return notFound2("registration", r.UserID, r.ApplicationID)
	}
	t.setReg(r.UserID, r.ApplicationID, cloneRegistration(r))
	return nil
}

func (t *txn) DeleteRegistration(_ context.Context, userID, applicationID string) error {
	if t.d.reg(userID, applicationID) == nil {
		return notFound2("registration", userID, applicationID)
	}
	t.setReg(userID, applicationID, nil)
	return nil
}

// ---- links

// putLink sets (l != nil) or removes the link k and keeps userLinks in step.
// As in putReg, a user's slice is replaced, never changed in place.
func (d *data) putLink(k linkKey, l *storedLink) {
	if old, ok := d.links[k]; ok {
		links := d.userLinks[old.UserID]
		next := make([]*storedLink, 0, len(links))
		for _, cur := range links {
			if cur != old {
				next = append(next, cur)
			}
		}
		if len(next) == 0 {
			delete(d.userLinks, old.UserID)
		} else {
			d.userLinks[old.UserID] = next
		}
		delete(d.links, k)
	}
	if l == nil {
		return
	}
	d.links[k] = l
	links := d.userLinks[l.UserID]
	d.userLinks[l.UserID] = append(links[:len(links):len(links)], l)
}

func (t *txn) setLink(k linkKey, v *storedLink) {
	old := t.d.links[k]
	t.d.putLink(k, v)
	t.onUndo(func() { t.d.putLink(k, old) })
}

func keyOf(l *authcore.IdentityProviderLink) linkKey {
	return linkKey{l.TenantID, l.IdentityProviderID, l.IdentityProviderUserID}
}

func (t *txn) CreateLink(_ context.Context, l *authcore.IdentityProviderLink) error {
	u, ok := t.d.users[l.UserID]
	if !ok {
		return notFound("user", l.UserID)
	}
	if u.TenantID != l.TenantID {
		return fmt.Errorf("memstore: link tenant %q is not the user's: %w", l.TenantID, authcore.ErrConflict)
	}
	if _, ok := t.d.links[keyOf(l)]; ok {
		return authcore.Duplicate("link")
	}
	t.setLink(keyOf(l), storeLink(l))
	return nil
}

func (t *txn) GetLink(_ context.Context, tenantID, providerID, providerUserID string) (*authcore.IdentityProviderLink, error) {
	l, ok := t.d.links[linkKey{tenantID, providerID, providerUserID}]
	if !ok {
		return nil, notFound("link", providerUserID)
	}
	return l.link(), nil
}

func (t *txn) ListLinks(_ context.Context, userID, providerID string) ([]*authcore.IdentityProviderLink, error) {
	out := []*authcore.IdentityProviderLink{}
	for _, l := range t.d.userLinks[userID] {
		if providerID == "" || l.IdentityProviderID == providerID {
			out = append(out, l.link())
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return lessByInstant(out[i].InsertInstant, out[j].InsertInstant, out[i].IdentityProviderUserID, out[j].IdentityProviderUserID)
	})
	return out, nil
}

func (t *txn) UpdateLink(_ context.Context, l *authcore.IdentityProviderLink) error {
	old, ok := t.d.links[keyOf(l)]
	if !ok {
		return notFound("link", l.IdentityProviderUserID)
	}
	if old.UserID != l.UserID {
		return fmt.Errorf("memstore: a link cannot move to another user: %w", authcore.ErrConflict)
	}
	t.setLink(keyOf(l), storeLink(l))
	return nil
}

func (t *txn) DeleteLink(_ context.Context, tenantID, providerID, providerUserID string) error {
	k := linkKey{tenantID, providerID, providerUserID}
	if _, ok := t.d.links[k]; !ok {
		return notFound("link", providerUserID)
	}
	t.setLink(k, nil)
	return nil
}

func (t *txn) DeleteProviderLinks(_ context.Context, providerID string) error {
	for k := range t.d.links {
		if k.provider == providerID {
			t.setLink(k, nil)
		}
	}
	for id, p := range t.d.pending {
		if p.IdentityProviderID == providerID {
			t.setPending(id, nil)
		}
	}
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
	if _, ok := t.d.pending[p.ID]; ok {
		return authcore.Duplicate("id")
	}
	t.setPending(p.ID, clonePending(p))
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

func (t *txn) DeleteIdentityProvider(_ context.Context, id string) error {
	if _, ok := t.d.idps[id]; !ok {
		return notFound("identity provider", id)
	}
	t.setIdP(id, nil)
	return nil
}

// ---- integrations

func (t *txn) GetIntegrations(context.Context) (*integration.Integrations, error) {
	if t.d.integrations == nil {
		return nil, notFound("integrations", "")
	}
	return cloneIntegrations(t.d.integrations), nil
}

func (t *txn) PutIntegrations(_ context.Context, in *integration.Integrations) error {
	old := t.d.integrations
	t.d.integrations = cloneIntegrations(in)
	t.onUndo(func() { t.d.integrations = old })
	return nil
}

func cloneIntegrations(in *integration.Integrations) *integration.Integrations {
	c := *in
	c.CleanSpeak.ApplicationIDs = cloneStrings(in.CleanSpeak.ApplicationIDs)
	if in.Kafka.Producer != nil {
		c.Kafka.Producer = make(map[string]string, len(in.Kafka.Producer))
		for k, v := range in.Kafka.Producer {
			c.Kafka.Producer[k] = v
		}
	}
	return &c
}

// ---- API keys

func (t *txn) setAPIKey(id string, v *authcore.APIKey) {
	old := t.d.apiKeys[id]
	put := func(k *authcore.APIKey) {
		if cur, ok := t.d.apiKeys[id]; ok {
			delete(t.d.apiKeyHash, string(cur.KeyHash))
			delete(t.d.apiKeys, id)
		}
		if k != nil {
			t.d.apiKeys[id] = k
			t.d.apiKeyHash[string(k.KeyHash)] = id
		}
	}
	put(v)
	t.onUndo(func() { put(old) })
}

func (t *txn) CreateAPIKey(_ context.Context, k *authcore.APIKey) error {
	if _, ok := t.d.apiKeys[k.ID]; ok {
		return authcore.Duplicate("id")
	}
	if _, ok := t.d.apiKeyHash[string(k.KeyHash)]; ok {
		return authcore.Duplicate("key")
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

// ---- refresh tokens

func (t *txn) setRefresh(id string, v *authcore.RefreshToken) {
	old := t.d.refresh[id]
	put := func(r *authcore.RefreshToken) {
		if cur, ok := t.d.refresh[id]; ok {
			delete(t.d.refreshHash, string(cur.TokenHash))
			if cur.PreviousTokenHash != nil {
				delete(t.d.refreshPrev, string(cur.PreviousTokenHash))
			}
			delete(t.d.refresh, id)
		}
		if r != nil {
			t.d.refresh[id] = r
			t.d.refreshHash[string(r.TokenHash)] = id
			if r.PreviousTokenHash != nil {
				t.d.refreshPrev[string(r.PreviousTokenHash)] = id
			}
		}
	}
	put(v)
	t.onUndo(func() { put(old) })
}

func (t *txn) CreateRefreshToken(_ context.Context, r *authcore.RefreshToken) error {
	if _, ok := t.d.refresh[r.ID]; ok {
		return authcore.Duplicate("id")
	}
	if _, ok := t.d.refreshHash[string(r.TokenHash)]; ok {
		return authcore.Duplicate("token")
	}
	if _, ok := t.d.users[r.UserID]; !ok {
		return notFound("user", r.UserID)
	}
	t.setRefresh(r.ID, cloneRefreshToken(r))
	return nil
}

func (t *txn) GetRefreshToken(_ context.Context, id string) (*authcore.RefreshToken, error) {
	r, ok := t.d.refresh[id]
	if !ok {
		return nil, notFound("refresh token", id)
	}
	return cloneRefreshToken(r), nil
}

func (t *txn) GetRefreshTokenByHash(ctx context.Context, hash []byte, previous bool) (*authcore.RefreshToken, error) {
	index := t.d.refreshHash
	if previous {
		index = t.d.refreshPrev
	}
	id, ok := index[string(hash)]
	if !ok {
		return nil, notFound("refresh token", "")
	}
	return t.GetRefreshToken(ctx, id)
}

func (t *txn) ListRefreshTokens(_ context.Context, userID string) ([]*authcore.RefreshToken, error) {
	out := []*authcore.RefreshToken{}
	for _, r := range t.d.refresh {
		if r.UserID == userID {
			out = append(out, cloneRefreshToken(r))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return lessByInstant(out[i].InsertInstant, out[j].InsertInstant, out[i].ID, out[j].ID)
	})
	return out, nil
}

func (t *txn) UpdateRefreshToken(_ context.Context, r *authcore.RefreshToken) error {
	if _, ok := t.d.refresh[r.ID]; !ok {
		return notFound("refresh token", r.ID)
	}
	if id, ok := t.d.refreshHash[string(r.TokenHash)]; ok && id != r.ID {
		return authcore.Duplicate("token")
	}
	t.setRefresh(r.ID, cloneRefreshToken(r))
	return nil
}

func (t *txn) DeleteRefreshTokens(_ context.Context, id, userID, applicationID string) (int, error) {
	if id == "" && userID == "" && applicationID == "" {
		return 0, fmt.Errorf("memstore: DeleteRefreshTokens needs a filter")
	}
	n := 0
	for rid, r := range t.d.refresh {
		if (id == "" || rid == id) && (userID == "" || r.UserID == userID) && (applicationID == "" || r.ApplicationID == applicationID) {
			t.setRefresh(rid, nil)
			n++
		}
	}
	return n, nil
}

// ---- signing keys

func (t *txn) setKey(id string, v *authcore.SigningKey) {
	old := t.d.keys[id]
	if v == nil {
		delete(t.d.keys, id)
	} else {
		t.d.keys[id] = v
	}
	t.onUndo(func() {
		if old == nil {
			delete(t.d.keys, id)
		} else {
			t.d.keys[id] = old
		}
	})
}

func (t *txn) CreateKey(_ context.Context, k *authcore.SigningKey) error {
	if _, ok := t.d.keys[k.ID]; ok {
		return authcore.Duplicate("id")
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
	msg := lower(q.Message)
	for _, e := range t.d.eventLogs {
		if (q.Type == "" || e.Type == q.Type) && (msg == "" || strings.Contains(lower(e.Message), msg)) &&
			(q.Start == 0 || e.InsertInstant >= q.Start) && (q.End == 0 || e.InsertInstant <= q.End) {
			all = append(all, e)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].InsertInstant != all[j].InsertInstant {
			return all[i].InsertInstant > all[j].InsertInstant
		}
		return all[i].ID > all[j].ID
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

func (t *txn) CreateLoginRecord(_ context.Context, r *authcore.LoginRecord) error {
	c := *r
	c.Device = cloneMap(r.Device)
	t.d.loginRecords[r.ID] = &c
	t.onUndo(func() { delete(t.d.loginRecords, r.ID) })
	return nil
}

// LoginRecords returns every login record of a user (for tests and tools;
// not part of authcore.Store).
func (s *Store) LoginRecords(userID string) []authcore.LoginRecord {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []authcore.LoginRecord
	for _, r := range s.d.loginRecords {
		if r.UserID == userID {
			out = append(out, *r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Instant < out[j].Instant })
	return out
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
	for _, rs := range s.d.regs {
		regs += len(rs)
	}
	return Stats{
		Tenants: len(s.d.tenants), Applications: len(s.d.apps), Users: len(s.d.users), Registrations: regs,
		Links: len(s.d.links), PendingLinks: len(s.d.pending), RefreshTokens: len(s.d.refresh), Keys: len(s.d.keys),
		LoginRecords: len(s.d.loginRecords), EventLogs: len(s.d.eventLogs),
	}
}
