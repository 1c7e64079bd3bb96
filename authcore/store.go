package authcore

import (
	"context"

	"github.com/authcore/authcore/integration"
)

// The storage contract. Each aggregate has its own small interface; Store
// composes them. Every method takes ctx first. Unless a doc comment says
// otherwise:
//   - Get* returns an error matching ErrNotFound when nothing matches;
//   - Create* returns a *DuplicateError (matching ErrDuplicate) when a
//     uniqueness rule would break, and stores nothing;
//   - Update*/Delete* return ErrNotFound for a missing object;
//   - Create* returns a *NotStorableError (matching ErrNotStorable) when
//     text the object is keyed by (an id, a tenant's, key's or API key's
//     name, a user's email or username, a kid, a link's provider user id)
//     holds U+0000 or bytes that are not UTF-8, and so does an Update*
//     whose keyed text it may set (a tenant's, key's or API key's name, a
//     user's email or username, a registration's id) holds such text,
//     whether or not the update changes it: the store checks the object
//     given, not what it holds. Both before any other check, ErrNotFound
//     included, and store nothing;
//   - returned values are copies: changing them changes nothing stored;
//   - a store may answer ErrConflict when a concurrent transaction won; the
//     caller may retry.
// The conformance suite in authcore/storetest checks all of it.

// TenantStore keeps tenants. Names are unique (case-insensitively).
type TenantStore interface {
	CreateTenant(ctx context.Context, t *Tenant) error
	GetTenant(ctx context.Context, id string) (*Tenant, error)
	ListTenants(ctx context.Context) ([]*Tenant, error)
	UpdateTenant(ctx context.Context, t *Tenant) error
	// DeleteTenant removes the tenant and everything in it: applications,
	// users (with their registrations, links, refresh tokens, login
	// records), pending links.
	DeleteTenant(ctx context.Context, id string) error
}

// ApplicationStore keeps applications.
type ApplicationStore interface {
	CreateApplication(ctx context.Context, a *Application) error
	GetApplication(ctx context.Context, id string) (*Application, error)
	// ListApplications lists a tenant's applications, or all with tenantID "".
	ListApplications(ctx context.Context, tenantID string) ([]*Application, error)
	UpdateApplication(ctx context.Context, a *Application) error
	// DeleteApplication also removes the application's registrations (and
	// their moderation items) and refresh tokens.
	DeleteApplication(ctx context.Context, id string) error
}

// UserStore keeps users. Email and username are each unique per tenant,
// compared case-insensitively (DuplicateError.Field "email" or "username").
// User.Registrations is neither stored nor filled by a UserStore.
type UserStore interface {
	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, id string) (*User, error)
	GetUserByEmail(ctx context.Context, tenantID, email string) (*User, error)
	GetUserByUsername(ctx context.Context, tenantID, username string) (*User, error)
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser also removes the user's registrations, links, refresh
	// tokens and login records.
	DeleteUser(ctx context.Context, id string) error
}

// RegistrationStore keeps registrations: at most one per user and
// application (DuplicateError.Field "registration"), and a registration id
// at most once across all of them (DuplicateError.Field "registrationId",
// from CreateRegistration and from an UpdateRegistration that changes the
// id). A create that breaks both rules is "registration".
type RegistrationStore interface {
	CreateRegistration(ctx context.Context, r *UserRegistration) error
	GetRegistration(ctx context.Context, userID, applicationID string) (*UserRegistration, error)
	// ListRegistrations returns a user's registrations, oldest first; none is
	// an empty slice, not an error.
	ListRegistrations(ctx context.Context, userID string) ([]*UserRegistration, error)
	// ListApplicationRegistrations returns an application's registrations,
	// ordered by user id; none is an empty slice.
	ListApplicationRegistrations(ctx context.Context, applicationID string) ([]*UserRegistration, error)
	UpdateRegistration(ctx context.Context, r *UserRegistration) error
	// DeleteRegistration also removes the moderation items that name the
	// registration's user and application.
	DeleteRegistration(ctx context.Context, userID, applicationID string) error
}

// LinkStore keeps identity-provider links: at most one per tenant, provider
// and provider user id (DuplicateError.Field "link").
type LinkStore interface {
	CreateLink(ctx context.Context, l *IdentityProviderLink) error
	GetLink(ctx context.Context, tenantID, providerID, providerUserID string) (*IdentityProviderLink, error)
	// ListLinks returns a user's links, oldest first, to one provider or to all
	// with providerID "".
	ListLinks(ctx context.Context, userID, providerID string) ([]*IdentityProviderLink, error)
	UpdateLink(ctx context.Context, l *IdentityProviderLink) error
	DeleteLink(ctx context.Context, tenantID, providerID, providerUserID string) error
	// DeleteProviderLinks removes every link and pending link of a provider.
	DeleteProviderLinks(ctx context.Context, providerID string) error
}

// PendingLinkStore keeps pending links.
type PendingLinkStore interface {
	CreatePendingLink(ctx context.Context, p *PendingLink) error
	// GetPendingLink returns ErrNotFound also when the link expired before now
	// (epoch ms).
	GetPendingLink(ctx context.Context, id string, now int64) (*PendingLink, error)
	// TakePendingLink returns and removes the pending link in one step, so it
	// is used once; expired or missing: ErrNotFound.
	TakePendingLink(ctx context.Context, id string, now int64) (*PendingLink, error)
}

// IdentityProviderStore keeps identity providers generically.
type IdentityProviderStore interface {
	CreateIdentityProvider(ctx context.Context, p *IdentityProviderRecord) error
	GetIdentityProvider(ctx context.Context, id string) (*IdentityProviderRecord, error)
	ListIdentityProviders(ctx context.Context) ([]*IdentityProviderRecord, error)
	UpdateIdentityProvider(ctx context.Context, p *IdentityProviderRecord) error
	DeleteIdentityProvider(ctx context.Context, id string) error
}

// IntegrationStore keeps the one global Integrations object.
type IntegrationStore interface {
	// GetIntegrations returns ErrNotFound until PutIntegrations was called.
	GetIntegrations(ctx context.Context) (*integration.Integrations, error)
	PutIntegrations(ctx context.Context, in *integration.Integrations) error
}

// APIKeyStore keeps API keys by the hash of the key.
type APIKeyStore interface {
	// CreateAPIKey stores k: an ID another key has is a *DuplicateError
	// with Field "id", a KeyHash another key has one with Field "key", and
	// a Name another key has in any case (compared as strings.ToLower
	// gives them) one with Field "name", in that order. An empty Name is
	// no name and never collides.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	GetAPIKeyByHash(ctx context.Context, hash []byte) (*APIKey, error)
	// GetAPIKey returns the key with that id, or ErrNotFound.
	GetAPIKey(ctx context.Context, id string) (*APIKey, error)
	ListAPIKeys(ctx context.Context) ([]*APIKey, error)
	// UpdateAPIKey replaces the stored key of k.ID (ErrNotFound if none)
	// with k, except its KeyHash and InsertInstant, which never change. A
	// Name another key has (as CreateAPIKey compares them) is a
	// *DuplicateError with Field "name"; the key's own, in any case, is not.
	UpdateAPIKey(ctx context.Context, k *APIKey) error
	DeleteAPIKey(ctx context.Context, id string) error
}

// RefreshTokenStore keeps refresh tokens by id and by hash.
type RefreshTokenStore interface {
	// CreateRefreshToken returns ErrNotFound when the token's user or
	// application does not exist, an application whose delete committed
	// while this transaction waited to create the token included. A missing
	// application is reported before a taken id or hash.
	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	GetRefreshToken(ctx context.Context, id string) (*RefreshToken, error)
	// GetRefreshTokenByHash matches the current hash; with previous true it
	// matches the hash the token had before its last rotation instead (reuse
	// detection of one-time-use tokens).
	GetRefreshTokenByHash(ctx context.Context, hash []byte, previous bool) (*RefreshToken, error)
	ListRefreshTokens(ctx context.Context, userID string) ([]*RefreshToken, error)
	UpdateRefreshToken(ctx context.Context, t *RefreshToken) error
	// DeleteRefreshTokens removes the tokens that match every non-empty
	// argument (at least one must be given) and returns how many. In a
	// transaction, a delete of an application's tokens (applicationID
	// alone) also removes a token of the application that another
	// transaction, still open when the delete began, creates: it waits
	// for that transaction, as a store that runs one write transaction at a
	// time does anyway.
	DeleteRefreshTokens(ctx context.Context, id, userID, applicationID string) (int, error)
}

// KeyStore keeps signing keys.
type KeyStore interface {
	// CreateKey stores k. Ids and kids are one namespace: a key whose ID
	// another key has is refused with a *DuplicateError whose Field is
	// "id"; one whose EffectiveKid is another key's id or EffectiveKid (an
	// imported kid that is another key's id, even when that key has a kid
	// of its own, or the other way round) with Field "kid"; one with a kid
	// of its own whose ID is another key's kid with Field "id". Names are
	// unique too, compared as strings.ToLower gives them (as tenant names):
	// a key whose Name another key has in any case is refused with Field
	// "name", after the id and kid rules. An empty Name is no name and
	// never collides (the engine requires one; a store-level caller may
	// leave it out).
	CreateKey(ctx context.Context, k *SigningKey) error
	GetKey(ctx context.Context, id string) (*SigningKey, error)
	// GetKeyByKid returns the key whose EffectiveKid is kid, compared
	// exactly (case matters: a kid is any string), or ErrNotFound. Token
	// validation finds a token's key with it.
	GetKeyByKid(ctx context.Context, kid string) (*SigningKey, error)
	ListKeys(ctx context.Context) ([]*SigningKey, error)
	// UpdateKey replaces the stored key whose ID is k.ID with k, or returns
	// ErrNotFound. It may not change what names the key in tokens: a k
	// whose EffectiveKid is not the stored key's is refused with an error
	// (no store error kind; the engine never asks it) and nothing changes.
	// A Name another key has (as CreateKey compares them) is a
	// *DuplicateError with Field "name"; the key's own name, in any case,
	// is not.
	UpdateKey(ctx context.Context, k *SigningKey) error
	DeleteKey(ctx context.Context, id string) error
}

// EventLogStore keeps event-log entries and login records.
type EventLogStore interface {
	// CreateEventLog assigns e.ID: a positive number, larger than the ids of
	// the entries created before it.
	CreateEventLog(ctx context.Context, e *EventLog) error
	GetEventLog(ctx context.Context, id int64) (*EventLog, error)
	// SearchEventLogs returns one page, newest first, and the total count.
	SearchEventLogs(ctx context.Context, q EventLogQuery) ([]*EventLog, int, error)
	CreateLoginRecord(ctx context.Context, r *LoginRecord) error
}

// Store is every aggregate store plus transactions.
type Store interface {
	TenantStore
	ApplicationStore
	UserStore
	RegistrationStore
	LinkStore
	PendingLinkStore
	IdentityProviderStore
	IntegrationStore
	APIKeyStore
	RefreshTokenStore
	KeyStore
	EventLogStore
	OutboxStore     // outbox.go
	ModerationStore // outbox.go
	Transactor
}

// Transactor runs fn in one transaction: fn's writes through tx all commit
// when fn returns nil, and none does when it returns an error or panics (the
// panic is re-raised) or when ctx is done by the time fn returns (InTx then
// returns an error matching ctx.Err()). Reads through tx see fn's own writes. Transactions
// are serialisable: two that touch the same rows either run one after the
// other or one fails with ErrConflict. Calling tx.InTx inside fn runs the
// inner fn in the same transaction. fn should not wait for what another
// transaction's caller does after its InTx returns: a store may commit
// transactions together (sqlstore on SQLite does), and then that InTx
// returns only once fn has.
type Transactor interface {
	InTx(ctx context.Context, fn func(ctx context.Context, tx Store) error) error
}
