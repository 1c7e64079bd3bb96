package sqlstore

import (
	"context"
	"strings"

	"github.com/authcore/authcore/authcore"
)

// ---- tenants

func (t *tx) CreateTenant(ctx context.Context, v *authcore.Tenant) error {
	if err := authcore.CheckStorable("id", v.ID, "name", v.Name); err != nil {
		return err
	}
	doc, err := encode("tenant", v)
	if err != nil {
		return err
	}
	err = t.atomic1(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO tenants (id, name_lower, insert_instant, doc) VALUES (?, ?, ?, ?)`,
			v.ID, strings.ToLower(v.Name), v.InsertInstant, doc)
		return err
	})
	if err != nil {
		return t.firstDuplicate(ctx, err, dupCheck{"id", `SELECT 1 FROM tenants WHERE id = ?`, []any{v.ID}})
	}
	return nil
}

func (t *tx) GetTenant(ctx context.Context, id string) (*authcore.Tenant, error) {
	return getOne[authcore.Tenant](ctx, t, "tenant", id, `SELECT doc FROM tenants WHERE id = ?`+t.lock(), id)
}

// GetTenantShared reads a tenant as GetTenant does, but a PostgreSQL
// transaction locks it FOR SHARE instead of FOR UPDATE: a change to the
// tenant waits, but not the key-share lock a new user's or application's
// insert takes on it. A refresh-token revocation's event reads the
// tenant's token lifetimes so: locked for update there, it waited for a
// first login that had inserted its user and was about to register it to
// the application the revocation held.
func (t *tx) GetTenantShared(ctx context.Context, id string) (*authcore.Tenant, error) {
	return getOne[authcore.Tenant](ctx, t, "tenant", id, `SELECT doc FROM tenants WHERE id = ?`+t.shareLock(), id)
}

func (t *tx) ListTenants(ctx context.Context) ([]*authcore.Tenant, error) {
	return getList[authcore.Tenant](ctx, t, "tenant", `SELECT doc FROM tenants ORDER BY insert_instant, id`+t.lock())
}

func (t *tx) UpdateTenant(ctx context.Context, v *authcore.Tenant) error {
	if err := authcore.CheckStorable("name", v.Name); err != nil {
		return err
	}
	if !t.canMatch([]any{v.ID}) {
		return notFound("tenant", v.ID)
	}
	doc, err := encode("tenant", v)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `UPDATE tenants SET name_lower = ?, insert_instant = ?, doc = ? WHERE id = ?`,
			strings.ToLower(v.Name), v.InsertInstant, doc, v.ID)
		if err == nil && n == 0 {
			return notFound("tenant", v.ID)
		}
		return err
	})
}

// DeleteTenant deletes what has no foreign key to the tenant (pending links,
// refresh tokens reached through the tenant's applications, its users' login
// records and moderation items), then the tenant, which cascades to its users (and their
// registrations, links and tokens) and applications (and their
// registrations).
func (t *tx) DeleteTenant(ctx context.Context, id string) error {
	if !t.canMatch([]any{id}) {
		return notFound("tenant", id)
	}
	return t.atomic(ctx, func() error {
		if _, err := t.exec(ctx, `DELETE FROM refresh_tokens WHERE application_id IN (SELECT id FROM applications WHERE tenant_id = ?)`, id); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM pending_links WHERE tenant_id = ?`, id); err != nil {
			return err
		}
		// The users' login records have no foreign key: they go while the
		// users are there to name them. (The engine's delete has locked the
		// users first, LockTenantUsers, so no login adds one meanwhile.)
		if _, err := t.exec(ctx, `DELETE FROM login_records WHERE user_id IN (SELECT id FROM users WHERE tenant_id = ?)`, id); err != nil {
			return err
		}
		// So do their moderation items. (The engine's delete has locked
		// them before the users, LockTenantModerationItems, the order of a
		// moderator's decision.)
		if _, err := t.exec(ctx, `DELETE FROM moderation_items WHERE user_id IN (SELECT id FROM users WHERE tenant_id = ?)`, id); err != nil {
			return err
		}
		n, err := t.execN(ctx, `DELETE FROM tenants WHERE id = ?`, id)
		if err == nil && n == 0 {
			return notFound("tenant", id)
		}
		return err
	})
}

// ---- applications

func (t *tx) CreateApplication(ctx context.Context, v *authcore.Application) error {
	if err := authcore.CheckStorable("id", v.ID); err != nil {
		return err
	}
	if err := t.missingParent(parent{"tenant", v.TenantID}); err != nil {
		return err
	}
	doc, err := encode("application", v)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO applications (id, tenant_id, insert_instant, doc) VALUES (?, ?, ?, ?)`,
			v.ID, v.TenantID, v.InsertInstant, doc)
		return err
	})
}

func (t *tx) GetApplication(ctx context.Context, id string) (*authcore.Application, error) {
	return getOne[authcore.Application](ctx, t, "application", id, `SELECT doc FROM applications WHERE id = ?`+t.lock(), id)
}

// GetApplicationShared reads an application as GetApplication does, but a
// PostgreSQL transaction locks it FOR SHARE instead of FOR UPDATE: the lock
// keeps a change to the application (its roles) waiting, and waits for one,
// but not for another such read. A first login that gives its user the
// application's default roles reads them so, and first logins of one
// application then commit side by side instead of in turn.
func (t *tx) GetApplicationShared(ctx context.Context, id string) (*authcore.Application, error) {
	return getOne[authcore.Application](ctx, t, "application", id, `SELECT doc FROM applications WHERE id = ?`+t.shareLock(), id)
}

func (t *tx) ListApplications(ctx context.Context, tenantID string) ([]*authcore.Application, error) {
	if tenantID == "" {
		return getList[authcore.Application](ctx, t, "application",
			`SELECT doc FROM applications ORDER BY insert_instant, id`+t.lock())
	}
	return getList[authcore.Application](ctx, t, "application",
		`SELECT doc FROM applications WHERE tenant_id = ? ORDER BY insert_instant, id`+t.lock(), tenantID)
}

func (t *tx) UpdateApplication(ctx context.Context, v *authcore.Application) error {
	if !t.canMatch([]any{v.ID}) {
		return notFound("application", v.ID)
	}
	if err := t.missingParent(parent{"tenant", v.TenantID}); err != nil {
		return err
	}
	doc, err := encode("application", v)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `UPDATE applications SET tenant_id = ?, insert_instant = ?, doc = ? WHERE id = ?`,
			v.TenantID, v.InsertInstant, doc, v.ID)
		if err == nil && n == 0 {
			return notFound("application", v.ID)
		}
		return err
	})
}

// DeleteApplication deletes the application (which cascades to its
// registrations) and then its refresh tokens, which have no foreign key to
// it. On PostgreSQL the tokens' DELETE runs once the transaction holds the
// application's token lock exclusively (applicationTokensKey), in a
// statement of its own: a token a login inserted and had not committed
// when a DELETE began was not seen and outlived the application. The lock
// is taken after the registrations' delete, not before: a repeat login
// holds its registration when its insert takes the lock shared, and a
// delete that held the lock while it waited for that registration closed a
// cycle with it.
func (t *tx) DeleteApplication(ctx context.Context, id string) error {
	if !t.canMatch([]any{id}) {
		return notFound("application", id)
	}
	return t.atomic(ctx, func() error {
		// Its registrations' moderation items have no foreign key: they go
		// before the registrations the application's delete cascades to,
		// the order of a moderator's decision (the item, then the user and
		// the registration).
		if _, err := t.exec(ctx, `DELETE FROM moderation_items WHERE application_id = ?`, id); err != nil {
			return err
		}
		n, err := t.execN(ctx, `DELETE FROM applications WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound("application", id)
		}
		if t.s.dialect == Postgres {
			if err := t.lockApplicationTokens(ctx, id); err != nil {
				return err
			}
		}
		_, err = t.exec(ctx, `DELETE FROM refresh_tokens WHERE application_id = ?`, id)
		return err
	})
}
