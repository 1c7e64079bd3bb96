package httpadapter

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/authcore/authcore/authcore"
)

type claimsKey struct{}

// Claims returns the verified access-token claims RequireToken put in the
// request context; nil when there are none.
func Claims(ctx context.Context) map[string]any {
	c, _ := ctx.Value(claimsKey{}).(map[string]any)
	return c
}

// RequireToken is middleware for a host application's own routes: the
// request must carry a valid access token (Authorization: Bearer, or
// FusionAuth's older JWT scheme, or the access_token cookie) and, when roles are given, the token's roles claim
// must hold at least one of them. The claims are then available through
// Claims(r.Context()). Answers 401 (missing, invalid or expired token) or
// 403 (no required role), with an RFC 6750 WWW-Authenticate header and no
// body.
//
// It accepts a login's token for any application of the deployment, signed
// by a key of the token's tenant (Engine.ValidateLoginToken); a vended
// token is refused, since any API key may vend one with any subject and
// roles. Use RequireTokenFor when the route belongs to one application.
func (h *Handler) RequireToken(roles ...string) func(http.Handler) http.Handler {
	return requireToken(h.engine, h.log, "", roles)
}

// RequireTokenFor is RequireToken for the routes of one application: the
// token's audience must be applicationID, so a token issued for another
// application (with roles of the same name) is refused with 401, and it must
// be signed by a key that signs that application's access tokens (its
// tenant's, or its own), so a token another tenant's key signed is refused
// too.
//
// Unlike RequireToken, it takes a vended token (POST /api/jwt/vend,
// Engine.VendJWT) that meets both rules, as FusionAuth's vended tokens
// validate: its subject and roles are whatever the API key's holder gave it,
// and any key for every tenant, or locked to the application's tenant, may
// vend one. A handler that wants a login's token only can require the "tid"
// claim, which a vended token never has.
//
// An empty applicationID panics, as http.Handle does for a nil handler: it
// is how requireToken spells "any application", so an id left unset (an
// empty setting) would otherwise guard the routes with every application's
// tokens instead of this one's.
func (h *Handler) RequireTokenFor(applicationID string, roles ...string) func(http.Handler) http.Handler {
	if strings.TrimSpace(applicationID) == "" {
		panic("httpadapter: RequireTokenFor needs an application id (RequireToken takes any application's tokens)")
	}
	return requireToken(h.engine, h.log, applicationID, roles)
}

// RequireToken is the middleware for an engine used without the adapter:
// with applicationID "" it is Handler.RequireToken (a login's token of any
// application), with an application's id Handler.RequireTokenFor (that
// application's tokens, vended ones included). It logs to the engine's
// logger.
func RequireToken(e *authcore.Engine, applicationID string, roles ...string) func(http.Handler) http.Handler {
	return requireToken(e, e.Logger(), applicationID, roles)
}

func requireToken(e *authcore.Engine, log *slog.Logger, applicationID string, roles []string) func(http.Handler) http.Handler {
	roles = slices.Clone(roles)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token := jwtFromRequest(r)
			if token == "" {
				log.DebugContext(r.Context(), "access token refused", "method", r.Method, "path", r.URL.Path, "status", http.StatusUnauthorized,
					"reason", "no token (Authorization: Bearer, or the "+AccessTokenCookie+" cookie)")
				w.Header().Set("WWW-Authenticate", `Bearer`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			var claims map[string]any
			var err error
			if applicationID != "" {
				// The key too: a token another tenant's key signed is
				// no token of this application (ValidateAccessTokenFor).
				claims, err = e.ValidateAccessTokenFor(r.Context(), token, applicationID)
			} else {
				// A login's token only: a vended one carries whatever
				// subject and roles an API key gave it.
				claims, err = e.ValidateLoginToken(r.Context(), token)
			}
			if err != nil {
				if !errors.Is(err, authcore.ErrUnauthorized) {
					log.ErrorContext(r.Context(), "access token check failed", "error", err)
					w.WriteHeader(http.StatusInternalServerError)
					return
				}
				// The answer says only invalid_token; the reason (expired,
				// another application's, a vended token, …) is for the
				// operator.
				log.DebugContext(r.Context(), "access token refused", "method", r.Method, "path", r.URL.Path, "status", http.StatusUnauthorized, "reason", err)
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			if len(roles) > 0 && !hasAnyRole(claims, roles) {
				log.DebugContext(r.Context(), "access token refused", "method", r.Method, "path", r.URL.Path, "status", http.StatusForbidden,
					"reason", "the token has none of the roles", "roles", roles, "sub", claims["sub"])
				w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope"`)
				w.WriteHeader(http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, claims)))
		})
	}
}

func hasAnyRole(claims map[string]any, roles []string) bool {
	have, _ := claims["roles"].([]any)
	for _, v := range have {
		if s, ok := v.(string); ok && slices.Contains(roles, s) {
			return true
		}
	}
	return false
}
