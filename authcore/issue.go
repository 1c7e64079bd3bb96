package authcore

import (
	"context"
	"errors"
	"strings"

	"github.com/authcore/authcore/validation"
)

// IssueRequest is GET /api/jwt/issue: a valid access token, the application
// to issue a new one for, and optionally a refresh token of the same user
// to get a refresh token for that application too.
type IssueRequest struct {
	AccessToken   string
	ApplicationID string
	RefreshToken  string
}

// IssueResult is the new access token and, when asked for, the application
// generates them and the user is registered to it, a refresh token for the
// application.
type IssueResult struct {
	Token        string `json:"token"`
	RefreshToken string `json:"refreshToken,omitempty"`
	// Registered says whether the user is registered to the application
	// (the token then has its applicationId and roles). FusionAuth answers
	// 202 rather than 200 when they are not.
	Registered bool `json:"-"`
}

// IssueJWT exchanges a valid access token for one of another application of
// the user's tenant: single sign-on between applications. The new token's
// authenticationType is JWT_SSO and its auth_time the original one; it
// carries the user's roles in the application when they are registered to
// it, and none otherwise; it expires when the presented one does, and a
// refresh token issued with it ends no later than the one presented. A
// token that does not verify, that the user's tenant did not sign, or whose
// subject is not an active user, is ErrUnauthorized.
func (e *Engine) IssueJWT(ctx context.Context, req IssueRequest) (IssueResult, error) {
	cfg := e.configSnapshot(ctx) // configcache.go
	claims, key, err := e.validateAccessToken(ctx, cfg, req.AccessToken)
	if err != nil {
		return IssueResult{}, err
	}
	appID, err := issueApplicationID(req.ApplicationID)
	if err != nil {
		return IssueResult{}, err
	}
	user, err := e.issueSubject(ctx, claims)
	if err != nil {
		return IssueResult{}, err
	}
	app, tenant, err := e.issueTarget(ctx, cfg, appID, user)
	if err != nil {
		return IssueResult{}, err
	}
	// Only a token the user's tenant signed, for that tenant, is exchanged:
	// any key may sign a vended token with any subject, and the exchange
	// would turn it into a login of that user.
	if tid, _ := claims["tid"].(string); !e.signsForTenant(ctx, cfg, key, tenant, claims) || tid != user.TenantID {
		return IssueResult{}, tokenInvalid("not signed by the user's tenant")
	}
	reg, err := e.issueRegistration(ctx, user.ID, app.ID)
	if err != nil {
		return IssueResult{}, err
	}
	out := IssueResult{Registered: reg != nil}
	var sid string
	if req.RefreshToken != "" {
		if out.RefreshToken, sid, err = e.exchangeRefreshToken(ctx, cfg, tenant, app, user, reg, req.RefreshToken); err != nil {
			return IssueResult{}, err
		}
	}
	if out.Token, err = e.signIssued(ctx, cfg, issueTokenRequest(claims, tenant, app, user, reg, sid)); err != nil {
		return IssueResult{}, err
	}
	return out, nil
}

// issueApplicationID is the applicationId parameter, trimmed and lower-cased
// as ids are stored.
func issueApplicationID(param string) (string, error) {
	appID := strings.ToLower(strings.TrimSpace(param))
	switch {
	case appID == "":
		// A query parameter left out is [missing] (SPEC §1), as on the
		// other JWT routes.
		return "", invalid("applicationId", validation.KindMissing, "You must specify the [applicationId] parameter.")
	case !isUUID(appID):
		return "", invalid("applicationId", "couldNotConvert", "The [applicationId] parameter must be a UUID.")
	}
	return appID, nil
}

// issueSubject is the presented token's subject, who must be an active user
// of the request's tenant.
func (e *Engine) issueSubject(ctx context.Context, claims map[string]any) (*User, error) {
	// A user's id is a UUID; anything else is not looked up (PostgreSQL
	// fails a lookup of U+0000, which a token's signer may have put there).
	userID, _ := claims["sub"].(string)
	if !isUUID(userID) {
		return nil, tokenInvalid("the subject is not a user")
	}
	user, err := e.store.GetUser(ctx, userID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, tokenInvalid("the subject is not a user")
		}
		return nil, err
	}
	if !user.Active || (user.Expiry != 0 && e.instant() >= user.Expiry) || !inScope(ctx, user.TenantID) {
		return nil, tokenInvalid("the subject is not an active user")
	}
	return user, nil
}

// issueTarget is the application the new token is for, which must be an
// active one of the user's tenant, and that tenant. Both come through cfg
// and may be shared: read only.
func (e *Engine) issueTarget(ctx context.Context, cfg *configSnapshot, appID string, user *User) (*Application, *Tenant, error) {
	app, err := e.sharedApplication(ctx, cfg, appID)
	if err != nil || app.TenantID != user.TenantID || !app.Active {
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, nil, err
		}
		return nil, nil, errIssueApplication()
	}
	tenant, err := e.sharedTenant(ctx, cfg, user.TenantID)
	if err != nil {
		return nil, nil, err
	}
	return app, tenant, nil
}

// issueRegistration is the user's registration to the application, nil
// when they have none: the token is then issued without its claims.
func (e *Engine) issueRegistration(ctx context.Context, userID, appID string) (*UserRegistration, error) {
	reg, err := e.store.GetRegistration(ctx, userID, appID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return reg, err
}

// issueTokenRequest is the exchange's token: a JWT_SSO login at the
// presented token's auth_time, ending when it does. sid is the refresh
// token issued with it ("" for none).
func issueTokenRequest(claims map[string]any, tenant *Tenant, app *Application, user *User, reg *UserRegistration, sid string) TokenRequest {
	authTime, _ := claims["auth_time"].(float64)
	exp, _ := claims["exp"].(float64) // present: checkTimes requires it
	return TokenRequest{
		Tenant: tenant, Application: app, User: user, Registration: reg,
		AuthenticationType: AuthenticationTypeJWTSSO, RefreshTokenID: sid, AuthTime: int64(authTime),
		// FusionAuth: "the same expiration of the one provided".
		expiresAt: int64(exp),
	}
}

// signIssued signs the exchange's token. The refresh token is committed by
// now: a lost race creating the tenant's first key runs the signing again,
// not the exchange, as a login's does. Answered 409, the refresh token
// stored was never handed out.
func (e *Engine) signIssued(ctx context.Context, cfg *configSnapshot, tr TokenRequest) (string, error) {
	var token string
	err := retryConflicts(ctx, func() error {
		var err error
		token, _, err = e.issueAccessToken(ctx, e.store, cfg, tr)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		// Signing reads the store only to make the tenant's first key, in
		// a transaction that reads the tenant again (the presented token
		// was signed by its application's own key): the tenant was deleted
		// since it was read above, and its users with it. Answered as an
		// exchange after the delete is, whose user is not found, not as
		// the bare not-found (404).
		return "", tokenInvalid("the subject is not a user")
	}
	return token, err
}

// exchangeRefreshToken checks the refresh token presented to IssueJWT and
// makes the exchange's own from it (its plain value and id), or none when
// the application's configuration gives none.
func (e *Engine) exchangeRefreshToken(ctx context.Context, cfg *configSnapshot, tenant *Tenant, app *Application, user *User, reg *UserRegistration, plain string) (string, string, error) {
	rt, err := e.store.GetRefreshTokenByHash(ctx, hashRefreshToken(plain), false)
	if err != nil || rt.UserID != user.ID || e.instant() >= rt.ExpirationInstant {
		if err != nil && !errors.Is(err, ErrNotFound) {
			return "", "", err
		}
		return "", "", invalid("refreshToken", "invalid", "The [refreshToken] parameter is not a valid refresh token of the token's user.")
	}
	// As for a login: a refresh token is issued only with a registration.
	// And FusionAuth's Issue API: none either when the application's
	// refresh-token expiration policy is not the one the presented token
	// was issued under, as its expiry could not carry over.
	samePolicy := true
	if rt.ApplicationID != app.ID {
		src, err := e.sharedApplication(ctx, cfg, rt.ApplicationID)
		switch {
		case errors.Is(err, ErrNotFound):
			samePolicy = false
		case err != nil:
			return "", "", err
		default:
			samePolicy = refreshPolicyOf(tenant, src).expiration == refreshPolicyOf(tenant, app).expiration
		}
	}
	if app.LoginConfiguration.GenerateRefreshTokens && reg != nil && samePolicy {
		return e.issueRefreshToken(ctx, tenant, app, user, plain)
	}
	return "", "", nil
}

// issueRefreshToken stores the refresh token of an exchange, made from the
// presented one (plain), which must still exist when it is written: a
// revocation that committed since IssueJWT read it (a logout everywhere)
// would otherwise be undone by a token made from a revoked one. The
// presented token is read again in the transaction, and then its user,
// the order a refresh locks them in: on PostgreSQL a revocation by user
// locks the user's tokens and then the user before it deletes, so it either
// waits for this token and deletes the new one too, or has committed and
// this read finds nothing.
func (e *Engine) issueRefreshToken(ctx context.Context, tenant *Tenant, app *Application, user *User, plain string) (string, string, error) {
	var newPlain, id string
	err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
		newPlain, id = "", ""
		rt, err := tx.GetRefreshTokenByHash(ctx, hashRefreshToken(plain), false)
		switch {
		case errors.Is(err, ErrNotFound) || err == nil && (rt.UserID != user.ID || e.instant() >= rt.ExpirationInstant):
			return invalid("refreshToken", "invalid", "The [refreshToken] parameter is not a valid refresh token of the token's user.")
		case err != nil:
			return err
		}
		if _, err := tx.GetUser(ctx, user.ID); err != nil {
			if errors.Is(err, ErrNotFound) {
				return tokenInvalid("the subject is not a user")
			}
			return err
		}
		// Counted from the presented token's start, the application's
		// lifetime may be over already: such a token could refresh
		// nothing, so none is made, as when the policies differ.
		if now := e.instant(); exchangedExpiry(refreshPolicyOf(tenant, app), rt, now) <= now {
			return nil
		}
		// The new refresh token ends no later than the one presented,
		// and starts with it: exchanges must not renew a session.
		//
		// The store refuses a token of an application that is gone (its
		// user is held above): the application was read before this
		// transaction, and its delete may have committed since, or while
		// this insert waited for it. As if it had been gone from the start.
		p, created, err := e.createRefreshToken(ctx, tx, tenant, app, user, rt.MetaData, rt)
		if errors.Is(err, ErrNotFound) {
			return errIssueApplication()
		}
		if err != nil {
			return err
		}
		newPlain, id = p, created.ID
		return nil
	})
	return newPlain, id, err
}

// errIssueApplication is IssueJWT's answer for an application that is not
// an active one of the user's tenant.
func errIssueApplication() error {
	return invalid("applicationId", "invalid", "The [applicationId] parameter does not name an active application of the user's tenant.")
}

// signsForTenant reports whether key signs access tokens for tenant: the
// tenant's key, or the own key of the application the token was issued for
// (aud), when that application is the tenant's; or a key that did so before
// the tenant or that application moved to another (SigningKey.FormerTenants,
// FormerApplications), since a key change logs nobody out. A key that never
// signed for them does not, whoever holds it (an imported one), nor does a
// key that signed for a deleted tenant or application whose id a later one
// took (formerSigner).
func (e *Engine) signsForTenant(ctx context.Context, cfg *configSnapshot, key *SigningKey, tenant *Tenant, claims map[string]any) bool {
	if key == nil {
		return false
	}
	if key.ID == tenant.JWTConfiguration.AccessTokenKeyID || formerSigner(key.FormerTenants, tenant.ID, tenant.InsertInstant, claims) {
		return true
	}
	aud, _ := claims["aud"].(string)
	if aud == "" {
		return false
	}
	src, err := e.sharedApplication(ctx, cfg, aud)
	return err == nil && src.TenantID == tenant.ID &&
		(applicationKeyID(src) == key.ID || formerSigner(key.FormerApplications, src.ID, src.InsertInstant, claims))
}

// formerSigner reports whether former (a key's former tenants or
// applications) holds the tenant or the application id as it is now, the
// one created at insertInstant: an entry of an earlier one under the same
// id, deleted since, does not count. An entry stored without its
// InsertInstant could be of either, so it counts only for a token issued
// (iat) no earlier than the second the current one was created: a token
// of the deleted one was issued before it was deleted.
func formerSigner(former []FormerSigner, id string, insertInstant int64, claims map[string]any) bool {
	for _, f := range former {
		if f.ID != id {
			continue
		}
		if f.InsertInstant != 0 {
			return f.InsertInstant == insertInstant
		}
		iat, ok := claims["iat"].(float64)
		return ok && int64(iat) >= insertInstant/1000
	}
	return false
}

// LoginTokenSubject verifies an access token that stands for its user, as
// one that authenticates a request of that user must: a token of a login
// (tid names the user's tenant) signed by a key that signs that tenant's
// access tokens, whose subject is a user of that tenant. A vended token is
// refused (it has no tid, and any API key may vend one with any subject).
// It returns the user's id; a refusal matches ErrUnauthorized.
func (e *Engine) LoginTokenSubject(ctx context.Context, token string) (string, error) {
	claims, err := e.ValidateLoginToken(ctx, token)
	if err != nil {
		return "", err
	}
	sub, _ := claims["sub"].(string)
	if !isUUID(sub) {
		return "", tokenInvalid("not a login's token")
	}
	user, err := e.store.GetUser(ctx, sub)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return "", tokenInvalid("the subject is not a user")
		}
		return "", err
	}
	if tid, _ := claims["tid"].(string); user.TenantID != tid {
		return "", tokenInvalid("the subject is not a user of the token's tenant")
	}
	return user.ID, nil
}

// ValidateLoginToken is ValidateAccessToken for a token that stands for a
// login, as a host application's routes want one: it must name its tenant
// (tid) and be signed by a key that signs that tenant's access tokens (the
// tenant's, or the own key of the application it was issued for). A vended
// token is refused: it has no tid, and any API key, one locked to another
// tenant included, may vend one with any subject and roles. It reads no
// store beyond the configuration cache, as ValidateAccessToken.
func (e *Engine) ValidateLoginToken(ctx context.Context, token string) (map[string]any, error) {
	cfg := e.configSnapshot(ctx) // configcache.go
	claims, key, err := e.validateAccessToken(ctx, cfg, token)
	if err != nil {
		return nil, err
	}
	// A tenant's id is a UUID: anything else names no tenant and is not
	// looked up (PostgreSQL fails a lookup of U+0000, a 500).
	tid, _ := claims["tid"].(string)
	if !isUUID(tid) {
		return nil, tokenInvalid("not a login's token")
	}
	tenant, err := e.sharedTenant(ctx, cfg, tid)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, tokenInvalid("unknown tenant")
		}
		return nil, err
	}
	if !e.signsForTenant(ctx, cfg, key, tenant, claims) {
		return nil, tokenInvalid("not signed by the token's tenant")
	}
	return claims, nil
}

// ValidateAccessTokenFor is ValidateAccessToken for one application's
// routes: the token's aud must be applicationID, and it must be signed by a
// key that signs that application's tenant's access tokens (the tenant's
// key, or the application's own), with no tid of another tenant. Any API
// key may vend a token with any aud and roles, signed by its tenant's key,
// so without the key check a key locked to one tenant could mint tokens for
// another tenant's application.
func (e *Engine) ValidateAccessTokenFor(ctx context.Context, token, applicationID string) (map[string]any, error) {
	cfg := e.configSnapshot(ctx) // configcache.go
	claims, key, err := e.validateAccessToken(ctx, cfg, token)
	if err != nil {
		return nil, err
	}
	appID := strings.ToLower(applicationID)
	if aud, _ := claims["aud"].(string); aud != appID {
		return nil, tokenInvalid("another application's token")
	}
	app, err := e.sharedApplication(ctx, cfg, appID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, tokenInvalid("unknown application")
		}
		return nil, err
	}
	tenant, err := e.sharedTenant(ctx, cfg, app.TenantID)
	if err != nil {
		return nil, err
	}
	if tid, ok := claims["tid"]; ok && tid != tenant.ID {
		return nil, tokenInvalid("another tenant's token")
	}
	if !e.signsForTenant(ctx, cfg, key, tenant, claims) {
		return nil, tokenInvalid("not signed by the application's tenant")
	}
	return claims, nil
}
