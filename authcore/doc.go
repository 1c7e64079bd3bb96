// Package authcore is the engine a Go application embeds to get a slice of
// FusionAuth: the Integrations API, the Twitter identity provider and its
// login, tenants, applications, users, links, and signed tokens.
//
// The engine is transport-free. Services take typed requests and return typed
// results or typed errors; the optional httpadapter package puts FusionAuth's
// HTTP API in front of it.
//
// # Errors
//
// A refusal of the input is a *ValidationError, FusionAuth's Errors object:
// get it with errors.As and read FieldErrors by dotted path (e.g.
// "user.email") or test a code with Has. A broken uniqueness rule (an
// e-mail, a name, an id already taken) is reported there too, as FusionAuth
// reports it ([duplicate]user.email): stores return ErrDuplicate
// (*DuplicateError), and the engine turns the ones FusionAuth names into
// field errors, so errors.Is(err, ErrDuplicate) is false for those. The rest
// are sentinels for errors.Is:
//
//   - ErrNotFound: no such object, or one outside the caller's tenant;
//   - ErrConflict: a concurrent change won; retry;
//   - ErrUnauthorized: the API key, or the tenant scope, may not do this; the
//     token errors ErrTokenInvalid and ErrTokenExpired (*TokenExpiredError)
//     match it too;
//   - the login's ErrIdentityProviderRefused and ErrIdentityProviderUnavailable
//     (both wrap the *twitter.Error), ErrUserExpired, ErrLoginPrevented, and
//     *LambdaError for a reconcile function that failed;
//   - ErrRefreshTokenInvalid (*RefreshTokenError) and ErrKeyInUse
//     (*KeyInUseError), which also unwrap to the *ValidationError the HTTP API
//     answers with.
//
// # Lifecycle
//
// An Engine holds no connection and starts no goroutine on its own (an
// operation brings its cached integrations up to date itself, before its
// transaction), so it has no Close: close its store
// (sqlstore.Store.Close; memstore's Close does nothing) when done. The two loops an embedder may run, RunRelay (events)
// and RunModerationRetry (CleanSpeak), run in goroutines of the caller's and
// return when their context ends. Shut down in that order: end their
// context, wait for them to return, then close the store; a store closed
// under a running relay makes it log a warning on each attempt until its
// context ends.
//
// The engine logs through WithLogger's logger (default slog.Default()), at
// Info a line for most changes (a tenant, application, user or key created,
// updated or deleted; integrations changed). Tests usually pass
// slog.New(slog.DiscardHandler).
//
// # Storage
//
// Storage is behind the Store interface (one small interface per aggregate,
// plus transactions). store/memstore keeps everything in memory;
// store/sqlstore keeps it in SQLite or PostgreSQL.
//
// # Authorisation
//
// An HTTP request carries the API key's tenant lock and the
// X-FusionAuth-TenantId header as a Scope in its context (WithScope). A Go
// caller that sets no scope acts with full access, like a key that is not
// locked to a tenant.
//
// # Tenants
//
// New creates a tenant named "Default" in an empty store. While it is the
// only tenant, calls that need a tenant use it. Once there are more (an app
// that calls CreateTenant has two), a call that looks up or creates
// something in a tenant must name it, or it fails with the general error
// [TenantIdRequired]: in the object (user.tenantId, application.tenantId) or
// in the context, with WithScope(ctx, Scope{TenantID: id}), which is what
// the HTTP API's header does (see ExampleWithScope). A single-tenant app can
// keep to the Default tenant (Tenants(ctx)[0]) and name none.
package authcore
