// Package authcore is the engine a Go application embeds to get a slice of
// FusionAuth: the Integrations API, the Twitter identity provider and its
// login, tenants, applications, users, links, and signed tokens.
//
// The engine is transport-free. Services take typed requests and return typed
// results or typed errors: *ValidationError (FusionAuth's Errors object),
// ErrNotFound, ErrDuplicate, ErrConflict, ErrUnauthorized. The optional
// httpadapter package puts FusionAuth's HTTP API in front of it.
//
// Storage is behind the Store interface (one small interface per aggregate,
// plus transactions). store/memstore keeps everything in memory;
// store/sqlstore keeps it in SQLite or PostgreSQL.
//
// Authorisation: an HTTP request carries the API key's tenant lock and the
// X-FusionAuth-TenantId header as a Scope in its context (WithScope). A Go
// caller that sets no scope acts with full access, like a key that is not
// locked to a tenant.
package authcore
