package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/authcore/authcore/authcore"
)

// ---- links

// CreateLink refuses a link whose tenant is not its user's (ErrConflict), as
// memstore does; the unique key is per tenant, so it must be the user's.
func (t *tx) CreateLink(ctx context.Context, l *authcore.IdentityProviderLink) error {
	if err := authcore.CheckStorable("identityProviderUserId", l.IdentityProviderUserID); err != nil {
		return err
	}
	if err := t.missingParent(parent{"user", l.UserID}, parent{"identity provider", l.IdentityProviderID}); err != nil {
		return err
	}
	doc, err := encode("link", l)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		var tenant string
		switch err := t.queryRow(ctx, `SELECT tenant_id FROM users WHERE id = ?`, l.UserID).Scan(&tenant); {
		case errors.Is(err, sql.ErrNoRows):
			return notFound("user", l.UserID)
		case err != nil:
			return t.s.mapErr(ctx, err)
		case tenant != l.TenantID:
			return fmt.Errorf("sqlstore: link tenant %q is not the user's: %w", l.TenantID, authcore.ErrConflict)
		}
		_, err := t.exec(ctx, `INSERT INTO links (tenant_id, provider_id, provider_user_id, user_id, insert_instant, doc) VALUES (?, ?, ?, ?, ?, ?)`,
			l.TenantID, l.IdentityProviderID, l.IdentityProviderUserID, l.UserID, l.InsertInstant, doc)
		return err
	})
}

func (t *tx) GetLink(ctx context.Context, tenantID, providerID, providerUserID string) (*authcore.IdentityProviderLink, error) {
	return getOne[authcore.IdentityProviderLink](ctx, t, "link", providerUserID,
		`SELECT doc FROM links WHERE tenant_id = ? AND provider_id = ? AND provider_user_id = ?`+t.lock(),
		tenantID, providerID, providerUserID)
}

// LockTenantLinks locks a tenant's links (FOR UPDATE on PostgreSQL; SQLite
// runs one write transaction at a time and needs no lock), in ListLinks'
// order, for a tenant's delete about to lock the tenant's refresh tokens: a
// user's delete holds the user's links when it locks the user's tokens, and
// the tenant's delete, which reached the links only through its users'
// cascade, held the tokens while it waited for them.
func (t *tx) LockTenantLinks(ctx context.Context, tenantID string) error {
	return t.lockRows(ctx, `SELECT user_id FROM links WHERE tenant_id = ? ORDER BY insert_instant, provider_user_id, provider_id FOR UPDATE`, tenantID)
}

// LockTenantUsers locks a tenant's users (FOR UPDATE on PostgreSQL; SQLite
// needs no lock), in id order, for a tenant's delete about to lock the
// tenant and its applications: a registration's create or update holds its
// user when it reads the application, and a user's update when it reads
// the tenant, while the tenant's delete, which reached the users only
// through the tenant's cascade, held both.
func (t *tx) LockTenantUsers(ctx context.Context, tenantID string) error {
	return t.lockRows(ctx, `SELECT id FROM users WHERE tenant_id = ? ORDER BY id FOR UPDATE`, tenantID)
}

// LockUserModerationItems locks a user's moderation items (FOR UPDATE on
// PostgreSQL; SQLite needs no lock), in content id order, for a user's
// delete about to lock the user: a moderator's decision and a resubmission
// lock an item, then its user, and a delete that held the user and then
// reached the item deadlocked with them.
func (t *tx) LockUserModerationItems(ctx context.Context, userID string) error {
	return t.lockRows(ctx, `SELECT content_id FROM moderation_items WHERE user_id = ? ORDER BY content_id FOR UPDATE`, userID)
}

// LockTenantModerationItems locks the moderation items of a tenant's users,
// as LockUserModerationItems does a user's, for a tenant's delete about to
// lock its users (LockTenantUsers).
func (t *tx) LockTenantModerationItems(ctx context.Context, tenantID string) error {
	return t.lockRows(ctx, `SELECT content_id FROM moderation_items WHERE user_id IN (SELECT id FROM users WHERE tenant_id = ?) ORDER BY content_id FOR UPDATE`, tenantID)
}

// LockRegistrationModerationItems locks a registration's moderation items
// (those naming its user and application), as LockUserModerationItems does
// a user's, for a registration's delete about to lock the user and the
// registration.
func (t *tx) LockRegistrationModerationItems(ctx context.Context, userID, applicationID string) error {
	return t.lockRows(ctx, `SELECT content_id FROM moderation_items WHERE user_id = ? AND application_id = ? ORDER BY content_id FOR UPDATE`, userID, applicationID)
}

func (t *tx) ListLinks(ctx context.Context, userID, providerID string) ([]*authcore.IdentityProviderLink, error) {
	if providerID == "" {
		return getList[authcore.IdentityProviderLink](ctx, t, "link",
			`SELECT doc FROM links WHERE user_id = ? ORDER BY insert_instant, provider_user_id, provider_id`+t.lock(), userID)
	}
	return getList[authcore.IdentityProviderLink](ctx, t, "link",
		`SELECT doc FROM links WHERE user_id = ? AND provider_id = ? ORDER BY insert_instant, provider_user_id`+t.lock(),
		userID, providerID)
}

// ListLinksUnlocked reads a user's links as ListLinks does, but a
// PostgreSQL transaction takes no lock on them: authcore counts a user's
// links against the limit while it holds the user's row, which every
// transaction that adds a link to that user holds too, so the count cannot
// go stale; locking the links there waited for a transaction that held one
// of them and waited for the user, a deadlock.
func (t *tx) ListLinksUnlocked(ctx context.Context, userID, providerID string) ([]*authcore.IdentityProviderLink, error) {
	if providerID == "" {
		return getList[authcore.IdentityProviderLink](ctx, t, "link",
			`SELECT doc FROM links WHERE user_id = ? ORDER BY insert_instant, provider_user_id, provider_id`, userID)
	}
	return getList[authcore.IdentityProviderLink](ctx, t, "link",
		`SELECT doc FROM links WHERE user_id = ? AND provider_id = ? ORDER BY insert_instant, provider_user_id`,
		userID, providerID)
}

// UpdateLink refuses to move a link to another user (ErrConflict), as
// memstore does.
func (t *tx) UpdateLink(ctx context.Context, l *authcore.IdentityProviderLink) error {
	if !t.canMatch([]any{l.TenantID, l.IdentityProviderID, l.IdentityProviderUserID}) {
		return notFound("link", l.IdentityProviderUserID)
	}
	doc, err := encode("link", l)
	if err != nil {
		return err
	}
	// The update keeps the key and the user (a link never moves), so no
	// constraint can refuse it.
	n, err := t.execUnguarded(ctx, `UPDATE links SET insert_instant = ?, doc = ? WHERE tenant_id = ? AND provider_id = ? AND provider_user_id = ? AND user_id = ?`,
		l.InsertInstant, doc, l.TenantID, l.IdentityProviderID, l.IdentityProviderUserID, l.UserID)
	if err != nil || n > 0 {
		return err
	}
	var one int
	switch err := t.queryRow(ctx, `SELECT 1 FROM links WHERE tenant_id = ? AND provider_id = ? AND provider_user_id = ?`,
		l.TenantID, l.IdentityProviderID, l.IdentityProviderUserID).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return notFound("link", l.IdentityProviderUserID)
	case err != nil:
		return t.s.mapErr(ctx, err)
	}
	return fmt.Errorf("sqlstore: a link cannot move to another user: %w", authcore.ErrConflict)
}

func (t *tx) DeleteLink(ctx context.Context, tenantID, providerID, providerUserID string) error {
	if !t.canMatch([]any{tenantID, providerID, providerUserID}) {
		return notFound("link", providerUserID)
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `DELETE FROM links WHERE tenant_id = ? AND provider_id = ? AND provider_user_id = ?`,
			tenantID, providerID, providerUserID)
		if err == nil && n == 0 {
			return notFound("link", providerUserID)
		}
		return err
	})
}

func (t *tx) DeleteProviderLinks(ctx context.Context, providerID string) error {
	if !t.canMatch([]any{providerID}) {
		return nil // no link or pending link has it
	}
	return t.atomic(ctx, func() error {
		if _, err := t.exec(ctx, `DELETE FROM links WHERE provider_id = ?`, providerID); err != nil {
			return err
		}
		_, err := t.exec(ctx, `DELETE FROM pending_links WHERE provider_id = ?`, providerID)
		return err
	})
}

// ---- pending links

func (t *tx) CreatePendingLink(ctx context.Context, p *authcore.PendingLink) error {
	if err := authcore.CheckStorable("id", p.ID); err != nil {
		return err
	}
	if err := t.missingParent(parent{"tenant", p.TenantID}, parent{"identity provider", p.IdentityProviderID}); err != nil {
		return err
	}
	doc, err := encode("pending link", p)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO pending_links (id, tenant_id, provider_id, expiration_instant, doc) VALUES (?, ?, ?, ?, ?)`,
			p.ID, p.TenantID, p.IdentityProviderID, p.ExpirationInstant, doc)
		return err
	})
}

func (t *tx) GetPendingLink(ctx context.Context, id string, now int64) (*authcore.PendingLink, error) {
	return getOne[authcore.PendingLink](ctx, t, "pending link", id,
		`SELECT doc FROM pending_links WHERE id = ? AND expiration_instant > ?`+t.lock(), id, now)
}

// TakePendingLink deletes and returns in one statement: of two concurrent
// takes, the second finds no row. It keeps its savepoint on SQLite too: a
// document that fails to decode must not leave the row deleted.
func (t *tx) TakePendingLink(ctx context.Context, id string, now int64) (p *authcore.PendingLink, err error) {
	err = t.atomic(ctx, func() error {
		p, err = getOne[authcore.PendingLink](ctx, t, "pending link", id,
			`DELETE FROM pending_links WHERE id = ? AND expiration_instant > ? RETURNING doc`, id, now)
		return err
	})
	return p, err
}
