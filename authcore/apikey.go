package authcore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/authcore/authcore/validation"
)

var cryptoRand io.Reader = rand.Reader

// NewAPIKey is what CreateAPIKey takes.
type NewAPIKey struct {
	// Key is the secret; empty means generate one (256 bits, base64url).
	// At least 16 characters of printable ASCII, no space at either end:
	// what an Authorization header carries unchanged.
	Key string
	// TenantID locks the key to one tenant, in any case; "" for a key for
	// every tenant.
	TenantID    string
	Description string
	// Name is FusionAuth's apiKey.name: optional, unique among all keys in
	// any case ([duplicate]apiKey.name), at most
	// validation.MaxIndexedLength characters. A copy may have one too.
	Name string
	// ID is the key's id, a UUID; empty means generate one.
	ID string
	// KeyManager makes a key that may use the API Key API. Only a Go caller
	// may set it: FusionAuth makes key managers in its admin UI and
	// Kickstart only, and a request authenticated by a key that sets it is
	// refused ([invalid]apiKey.keyManager).
	KeyManager bool
	// Endpoints limits the key to these endpoints and methods (APIKey.Endpoints);
	// empty is a key for every endpoint.
	Endpoints map[string][]string
	// ExpirationInstant, when set, is when the key stops authenticating; it
	// must be in the future.
	ExpirationInstant int64
	// SourceKeyID makes the key a copy of that key (FusionAuth's
	// sourceKeyId): its endpoints and tenant, and no other field but Key and
	// Name.
	// A key manager cannot be copied.
	SourceKeyID string
}

// CheckAPIKey returns the *ValidationError CreateAPIKey would return for
// key (nil if it would take it), without a store: a program that takes a
// key from its configuration can refuse it before it opens or changes
// anything.
func CheckAPIKey(key string) error {
	if len(strings.TrimSpace(key)) < 16 {
		return invalid("apiKey.key", "invalid", "An API key must be at least 16 characters.")
	}
	if !headerSafe(key) {
		return invalid("apiKey.key", "invalid", "An API key must be printable ASCII and may not begin or end with a space.")
	}
	return nil
}

// CreateAPIKey stores a new API key and returns it with the plain key, the
// only time the plain key is available: the store keeps a SHA-256 hash.
// (A fast hash is right here: the keys are long random strings, not
// passwords, so there is nothing for a slow hash to protect.)
//
// A request authenticated by an API key (Scope.Key) is FusionAuth's Create
// an API Key: the key must be a key manager and may create only a key of
// equal or lesser authority (ErrUnauthorized otherwise), never a key
// manager. Input it refuses is a *ValidationError; nothing is stored then.
func (e *Engine) CreateAPIKey(ctx context.Context, in NewAPIKey) (*APIKey, string, error) {
	caller := ScopeFrom(ctx).Key
	if err := requireKeyManager(caller); err != nil {
		return nil, "", err
	}
	id, key, err := e.newAPIKeySecret(in)
	if err != nil {
		return nil, "", err
	}
	if err := e.checkNewAPIKey(caller, in); err != nil {
		return nil, "", err
	}
	tenantID, err := newAPIKeyTenant(ctx, in.TenantID)
	if err != nil {
		return nil, "", err
	}
	if id == "" {
		id = e.newID()
	}
	now := e.instant()
	k := &APIKey{ID: id, KeyHash: hashKey(key), TenantID: tenantID, Description: in.Description, Name: in.Name, InsertInstant: now, LastUpdateInstant: now,
		KeyManager: in.KeyManager, Endpoints: normalEndpoints(in.Endpoints), ExpirationInstant: in.ExpirationInstant}
	// The tenant is checked in the transaction that stores the key (and on
	// PostgreSQL locked by the read), so that a DeleteTenant, which revokes
	// the keys locked to the tenant, either sees this key or runs after it
	// and finds no tenant: a key locked to a deleted tenant would reach a
	// tenant created again with its id.
	err = e.inTx(ctx, func(ctx context.Context, tx Store) error {
		return e.storeNewAPIKey(ctx, tx, caller, in, tenantID, k)
	})
	if err != nil {
		var dup *DuplicateError
		if errors.As(err, &dup) {
			return nil, "", duplicateAPIKey(dup, k)
		}
		return nil, "", err
	}
	return k, key, nil
}

// newAPIKeySecret checks the id asked for (lower-cased, "" for one to
// generate) and returns it with the plain key: the one given, or 256
// random bits.
func (e *Engine) newAPIKeySecret(in NewAPIKey) (id, key string, err error) {
	id = strings.ToLower(strings.TrimSpace(in.ID))
	if id != "" && !validation.IsUUID(id) {
		return "", "", invalid("apiKeyId", validation.KindInvalid, "The [apiKeyId] must be a UUID.")
	}
	key = in.Key
	if key == "" {
		b := make([]byte, 32)
		if _, err := io.ReadFull(e.random, b); err != nil {
			return "", "", fmt.Errorf("authcore: api key: %w", err)
		}
		key = base64.RawURLEncoding.EncodeToString(b)
	}
	if err := CheckAPIKey(key); err != nil {
		return "", "", err
	}
	return id, key, nil
}

// checkNewAPIKey checks the key's permissions and text fields against what
// the caller may give.
func (e *Engine) checkNewAPIKey(caller *APIKey, in NewAPIKey) error {
	if in.SourceKeyID != "" && (in.KeyManager || len(in.Endpoints) > 0 || in.ExpirationInstant != 0) {
		// A copy is the source's permissions: anything else would be a
		// second, conflicting request in one.
		return invalid("sourceKeyId", validation.KindInvalid, "A copy of a key takes its permissions from [sourceKeyId]; do not send [apiKey.permissions], [apiKey.keyManager] or [apiKey.expirationInstant] with it.")
	}
	return e.checkAPIKeyFields(caller, in.KeyManager, in.Name, in.Description, in.Endpoints, in.ExpirationInstant)
}

// newAPIKeyTenant is the tenant the key is locked to ("" for every
// tenant). Ids are taken in any case and stored lower-cased, so that the
// tenant is found and DeleteTenant, which compares stored ids, revokes the
// key. A request scoped to a tenant (a tenant-locked key) may create keys
// for that tenant only, as in FusionAuth: one for every tenant would be
// wider than the key that made it.
func newAPIKeyTenant(ctx context.Context, given string) (string, error) {
	tenantID := strings.ToLower(strings.TrimSpace(given))
	t := scopedTenant(ctx)
	switch {
	case t == "":
		return tenantID, nil
	case tenantID == "":
		return t, nil
	case tenantID != t:
		return "", fmt.Errorf("authcore: a request scoped to tenant %s may not create an API key for another tenant: %w", t, ErrUnauthorized)
	}
	return tenantID, nil
}

// storeNewAPIKey is CreateAPIKey's transaction: a copy takes its source's
// tenant and permissions (tenantID, the tenant asked for, must be that
// one), the tenant must exist, and the caller must cover the key.
func (e *Engine) storeNewAPIKey(ctx context.Context, tx Store, caller *APIKey, in NewAPIKey, tenantID string, k *APIKey) error {
	if in.SourceKeyID != "" {
		src, err := e.sourceAPIKey(ctx, tx, in.SourceKeyID)
		if err != nil {
			return err
		}
		if in.TenantID != "" && tenantID != src.TenantID {
			return invalid("apiKey.tenantId", validation.KindInvalid, "A copy of a key is for the tenant of the key it copies.")
		}
		k.TenantID, k.Endpoints = src.TenantID, normalEndpoints(src.Endpoints)
	}
	if k.TenantID != "" {
		if _, err := tx.GetTenant(ctx, k.TenantID); err != nil {
			if errors.Is(err, ErrNotFound) {
				return invalid("apiKey.tenantId", "invalid", "The [apiKey.tenantId] property does not name a tenant.")
			}
			return err
		}
	}
	if !covers(caller, k) {
		return fmt.Errorf("authcore: the API key may not create a key of greater authority than its own: %w", ErrUnauthorized)
	}
	return tx.CreateAPIKey(ctx, k)
}

// ListAPIKeys lists the API keys (hashes only); a request scoped to a tenant
// sees the keys locked to it.
func (e *Engine) ListAPIKeys(ctx context.Context) ([]*APIKey, error) {
	keys, err := e.store.ListAPIKeys(ctx)
	if err != nil || scopedTenant(ctx) == "" {
		return keys, err
	}
	var out []*APIKey
	for _, k := range keys {
		if k.TenantID != "" && inScope(ctx, k.TenantID) {
			out = append(out, k)
		}
	}
	return out, nil
}

// RevokeAPIKey deletes an API key by id. A request scoped to a tenant may
// revoke only keys locked to it; any other is not found. A request
// authenticated by an API key (FusionAuth's Delete an API Key) must use a
// key manager of equal or greater authority than the key it deletes
// (ErrUnauthorized).
func (e *Engine) RevokeAPIKey(ctx context.Context, id string) error {
	id = strings.ToLower(id)
	caller := ScopeFrom(ctx).Key
	if err := requireKeyManager(caller); err != nil {
		return err
	}
	if scopedTenant(ctx) == "" && caller == nil {
		return retryConflicts(ctx, func() error { return e.store.DeleteAPIKey(ctx, id) })
	}
	return e.inTx(ctx, func(ctx context.Context, tx Store) error {
		if _, err := e.managedAPIKey(ctx, tx, id); err != nil {
			return err
		}
		return tx.DeleteAPIKey(ctx, id)
	})
}

// Authenticate returns the API key that key is, or ErrUnauthorized. The
// lookup is by hash and the stored hash is compared in constant time, so the
// answer's timing says nothing about how much of a key was right.
func (e *Engine) Authenticate(ctx context.Context, key string) (*APIKey, error) {
	if key == "" {
		return nil, ErrUnauthorized
	}
	h := hashKey(key)
	k, err := e.store.GetAPIKeyByHash(ctx, h)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, ErrUnauthorized
		}
		return nil, err
	}
	if subtle.ConstantTimeCompare(k.KeyHash, h) != 1 {
		return nil, ErrUnauthorized
	}
	if k.ExpirationInstant != 0 && e.instant() >= k.ExpirationInstant {
		// FusionAuth: an expired key is answered 401, as an unknown one.
		return nil, fmt.Errorf("authcore: the API key expired: %w", ErrUnauthorized)
	}
	return k, nil
}

// headerSafe reports whether key arrives intact in an Authorization
// header: net/http and the clients' fetch trim the white space around a
// header value, control characters cannot be sent, and a client sends
// characters beyond ASCII in another encoding than the UTF-8 hashed here.
// A key that fails would be stored and then answer 401 on every request (a
// secret read from a file with its newline, say).
func headerSafe(key string) bool {
	if key == "" || key[0] == ' ' || key[len(key)-1] == ' ' {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

func hashKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}
