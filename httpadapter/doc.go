// Package httpadapter puts FusionAuth's HTTP API in front of an
// authcore.Engine. It owns the API's conventions (FusionAuth's API overview:
// authentication, tenancy, errors) and nothing else:
//
//   - authentication with the raw API key in the Authorization header (the
//     key itself, no "Bearer "); a missing or wrong key is 401 with an empty
//     body, as is a tenant-locked key on what belongs to no tenant (the
//     integrations, the event log, signing keys, creating a tenant or
//     changing the identity provider);
//   - tenant scoping with X-FusionAuth-TenantId and tenant-locked keys;
//   - JSON only: other content types, malformed JSON, duplicate object keys,
//     nesting deeper than 64 levels and bodies over the limit
//     (DefaultMaxBodyBytes) are 400 with FusionAuth's Errors object, wrong
//     types a field error naming the path; properties authcore does not
//     know are ignored, not refused, since newer FusionAuth clients send
//     fields it lacks;
//   - 404 and 405 with empty bodies (405 with Allow), 501 for methods the API
//     does not implement at all;
//   - one table that maps authcore's typed errors to status codes.
//
// A 401 says nothing about its cause, on the wire as in FusionAuth; the
// handler logs the reason at slog.LevelDebug (the engine's logger, or
// WithLogger's), as RequireToken does for the tokens it refuses.
//
// Every business rule lives in authcore, so a Go caller of the engine gets
// the same behaviour without HTTP. Mount the handler on your own mux, under a
// prefix with http.StripPrefix:
//
//	mux.Handle("/auth/", http.StripPrefix("/auth", h))
//
// (http.StripPrefix("/auth/", h) works too: a path left without its leading
// slash is taken as rooted, as http.FileServer takes it.)
package httpadapter
