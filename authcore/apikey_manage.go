package authcore

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/validation"
)

// apiEndpoints are the endpoints a key's permissions may name: FusionAuth's
// endpoint names (a route's path without its id segments, so
// /api/user/registration/{userId}/{applicationId} is /api/user/registration)
// of every route authcore serves that takes an API key. A permission for an
// endpoint authcore does not serve is refused: it would authorise nothing.
// httpadapter's tests check that the list and its routes agree.
var apiEndpoints = map[string]bool{
	"/api/api-key":                        true,
	"/api/application":                    true,
	"/api/application/role":               true,
	"/api/cleanspeak/notify":              true,
	"/api/identity-provider":              true,
	"/api/identity-provider/link":         true,
	"/api/identity-provider/link/pending": true,
	"/api/identity-provider/search":       true,
	"/api/integration":                    true,
	"/api/jwt/refresh":                    true,
	"/api/jwt/vend":                       true,
	"/api/key":                            true,
	"/api/key/generate":                   true,
	"/api/key/import":                     true,
	"/api/key/search":                     true,
	"/api/system/event-log":               true,
	"/api/system/event-log/search":        true,
	"/api/tenant":                         true,
	"/api/user":                           true,
	"/api/user/registration":              true,
}

// apiMethods are the HTTP methods a permission may name (FusionAuth's five).
var apiMethods = []string{"DELETE", "GET", "PATCH", "POST", "PUT"}

// APIEndpoints returns, sorted, the endpoint names an API key's Endpoints
// may hold: one for each group of routes that take an API key.
func APIEndpoints() []string {
	return slices.Sorted(maps.Keys(apiEndpoints))
}

// Allows reports whether the key may call endpoint (an APIEndpoints name)
// with method: a key with no Endpoints may call every endpoint
// (FusionAuth's "super key"), another only those it lists, with the methods
// listed. HEAD is GET's. It does not allocate: the adapter asks it on every
// request.
func (k *APIKey) Allows(endpoint, method string) bool {
	if len(k.Endpoints) == 0 {
		return true
	}
	if method == "HEAD" {
		method = "GET"
	}
	return slices.Contains(k.Endpoints[endpoint], method)
}

// requireKeyManager refuses a request authenticated by a key that is not a
// key manager; a Go caller (no key) passes.
func requireKeyManager(caller *APIKey) error {
	if caller != nil && !caller.KeyManager {
		return fmt.Errorf("authcore: the API Key API takes a key manager's key only: %w", ErrUnauthorized)
	}
	return nil
}

// covers reports whether caller has equal or greater authority than k, as
// FusionAuth requires of a key that creates, retrieves, updates or deletes
// another: a tenant-locked caller only over keys locked to its tenant, and
// a caller limited to some endpoints only over keys limited to those
// endpoints and methods or fewer, a caller that expires only over keys that
// expire no later. A key manager is covered only by a key manager. A Go
// caller (nil) covers every key.
func covers(caller, k *APIKey) bool {
	if caller == nil {
		return true
	}
	if caller.TenantID != "" && caller.TenantID != k.TenantID {
		return false
	}
	if k.KeyManager && !caller.KeyManager {
		return false
	}
	// A key that expires is of less authority than one that never does or
	// outlives it: else a manager given for a day made a key without an
	// expiry (or cleared its own) and kept the API for ever.
	if caller.ExpirationInstant != 0 && (k.ExpirationInstant == 0 || k.ExpirationInstant > caller.ExpirationInstant) {
		return false
	}
	if len(caller.Endpoints) == 0 {
		return true
	}
	if len(k.Endpoints) == 0 {
		return false
	}
	for e, methods := range k.Endpoints {
		for _, m := range methods {
			if !slices.Contains(caller.Endpoints[e], m) {
				return false
			}
		}
	}
	return true
}

// checkAPIKeyFields validates what a create or an update sets, one error
// for each field it refuses.
func (e *Engine) checkAPIKeyFields(caller *APIKey, keyManager bool, name, description string, endpoints map[string][]string, expiration int64) error {
	var v validation.Errors
	if keyManager && caller != nil {
		v.Field("apiKey.keyManager", validation.KindInvalid, "The [apiKey.keyManager] property cannot be set through the API Key API.")
	}
	// The stores index the name to keep it unique, so it is held to the
	// length of the other indexed names (tenants', signing keys').
	if !v.NotStorable("apiKey.name", name) {
		v.TooLong("apiKey.name", name, validation.MaxIndexedLength)
	}
	v.NotStorable("apiKey.metaData.attributes.description", description)
	for _, ep := range slices.Sorted(maps.Keys(endpoints)) {
		if !apiEndpoints[ep] {
			v.Field("apiKey.permissions.endpoints", validation.KindInvalid, fmt.Sprintf("The [apiKey.permissions.endpoints] property names the endpoint [%s], which is not an endpoint of this API.", excerpt.Of(ep)))
			continue
		}
		methods := endpoints[ep]
		if len(methods) == 0 {
			v.Field("apiKey.permissions.endpoints", validation.KindInvalid, fmt.Sprintf("The [apiKey.permissions.endpoints] property gives the endpoint [%s] no HTTP method.", excerpt.Of(ep)))
		}
		for _, m := range methods {
			if !slices.Contains(apiMethods, m) {
				v.Field("apiKey.permissions.endpoints", validation.KindInvalid, fmt.Sprintf("The [apiKey.permissions.endpoints] property gives the endpoint [%s] the method [%s]; the methods are DELETE, GET, PATCH, POST and PUT.", excerpt.Of(ep), excerpt.Of(m)))
			}
		}
	}
	if expiration != 0 && expiration <= e.instant() {
		v.Field("apiKey.expirationInstant", validation.KindInvalid, "The [apiKey.expirationInstant] property must be in the future.")
	}
	return v.Err()
}

// normalEndpoints returns a copy of endpoints with each method list sorted
// and without repeats, so that a stored key compares and prints the same
// however its permissions were sent; nil for none.
func normalEndpoints(endpoints map[string][]string) map[string][]string {
	if len(endpoints) == 0 {
		return nil
	}
	out := make(map[string][]string, len(endpoints))
	for e, methods := range endpoints {
		m := slices.Clone(methods)
		slices.Sort(m)
		out[e] = slices.Compact(m)
	}
	return out
}

// managedAPIKey reads the key id for a request of the API Key API: not
// found when it is not in the request's tenant scope (a tenant-locked key
// sees only its tenant's keys, SPEC §1), ErrUnauthorized when the caller's
// authority is less than the key's.
func (e *Engine) managedAPIKey(ctx context.Context, tx Store, id string) (*APIKey, error) {
	k, err := tx.GetAPIKey(ctx, strings.ToLower(id))
	if err != nil {
		return nil, err
	}
	if t := scopedTenant(ctx); t != "" && k.TenantID != t {
		return nil, fmt.Errorf("authcore: API key %s: %w", id, ErrNotFound)
	}
	if !covers(ScopeFrom(ctx).Key, k) {
		return nil, fmt.Errorf("authcore: the API key may not manage a key of greater authority than its own: %w", ErrUnauthorized)
	}
	return k, nil
}

// sourceAPIKey reads the key a copy is made from: it must exist in the
// request's scope ([invalid]sourceKeyId otherwise, as another object named
// in a body) and not be a key manager.
func (e *Engine) sourceAPIKey(ctx context.Context, tx Store, id string) (*APIKey, error) {
	src, err := e.managedAPIKey(ctx, tx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && src.KeyManager) {
		return nil, invalid("sourceKeyId", validation.KindInvalid, "The [sourceKeyId] property does not name an API key that can be copied.")
	}
	return src, err
}

// duplicateAPIKey is the refusal of a store's duplicate: the id (apiKeyId),
// the key itself (apiKey.key) or its name (apiKey.name). It wraps dup too,
// so that a Go caller's errors.Is(err, ErrDuplicate) holds as it did before
// the field error (examples/server takes it for a key kept from an earlier
// start).
func duplicateAPIKey(dup *DuplicateError, k *APIKey) error {
	var v error
	switch dup.Field {
	case "key":
		v = invalid("apiKey.key", validation.KindDuplicate, "An API key with this [apiKey.key] already exists.")
	case "name":
		v = invalid("apiKey.name", validation.KindDuplicate, fmt.Sprintf("An API key with the name [%s] already exists.", excerpt.Of(k.Name)))
	default:
		v = invalid("apiKeyId", validation.KindDuplicate, fmt.Sprintf("An API key with the id [%s] already exists.", k.ID))
	}
	return fmt.Errorf("%w (%w)", v, dup)
}

// APIKey returns the API key id (its hash, never the key: it is not kept).
// It is FusionAuth's Retrieve an API Key: a request scoped to a tenant sees
// only keys locked to it (ErrNotFound for any other), and a request
// authenticated by an API key must use a key manager of equal or greater
// authority (ErrUnauthorized).
func (e *Engine) APIKey(ctx context.Context, id string) (*APIKey, error) {
	if err := requireKeyManager(ScopeFrom(ctx).Key); err != nil {
		return nil, err
	}
	return e.managedAPIKey(ctx, e.store, id)
}

// APIKeyUpdate is what UpdateAPIKey sets: FusionAuth's Update an API Key
// replaces these fields (an ExpirationInstant of 0 clears the expiry).
// TenantID, KeyManager and Key cannot change through the API; when set they
// must be the key's own ([invalid]apiKey.<field> otherwise), so that a
// client may send back the key it retrieved. A Go caller (no key in the
// scope) may set KeyManager to make a key a key manager, as FusionAuth's
// admin UI can; false keeps the key's flag either way.
type APIKeyUpdate struct {
	// Name replaces the key's name ("" clears it), unique as NewAPIKey's.
	Name              string
	Description       string
	Endpoints         map[string][]string
	ExpirationInstant int64

	TenantID   string
	KeyManager bool
	Key        string
}

// UpdateAPIKey replaces an API key's description, permissions and expiry,
// in one transaction, and returns the key. The rules of APIKey apply, and
// the key as changed must still be of no greater authority than the
// caller's: a key cannot widen another, or itself.
func (e *Engine) UpdateAPIKey(ctx context.Context, id string, in APIKeyUpdate) (*APIKey, error) {
	return e.changeAPIKey(ctx, id, func(*APIKey) (APIKeyUpdate, error) { return in, nil })
}

// changeAPIKey is the read-modify-write of PUT and PATCH in one transaction:
// build makes the update from the stored key.
func (e *Engine) changeAPIKey(ctx context.Context, id string, build func(cur *APIKey) (APIKeyUpdate, error)) (*APIKey, error) {
	caller := ScopeFrom(ctx).Key
	if err := requireKeyManager(caller); err != nil {
		return nil, err
	}
	var out *APIKey
	err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
		k, err := e.managedAPIKey(ctx, tx, id)
		if err != nil {
			return err
		}
		in, err := build(k)
		if err != nil {
			return err
		}
		var v validation.Errors
		if in.TenantID != "" && strings.ToLower(strings.TrimSpace(in.TenantID)) != k.TenantID {
			v.Field("apiKey.tenantId", validation.KindInvalid, "The [apiKey.tenantId] property cannot be changed.")
		}
		if in.KeyManager && !k.KeyManager && caller != nil {
			v.Field("apiKey.keyManager", validation.KindInvalid, "The [apiKey.keyManager] property cannot be set through the API Key API.")
		}
		if in.Key != "" && subtle.ConstantTimeCompare(hashKey(in.Key), k.KeyHash) != 1 {
			v.Field("apiKey.key", validation.KindInvalid, "The [apiKey.key] property cannot be changed.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		// The key's own manager flag is kept, not set: a manager may
		// update another manager (or itself) without the flag counting
		// as a request to set it.
		if err := e.checkAPIKeyFields(caller, false, in.Name, in.Description, in.Endpoints, in.ExpirationInstant); err != nil {
			return err
		}
		up := *k
		up.Name, up.Description, up.Endpoints, up.ExpirationInstant = in.Name, in.Description, normalEndpoints(in.Endpoints), in.ExpirationInstant
		up.KeyManager = k.KeyManager || in.KeyManager // only a Go caller gets here with a change
		up.LastUpdateInstant = e.instant()
		if !covers(caller, &up) {
			return fmt.Errorf("authcore: the API key may not give a key greater authority than its own: %w", ErrUnauthorized)
		}
		if err := tx.UpdateAPIKey(ctx, &up); err != nil {
			var dup *DuplicateError
			if errors.As(err, &dup) && dup.Field == "name" {
				return duplicateAPIKey(dup, &up)
			}
			return err
		}
		out = &up
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RequireKeyManager returns an error wrapping ErrUnauthorized when the
// request was authenticated by a key that is not a key manager. Every
// Engine call of the API Key API checks it; an adapter calls it before it
// reads the request, so that such a key is refused (401) whatever it sent,
// and learns nothing of the API's validation.
func (s Scope) RequireKeyManager() error { return requireKeyManager(s.Key) }
