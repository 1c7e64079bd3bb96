package authcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/validation"
)

// TenantRequest is the body of the tenant create and update requests:
// {"tenant": {...}}.
type TenantRequest struct {
	// SourceTenantID, on a create only, names the tenant to copy
	// (CopyTenant); "" is a plain create.
	SourceTenantID string `json:"sourceTenantId,omitempty"`
	Tenant         Tenant `json:"tenant"`
}

// TenantResponse is the response of create, retrieve by id, update and patch.
type TenantResponse struct {
	Tenant *Tenant `json:"tenant,omitempty"`
}

// TenantStateActive is tenant.state in every response. FusionAuth also has
// PendingDelete, for a tenant whose asynchronous delete is under way; a
// delete here finishes before it answers, so no tenant is ever seen so.
const TenantStateActive = "Active"

// tenantJSON is Tenant without its methods, for MarshalJSON.
type tenantJSON Tenant

// MarshalJSON adds state, which FusionAuth's tenant responses carry (since
// 1.22; the clients' Tenant.state): a client that reads it found none. It is
// output only, as application.state is: a state sent in a request is an
// unknown property, ignored.
func (t Tenant) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		tenantJSON
		State string `json:"state"`
	}{tenantJSON(t), TenantStateActive})
}

// renderedFields is what MarshalJSON renders besides state (fieldsRenderer).
func (t Tenant) renderedFields() any { return tenantJSON(t) }

// TenantsResponse is the response of retrieve all: {"tenants": [...]}.
type TenantsResponse struct {
	Tenants []Tenant `json:"tenants"`
}

// CreateTenant creates a tenant. id is the id asked for ("" to generate
// one). Unset token settings take FusionAuth's defaults (issuer acme.com,
// 3600 s access tokens, 43200 min refresh tokens, Reusable). Tenants are
// global objects: a tenant-scoped request may not create one
// (ErrUnauthorized).
func (e *Engine) CreateTenant(ctx context.Context, id string, t Tenant) (*Tenant, error) {
	return e.createTenant(ctx, id, func(context.Context, Store) (Tenant, error) { return copyTenant(t), nil })
}

// CopyTenant creates a tenant named name with every other setting of the
// tenant sourceID (issuer, token and e-mail settings, signing key, data),
// as FusionAuth's create with sourceTenantId does. id is the id asked for
// ("" to generate one). A source that is no UUID or names no tenant is
// [invalid]sourceTenantId. The source is read in the create's transaction,
// so the copy is of one version of it.
func (e *Engine) CopyTenant(ctx context.Context, id, sourceID, name string) (*Tenant, error) {
	src := strings.ToLower(strings.TrimSpace(sourceID))
	if !isUUID(src) {
		return nil, invalid("sourceTenantId", validation.KindInvalid, "The [sourceTenantId] property must be a UUID.")
	}
	return e.createTenant(ctx, id, func(ctx context.Context, tx Store) (Tenant, error) {
		source, err := tx.GetTenant(ctx, src)
		if errors.Is(err, ErrNotFound) {
			return Tenant{}, invalid("sourceTenantId", validation.KindInvalid, fmt.Sprintf("The [sourceTenantId] property does not name a tenant: [%s].", excerpt.Of(src)))
		}
		if err != nil {
			return Tenant{}, err
		}
		t := copyTenant(*source)
		t.Name = name
		return t, nil
	})
}

// createTenant stores the tenant build makes, given the id, instants,
// normalisation and defaults of a new tenant. build runs in the
// transaction (and again if the store retries it).
func (e *Engine) createTenant(ctx context.Context, id string, build func(context.Context, Store) (Tenant, error)) (*Tenant, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	id, err := newObjectID(e, id, "tenantId")
	if err != nil {
		return nil, err
	}
	now := e.instant()
	var out Tenant
	err = e.inTx(ctx, func(ctx context.Context, tx Store) error {
		t, err := build(ctx, tx)
		if err != nil {
			return err
		}
		out = t
		out.ID = id
		out.InsertInstant, out.LastUpdateInstant = now, now
		normalizeTenant(&out)
		applyTenantDefaults(&out)
		if err := validateTenant(ctx, tx, &out); err != nil {
			return err
		}
		return tenantStoreError(tx.CreateTenant(ctx, &out))
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "tenant created", "tenantId", out.ID)
	return &out, nil
}

// Tenant returns the tenant with this id. A tenant-scoped request sees only
// its own tenant; any other is ErrNotFound.
func (e *Engine) Tenant(ctx context.Context, id string) (*Tenant, error) {
	id = strings.ToLower(id)
	if !inScope(ctx, id) {
		return nil, fmt.Errorf("authcore: tenant %q: %w", id, ErrNotFound)
	}
	return e.store.GetTenant(ctx, id)
}

// Tenants lists the tenants the request may see, oldest first.
func (e *Engine) Tenants(ctx context.Context) ([]Tenant, error) {
	list, err := e.store.ListTenants(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Tenant, 0, len(list))
	for _, t := range list {
		if inScope(ctx, t.ID) {
			out = append(out, *t)
		}
	}
	return out, nil
}

// UpdateTenant replaces the tenant (PUT): a field left out takes its
// default; id and insertInstant keep their stored values. A tenant-scoped
// request may update its own tenant only.
func (e *Engine) UpdateTenant(ctx context.Context, id string, t Tenant) (*Tenant, error) {
	return e.changeTenant(ctx, id, func(*Tenant) (Tenant, error) { return copyTenant(t), nil })
}

// PatchTenant applies a PATCH in any of the three forms (see PatchRequest) to
// {"tenant": …} and validates the result like a PUT.
func (e *Engine) PatchTenant(ctx context.Context, id string, req PatchRequest) (*Tenant, error) {
	return e.changeTenant(ctx, id, func(cur *Tenant) (Tenant, error) {
		patched, err := applyPatch(req, TenantResponse{Tenant: cur}, nil)
		if err != nil {
			return Tenant{}, err
		}
		var in TenantRequest
		if err := DecodeJSON(patched, &in); err != nil {
			return Tenant{}, err
		}
		return in.Tenant, nil
	})
}

// changeTenant is the read-modify-write of PUT and PATCH in one transaction.
func (e *Engine) changeTenant(ctx context.Context, id string, build func(cur *Tenant) (Tenant, error)) (*Tenant, error) {
	id = strings.ToLower(id)
	if !inScope(ctx, id) {
		return nil, fmt.Errorf("authcore: tenant %q: %w", id, ErrNotFound)
	}
	var out Tenant
	err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
		cur, err := tx.GetTenant(ctx, id)
		if err != nil {
			return err
		}
		next, err := build(cur)
		if err != nil {
			return err
		}
		next.ID = cur.ID
		next.InsertInstant = cur.InsertInstant
		next.LastUpdateInstant = e.instant()
		normalizeTenant(&next)
		applyTenantDefaults(&next)
		if err := checkScopedTenantChange(ctx, cur, &next); err != nil {
			return err
		}
		if err := validateTenant(ctx, tx, &next); err != nil {
			return err
		}
		// After validateTenant has locked the new key (PostgreSQL), as
		// RotateTenantKey takes them: the tenant, the new key, the old.
		if err := keepFormerTenant(ctx, tx, cur.JWTConfiguration.AccessTokenKeyID, next.JWTConfiguration.AccessTokenKeyID, cur); err != nil {
			return err
		}
		out = next
		return tenantStoreError(tx.UpdateTenant(ctx, &next))
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "tenant updated", "tenantId", out.ID)
	return &out, nil
}

// checkScopedTenantChange refuses what a request scoped to the tenant may
// not change, because the value is shared with every other tenant. Both are
// checked before validateTenant, whose answers would otherwise tell a scoped
// request what other tenants hold.
func checkScopedTenantChange(ctx context.Context, cur, next *Tenant) error {
	if scopedTenant(ctx) == "" {
		return nil
	}
	// Keys are global: a request scoped to this tenant may not make it sign
	// with a key another tenant signs with, or would have. The lookup's
	// answers (no such key, a key that cannot sign) would tell it which key
	// ids exist and what they are, as for an application's key.
	if k := next.JWTConfiguration.AccessTokenKeyID; k != "" && k != cur.JWTConfiguration.AccessTokenKeyID {
		return invalid("tenant.jwtConfiguration.accessTokenKeyId", "invalid", "Only a request for every tenant may choose the tenant's signing key.")
	}
	// Names are unique among all tenants: a [duplicate]tenant.name would
	// tell the request which names other tenants hold. A change of case
	// clashes with no other tenant, and a blank name is validateTenant's.
	// Case as the stores compare names (strings.ToLower of each), not
	// Unicode folding: "ſ" folds to "s" but is lower case already, so a
	// rename from "Bass" to "Baſſ" could clash with a tenant "baſſ".
	if to, from := strings.ToLower(next.Name), strings.ToLower(cur.Name); next.Name != "" && to != from {
		return invalid("tenant.name", "invalid", "Only a request for every tenant may rename the tenant: tenant names are unique among all tenants.")
	}
	return nil
}

// DeleteTenant deletes a tenant with everything in it (applications, users
// with their registrations, links and refresh tokens, pending links) and the
// API keys locked to it. The last tenant cannot be deleted
// ([invalid]tenantId): an engine always has a tenant to put users in.
func (e *Engine) DeleteTenant(ctx context.Context, id string) error {
	if err := requireGlobal(ctx); err != nil {
		return err
	}
	id = strings.ToLower(id)
	// The delete locks the identity provider and the tenant (to forget the
	// tenant there) before the tenant's pending links and users; completing
	// a pending link locks them the other way round. On PostgreSQL the two
	// deadlocked and the delete answered 409: it runs again instead.
	err := retryConflicts(ctx, func() error { return e.deleteTenant(ctx, id) })
	if err != nil {
		return err
	}
	e.log.InfoContext(ctx, "tenant deleted", "tenantId", id)
	return nil
}

// deleteTenant is one attempt of DeleteTenant: lock what the tenant holds in
// the order other writers lock it, check it is not the last tenant, then
// delete its API keys, forget it in the identity providers and delete it.
func (e *Engine) deleteTenant(ctx context.Context, id string) error {
	return e.store.InTx(ctx, func(ctx context.Context, tx Store) error {
		if err := lockTenantContents(ctx, tx, id); err != nil {
			return err
		}
		if err := checkNotLastTenant(ctx, tx, id); err != nil {
			return err
		}
		if err := deleteTenantAPIKeys(ctx, tx, id); err != nil {
			return err
		}
		apps, err := tx.ListApplications(ctx, id)
		if err != nil {
			return err
		}
		appIDs := make([]string, len(apps))
		for i, a := range apps {
			appIDs[i] = a.ID
		}
		// The store deletes the tenant's applications with it.
		if err := e.forgetInProviders(ctx, tx, appIDs, id); err != nil {
			return err
		}
		return tx.DeleteTenant(ctx, id)
	})
}

// lockTenantContents takes the locks of a tenant's delete before it reads
// the tenant (PostgreSQL locks every row a transaction reads), each in the
// order of the writers it could otherwise deadlock with.
func lockTenantContents(ctx context.Context, tx Store, id string) error {
	// The identity providers first, as an application's delete and a
	// provider PUT or PATCH (provider, then the applications and tenants
	// it names) do. Locked after the tenant and its applications, the
	// delete deadlocked with such a PATCH.
	if _, err := tx.ListIdentityProviders(ctx); err != nil {
		return err
	}
	// The tenant's links before its refresh tokens, the order of a user's
	// delete (links, tokens, then the user): reached through the users'
	// cascade after the tokens, the links were held by a user's delete
	// waiting for a token this delete held.
	if l, ok := tx.(tenantLinksLocker); ok {
		if err := l.LockTenantLinks(ctx, id); err != nil {
			return err
		}
	}
	// The tenant's refresh tokens before the tenant and its applications,
	// the order of a refresh (its token, then its tenant and application):
	// locked after them, the store's delete of the tokens waited for a
	// token whose refresh waited for the tenant, a deadlock.
	if l, ok := tx.(tokenLocker); ok {
		if err := l.LockTenantTokens(ctx, id); err != nil {
			return err
		}
	}
	return lockTenantUsers(ctx, tx, id)
}

// lockTenantUsers locks the moderation items of a tenant's users and then
// the users, before the tenant and its applications.
func lockTenantUsers(ctx context.Context, tx Store, id string) error {
	// The moderation items before the users, the order of a moderator's
	// decision and of a resubmission (the item, then its user); the
	// store's delete takes them.
	if l, ok := tx.(tenantModerationLocker); ok {
		if err := l.LockTenantModerationItems(ctx, id); err != nil {
			return err
		}
	}
	// The users before the tenant and its applications, the order of a
	// registration's create or update and of a user's update (the user,
	// then its application or tenant): reached only through the tenant's
	// cascade, after the applications, the users were held by such a
	// transaction waiting for an application or the tenant this delete
	// held.
	if l, ok := tx.(tenantUsersLocker); ok {
		return l.LockTenantUsers(ctx, id)
	}
	return nil
}

// checkNotLastTenant reads the tenant (ErrNotFound when there is none) and
// refuses to delete the last one: an engine always has a tenant to put
// users in.
func checkNotLastTenant(ctx context.Context, tx Store, id string) error {
	if _, err := tx.GetTenant(ctx, id); err != nil {
		return err
	}
	tenants, err := tx.ListTenants(ctx)
	if err != nil {
		return err
	}
	if len(tenants) <= 1 {
		return invalid("tenantId", validation.KindInvalid, "The last tenant cannot be deleted.")
	}
	return nil
}

// deleteTenantAPIKeys deletes the API keys locked to the tenant: a key
// locked to a tenant that is gone could act in no tenant.
func deleteTenantAPIKeys(ctx context.Context, tx Store, id string) error {
	keys, err := tx.ListAPIKeys(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.TenantID != id {
			continue
		}
		if err := tx.DeleteAPIKey(ctx, k.ID); err != nil {
			return err
		}
	}
	return nil
}

func normalizeTenant(t *Tenant) {
	t.Name = strings.TrimSpace(t.Name)
	t.Issuer = strings.TrimSpace(t.Issuer)
	t.JWTConfiguration.AccessTokenKeyID = strings.ToLower(strings.TrimSpace(t.JWTConfiguration.AccessTokenKeyID))
	if len(t.Data) == 0 {
		t.Data = nil
	}
}

// validateTenant checks a tenant after defaults were applied, inside the
// transaction that stores it (the signing key must exist there).
func validateTenant(ctx context.Context, s Store, t *Tenant) error {
	var errs validation.Errors
	if t.Name == "" {
		errs.Blank("tenant.name")
	}
	if !errs.NotStorable("tenant.name", t.Name) {
		errs.TooLong("tenant.name", t.Name, validation.MaxIndexedLength)
	}
	// The issuer goes into every access token's iss and, as CN, into the
	// certificate of every key made for the tenant: it gets the bound a
	// key's own issuer has, and the storable-text rule of the tenant's name.
	if !errs.NotStorable("tenant.issuer", t.Issuer) {
		errs.TooLong("tenant.issuer", t.Issuer, maxKeyIssuerLength)
	}
	j := t.JWTConfiguration
	validateRefreshPolicies(&errs, "tenant.jwtConfiguration", j.RefreshTokenUsagePolicy, j.RefreshTokenExpirationPolicy, j.RefreshTokenSlidingWindowConfiguration, j.RefreshTokenTimeToLiveInMinutes, false)
	validateLifetime(&errs, "tenant.jwtConfiguration.timeToLiveInSeconds", j.TimeToLiveInSeconds, time.Second)
	validateLifetime(&errs, "tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes", j.RefreshTokenTimeToLiveInMinutes, time.Minute)
	if j.AccessTokenKeyID != "" {
		k, err := s.GetKey(ctx, j.AccessTokenKeyID)
		switch {
		case errors.Is(err, ErrNotFound):
			errs.Invalid("tenant.jwtConfiguration.accessTokenKeyId", fmt.Sprintf("The [tenant.jwtConfiguration.accessTokenKeyId] property does not name a key: [%s].", excerpt.Of(j.AccessTokenKeyID)))
		case err != nil:
			return err
		case !k.canSign():
			errs.Invalid("tenant.jwtConfiguration.accessTokenKeyId", cannotSignMessage("tenant.jwtConfiguration.accessTokenKeyId", k))
		}
	}
	errs.NotStorableText("tenant", t)
	return errs.Err()
}

func tenantStoreError(err error) error {
	var dup *DuplicateError
	if errors.As(err, &dup) {
		switch dup.Field {
		case "name":
			return invalid("tenant.name", validation.KindDuplicate, "A tenant with this [tenant.name] already exists.")
		case "id":
			return invalid("tenantId", validation.KindDuplicate, "A tenant with this Id already exists.")
		}
	}
	return err
}

func copyTenant(t Tenant) Tenant {
	t.Data = copyData(t.Data)
	return t
}

// copyData copies the top level of a data map so that the caller's map is
// never the stored one.
func copyData(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// newObjectID returns the id of an object being created: the lower-cased id
// asked for, or a new one. An id that is not a UUID is [invalid]<param>.
func newObjectID(e *Engine, id, param string) (string, error) {
	if id == "" {
		return e.newID(), nil
	}
	if !isUUID(id) {
		return "", invalid(param, validation.KindInvalid, fmt.Sprintf("The [%s] must be a UUID.", param))
	}
	return strings.ToLower(id), nil
}

// tenantForCreate picks the tenant an object is created in: the request's
// scope, else the tenantId in the body (which must exist), else the only
// tenant, else [TenantIdRequired]. A body tenantId that contradicts the
// scope is [invalid]<path>.
func (e *Engine) tenantForCreate(ctx context.Context, s Store, bodyTenantID, path string) (string, error) {
	body := strings.ToLower(strings.TrimSpace(bodyTenantID))
	if scoped := scopedTenant(ctx); scoped != "" {
		if body != "" && body != scoped {
			return "", invalid(path, validation.KindInvalid, fmt.Sprintf("The [%s] property contradicts the tenant of the request.", path))
		}
		return scoped, nil
	}
	if body != "" {
		_, err := s.GetTenant(ctx, body)
		if errors.Is(err, ErrNotFound) {
			return "", invalid(path, validation.KindInvalid, fmt.Sprintf("The [%s] property does not name a tenant.", path))
		}
		if err != nil {
			return "", err
		}
		return body, nil
	}
	return e.resolveTenant(ctx, s)
}

// validateRefreshPolicies checks the refresh-token usage and expiration
// policies and the sliding window at path (tenant.jwtConfiguration or
// application.jwtConfiguration). An application may leave a policy empty, to
// keep the tenant's (emptyOK); a tenant's are filled in by its defaults.
// maxLifetime bounds every token lifetime a request may set: a hundred
// years, far beyond any use, and far inside what time.Duration and epoch
// milliseconds hold, so that no expiry computed from it wraps around.
const maxLifetime = 100 * 365 * 24 * time.Hour

// validateLifetime checks a lifetime property counted in unit: not negative
// (0 means the default) and at most maxLifetime.
func validateLifetime(errs *validation.Errors, path string, value int, unit time.Duration) {
	switch {
	case value < 0:
		errs.Invalid(path, fmt.Sprintf("The [%s] property must be greater than zero.", path))
	case int64(value) > int64(maxLifetime/unit):
		errs.Invalid(path, fmt.Sprintf("The [%s] property must be at most %d (100 years).", path, int64(maxLifetime/unit)))
	}
}

func validateRefreshPolicies(errs *validation.Errors, path, usage, expiration string, window SlidingWindowConfiguration, ttlMinutes int, emptyOK bool) {
	switch {
	case usage == RefreshTokenReusable, usage == RefreshTokenOneTimeUse, usage == "" && emptyOK:
	default:
		field := path + ".refreshTokenUsagePolicy"
		errs.Invalid(field, fmt.Sprintf("The [%s] property must be %s or %s; it was [%s].", field, RefreshTokenReusable, RefreshTokenOneTimeUse, usage))
	}
	switch expiration {
	case RefreshTokenFixed, RefreshTokenSlidingWindow:
	case RefreshTokenSlidingWindowWithMaximumLifetime:
		field := path + ".refreshTokenSlidingWindowConfiguration.maximumTimeToLiveInMinutes"
		switch {
		case window.MaximumTimeToLiveInMinutes <= 0:
			errs.Field(field, validation.KindBlank, fmt.Sprintf("The [%s] property is required when the refresh token expiration policy is %s.", field, expiration))
		case int64(window.MaximumTimeToLiveInMinutes) > int64(maxLifetime/time.Minute):
			validateLifetime(errs, field, window.MaximumTimeToLiveInMinutes, time.Minute)
		case ttlMinutes > 0 && window.MaximumTimeToLiveInMinutes < ttlMinutes:
			errs.Invalid(field, fmt.Sprintf("The [%s] property must not be less than the refresh token time to live of %d minutes.", field, ttlMinutes))
		}
	case "":
		if !emptyOK {
			errs.Blank(path + ".refreshTokenExpirationPolicy")
		}
	default:
		field := path + ".refreshTokenExpirationPolicy"
		errs.Invalid(field, fmt.Sprintf("The [%s] property must be %s, %s or %s; it was [%s].", field, RefreshTokenFixed, RefreshTokenSlidingWindow, RefreshTokenSlidingWindowWithMaximumLifetime, expiration))
	}
}

// tenantLinksLocker is a store transaction that locks a tenant's links
// (sqlstore on PostgreSQL, where a transaction's reads lock rows; SQLite and
// memstore run one write transaction at a time and need none).
type tenantLinksLocker interface {
	LockTenantLinks(ctx context.Context, tenantID string) error
}

// tenantModerationLocker is a store transaction that locks the moderation
// items of a tenant's users, as tenantLinksLocker does its links.
type tenantModerationLocker interface {
	LockTenantModerationItems(ctx context.Context, tenantID string) error
}

// tenantUsersLocker is a store transaction that locks a tenant's users, as
// tenantLinksLocker does its links.
type tenantUsersLocker interface {
	LockTenantUsers(ctx context.Context, tenantID string) error
}
