package authcore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/authcore/authcore/validation"
)

// ErrRefreshTokenInvalid means a refresh token was refused: unknown, revoked,
// expired, reused after a one-time-use rotation, or its user or application
// can no longer log in. Refusals are *RefreshTokenError values,
// which match it through errors.Is and unwrap to the FusionAuth Errors object
// the HTTP API answers with (400 [invalid]refreshToken: FusionAuth answers an
// unusable refresh token with 400, not 401).
var ErrRefreshTokenInvalid = errors.New("authcore: refresh token refused")

// Reasons a refresh token is refused (RefreshTokenError.Reason). They are for
// logs and Go callers; the API answers all of them the same way, so a caller
// cannot learn which tokens once existed.
const (
	RefreshRefusedUnknown      = "unknown"
	RefreshRefusedExpired      = "expired"
	RefreshRefusedReused       = "reused"
	RefreshRefusedUserInactive = "user inactive"
	RefreshRefusedUserExpired  = "user expired"
	RefreshRefusedAppInactive  = "application inactive"
	// Deprecated: no refresh is refused for it any more. A user whose
	// registration was removed refreshes into a token without the
	// application's claims, as FusionAuth does (fusionauth-issues #1748).
	RefreshRefusedUnregistered = "not registered"
	// RefreshRefusedOrphaned: the token's user, application or tenant is
	// gone (a store that cascades deletes never leaves such a token).
	RefreshRefusedOrphaned = "user or application gone"
)

// RefreshTokenError is a refused refresh token.
type RefreshTokenError struct {
	Reason string
	// TokenID is the refresh token's id when it was found ("" otherwise).
	TokenID string
}

func (e *RefreshTokenError) Error() string {
	if e.TokenID != "" {
		return fmt.Sprintf("authcore: refresh token %s refused: %s", e.TokenID, e.Reason)
	}
	return "authcore: refresh token refused: " + e.Reason
}

// Is makes errors.Is(err, ErrRefreshTokenInvalid) match.
func (e *RefreshTokenError) Is(target error) bool { return target == ErrRefreshTokenInvalid }

// Unwrap gives the Errors object, so the adapter's error table answers 400.
func (e *RefreshTokenError) Unwrap() error {
	var v validation.Errors
	v.Field("refreshToken", validation.KindInvalid, "The refresh token is not valid: it expired, was not found, or has been revoked.")
	return &v
}

// RefreshRequest is POST /api/jwt/refresh: the refresh token from the body
// or the refresh_token cookie.
type RefreshRequest struct {
	RefreshToken string
	// IPAddress, when known, is recorded as the device's lastAccessedAddress.
	IPAddress string
	// TimeToLiveInSeconds, when not 0, is the new access token's lifetime
	// (FusionAuth's refresh request field, since 1.99.9). It may shorten the
	// application's or tenant's lifetime, never lengthen it:
	// [invalid]timeToLiveInSeconds.
	TimeToLiveInSeconds int
	// EventInfo, when set, is the request body's eventInfo (FusionAuth's
	// RefreshRequest extends BaseEventRequest): each field it sets stands in
	// for the request's own in the jwt.refresh event's info. An app that
	// refreshes for its user sends the user's address and device there.
	EventInfo *EventInfo
}

// RefreshResult is a refreshed access token. RefreshToken is the token to use
// next time: the same one under the Reusable policy, a new one under
// OneTimeUse. RefreshTokenID never changes.
type RefreshResult struct {
	Token                  string
	TokenExpirationInstant int64
	RefreshToken           string
	RefreshTokenID         string
	// RefreshTokenExpirationInstant (epoch ms) is when RefreshToken stops
	// working; the refresh_token cookie's Max-Age is counted to it.
	RefreshTokenExpirationInstant int64
	// RefreshTokenMaxAge is the refresh token's remaining lifetime in
	// seconds at the time of the refresh (the cookie's Max-Age).
	RefreshTokenMaxAge int
}

// RefreshAccessToken exchanges a refresh token for a new access token
// (authenticationType REFRESH_TOKEN, auth_time the refresh token's start).
// Under the tenant's OneTimeUse policy the refresh token rotates: a new value
// is returned and the old one stops working; presenting the old one again is
// taken as theft and revokes the token for good (so does a lost race between
// two refreshes with the same one-time token). An expired token is deleted.
// Refusals match ErrRefreshTokenInvalid.
func (e *Engine) RefreshAccessToken(ctx context.Context, req RefreshRequest) (RefreshResult, error) {
	if err := req.check(); err != nil {
		return RefreshResult{}, err
	}
	hash := hashRefreshToken(req.RefreshToken)
	var (
		out     RefreshResult
		refusal *RefreshTokenError
	)
	// A refusal that deletes a token must still commit, so the closure
	// returns nil and reports the refusal beside it. A retry after a lost
	// race sees the winner's write: after a one-time-use rotation that is
	// the reuse path, which is the intended answer.
	// The tenant, application and key are taken from the configuration
	// snapshot (configcache.go) when a login or another read outside a
	// transaction put them there; what the transaction reads itself is not
	// kept (cachedInTx).
	cfg := e.configSnapshot(ctx)
	err := e.inTxAfterSnapshot(ctx, cfg, func(ctx context.Context, tx Store) error {
		var err error
		out, refusal, err = e.refreshTx(ctx, tx, cfg, req, hash)
		return err
	})
	if err != nil {
		return RefreshResult{}, err
	}
	if refusal != nil {
		e.logRefusal(ctx, refusal)
		return RefreshResult{}, refusal
	}
	return out, nil
}

// check refuses a request that names no token or a negative lifetime,
// before anything is read.
func (req RefreshRequest) check() error {
	if req.RefreshToken == "" {
		return invalid("refreshToken", "blank", "You must specify the [refreshToken] property or send the refresh_token cookie.")
	}
	if req.TimeToLiveInSeconds < 0 {
		return invalid("timeToLiveInSeconds", validation.KindInvalid, "The [timeToLiveInSeconds] property must be greater than zero.")
	}
	return nil
}

// refreshTx is one run of a refresh's transaction: find the token, check
// its login, check the lifetime asked for, advance the token, then sign and
// record the event. A refusal comes with a nil error, so that what it
// deleted commits.
func (e *Engine) refreshTx(ctx context.Context, tx Store, cfg *configSnapshot, req RefreshRequest, hash []byte) (RefreshResult, *RefreshTokenError, error) {
	rt, now, refusal, err := e.refreshedToken(ctx, tx, req, hash)
	if rt == nil {
		return RefreshResult{}, refusal, err
	}
	tr, refusal, err := e.refreshLogin(ctx, tx, cfg, rt, now)
	if refusal != nil || err != nil {
		return RefreshResult{}, refusal, err
	}
	if err := refreshLifetime(&tr, req.TimeToLiveInSeconds); err != nil {
		return RefreshResult{}, nil, err
	}
	plain, err := e.advanceRefreshToken(ctx, tx, &tr, rt, now, req)
	if err != nil {
		return RefreshResult{}, nil, err
	}
	out, err := e.refreshedAccessToken(ctx, tx, cfg, tr, rt, now, plain)
	if err != nil {
		return RefreshResult{}, nil, err
	}
	info := refreshEventInfo(ctx, req)
	err = e.emit(ctx, tx, Event{Type: EventJWTRefresh, TenantID: rt.TenantID, ApplicationID: rt.ApplicationID, UserID: rt.UserID,
		Info: &info}) // events.go
	return out, nil, err
}

// refreshedToken is the token whose value is presented, nil with a refusal
// when it is unknown, outside the request's tenant or expired (an expired
// token is deleted), and now, the instant the refresh is counted at.
func (e *Engine) refreshedToken(ctx context.Context, tx Store, req RefreshRequest, hash []byte) (*RefreshToken, int64, *RefreshTokenError, error) {
	rt, err := tx.GetRefreshTokenByHash(ctx, hash, false)
	if errors.Is(err, ErrNotFound) {
		// A reuse's revocation is an event of this request, and takes
		// its address and eventInfo as jwt.refresh does.
		refusal, err := e.refuseUnknown(WithEventInfo(ctx, refreshEventInfo(ctx, req)), tx, hash)
		return nil, 0, refusal, err
	}
	if err != nil {
		return nil, 0, nil, err
	}
	if !inScope(ctx, rt.TenantID) {
		return nil, 0, &RefreshTokenError{Reason: RefreshRefusedUnknown}, nil
	}
	now := e.instant()
	if now >= rt.ExpirationInstant {
		_, err := tx.DeleteRefreshTokens(ctx, rt.ID, "", "")
		return nil, 0, &RefreshTokenError{Reason: RefreshRefusedExpired, TokenID: rt.ID}, err
	}
	return rt, now, nil, nil
}

// refreshLogin is what the new access token needs, or the refusal of a user
// or application that may no longer log in. A token whose user or
// application is gone is deleted: it can never be used again.
func (e *Engine) refreshLogin(ctx context.Context, tx Store, cfg *configSnapshot, rt *RefreshToken, now int64) (TokenRequest, *RefreshTokenError, error) {
	tr, reason, err := e.refreshLoginState(ctx, tx, cfg, rt, now)
	if err != nil || reason == "" {
		return tr, nil, err
	}
	refusal := &RefreshTokenError{Reason: reason, TokenID: rt.ID}
	if reason == RefreshRefusedOrphaned {
		_, err = tx.DeleteRefreshTokens(ctx, rt.ID, "", "")
	}
	return tr, refusal, err
}

// refreshLifetime sets the new access token's lifetime to the one asked
// for (0: the configured one), checked before anything is written, so a
// refused lifetime leaves the token as it was.
func refreshLifetime(tr *TokenRequest, seconds int) error {
	if seconds == 0 {
		return nil
	}
	// In seconds: a huge value times time.Second would wrap.
	def := int64(accessTokenTTL(tr.Tenant, tr.Application) / time.Second)
	if int64(seconds) > def {
		return invalid("timeToLiveInSeconds", validation.KindInvalid, fmt.Sprintf("The [timeToLiveInSeconds] property may not be greater than the access token's lifetime of %d seconds.", def))
	}
	// A lifetime, not an instant: issueAccessToken reads the clock again
	// for iat, and an exp counted from this now made exp - iat a second
	// short when the two reads fell on either side of a second.
	tr.ttl = time.Duration(seconds) * time.Second
	return nil
}

// advanceRefreshToken records the use on the token's device, slides its
// expiry and, under OneTimeUse, rotates its value, storing it when any of
// them changed it. It returns the value to present next time.
func (e *Engine) advanceRefreshToken(ctx context.Context, tx Store, tr *TokenRequest, rt *RefreshToken, now int64, req RefreshRequest) (string, error) {
	plain := req.RefreshToken
	changed := touchDevice(rt, now, req.IPAddress)
	policy := refreshPolicyOf(tr.Tenant, tr.Application)
	if exp := policy.slide(rt, now); exp != rt.ExpirationInstant {
		rt.ExpirationInstant, changed = exp, true
	}
	if policy.usage == RefreshTokenOneTimeUse {
		next, nextHash, err := e.newRefreshSecret()
		if err != nil {
			return "", err
		}
		rt.PreviousTokenHash, rt.TokenHash = rt.TokenHash, nextHash
		plain, changed = next, true
	}
	if changed {
		if err := tx.UpdateRefreshToken(ctx, rt); err != nil {
			return "", err
		}
	}
	return plain, nil
}

// refreshedAccessToken signs the refresh's access token and answers it with
// the refresh token to present next time (plain).
func (e *Engine) refreshedAccessToken(ctx context.Context, tx Store, cfg *configSnapshot, tr TokenRequest, rt *RefreshToken, now int64, plain string) (RefreshResult, error) {
	tr.AuthenticationType = AuthenticationTypeRefreshToken
	tr.RefreshTokenID = rt.ID
	tr.AuthTime = rt.StartInstant / 1000
	token, exp, err := e.issueAccessToken(ctx, tx, cfg, tr)
	if err != nil {
		return RefreshResult{}, err
	}
	return RefreshResult{
		Token:                         token,
		TokenExpirationInstant:        exp,
		RefreshToken:                  plain,
		RefreshTokenID:                rt.ID,
		RefreshTokenExpirationInstant: rt.ExpirationInstant,
		RefreshTokenMaxAge:            rt.MaxAge(now),
	}, nil
}

// logRefusal logs a refused refresh: a reused one-time token as a warning,
// as it may be a stolen one.
func (e *Engine) logRefusal(ctx context.Context, refusal *RefreshTokenError) {
	if refusal.Reason == RefreshRefusedReused {
		e.log.WarnContext(ctx, "one-time refresh token reused: token revoked", "refreshTokenId", refusal.TokenID)
		return
	}
	e.log.InfoContext(ctx, "refresh token refused", "reason", refusal.Reason, "refreshTokenId", refusal.TokenID)
}

// refreshEventInfo is event.info of the events a refresh request records:
// the caller's address as every event has it (the adapter puts
// X-Forwarded-For's first in ctx), not the device's, which behind an
// untrusted proxy is the proxy's; a Go caller without WithEventInfo gets
// req.IPAddress; the body's eventInfo field by field over both.
func refreshEventInfo(ctx context.Context, req RefreshRequest) EventInfo {
	base := *eventInfoFrom(ctx)
	base.IPAddress = cmp.Or(base.IPAddress, req.IPAddress)
	return overEventInfo(base, req.EventInfo)
}

// refuseUnknown handles a token that is no token's current value. If it is
// a one-time token's previous value, someone replayed a rotated token: the
// token is revoked, since either the thief or the user now holds the current
// value and we cannot tell which.
func (e *Engine) refuseUnknown(ctx context.Context, tx Store, hash []byte) (*RefreshTokenError, error) {
	prev, err := tx.GetRefreshTokenByHash(ctx, hash, true)
	if errors.Is(err, ErrNotFound) {
		return &RefreshTokenError{Reason: RefreshRefusedUnknown}, nil
	}
	if err != nil {
		return nil, err
	}
	if !inScope(ctx, prev.TenantID) {
		return &RefreshTokenError{Reason: RefreshRefusedUnknown}, nil
	}
	if _, err := tx.DeleteRefreshTokens(ctx, prev.ID, "", ""); err != nil {
		return nil, err
	}
	if err := e.emitRevoke(ctx, tx, []*RefreshToken{prev}, "", ""); err != nil { // refreshevents.go
		return nil, err
	}
	return &RefreshTokenError{Reason: RefreshRefusedReused, TokenID: prev.ID}, nil
}

// refreshLoginState loads what a refresh needs and says why the user may not
// log in any more ("" when they may).
// The tenant and application come through cfg and may be shared: read only.
func (e *Engine) refreshLoginState(ctx context.Context, tx Store, cfg *configSnapshot, rt *RefreshToken, now int64) (TokenRequest, string, error) {
	var tr TokenRequest
	var err error
	// The application is read under a shared lock where the store has one
	// (sqlstore on PostgreSQL): the refresh holds its token already, and a
	// revocation of the application's tokens holds the application (shared
	// too) while it waits for them. Read for update, each waited for the
	// other.
	getApp := func(ctx context.Context, id string) (*Application, error) {
		return getApplicationShared(ctx, tx, id) // login.go
	}
	// The user before the tenant and the application (on PostgreSQL every
	// read in a transaction locks), the order of a user's update (its user,
	// then its tenant), of a registration's update (its user, then the
	// application) and of a tenant's delete (the tokens, the users, then the
	// tenant and its applications). Read after them, a refresh held the
	// tenant or the application while it waited for a user whose update
	// waited for it, a deadlock.
	if tr.User, err = tx.GetUser(ctx, rt.UserID); err == nil {
		if tr.Tenant, err = cachedInTx(ctx, cfg, configKindTenant, rt.TenantID, tx.GetTenant); err == nil {
			tr.Application, err = cachedInTx(ctx, cfg, configKindApplication, rt.ApplicationID, getApp)
		}
	}
	if errors.Is(err, ErrNotFound) {
		return tr, RefreshRefusedOrphaned, nil
	}
	if err != nil {
		return tr, "", err
	}
	switch {
	case !tr.User.Active:
		return tr, RefreshRefusedUserInactive, nil
	case tr.User.Expiry != 0 && now >= tr.User.Expiry:
		return tr, RefreshRefusedUserExpired, nil
	case !tr.Application.Active:
		return tr, RefreshRefusedAppInactive, nil
	}
	// A registration removed since the login does not end the session:
	// FusionAuth refreshes it into a token without applicationId and roles
	// (fusionauth-issues #1748), as IssueJWT's token for an application the
	// user is not registered to. Those claims are what grant access.
	tr.Registration, err = tx.GetRegistration(ctx, rt.UserID, rt.ApplicationID)
	if errors.Is(err, ErrNotFound) {
		tr.Registration, err = nil, nil
	}
	return tr, "", err
}

// touchDevice records the use on metaData.device (FusionAuth's
// lastAccessedInstant and lastAccessedAddress) when the token has a device.
func touchDevice(rt *RefreshToken, now int64, ip string) bool {
	device, ok := rt.MetaData["device"].(map[string]any)
	if !ok {
		return false
	}
	device["lastAccessedInstant"] = now
	if ip != "" {
		device["lastAccessedAddress"] = ip
	}
	return true
}

// MaxAge is the token's remaining lifetime in whole seconds at now (epoch
// ms), never negative: the refresh_token cookie's Max-Age.
func (rt *RefreshToken) MaxAge(now int64) int {
	ms := rt.ExpirationInstant - now
	if ms <= 0 {
		return 0
	}
	return int(ms / 1000)
}

// RefreshTokenInfo is a refresh token as the API shows it (FusionAuth's
// RefreshToken without the token, which authcore does not keep).
type RefreshTokenInfo struct {
	ID            string         `json:"id"`
	ApplicationID string         `json:"applicationId"`
	InsertInstant int64          `json:"insertInstant"`
	StartInstant  int64          `json:"startInstant"`
	TenantID      string         `json:"tenantId,omitempty"`
	UserID        string         `json:"userId"`
	MetaData      map[string]any `json:"metaData,omitempty"`
}

// Info returns the API view of rt.
func (rt *RefreshToken) Info() RefreshTokenInfo {
	return RefreshTokenInfo{
		ID: rt.ID, ApplicationID: rt.ApplicationID, InsertInstant: rt.InsertInstant,
		StartInstant: rt.StartInstant, TenantID: rt.TenantID, UserID: rt.UserID, MetaData: rt.MetaData,
	}
}

// RefreshToken returns a refresh token by id; ErrNotFound when it is missing,
// revoked, or in another tenant than the request's.
func (e *Engine) RefreshToken(ctx context.Context, id string) (*RefreshToken, error) {
	rt, err := e.store.GetRefreshToken(ctx, strings.ToLower(id))
	if err != nil {
		return nil, err
	}
	if !inScope(ctx, rt.TenantID) {
		return nil, fmt.Errorf("authcore: refresh token %s: %w", id, ErrNotFound)
	}
	return rt, nil
}

// RefreshTokens lists a user's refresh tokens (expired ones included until
// they are used, revoked, or pruned by a store that prunes them, as memstore
// does). An unknown user, or one outside the request's tenant, has none.
func (e *Engine) RefreshTokens(ctx context.Context, userID string) ([]*RefreshToken, error) {
	all, err := e.store.ListRefreshTokens(ctx, strings.ToLower(userID))
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, rt := range all {
		if inScope(ctx, rt.TenantID) {
			out = append(out, rt)
		}
	}
	return out, nil
}

// RevokeRequest selects refresh tokens to revoke: one token by TokenID or by
// its value (Token), or every token of UserID, of ApplicationID, or of UserID
// in ApplicationID.
type RevokeRequest struct {
	TokenID       string
	UserID        string
	ApplicationID string
	Token         string
	// OwnerID, when set, is the user whose access token authenticated the
	// request instead of an API key (FusionAuth allows it for a single
	// token, by id or value): only a token of that user is revoked, another
	// is ErrNotFound, and a revocation by user or application is
	// ErrUnauthorized.
	OwnerID string
}

// RevokeRefreshTokens deletes the refresh tokens req selects and returns how
// many. A named token, user or application that does not exist (or is outside
// the request's tenant) is ErrNotFound; a user with no tokens is not an error.
// Access tokens already issued stay valid until they expire: they are not
// looked up on each use.
func (e *Engine) RevokeRefreshTokens(ctx context.Context, req RevokeRequest) (int, error) {
	if err := req.validate(); err != nil {
		return 0, err
	}
	// Ids are stored lower-cased; a client may send them in any case.
	req.TokenID, req.UserID, req.ApplicationID = strings.ToLower(req.TokenID), strings.ToLower(req.UserID), strings.ToLower(req.ApplicationID)
	var n int
	err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
		var err error
		if req.TokenID != "" || req.Token != "" {
			n, err = e.revokeOne(ctx, tx, req)
		} else {
			n, err = e.revokeAll(ctx, tx, req.UserID, req.ApplicationID)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	e.log.InfoContext(ctx, "refresh tokens revoked", "count", n, "refreshTokenId", req.TokenID, "userId", req.UserID, "applicationId", req.ApplicationID)
	return n, nil
}

// revokeOne revokes the single token req names by id or by value, which
// must be in the request's tenant and, for an access token's request, of
// its user.
func (e *Engine) revokeOne(ctx context.Context, tx Store, req RevokeRequest) (int, error) {
	var rt *RefreshToken
	var err error
	if req.TokenID != "" {
		rt, err = tx.GetRefreshToken(ctx, req.TokenID)
	} else {
		rt, err = tx.GetRefreshTokenByHash(ctx, hashRefreshToken(req.Token), false)
	}
	if err != nil {
		return 0, err
	}
	if !inScope(ctx, rt.TenantID) || (req.OwnerID != "" && rt.UserID != strings.ToLower(req.OwnerID)) {
		return 0, fmt.Errorf("authcore: refresh token: %w", ErrNotFound)
	}
	n, err := tx.DeleteRefreshTokens(ctx, rt.ID, "", "")
	if err != nil {
		return n, err
	}
	return n, e.emitRevoke(ctx, tx, []*RefreshToken{rt}, "", "") // refreshevents.go
}

// revokeAll revokes every token of userID, of applicationID, or of userID
// in applicationID, once the user and the application are held.
func (e *Engine) revokeAll(ctx context.Context, tx Store, userID, applicationID string) (int, error) {
	if userID != "" {
		if err := holdRevokedUser(ctx, tx, userID); err != nil {
			return 0, err
		}
	}
	if applicationID != "" {
		if err := holdRevokedApplication(ctx, tx, applicationID, userID == ""); err != nil {
			return 0, err
		}
	}
	revoked, err := e.tokensToRevoke(ctx, tx, userID, applicationID) // refreshevents.go
	if err != nil {
		return 0, err
	}
	n, err := tx.DeleteRefreshTokens(ctx, "", userID, applicationID)
	if err != nil {
		return n, err
	}
	return n, e.emitRevoke(ctx, tx, revoked, userID, applicationID)
}

// holdRevokedUser locks the user's tokens and then the user, who must be
// in the request's tenant. The tokens come first (on PostgreSQL every read
// in a transaction locks): a refresh or a token exchange holds its token
// and then reads its user, as a user's delete does. Holding the user
// first, the DELETE waited for such a token while its refresh waited for
// the user, a deadlock. tokensToRevoke lists them again once the user is
// held, when no token of the user can be created any more.
func holdRevokedUser(ctx context.Context, tx Store, userID string) error {
	if _, err := tx.ListRefreshTokens(ctx, userID); err != nil {
		return err
	}
	u, err := tx.GetUser(ctx, userID)
	if err != nil {
		return err
	}
	if !inScope(ctx, u.TenantID) {
		return fmt.Errorf("authcore: user: %w", ErrNotFound)
	}
	return nil
}

// holdRevokedApplication reads the application, which must be in the
// request's tenant, after locking its tokens unless they are the user's,
// locked already (lockTokens false).
func holdRevokedApplication(ctx context.Context, tx Store, applicationID string, lockTokens bool) error {
	// The application's tokens before the application, as its delete
	// locks them: each holding one and waiting for the other deadlocked.
	if l, ok := tx.(tokenLocker); ok && lockTokens {
		if err := l.LockApplicationTokens(ctx, applicationID); err != nil {
			return err
		}
	}
	// Shared where the store can (PostgreSQL): a refresh that holds one of
	// the tokens reads the application shared too, and would otherwise
	// wait for this lock while the DELETE waits for its token. The
	// application only has to exist and be in scope; a change to it still
	// waits.
	a, err := getApplicationShared(ctx, tx, applicationID) // login.go
	if err != nil {
		return err
	}
	if !inScope(ctx, a.TenantID) {
		return fmt.Errorf("authcore: application: %w", ErrNotFound)
	}
	return nil
}

// validate accepts the combinations FusionAuth's Revoke Refresh Tokens API
// documents and nothing else, so a typo cannot widen a revocation.
func (r RevokeRequest) validate() error {
	single := r.TokenID != "" || r.Token != ""
	if r.OwnerID != "" && !single {
		return fmt.Errorf("authcore: an access token revokes only a single refresh token: %w", ErrUnauthorized)
	}
	switch {
	case r.TokenID != "" && r.Token != "":
		return invalid("token", validation.KindInvalid, "Revoke a refresh token by its id or by its value, not both.")
	case single && (r.UserID != "" || r.ApplicationID != ""):
		return invalid("token", validation.KindInvalid, "A single refresh token is revoked by its id or value alone, without userId or applicationId.")
	case !single && r.UserID == "" && r.ApplicationID == "":
		// These are request parameters (the JSON body only repeats them):
		// an absent one is [missing], as SPEC §1 has it and as GET
		// /api/jwt/refresh answers without its userId.
		var v validation.Errors
		v.Field("userId", validation.KindMissing, "You must specify a tokenId, a token, a userId or an applicationId.")
		return &v
	}
	for name, id := range map[string]string{"tokenId": r.TokenID, "userId": r.UserID, "applicationId": r.ApplicationID} {
		if id != "" && !looksLikeUUID(id) {
			return invalid(name, validation.KindCouldNotConvert, fmt.Sprintf("Invalid [%s]: it must be a UUID.", name))
		}
	}
	return nil
}

func looksLikeUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range strings.ToLower(s) {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// tokenLocker is a store transaction that locks refresh tokens by
// application or by tenant (sqlstore on PostgreSQL, where a transaction's
// reads lock rows; SQLite and memstore run one write transaction at a time
// and need none). A refresh locks its token and then its tenant and
// application, so whoever locks those and then deletes their tokens locks
// the tokens first.
type tokenLocker interface {
	LockApplicationTokens(ctx context.Context, applicationID string) error
	LockTenantTokens(ctx context.Context, tenantID string) error
}
