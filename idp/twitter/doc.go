// Package twitter is the Twitter identity provider of FusionAuth's Identity
// Provider API, in two halves.
//
// Provider is the configuration, wire-exact with FusionAuth's
// "identityProvider" JSON: Normalize applies FusionAuth's defaults (id, name,
// linkingStrategy LinkByEmail, createRegistration true, maximumLinks 42),
// Validate applies its rules and returns a *validation.Errors with
// FusionAuth's codes (e.g. [blank]identityProvider.consumerKey), and
// ForApplication and LinkPolicy answer what a login needs to know.
//
// Client completes a login against Twitter with OAuth 1.0a (RFC 5849,
// HMAC-SHA1, signed by github.com/dghubble/oauth1): it exchanges a request
// token and verifier for an access token at POST /oauth/access_token, or
// skips that when it is handed an access token (FusionAuth 1.25+), then reads
// the user from GET /1.1/account/verify_credentials.json. Failures are
// *Error values of two kinds, ErrRefused and ErrUnavailable, which FusionAuth
// both answers with 401 but which the event log tells apart.
//
// Secrets are of type Secret, which prints and logs as "[redacted]"; the
// package itself never logs. It has no HTTP server code: the engine and the
// HTTP adapter call it. Package twittertest is a fake Twitter to test against.
package twitter
