package authcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/internal/excerpt"
)

// IdentityProviderInput is the body of the identity-provider create and
// update requests: {"identityProvider": {...}}.
type IdentityProviderInput struct {
	IdentityProvider twitter.Provider `json:"identityProvider"`
}

// IdentityProviderOutput is the response of create, retrieve by id, update and
// patch.
type IdentityProviderOutput struct {
	IdentityProvider *twitter.Provider `json:"identityProvider,omitempty"`
}

// IdentityProvidersOutput is the response of retrieve all and retrieve by
// type: by type carries the one provider in both fields.
type IdentityProvidersOutput struct {
	IdentityProvider  *twitter.Provider  `json:"identityProvider,omitempty"`
	IdentityProviders []twitter.Provider `json:"identityProviders"`
}

// CreateIdentityProvider creates the Twitter identity provider (the only type
// authcore supports). uriID is the id given in the URI, "" when none: it must
// be Twitter's fixed id. A second create is [duplicate]identityProviderId.
// The provider is global, so a tenant-scoped request may not create it.
func (e *Engine) CreateIdentityProvider(ctx context.Context, uriID string, p twitter.Provider) (*twitter.Provider, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	if uriID != "" && !strings.EqualFold(uriID, twitter.ProviderID) {
		return nil, invalid("identityProviderId", "invalid", fmt.Sprintf("The Twitter identity provider has the fixed id [%s]; the URI named [%s].", twitter.ProviderID, excerpt.Of(uriID)))
	}
	out := copyProvider(p)
	out.Normalize()
	now := e.instant()
	out.InsertInstant, out.LastUpdateInstant = now, now
	// A conflict (PostgreSQL's deadlock or serialisation failure, met
	// while the application and tenant ids are checked) runs the whole
	// transaction again, as changeProvider does.
	err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
		if err := e.validateProvider(ctx, tx, &out); err != nil {
			return err
		}
		rec, err := providerRecord(&out)
		if err != nil {
			return err
		}
		err = tx.CreateIdentityProvider(ctx, rec)
		if errors.Is(err, ErrDuplicate) {
			return invalid("identityProviderId", "duplicate", "The Twitter identity provider already exists.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "identity provider created", "type", out.Type, "enabled", out.Enabled)
	return &out, nil
}

// IdentityProvider returns the identity provider with this id. A
// tenant-scoped request sees only its tenant's entries (scopedProvider).
func (e *Engine) IdentityProvider(ctx context.Context, id string) (*twitter.Provider, error) {
	p, err := e.loadProvider(ctx, e.store, id)
	if err != nil {
		return nil, err
	}
	return e.scopedProvider(ctx, p)
}

// IdentityProviderByType returns the identity provider of a type ("Twitter").
func (e *Engine) IdentityProviderByType(ctx context.Context, typ string) (*twitter.Provider, error) {
	id, err := IdentityProviderIDForType(typ)
	if err != nil {
		return nil, err
	}
	return e.IdentityProvider(ctx, id)
}

// IdentityProviders lists every identity provider (an empty list when none).
func (e *Engine) IdentityProviders(ctx context.Context) ([]twitter.Provider, error) {
	recs, err := e.store.ListIdentityProviders(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]twitter.Provider, 0, len(recs))
	for _, r := range recs {
		p, err := decodeProvider(r)
		if err != nil {
			return nil, err
		}
		if p, err = e.scopedProvider(ctx, p); err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// scopedProvider is p as a tenant-scoped request may read it: the provider
// is global, but its applicationConfiguration and tenantConfiguration hold
// every tenant's entries, consumer secrets included, and a tenant-locked key
// sees only its tenant's data (SPEC §1). A request for every tenant gets p.
func (e *Engine) scopedProvider(ctx context.Context, p *twitter.Provider) (*twitter.Provider, error) {
	tenantID := scopedTenant(ctx)
	if tenantID == "" {
		return p, nil
	}
	apps, err := e.store.ListApplications(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	own := make(map[string]bool, len(apps))
	for _, a := range apps {
		own[a.ID] = true
	}
	out := copyProvider(*p)
	for id := range out.ApplicationConfiguration {
		if !own[id] {
			delete(out.ApplicationConfiguration, id)
		}
	}
	for id := range out.TenantConfiguration {
		if id != tenantID {
			delete(out.TenantConfiguration, id)
		}
	}
	return &out, nil
}

// UpdateIdentityProvider replaces the provider (PUT): a field left out takes
// its default; id, name and insertInstant keep their stored values, and type
// must still say Twitter.
func (e *Engine) UpdateIdentityProvider(ctx context.Context, id string, p twitter.Provider) (*twitter.Provider, error) {
	return e.changeProvider(ctx, id, func(cur *twitter.Provider) (twitter.Provider, error) {
		return copyProvider(p), nil
	})
}

// PatchIdentityProvider applies a PATCH in any of the three forms (see PatchRequest)
// and validates the result like a PUT.
func (e *Engine) PatchIdentityProvider(ctx context.Context, id string, req PatchRequest) (*twitter.Provider, error) {
	req.Body = lowerConfigurationKeys(req)
	return e.changeProvider(ctx, id, func(cur *twitter.Provider) (twitter.Provider, error) {
		patched, err := applyPatch(req, IdentityProviderOutput{IdentityProvider: cur}, nil)
		if err != nil {
			return twitter.Provider{}, err
		}
		var in IdentityProviderInput
		if err := DecodeJSON(patched, &in); err != nil {
			return twitter.Provider{}, err
		}
		// type is read-only on PATCH; a PUT must state it.
		in.IdentityProvider.Type = cur.Type
		return in.IdentityProvider, nil
	})
}

// changeProvider is the read-modify-write of PUT and PATCH, in one
// transaction: load, build the new value, keep the read-only fields, validate,
// store. Invalid: nothing stored.
func (e *Engine) changeProvider(ctx context.Context, id string, build func(cur *twitter.Provider) (twitter.Provider, error)) (*twitter.Provider, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	var out twitter.Provider
	// The provider is locked first and the applications and tenants its
	// keys name after it; deleting an application or a tenant locks them
	// in the other order, and on PostgreSQL one of the two can be chosen
	// as a deadlock's victim. The transaction then runs again, from the
	// read, as DeleteIdentityProvider does.
	err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
		cur, err := e.loadProvider(ctx, tx, id)
		if err != nil {
			return err
		}
		next, err := build(cur)
		if err != nil {
			return err
		}
		next.Normalize()
		next.InsertInstant = cur.InsertInstant
		next.LastUpdateInstant = e.instant()
		if err := e.validateProvider(ctx, tx, &next); err != nil {
			return err
		}
		rec, err := providerRecord(&next)
		if err != nil {
			return err
		}
		out = next
		return tx.UpdateIdentityProvider(ctx, rec)
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "identity provider updated", "type", out.Type, "enabled", out.Enabled)
	return &out, nil
}

// DeleteIdentityProvider deletes the provider with its links and pending
// links, in one transaction.
func (e *Engine) DeleteIdentityProvider(ctx context.Context, id string) error {
	if err := requireGlobal(ctx); err != nil {
		return err
	}
	id = strings.ToLower(id) // as loadProvider reads it
	// The delete locks the provider and then its links and pending links,
	// as creating a link (CreateLink) does; logins do not lock the provider.
	// A conflict left (a lock order not seen yet) runs the delete again, as
	// DeleteUser does.
	return e.inTx(ctx, func(ctx context.Context, tx Store) error {
		if err := tx.DeleteIdentityProvider(ctx, id); err != nil {
			return err
		}
		return tx.DeleteProviderLinks(ctx, id)
	})
}

// IdentityProviderIDForType maps a type to the provider's fixed id. Only Twitter is
// implemented; other FusionAuth types are "not found", as on a FusionAuth
// that has none configured.
func IdentityProviderIDForType(typ string) (string, error) {
	if typ == twitter.TypeName {
		return twitter.ProviderID, nil
	}
	return "", fmt.Errorf("authcore: identity provider type %q: %w", typ, ErrNotFound)
}

func (e *Engine) loadProvider(ctx context.Context, s Store, id string) (*twitter.Provider, error) {
	rec, err := s.GetIdentityProvider(ctx, strings.ToLower(id))
	if err != nil {
		return nil, err
	}
	return decodeProvider(rec)
}

// providerCache holds the provider the last login decoded, with the stored
// record it was decoded from.
type providerCache struct {
	last atomic.Pointer[decodedProvider]
}

type decodedProvider struct {
	id, typ                          string
	insertInstant, lastUpdateInstant int64
	document                         []byte
	provider                         *twitter.Provider
}

// decodedFrom reports whether d was decoded from exactly rec.
func (d *decodedProvider) decodedFrom(rec *IdentityProviderRecord) bool {
	return d.id == rec.ID && d.typ == rec.Type &&
		d.insertInstant == rec.InsertInstant && d.lastUpdateInstant == rec.LastUpdateInstant &&
		bytes.Equal(d.document, rec.Document)
}

// providerForLogin is loadProvider for the login, which only reads the
// provider. It reads the record from the store, and skips the JSON decoding
// when the stored bytes are the ones it last decoded. Logins reach it
// through sharedProvider (configcache.go), which calls it once per
// configuration version of a store that tells its version, and on every
// login otherwise. The provider it returns is shared between logins: read
// it, never modify it.
func (e *Engine) providerForLogin(ctx context.Context, id string) (*twitter.Provider, error) {
	rec, err := e.store.GetIdentityProvider(ctx, strings.ToLower(id))
	if err != nil {
		return nil, err
	}
	if d := e.providerCache.last.Load(); d != nil && d.decodedFrom(rec) {
		return d.provider, nil
	}
	p, err := decodeProvider(rec)
	if err != nil {
		return nil, err
	}
	e.providerCache.last.Store(&decodedProvider{
		id: rec.ID, typ: rec.Type,
		insertInstant: rec.InsertInstant, lastUpdateInstant: rec.LastUpdateInstant,
		document: bytes.Clone(rec.Document), provider: p,
	})
	return p, nil
}

func decodeProvider(rec *IdentityProviderRecord) (*twitter.Provider, error) {
	if rec.Type != twitter.TypeName {
		return nil, fmt.Errorf("authcore: stored identity provider %s has unsupported type %q", rec.ID, rec.Type)
	}
	var p twitter.Provider
	if err := unmarshalNumbers(rec.Document, &p); err != nil {
		return nil, fmt.Errorf("authcore: stored identity provider %s: %w", rec.ID, err)
	}
	p.InsertInstant, p.LastUpdateInstant = rec.InsertInstant, rec.LastUpdateInstant
	return &p, nil
}

func providerRecord(p *twitter.Provider) (*IdentityProviderRecord, error) {
	doc, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return &IdentityProviderRecord{ID: p.ID, Type: twitter.TypeName, Document: doc, InsertInstant: p.InsertInstant, LastUpdateInstant: p.LastUpdateInstant}, nil
}

// copyProvider copies the maps Normalize writes into, so the caller's value is
// never changed.
func copyProvider(p twitter.Provider) twitter.Provider {
	if p.ApplicationConfiguration != nil {
		m := make(map[string]twitter.ApplicationConfiguration, len(p.ApplicationConfiguration))
		for k, v := range p.ApplicationConfiguration {
			m[k] = v
		}
		p.ApplicationConfiguration = m
	}
	if p.TenantConfiguration != nil {
		m := make(map[string]twitter.TenantConfiguration, len(p.TenantConfiguration))
		for k, v := range p.TenantConfiguration {
			m[k] = v
		}
		p.TenantConfiguration = m
	}
	return p
}

// validateProvider validates p against the store and the lambda registry,
// inside the transaction that writes it. Only ErrNotFound makes an id
// unknown: any other failure of the store (a conflict, a lost connection, a
// cancelled request) is returned as it is, before the validation errors,
// which would otherwise tell the client that an existing application or
// tenant does not exist. After a failed statement PostgreSQL refuses every
// later one of the transaction, so every later id would look unknown too.
func (e *Engine) validateProvider(ctx context.Context, s Store, p *twitter.Provider) error {
	var storeErr error
	exists := func(err error) bool {
		if err != nil && !errors.Is(err, ErrNotFound) && storeErr == nil {
			storeErr = err
		}
		return err == nil
	}
	err := p.Validate(twitter.Known{
		Application: func(id string) bool {
			_, err := s.GetApplication(ctx, strings.ToLower(id))
			return exists(err)
		},
		Tenant: func(id string) bool {
			_, err := s.GetTenant(ctx, strings.ToLower(id))
			return exists(err)
		},
		Reconcile: func(id string) (string, bool) {
			l, ok := e.lambda(id)
			return l.Type, ok
		},
	})
	if storeErr != nil {
		return storeErr
	}
	return err
}

// forgetInProviders removes deleted applications' entries from every
// provider's applicationConfiguration, and a deleted tenant's (if tenantID
// is not "") from tenantConfiguration, in the transaction that deletes
// them: otherwise the provider would name what no longer exists and its
// next update, even a PUT of what GET returned, would fail validation.
func (e *Engine) forgetInProviders(ctx context.Context, tx Store, appIDs []string, tenantID string) error {
	recs, err := tx.ListIdentityProviders(ctx)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		p, err := decodeProvider(rec)
		if err != nil {
			return err
		}
		changed := false
		for _, id := range appIDs {
			if _, ok := p.ApplicationConfiguration[id]; ok {
				delete(p.ApplicationConfiguration, id)
				changed = true
			}
		}
		if _, ok := p.TenantConfiguration[tenantID]; ok && tenantID != "" {
			delete(p.TenantConfiguration, tenantID)
			changed = true
		}
		if !changed {
			continue
		}
		p.LastUpdateInstant = e.instant()
		next, err := providerRecord(p)
		if err != nil {
			return err
		}
		if err := tx.UpdateIdentityProvider(ctx, next); err != nil {
			return err
		}
	}
	return nil
}

// lowerConfigurationKeys lower-cases, in a merge-form PATCH, the ids that key
// applicationConfiguration and tenantConfiguration, as the stored ones are
// (twitter.Provider.Normalize): an upper-case id then merges into its
// entry instead of standing beside it. A body in which two keys of one map
// become one is left as it is, for Validate's "twice".
func lowerConfigurationKeys(req PatchRequest) []byte {
	return rewriteMergeBody(req, "identityProvider", func(inner map[string]json.RawMessage) bool {
		changed := false
		for _, name := range []string{"applicationConfiguration", "tenantConfiguration"} {
			var m map[string]json.RawMessage
			if json.Unmarshal(inner[name], &m) != nil || m == nil {
				continue
			}
			lowered := make(map[string]json.RawMessage, len(m))
			for k, v := range m {
				l := strings.ToLower(k)
				if _, twice := lowered[l]; twice {
					return false
				}
				lowered[l] = v
				changed = changed || l != k
			}
			raw, err := json.Marshal(lowered)
			if err != nil {
				return false
			}
			inner[name] = raw
		}
		return changed
	})
}
