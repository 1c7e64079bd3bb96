package authcore

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Scope is what a request may see and touch: the tenant its API key is locked
// to, and the tenant it asked for with X-FusionAuth-TenantId.
type Scope struct {
	// KeyTenantID is the tenant the API key is locked to; "" for a key that
	// may act in every tenant.
	KeyTenantID string
	// TenantID is the tenant the request asked for; "" when it did not ask.
	TenantID string
	// Key is the API key the request was authenticated with; nil for a Go
	// caller (who has the authority of FusionAuth's admin UI and Kickstart)
	// and for a route that takes no key. The API Key API holds it to
	// FusionAuth's rules: a key manager, of equal or greater authority than
	// the keys it touches.
	Key *APIKey
}

type scopeKey struct{}

// WithScope returns a context that carries s. Services read it to scope the
// request; without one, a call has full access. The ids are lower-cased, as
// stored ids are: a client may send a tenant id in upper case.
func WithScope(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s.lower())
}

func (s Scope) lower() Scope {
	return Scope{KeyTenantID: strings.ToLower(s.KeyTenantID), TenantID: strings.ToLower(s.TenantID), Key: s.Key}
}

// ScopeFrom returns the request's scope (the zero Scope when none was set).
func ScopeFrom(ctx context.Context) Scope {
	s, _ := ctx.Value(scopeKey{}).(Scope)
	return s
}

// CheckScope validates a scope once per request: a tenant header must name a
// tenant that exists and must not contradict a tenant-locked key
// (ErrUnauthorized).
func (e *Engine) CheckScope(ctx context.Context, s Scope) error {
	s = s.lower()
	if s.KeyTenantID != "" && s.TenantID != "" && s.KeyTenantID != s.TenantID {
		return fmt.Errorf("authcore: tenant header contradicts the API key: %w", ErrUnauthorized)
	}
	if s.TenantID != "" {
		if _, err := e.store.GetTenant(ctx, s.TenantID); err != nil {
			if errors.Is(err, ErrNotFound) {
				return fmt.Errorf("authcore: unknown tenant in header: %w", ErrUnauthorized)
			}
			return err
		}
	}
	return nil
}

// RequireGlobal returns an error wrapping ErrUnauthorized when s is scoped
// to a tenant (a tenant-locked API key, or X-FusionAuth-TenantId): such a
// request may not touch a global object (the integrations, the identity
// provider's configuration, tenants' creation and deletion, signing keys,
// the event log). Every Engine method on a global object checks it itself;
// an adapter calls it before reading the request, so that a request that
// may not use the endpoint is refused as such (401) whatever its body holds,
// and learns nothing of the endpoint's validation.
func (s Scope) RequireGlobal() error {
	if s.KeyTenantID != "" || s.TenantID != "" {
		return fmt.Errorf("authcore: a request scoped to a tenant (a tenant-locked API key, or X-FusionAuth-TenantId) may not read or change a global object: %w", ErrUnauthorized)
	}
	return nil
}

// requireGlobal is Scope.RequireGlobal of the request's scope.
func requireGlobal(ctx context.Context) error { return ScopeFrom(ctx).RequireGlobal() }

// scopedTenant returns the tenant a request is limited to, "" when it may see
// all tenants.
func scopedTenant(ctx context.Context) string {
	s := ScopeFrom(ctx)
	if s.KeyTenantID != "" {
		return s.KeyTenantID
	}
	return s.TenantID
}

// resolveTenant picks the tenant of a request that creates something in a
// tenant: the scope's, else the only tenant, else [TenantIdRequired].
func (e *Engine) resolveTenant(ctx context.Context, store Store) (string, error) {
	if id := scopedTenant(ctx); id != "" {
		return id, nil
	}
	tenants, err := store.ListTenants(ctx)
	if err != nil {
		return "", err
	}
	if len(tenants) == 1 {
		return tenants[0].ID, nil
	}
	return "", general("[TenantIdRequired]", "A Tenant Id is required to complete this request. To complete this request, you must specify a Tenant Id using the X-FusionAuth-TenantId HTTP header or use a tenant locked API key.")
}

// inScope reports whether an object of tenantID is visible to the request.
func inScope(ctx context.Context, tenantID string) bool {
	t := scopedTenant(ctx)
	return t == "" || t == tenantID
}
