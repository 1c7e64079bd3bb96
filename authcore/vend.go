package authcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/validation"
)

// JWTVendRequest is POST /api/jwt/vend: a free-form token with the caller's
// claims, signed with KeyID or, without one, with the tenant's access-token
// key.
type JWTVendRequest struct {
	Claims map[string]any `json:"claims,omitempty"`
	KeyID  string         `json:"keyId,omitempty"`
	// TimeToLiveInSeconds is the token's lifetime; 0 takes the tenant's
	// jwtConfiguration.timeToLiveInSeconds.
	TimeToLiveInSeconds int `json:"timeToLiveInSeconds,omitempty"`
}

// VendJWT issues a JWT holding req.Claims plus iat, exp and jti. It is
// scoped to no user: the request's tenant (its scope, or the only tenant)
// gives the signing key and the default lifetime. The token verifies with
// ValidateAccessToken and the JWKS like any other of the key's tokens.
func (e *Engine) VendJWT(ctx context.Context, req JWTVendRequest) (string, error) {
	var errs validation.Errors
	if validateLifetime(&errs, "timeToLiveInSeconds", req.TimeToLiveInSeconds, time.Second); !errs.Empty() {
		return "", &errs
	}
	tenantID, err := e.resolveTenant(ctx, e.store)
	if err != nil {
		return "", err
	}
	cfg := e.configSnapshot(ctx) // configcache.go
	tenant, err := e.sharedTenant(ctx, cfg, tenantID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return "", general("[TenantIdRequired]", "The request's tenant does not exist.")
		}
		return "", err
	}
	var key *SigningKey
	if id := strings.ToLower(strings.TrimSpace(req.KeyID)); id != "" {
		if !isUUID(id) {
			return "", invalid("keyId", "couldNotConvert", "The [keyId] property must be a UUID.")
		}
		// Keys are global: a request scoped to a tenant signs with that
		// tenant's key only, or it could sign tokens of another tenant.
		if scopedTenant(ctx) != "" && id != tenant.JWTConfiguration.AccessTokenKeyID {
			return "", invalid("keyId", "invalid", "A request scoped to a tenant may sign only with the tenant's key.")
		}
		if key, err = cached(ctx, cfg, configKindKey, id, e.store.GetKey); err != nil {
			if errors.Is(err, ErrNotFound) {
				return "", invalid("keyId", "invalid", fmt.Sprintf("The [keyId] property does not name a key: [%s].", excerpt.Of(id)))
			}
			return "", err
		}
		if !key.canSign() {
			return "", invalid("keyId", "invalid", cannotSignMessage("keyId", key))
		}
	} else if key, err = e.tenantSigningKey(ctx, e.store, cfg, tenant); err != nil {
		return "", err
	}
	ttl := time.Duration(req.TimeToLiveInSeconds) * time.Second
	if ttl == 0 {
		ttl = accessTokenTTL(tenant, &Application{})
	}
	now := e.now()
	// iat, exp and jti are authcore's whatever the caller sent for them, as
	// FusionAuth adds them itself.
	claims := make(map[string]any, len(req.Claims)+3)
	maps.Copy(claims, req.Claims)
	// tid is what marks a login's token to GET /api/jwt/issue (with the
	// tenant's key, which vend signs with by default): a vended token never
	// carries it, or any API key could mint a login of any user.
	delete(claims, "tid")
	claims["iat"] = now.Unix()
	claims["exp"] = now.Add(ttl).Unix()
	claims["jti"] = e.newID()
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("authcore: encode claims: %w", err)
	}
	signer, err := e.keyCache.signer(key)
	if err != nil {
		return "", err
	}
	token, err := signer.compact(payload)
	if err != nil {
		return "", err
	}
	e.log.InfoContext(ctx, "JWT vended", "tenantId", tenant.ID, "keyId", key.ID)
	return token, nil
}
