package authcore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/linking"
	"github.com/authcore/authcore/validation"
)

// The Link API (SPEC §6): read, create and remove identity-provider links,
// and complete pending links.

// LinkRequest is the body of POST /api/identity-provider/link: a link to
// create, or a pending link to complete for a user. The older form (before
// FusionAuth 1.43, still accepted there) puts the link's fields at the top
// level; a field of IdentityProviderLink wins over its top-level twin.
type LinkRequest struct {
	IdentityProviderLink IdentityProviderLink `json:"identityProviderLink"`
	PendingIdPLinkID     string               `json:"pendingIdPLinkId,omitempty"`
	UserID               string               `json:"userId,omitempty"`
	// The older form's link fields.
	DisplayName            string `json:"displayName,omitempty"`
	IdentityProviderID     string `json:"identityProviderId,omitempty"`
	IdentityProviderUserID string `json:"identityProviderUserId,omitempty"`
	// EventInfo is the end user's request as the app that links its user
	// knows it (FusionAuth's IdentityProviderLinkRequest is a
	// BaseEventRequest): user.identity-provider.link records it field by
	// field over what the adapter read off the HTTP request, as the User
	// API's events do (WithRequestEventInfo).
	EventInfo *EventInfo `json:"eventInfo,omitempty"`
}

// LinkResponse carries one link.
type LinkResponse struct {
	IdentityProviderLink *IdentityProviderLink `json:"identityProviderLink"`
}

// LinksResponse carries a user's links ([] when none).
type LinksResponse struct {
	IdentityProviderLinks []IdentityProviderLink `json:"identityProviderLinks"`
}

// PendingLinkResponse is the answer of the pending-link retrieve.
// IdentityProviderTenantConfiguration is set only when the provider has a
// policy for the pending link's tenant, and LinkCount is written only when
// the retrieve named a user, as FusionAuth documents both.
type PendingLinkResponse struct {
	IdentityProviderTenantConfiguration *twitter.TenantConfiguration `json:"identityProviderTenantConfiguration,omitempty"`
	LinkCount                           int                          `json:"linkCount"`
	PendingIdPLink                      PendingIdPLink               `json:"pendingIdPLink"`

	// countedLinks is whether LinkCount was counted for a user; a count of
	// 0 is otherwise indistinguishable from none.
	countedLinks bool
}

// MarshalJSON leaves linkCount out unless the retrieve named a user.
func (r PendingLinkResponse) MarshalJSON() ([]byte, error) {
	type wire struct {
		IdentityProviderTenantConfiguration *twitter.TenantConfiguration `json:"identityProviderTenantConfiguration,omitempty"`
		LinkCount                           *int                         `json:"linkCount,omitempty"`
		PendingIdPLink                      PendingIdPLink               `json:"pendingIdPLink"`
	}
	w := wire{IdentityProviderTenantConfiguration: r.IdentityProviderTenantConfiguration, PendingIdPLink: r.PendingIdPLink}
	if r.countedLinks {
		w.LinkCount = &r.LinkCount
	}
	return json.Marshal(w)
}

// PendingIdPLink is FusionAuth's view of a pending link.
type PendingIdPLink struct {
	DisplayName                         string                       `json:"displayName,omitempty"`
	Email                               string                       `json:"email,omitempty"`
	IdentityProviderID                  string                       `json:"identityProviderId"`
	IdentityProviderLinks               []IdentityProviderLink       `json:"identityProviderLinks"`
	IdentityProviderName                string                       `json:"identityProviderName"`
	IdentityProviderTenantConfiguration *twitter.TenantConfiguration `json:"identityProviderTenantConfiguration,omitempty"`
	IdentityProviderType                string                       `json:"identityProviderType"`
	IdentityProviderUserID              string                       `json:"identityProviderUserId"`
	Username                            string                       `json:"username,omitempty"`
}

// userInScope loads a user the request may see.
func (e *Engine) userInScope(ctx context.Context, s Store, id string) (*User, error) {
	u, err := s.GetUser(ctx, strings.ToLower(id))
	if err != nil {
		return nil, err
	}
	if !inScope(ctx, u.TenantID) {
		return nil, fmt.Errorf("authcore: user outside the request's tenant: %w", ErrNotFound)
	}
	return u, nil
}

// Link returns the link of an identity-provider account. With userID, the
// link must belong to that user (else ErrNotFound). Without, the tenant comes
// from the request's scope or is the only one.
func (e *Engine) Link(ctx context.Context, providerID, providerUserID, userID string) (*IdentityProviderLink, error) {
	tenantID := ""
	if userID != "" {
		u, err := e.userInScope(ctx, e.store, userID)
		if err != nil {
			return nil, err
		}
		tenantID = u.TenantID
	} else {
		t, err := e.resolveTenant(ctx, e.store)
		if err != nil {
			return nil, err
		}
		tenantID = t
	}
	l, err := e.store.GetLink(ctx, tenantID, strings.ToLower(providerID), providerUserID)
	if err != nil {
		return nil, err
	}
	if userID != "" && !strings.EqualFold(l.UserID, userID) {
		return nil, fmt.Errorf("authcore: link belongs to another user: %w", ErrNotFound)
	}
	return l, nil
}

// Links returns a user's links, to one provider or all (providerID "").
// A user the request cannot see has none.
func (e *Engine) Links(ctx context.Context, userID, providerID string) ([]IdentityProviderLink, error) {
	out := []IdentityProviderLink{}
	u, err := e.userInScope(ctx, e.store, userID)
	if errors.Is(err, ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	links, err := e.store.ListLinks(ctx, u.ID, strings.ToLower(providerID))
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		out = append(out, *l)
	}
	return out, nil
}

// CreateLink links an identity-provider account to a user, directly or by
// completing a pending link. Unlike a login, it may give a user a second
// account of the same provider; the tenant's link limit still applies.
func (e *Engine) CreateLink(ctx context.Context, req LinkRequest) (*IdentityProviderLink, error) {
	userID := req.IdentityProviderLink.UserID
	if userID == "" {
		userID = req.UserID
	}
	ctx = WithRequestEventInfo(ctx, req.EventInfo)
	e.syncIntegrations(ctx) // events.go: the link's event depends on them
	var out *IdentityProviderLink
	err := retryConflicts(ctx, func() (err error) {
		out, err = e.createLink(ctx, req, userID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// createLink is one attempt of CreateLink.
func (e *Engine) createLink(ctx context.Context, req LinkRequest, userID string) (*IdentityProviderLink, error) {
	link := req.IdentityProviderLink
	// The older form's fields fill what the current form leaves out.
	link.IdentityProviderID = cmp.Or(link.IdentityProviderID, req.IdentityProviderID)
	link.IdentityProviderUserID = cmp.Or(link.IdentityProviderUserID, req.IdentityProviderUserID)
	link.DisplayName = cmp.Or(link.DisplayName, req.DisplayName)
	providerID, err := e.providerToLock(ctx, req.PendingIdPLinkID, link.IdentityProviderID)
	if err != nil {
		return nil, err
	}
	var out *IdentityProviderLink
	err = e.store.InTx(ctx, func(ctx context.Context, tx Store) error {
		var err error
		out, err = e.createLinkTx(ctx, tx, req.PendingIdPLinkID, userID, link, providerID)
		return err
	})
	return out, err
}

// providerToLock is the provider createLink's transaction locks first, as a
// provider or tenant delete locks it before the pending links, links and
// users it removes: locked last, the completion of a pending link
// deadlocked with such a delete on PostgreSQL, and the two ran again until
// one gave up with 409. A pending link's provider is read before the
// transaction (unlocked, and a pending link never changes its provider) to
// know which to lock; "" when there is no such pending link.
func (e *Engine) providerToLock(ctx context.Context, pendingID, providerID string) (string, error) {
	if pendingID == "" {
		return providerID, nil
	}
	if !validation.IsUUID(pendingID) {
		// Pending link ids are UUIDs (WithIDs), so no pending link has this
		// one; it is not looked up, since PostgreSQL fails a lookup of text
		// holding U+0000 or bytes that are not UTF-8 (a 500).
		return "", general("[InvalidPendingIdPLinkId]", "The pending link id is unknown, expired or already used.")
	}
	if p, err := e.store.GetPendingLink(ctx, strings.ToLower(pendingID), e.instant()); err == nil {
		return p.IdentityProviderID, nil
	}
	return "", nil
}

// createLinkTx is createLink's transaction: lock the provider, take the
// pending link, check the fields, lock the user and its links, check the
// provider and the limit, then store the link and its event. Out is set
// once the link is stored, as the event may still fail.
func (e *Engine) createLinkTx(ctx context.Context, tx Store, pendingID, userID string, link IdentityProviderLink, providerID string) (out *IdentityProviderLink, err error) {
	provider, providerErr := e.lockLinkProvider(ctx, tx, providerID)
	if providerErr != nil && !errors.Is(providerErr, ErrNotFound) {
		return nil, providerErr
	}
	if pendingID != "" {
		if link, err = e.takePendingLink(ctx, tx, pendingID, providerID); err != nil {
			return nil, err
		}
	}
	if err := linkFieldErrors(userID, link); err != nil {
		return nil, err
	}
	user, err := e.lockLinkUser(ctx, tx, userID, link)
	if err != nil {
		return nil, err
	}
	if provider == nil && providerErr == nil || !strings.EqualFold(providerID, link.IdentityProviderID) {
		provider, providerErr = e.loadProviderShared(ctx, tx, link.IdentityProviderID)
	}
	if err := providerErr; errors.Is(err, ErrNotFound) {
		return nil, invalid("identityProviderLink.identityProviderId", "invalid", "The [identityProviderLink.identityProviderId] property does not name an identity provider.")
	} else if err != nil {
		return nil, err
	}
	if err := checkNewLink(ctx, tx, user, provider, link.IdentityProviderUserID); err != nil {
		return nil, err
	}
	return e.storeLink(ctx, tx, user, provider, link)
}

// lockLinkProvider reads (and locks) the provider createLink's transaction
// locks first. An unknown provider is ErrNotFound, reported by the caller
// where it was before the lock moved first, so that a bad user is still
// named first. A blank id or one no store can hold is not read (nil, nil)
// and refused later: PostgreSQL fails the lookup.
func (e *Engine) lockLinkProvider(ctx context.Context, tx Store, providerID string) (*twitter.Provider, error) {
	if strings.TrimSpace(providerID) == "" || !validation.IsStorable(providerID) {
		return nil, nil
	}
	return e.loadProviderShared(ctx, tx, providerID)
}

// lockLinkUser locks the user's links, then the user, whom the link must
// name in its own tenant. The links come before the user, in the order a
// login locks its link and then the user: the other order deadlocked with a
// login of the same user on PostgreSQL. The user's lock still comes before
// the links are counted (checkNewLink), so that two links created at once
// cannot both pass the limit.
func (e *Engine) lockLinkUser(ctx context.Context, tx Store, userID string, link IdentityProviderLink) (*User, error) {
	if _, err := tx.ListLinks(ctx, strings.ToLower(userID), strings.ToLower(link.IdentityProviderID)); err != nil {
		return nil, err
	}
	user, err := e.userInScope(ctx, tx, userID)
	if errors.Is(err, ErrNotFound) || (err == nil && link.TenantID != "" && !strings.EqualFold(link.TenantID, user.TenantID)) {
		return nil, invalid("identityProviderLink.userId", "invalid", "The [identityProviderLink.userId] property does not name a user of this tenant.")
	}
	return user, err
}

// checkNewLink refuses a link that exists already, whatever the limit says,
// and one past the tenant's link limit.
func checkNewLink(ctx context.Context, tx Store, user *User, provider *twitter.Provider, providerUserID string) error {
	if _, err := tx.GetLink(ctx, user.TenantID, provider.ID, providerUserID); err == nil {
		return duplicateLink()
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	// Counted without locking them: the user's lock, taken above, keeps
	// out every other link of this user, and a lock here waited for a
	// create that held a link and waited for the user (a deadlock on
	// PostgreSQL, 409 once the retries ran out).
	existing, err := listLinksUnderUserLock(ctx, tx, user.ID, provider.ID)
	if err != nil {
		return err
	}
	on, max := provider.LinkPolicy(user.TenantID)
	if !linking.CheckLimit(linking.Policy{LimitEnabled: on, MaximumLinks: max}, len(existing)) {
		return refusal(linking.ReasonLinkCountExceeded)
	}
	return nil
}

// storeLink writes the link and its event.
func (e *Engine) storeLink(ctx context.Context, tx Store, user *User, provider *twitter.Provider, link IdentityProviderLink) (*IdentityProviderLink, error) {
	l := &IdentityProviderLink{
		Data: link.Data, DisplayName: link.DisplayName, IdentityProviderID: provider.ID,
		IdentityProviderName: provider.Name, IdentityProviderType: provider.Type,
		IdentityProviderUserID: link.IdentityProviderUserID, InsertInstant: e.instant(),
		TenantID: user.TenantID, Token: link.Token, UserID: user.ID,
	}
	if err := tx.CreateLink(ctx, l); err != nil {
		if errors.Is(err, ErrDuplicate) {
			return nil, duplicateLink()
		}
		return nil, err
	}
	return l, e.emit(ctx, tx, Event{Type: EventUserIdentityProviderLink, TenantID: user.TenantID, User: eventUser(user), IdentityProviderLink: eventLink(l)}) // events.go
}

// takePendingLink takes the pending link id names for a link's creation
// and returns the link it holds. providerID is the provider the caller
// locked, read from the pending link before the transaction.
func (e *Engine) takePendingLink(ctx context.Context, tx Store, id, providerID string) (IdentityProviderLink, error) {
	p, err := tx.TakePendingLink(ctx, strings.ToLower(id), e.instant())
	if errors.Is(err, ErrNotFound) || (err == nil && !inScope(ctx, p.TenantID)) {
		// Another tenant's pending link is unknown to this request, as
		// to the retrieve (the transaction's rollback keeps it).
		return IdentityProviderLink{}, general("[InvalidPendingIdPLinkId]", "The pending link id is unknown, expired or already used.")
	}
	if err != nil {
		return IdentityProviderLink{}, err
	}
	if !strings.EqualFold(p.IdentityProviderID, providerID) {
		// Created after the read above (its id was unknown then):
		// run again to lock its provider first.
		return IdentityProviderLink{}, fmt.Errorf("authcore: pending link %s appeared meanwhile: %w", p.ID, ErrConflict)
	}
	return IdentityProviderLink{
		IdentityProviderID: p.IdentityProviderID, IdentityProviderUserID: p.IdentityProviderUserID,
		DisplayName: p.DisplayName, Token: p.Token, Data: p.Data, TenantID: p.TenantID,
	}, nil
}

// linkFieldErrors checks a link's fields before anything is looked up.
func linkFieldErrors(userID string, link IdentityProviderLink) error {
	var errs ValidationError
	if strings.TrimSpace(userID) == "" {
		errs.Blank("identityProviderLink.userId")
	}
	if strings.TrimSpace(link.IdentityProviderID) == "" {
		errs.Blank("identityProviderLink.identityProviderId")
	}
	if strings.TrimSpace(link.IdentityProviderUserID) == "" {
		errs.Blank("identityProviderLink.identityProviderUserId")
	}
	if !errs.NotStorable("identityProviderLink.identityProviderUserId", link.IdentityProviderUserID) {
		errs.TooLong("identityProviderLink.identityProviderUserId", link.IdentityProviderUserID, validation.MaxIndexedLength)
	}
	// The ids are looked up, and PostgreSQL fails a comparison with
	// such a string instead of finding nothing.
	errs.NotStorable("identityProviderLink.identityProviderId", link.IdentityProviderID)
	errs.NotStorable("identityProviderLink.userId", userID)
	errs.NotStorableText("identityProviderLink", link)
	return errs.Err()
}

// providerSharer is a store transaction that can read an identity provider
// under a lock that keeps its delete and changes out but not a link's insert
// (sqlstore: FOR SHARE on PostgreSQL, where a link's foreign key takes a
// key-share lock on its provider).
type providerSharer interface {
	GetIdentityProviderShared(ctx context.Context, id string) (*IdentityProviderRecord, error)
}

// loadProviderShared is loadProvider for a link's creation, which locks the
// provider before anything else, as its delete does. A lock that kept links
// out (FOR UPDATE) closed a cycle with a login: the login held the user and
// inserted its link, whose foreign key waited for the provider, while the
// creation held the provider and waited for the user.
func (e *Engine) loadProviderShared(ctx context.Context, tx Store, id string) (*twitter.Provider, error) {
	sh, ok := tx.(providerSharer)
	if !ok {
		return e.loadProvider(ctx, tx, id)
	}
	rec, err := sh.GetIdentityProviderShared(ctx, strings.ToLower(id))
	if err != nil {
		return nil, err
	}
	return decodeProvider(rec)
}

// DeleteLink removes a user's link and returns it.
func (e *Engine) DeleteLink(ctx context.Context, providerID, providerUserID, userID string) (*IdentityProviderLink, error) {
	var out *IdentityProviderLink
	// The user is read before the transaction, which then locks only the
	// link: a login locks the link before the user, and a delete that
	// locked the user first deadlocked with it on PostgreSQL (DeleteUser).
	u, err := e.userInScope(ctx, e.store, userID)
	if err != nil {
		return nil, err
	}
	err = e.inTx(ctx, func(ctx context.Context, tx Store) error {
		l, err := tx.GetLink(ctx, u.TenantID, strings.ToLower(providerID), providerUserID)
		if err != nil {
			return err
		}
		if l.UserID != u.ID {
			return fmt.Errorf("authcore: link belongs to another user: %w", ErrNotFound)
		}
		out = l
		if err := tx.DeleteLink(ctx, u.TenantID, l.IdentityProviderID, providerUserID); err != nil {
			return err
		}
		if !e.recordingEvents() {
			return nil
		}
		// The event carries the user as this transaction finds it, read
		// after the link (a login's order, link then user), as user.delete
		// does: an update committed since the read above was missing.
		cur, err := tx.GetUser(ctx, u.ID)
		if err != nil {
			return err
		}
		return e.emit(ctx, tx, Event{Type: EventUserIdentityProviderUnlink, TenantID: u.TenantID, User: eventUser(cur), IdentityProviderLink: eventLink(l)}) // events.go
	})
	return out, err
}

// PendingLink returns a pending link; with userID, also how many links that
// user has to the provider, so an app can tell whether completing it would
// pass the tenant's limit.
func (e *Engine) PendingLink(ctx context.Context, id, userID string) (*PendingLinkResponse, error) {
	if !validation.IsUUID(id) {
		// No pending link has an id that is no UUID (WithIDs). The id comes
		// from the URI as any text, and PostgreSQL failed the lookup of one
		// holding U+0000 or bytes that are not UTF-8 with a 500.
		return nil, fmt.Errorf("authcore: pending link id %q is no UUID: %w", id, ErrNotFound)
	}
	// Stored lower-cased, as every id; a client may print it in upper case.
	p, err := e.store.GetPendingLink(ctx, strings.ToLower(id), e.instant())
	if err != nil {
		return nil, err
	}
	if !inScope(ctx, p.TenantID) {
		return nil, fmt.Errorf("authcore: pending link outside the request's tenant: %w", ErrNotFound)
	}
	resp := &PendingLinkResponse{PendingIdPLink: PendingIdPLink{
		DisplayName: p.DisplayName, Email: p.Email, IdentityProviderID: p.IdentityProviderID,
		IdentityProviderLinks: []IdentityProviderLink{}, IdentityProviderName: twitter.TypeName,
		IdentityProviderType: twitter.TypeName, IdentityProviderUserID: p.IdentityProviderUserID, Username: p.Username,
	}}
	// The tenant's policy is shown only when the provider has one for it.
	if provider, err := e.loadProvider(ctx, e.store, p.IdentityProviderID); err == nil {
		if entry, ok := provider.TenantPolicy(p.TenantID); ok {
			on, max := provider.LinkPolicy(p.TenantID)
			// The whole entry, as FusionAuth's IdentityProviderTenantConfiguration
			// has it: its data too, not only the limit.
			tc := &twitter.TenantConfiguration{Data: entry.Data, LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: on, MaximumLinks: &max}}
			resp.IdentityProviderTenantConfiguration = tc
			resp.PendingIdPLink.IdentityProviderTenantConfiguration = tc
		}
	}
	if userID != "" {
		links, err := e.Links(ctx, userID, p.IdentityProviderID)
		if err != nil {
			return nil, err
		}
		resp.LinkCount, resp.countedLinks = len(links), true
		resp.PendingIdPLink.IdentityProviderLinks = links
	}
	return resp, nil
}

// unlockedLinkLister is a store transaction that can read a user's links
// without locking them (sqlstore: without FOR UPDATE on PostgreSQL).
type unlockedLinkLister interface {
	ListLinksUnlocked(ctx context.Context, userID, providerID string) ([]*IdentityProviderLink, error)
}

// listLinksUnderUserLock reads a user's links to a provider in a transaction
// that holds the user's lock. Every transaction that adds a link to a user
// locks the user first, so the read needs no lock of its own; taking one
// (as ListLinks does on PostgreSQL) closes a cycle with a transaction that
// holds one of the links and waits for the user: a Link API call (links,
// then user) or a login through a link.
func listLinksUnderUserLock(ctx context.Context, tx Store, userID, providerID string) ([]*IdentityProviderLink, error) {
	if l, ok := tx.(unlockedLinkLister); ok {
		return l.ListLinksUnlocked(ctx, userID, providerID)
	}
	return tx.ListLinks(ctx, userID, providerID)
}

func duplicateLink() error {
	return invalid("identityProviderLink.identityProviderUserId", "duplicate", "This identity-provider account is already linked to a user.")
}
