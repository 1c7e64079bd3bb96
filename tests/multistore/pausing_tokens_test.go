package multistore_test

import (
	"context"

	"github.com/authcore/authcore/authcore"
)

// LockApplicationTokens and LockTenantTokens forward the token locks the
// engine finds by type, so that deletes and revocations lock as they do
// unwrapped. LockApplicationTokens pauses with the tokens locked.
func (t *pausingTx) LockApplicationTokens(ctx context.Context, applicationID string) error {
	var err error
	if l, ok := t.Store.(interface {
		LockApplicationTokens(context.Context, string) error
	}); ok {
		err = l.LockApplicationTokens(ctx, applicationID)
	}
	t.pause("LockApplicationTokens")
	return err
}

func (t *pausingTx) LockTenantTokens(ctx context.Context, tenantID string) error {
	if l, ok := t.Store.(interface {
		LockTenantTokens(context.Context, string) error
	}); ok {
		return l.LockTenantTokens(ctx, tenantID)
	}
	return nil
}

// CreateRefreshToken pauses with the new token inserted (on PostgreSQL:
// its application's token lock held shared) and whatever its transaction
// locked before it, a repeat login's registration among them.
// "BeforeCreateRefreshToken" pauses just before the insert, with what the
// transaction locked before it.
func (t *pausingTx) CreateRefreshToken(ctx context.Context, rt *authcore.RefreshToken) error {
	t.pause("BeforeCreateRefreshToken")
	err := t.Store.CreateRefreshToken(ctx, rt)
	t.pause("CreateRefreshToken")
	return err
}

// ListLinks pauses with the links it read locked on PostgreSQL, as a
// user's delete holds them before it locks the user's tokens.
func (t *pausingTx) ListLinks(ctx context.Context, userID, providerID string) ([]*authcore.IdentityProviderLink, error) {
	links, err := t.Store.ListLinks(ctx, userID, providerID)
	t.pause("ListLinks")
	return links, err
}

// LockTenantLinks forwards the links' lock a tenant's delete finds by type.
func (t *pausingTx) LockTenantLinks(ctx context.Context, tenantID string) error {
	if l, ok := t.Store.(interface {
		LockTenantLinks(context.Context, string) error
	}); ok {
		return l.LockTenantLinks(ctx, tenantID)
	}
	return nil
}

// LockTenantUsers forwards the users' lock a tenant's delete finds by type.
func (t *pausingTx) LockTenantUsers(ctx context.Context, tenantID string) error {
	if l, ok := t.Store.(interface {
		LockTenantUsers(context.Context, string) error
	}); ok {
		return l.LockTenantUsers(ctx, tenantID)
	}
	return nil
}

// LockIdentityProviderShared forwards the provider's lock a first login
// takes before its user's insert.
func (t *pausingTx) LockIdentityProviderShared(ctx context.Context, id string) error {
	if l, ok := t.Store.(interface {
		LockIdentityProviderShared(context.Context, string) error
	}); ok {
		return l.LockIdentityProviderShared(ctx, id)
	}
	return nil
}

// GetUserByEmail pauses with the user it found locked (on PostgreSQL), as a
// login that links an existing user holds it before it inserts the link.
func (t *pausingTx) GetUserByEmail(ctx context.Context, tenantID, email string) (*authcore.User, error) {
	u, err := t.Store.GetUserByEmail(ctx, tenantID, email)
	t.pause("GetUserByEmail")
	return u, err
}
