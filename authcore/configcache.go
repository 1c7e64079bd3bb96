package authcore

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/authcore/authcore/idp/twitter"
)

// ConfigVersioner is implemented by a store that can tell, in one cheap
// read, whether its configuration changed: the returned number must change
// in the same transaction as every create, update or delete of a tenant, an
// application, an identity provider or a signing key, by any writer of the
// store (another engine, another process), and with every write of the
// integrations, which the engine keeps by it too. Other writes may change it.
//
// With such a store, a login reads that number instead of its application,
// tenant, provider and signing key (four reads, and the decoding of three
// documents), and reads them again only when the number moved. A store
// without it is read every time.
type ConfigVersioner interface {
	ConfigVersion(ctx context.Context) (int64, error)
}

// configCache holds the configuration objects the hot paths read, for one
// configuration version at a time. The objects are shared by every caller
// that gets them from the cache: they are read, never modified.
type configCache struct {
	cur atomic.Pointer[configSnapshot]
}

// configSnapshot is what was read while the store's configuration version
// was version. It grows as ids are asked for; a new version starts empty.
type configSnapshot struct {
	version int64
	mu      sync.RWMutex
	objects map[configKey]any
}

type configKind uint8

const (
	configKindApplication configKind = iota + 1
	configKindTenant
	configKindProvider
	configKindKey
	// configKindKid holds signing keys by the kid tokens name them by
	// (SigningKey.EffectiveKid), which token validation reads.
	configKindKid
)

type configKey struct {
	kind configKind
	id   string
}

// configSnapshot returns the snapshot of the store's current configuration
// version, or nil when the store cannot tell its version (the accessors then
// read the store). The version is read before anything the snapshot gets, so
// an object in it is never older than its version: a change committed after
// the version was read is seen by the next caller, which reads a new version.
func (e *Engine) configSnapshot(ctx context.Context) *configSnapshot {
	cv, ok := e.store.(ConfigVersioner)
	if !ok {
		return nil
	}
	v, err := cv.ConfigVersion(ctx)
	if err != nil {
		// Not fatal: the reads that follow go to the store and report
		// their own errors.
		return nil
	}
	// The integrations are kept by the same number (events.go): a caller
	// that read it needs no second read to know they are current.
	e.integrationsAt(ctx, v)
	for {
		cur := e.cfg.cur.Load()
		if cur != nil && cur.version == v {
			return cur
		}
		next := &configSnapshot{version: v, objects: map[configKey]any{}}
		if cur != nil && cur.version > v {
			// A caller that read the version just before a change: it
			// must not replace the newer snapshot, nor use it.
			return next
		}
		if e.cfg.cur.CompareAndSwap(cur, next) {
			return next
		}
	}
}

// cached returns the object of kind and id from snap, reading it with get
// and keeping it when snap has none. With a nil snap it only reads.
func cached[T any](ctx context.Context, snap *configSnapshot, kind configKind, id string, get func(context.Context, string) (T, error)) (T, error) {
	if snap == nil {
		return get(ctx, id)
	}
	k := configKey{kind, id}
	if v, ok := snap.lookup(k); ok {
		return v.(T), nil
	}
	obj, err := get(ctx, id)
	if err != nil {
		return obj, err // not found is not kept: it is rare, and cheap to ask again
	}
	snap.mu.Lock()
	if prev, ok := snap.objects[k]; ok {
		obj = prev.(T) // one copy per id, whoever read it first
	} else {
		snap.objects[k] = obj
	}
	snap.mu.Unlock()
	return obj, nil
}

// cachedInTx is cached for a read inside a transaction: it takes what snap
// holds, but does not keep what it reads. What a transaction reads may be
// another transaction's uncommitted write (a commit group's earlier member)
// that is then rolled back, and the version would not move to drop it.
func cachedInTx[T any](ctx context.Context, snap *configSnapshot, kind configKind, id string, get func(context.Context, string) (T, error)) (T, error) {
	if snap != nil {
		if v, ok := snap.lookup(configKey{kind, id}); ok {
			return v.(T), nil
		}
	}
	return get(ctx, id)
}

// lookup is what snap holds under k.
func (snap *configSnapshot) lookup(k configKey) (any, bool) {
	snap.mu.RLock()
	defer snap.mu.RUnlock()
	v, ok := snap.objects[k]
	return v, ok
}

// sharedApplication, sharedTenant and sharedProvider read through snap (the
// signing key is read through it by tenantSigningKey). What they return may
// be shared with other callers: read only.
func (e *Engine) sharedApplication(ctx context.Context, snap *configSnapshot, id string) (*Application, error) {
	return cached(ctx, snap, configKindApplication, id, e.store.GetApplication)
}

func (e *Engine) sharedTenant(ctx context.Context, snap *configSnapshot, id string) (*Tenant, error) {
	return cached(ctx, snap, configKindTenant, id, e.store.GetTenant)
}

func (e *Engine) sharedProvider(ctx context.Context, snap *configSnapshot, id string) (*twitter.Provider, error) {
	return cached(ctx, snap, configKindProvider, id, e.providerForLogin)
}
