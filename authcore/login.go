package authcore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/internal/redact"
	"github.com/authcore/authcore/linking"
	"github.com/authcore/authcore/validation"
)

// IdentityProviderLoginRequest is the body of POST
// /api/identity-provider/login (FusionAuth's "Complete the Twitter Login").
type IdentityProviderLoginRequest struct {
	// ApplicationID is the application to log into: its entry in the
	// provider's applicationConfiguration must be enabled.
	ApplicationID string `json:"applicationId"`
	// IdentityProviderID is twitter.ProviderID, Twitter's fixed id.
	IdentityProviderID string `json:"identityProviderId"`
	// Data holds what Twitter handed the app's browser leg:
	// "oauth_token" and "oauth_token_secret" (both required), and
	// "oauth_verifier" when they are a request token to exchange. Without a
	// verifier they are taken as an access token the app got itself.
	Data map[string]string `json:"data"`
	// IPAddress is the user's address, for the login record and events.
	// FusionAuth deprecates it, and metaData.device, for EventInfo: they
	// only fill what EventInfo leaves out.
	IPAddress string         `json:"ipAddress"`
	MetaData  *LoginMetaData `json:"metaData,omitempty"`
	// EventInfo is where the user's request came from (FusionAuth's login
	// requests are BaseEventRequests). Its ipAddress is the login's, over
	// IPAddress; its other fields go into the login's events, over
	// metaData.device and the HTTP request's User-Agent.
	EventInfo *EventInfo `json:"eventInfo,omitempty"`
	// NoJWT: log in without issuing an access token (or refresh token).
	NoJWT bool `json:"noJWT"`
	// NoLink: log in only through an existing link; a Twitter account that
	// has none is ErrNotFound, and nothing is created.
	NoLink bool `json:"noLink"`
}

// String describes r with the values of Data redacted: they are Twitter's
// token, its secret and the verifier, credentials an application that logs
// what it passes on must not write. The keys stay, to debug with.
func (r IdentityProviderLoginRequest) String() string {
	keys := make([]string, 0, len(r.Data))
	for k := range r.Data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var data strings.Builder
	for i, k := range keys {
		if i > 0 {
			data.WriteByte(' ')
		}
		data.WriteString(k + ":" + redact.Quoted(r.Data[k]))
	}
	return fmt.Sprintf("IdentityProviderLoginRequest{ApplicationID:%q IdentityProviderID:%q Data:map[%s] IPAddress:%q NoJWT:%t NoLink:%t}",
		r.ApplicationID, r.IdentityProviderID, data.String(), r.IPAddress, r.NoJWT, r.NoLink)
}

// Format makes every verb, %#v included, print String.
func (r IdentityProviderLoginRequest) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue is String for slog.
func (r IdentityProviderLoginRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// LoginMetaData is the request's metaData.
type LoginMetaData struct {
	Device *Device `json:"device,omitempty"`
}

// Device describes the device a login came from.
type Device struct {
	Description         string `json:"description,omitempty"`
	LastAccessedAddress string `json:"lastAccessedAddress,omitempty"`
	Name                string `json:"name,omitempty"`
	Type                string `json:"type,omitempty"`
}

// LoginStatus is the outcome of a login that authenticated someone. The
// values are FusionAuth's status codes, which carry the outcome on the wire.
type LoginStatus int

// Login statuses. When several apply, a login answers the first of 203,
// 242, 212, 213 and 202, else 200; 232 is the CreatePendingLink strategy's
// answer, with no user yet. Refusals such as an expired user are errors,
// not statuses.
const (
	LoginOK                      LoginStatus = 200
	LoginNotRegistered           LoginStatus = 202
	LoginPasswordChangeRequired  LoginStatus = 203
	LoginEmailNotVerified        LoginStatus = 212
	LoginRegistrationNotVerified LoginStatus = 213
	LoginPendingLink             LoginStatus = 232
	LoginTwoFactorRequired       LoginStatus = 242
)

// LoginResponse is FusionAuth's login response body plus the status. For
// LoginTwoFactorRequired, User is the user who must pass the second factor,
// for a Go caller that runs that step; the HTTP adapter does not send it.
type LoginResponse struct {
	Status LoginStatus `json:"-"`
	// RefreshTokenTTL is the refresh token's lifetime, for the cookie.
	RefreshTokenTTL time.Duration `json:"-"`

	Methods                []TwoFactorMethod `json:"methods,omitempty"`
	PendingIdPLinkID       string            `json:"pendingIdPLinkId,omitempty"`
	RefreshToken           string            `json:"refreshToken,omitempty"`
	RefreshTokenID         string            `json:"refreshTokenId,omitempty"`
	Token                  string            `json:"token,omitempty"`
	TokenExpirationInstant int64             `json:"tokenExpirationInstant,omitempty"`
	TwoFactorID            string            `json:"twoFactorId,omitempty"`
	User                   *User             `json:"user,omitempty"`
}

// Login refusals that are not validation errors. Each is matched with
// errors.Is; the HTTP adapter gives each its FusionAuth status code. An
// identity-provider refusal also wraps the *twitter.Error behind it (its
// operation and HTTP status, for errors.As) and, when one caused it, the
// context's error.
var (
	// ErrUserExpired: the user's account expired (410).
	ErrUserExpired = errors.New("authcore: user expired")
	// ErrLoginPrevented: the user may not log in: inactive (409).
	ErrLoginPrevented = errors.New("authcore: login prevented")
	// ErrIdentityProviderRefused: the identity provider refused the
	// credentials (401).
	ErrIdentityProviderRefused = errors.New("authcore: identity provider refused the login")
	// ErrIdentityProviderUnavailable: the identity provider could not be
	// asked, or answered garbage (401 too: the login cannot be completed).
	ErrIdentityProviderUnavailable = errors.New("authcore: identity provider unavailable")
)

// LambdaError is a reconcile function that failed or panicked (512).
type LambdaError struct {
	LambdaID string
	Err      error
}

func (e *LambdaError) Error() string {
	return fmt.Sprintf("authcore: lambda %s failed: %v", e.LambdaID, e.Err)
}

func (e *LambdaError) Unwrap() error { return e.Err }

// PendingLinkTTL is how long a pending link waits to be completed.
const PendingLinkTTL = time.Hour

// loginAttempts bounds the re-runs of a login transaction that lost a
// uniqueness race: the re-run reads the winner's rows and links to them.
const loginAttempts = 5

// IdentityProviderLogin completes a Twitter login: it asks Twitter who the
// user is, decides by the provider's linking strategy, writes the user,
// registration, link and login record in one transaction, and issues the
// tokens. It needs no API key (the HTTP route is anonymous); a scope in ctx
// (WithScope) only narrows which applications it finds.
//
// A login that authenticated someone returns a LoginResponse whose Status
// is FusionAuth's status code (LoginOK, LoginNotRegistered, …; see
// LoginStatus), LoginPendingLink with PendingIdPLinkID under the
// CreatePendingLink strategy. A refused one returns an error and writes
// nothing but its event-log entry and events:
//
//   - a *ValidationError for the request ([blank] or [couldNotConvert]
//     applicationId, identityProviderId, data.oauth_token,
//     data.oauth_token_secret; [invalid]applicationId for an application
//     that is unknown, inactive or outside the scope; without a verifier,
//     [invalid] or [tooLong] data.oauth_token and data.oauth_token_secret
//     for an access token that cannot be Twitter's: not storable text,
//     white space around it, over twitter.MaxCredentialLength bytes), for a
//     provider that
//     is unknown, disabled or not enabled for the application (general
//     [InvalidIdentityProviderId]), for the linking rules
//     ([ExternalAuthenticationException]MissingEmail, …MissingUsername,
//     …ExistingUserAlreadyLinked, [LinkCountExceeded]) and for a username
//     CleanSpeak rejects ([moderationRejected]);
//   - ErrNotFound when the strategy finds no user to link and creates none
//     (Disabled, the …ForExistingUser strategies, NoLink);
//   - ErrIdentityProviderRefused or ErrIdentityProviderUnavailable when
//     Twitter said no or did not answer (both wrap the *twitter.Error);
//   - ErrUserExpired, ErrLoginPrevented (an inactive user), and a
//     *LambdaError when the reconcile function failed.
//
// The HTTP adapter answers these 400, 404, 401, 410, 409 and 512.
func (e *Engine) IdentityProviderLogin(ctx context.Context, req IdentityProviderLoginRequest) (*LoginResponse, error) {
	if err := validateLogin(req); err != nil {
		return nil, err
	}
	if req.EventInfo != nil && req.EventInfo.IPAddress != "" {
		// FusionAuth's BaseLoginRequest.normalize: the deprecated ipAddress
		// only fills an eventInfo without one.
		req.IPAddress = req.EventInfo.IPAddress
	}
	// One snapshot of the configuration (configcache.go) serves the whole
	// login, its token's signing key included.
	cfg := e.configSnapshot(ctx)
	app, provider, eff, tenant, err := e.loginConfig(ctx, cfg, req)
	if err != nil {
		return nil, err
	}

	tok, tuser, raw, err := e.twitter.Login(ctx, eff.Consumer(), req.Data["oauth_token"], twitter.Secret(req.Data["oauth_token_secret"]), req.Data["oauth_verifier"])
	if err != nil {
		kind := ErrIdentityProviderUnavailable
		if errors.Is(err, twitter.ErrRefused) {
			kind = ErrIdentityProviderRefused
		}
		// A caller gone while Twitter was asked (a closed browser) is no
		// failure an operator or a subscriber can act on: recorded, each
		// abandoned login read as Twitter being down.
		if !errors.Is(ctx.Err(), context.Canceled) {
			e.writeEventLog(ctx, EventLogError, "Twitter login for application [%s] failed: %v", app.ID, err)
			e.emitTwitterRefusal(ctx, req, app, kind) // loginevents.go
		}
		// Both wrapped: a Go caller may want the *twitter.Error (its Op and
		// Status) or the context error behind an unavailable Twitter.
		return nil, fmt.Errorf("%w: %w", kind, err)
	}
	if eff.Debug {
		e.writeEventLog(ctx, EventLogDebug, "Twitter login for application [%s]: Twitter user id [%s], screen name [%s], email present [%t], linking strategy [%s].", app.ID, tuser.IDStr, tuser.ScreenName, tuser.Email != "", eff.LinkingStrategy)
	}
	lg := &login{
		engine: e, req: req, app: app, tenant: tenant, provider: provider, eff: eff,
		token: tok, tuser: tuser, raw: raw, cfg: cfg,
		mod: e.newModeration(ctx, cfg), // moderation.go
	}
	resp, err := lg.runAttempts(ctx)
	if err != nil {
		return nil, err
	}
	if eff.Debug {
		e.writeEventLog(ctx, EventLogDebug, "Twitter login for application [%s] completed with status [%d].", app.ID, resp.Status)
	}
	return resp, nil
}

// loginConfig reads what a login needs before Twitter is asked: the
// application (active, and in the request's scope), the provider as it
// applies to it, and its tenant. They are shared with other logins while
// the store's configuration does not change (configcache.go): read them,
// never modify them.
func (e *Engine) loginConfig(ctx context.Context, cfg *configSnapshot, req IdentityProviderLoginRequest) (app *Application, provider *twitter.Provider, eff twitter.Effective, tenant *Tenant, err error) {
	app, err = e.sharedApplication(ctx, cfg, strings.ToLower(req.ApplicationID))
	if err != nil || !inScope(ctx, app.TenantID) || !app.Active {
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, nil, twitter.Effective{}, nil, err
		}
		// A deactivated application is closed to logins, as refresh and
		// IssueJWT refuse it too.
		return nil, nil, twitter.Effective{}, nil, errLoginApplication()
	}
	provider, err = e.sharedProvider(ctx, cfg, strings.ToLower(req.IdentityProviderID))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, nil, twitter.Effective{}, nil, err
	}
	ok := false
	if provider != nil {
		eff, ok = provider.ForApplication(app.ID)
	}
	if !ok {
		return nil, nil, twitter.Effective{}, nil, general("[InvalidIdentityProviderId]", "The identity provider is unknown, disabled, or not enabled for this application.")
	}
	tenant, err = e.sharedTenant(ctx, cfg, app.TenantID)
	if err != nil {
		return nil, nil, twitter.Effective{}, nil, err
	}
	return app, provider, eff, tenant, nil
}

// runAttempts runs the login's transaction until it commits, again after a
// uniqueness race or a conflict (loginAttempts in all), and sends the
// refusal events of a login that fails.
func (lg *login) runAttempts(ctx context.Context) (*LoginResponse, error) {
	lastClash := ""
	for attempt := 1; ; attempt++ {
		resp, err := lg.run(ctx)
		if err == nil {
			return resp, nil
		}
		// A user's email or username that clashes again after a re-read
		// is no race: another user holds the Twitter account's email or
		// screen name (or the reconcile lambda chose one that is taken).
		// Retrying cannot help; say which property.
		var dup *DuplicateError
		if errors.As(err, &dup) && (dup.Field == "email" || dup.Field == "username") {
			if dup.Field == lastClash {
				err = userStoreError(err)
				lg.emitRefusal(ctx, err)
				return nil, err
			}
			lastClash = dup.Field
		}
		// A concurrent first login of the same account won a uniqueness race:
		// run again, and find what it wrote.
		if attempt < loginAttempts && !lg.committed && (errors.Is(err, ErrDuplicate) || errors.Is(err, ErrConflict)) {
			continue
		}
		var le *LambdaError
		if errors.As(err, &le) {
			lg.engine.writeEventLog(ctx, EventLogError, "Twitter reconcile lambda [%s] failed for application [%s]: %v", le.LambdaID, lg.app.ID, le.Err)
		}
		if errors.Is(err, ErrDuplicate) {
			// Still losing after every retry: tell the client to retry rather
			// than call it a server error.
			return nil, fmt.Errorf("%w: %v", ErrConflict, err)
		}
		if !lg.committed {
			// A failure after the commit (signing the token) is no
			// refusal: the login's user.login.success went with it.
			lg.emitRefusal(ctx, err) // loginevents.go
		}
		return nil, err
	}
}

func validateLogin(req IdentityProviderLoginRequest) error {
	var errs ValidationError
	if strings.TrimSpace(req.ApplicationID) == "" {
		errs.Blank("applicationId")
	} else if !isUUID(req.ApplicationID) {
		errs.Field("applicationId", "couldNotConvert", "The [applicationId] property must be a UUID.")
	}
	if strings.TrimSpace(req.IdentityProviderID) == "" {
		errs.Blank("identityProviderId")
	} else if !isUUID(req.IdentityProviderID) {
		errs.Field("identityProviderId", "couldNotConvert", "The [identityProviderId] property must be a UUID.")
	}
	if strings.TrimSpace(req.Data["oauth_token"]) == "" {
		errs.Blank("data.oauth_token")
	}
	if strings.TrimSpace(req.Data["oauth_token_secret"]) == "" {
		errs.Blank("data.oauth_token_secret")
	}
	if req.Data["oauth_verifier"] == "" {
		// Without a verifier the pair is the access token the link will
		// keep: held to the rule Twitter's exchange answer is held to
		// (twitter.CheckCredential), so that one Twitter
		// would refuse anyway is refused without asking it.
		// The paths are constants: joined here, they cost a repeat login
		// two allocations.
		checkAccessCredential(&errs, "data.oauth_token", req.Data["oauth_token"])
		checkAccessCredential(&errs, "data.oauth_token_secret", req.Data["oauth_token_secret"])
	}
	return errs.Err()
}

// checkAccessCredential records why v, a non-blank access token or secret
// a login request brings, is no Twitter credential: not storable text,
// white space around it, or over twitter.MaxCredentialLength bytes.
func checkAccessCredential(errs *ValidationError, path, v string) {
	if strings.TrimSpace(v) == "" {
		return // blank, recorded as such
	}
	switch twitter.CheckCredential(v) {
	case twitter.CredentialNotStorable:
		errs.NotStorable(path, v)
	case twitter.CredentialPadded:
		errs.Field(path, validation.KindInvalid, "The ["+path+"] property may not begin or end with white space.")
	case twitter.CredentialTooLong:
		errs.Field(path, validation.KindTooLong, fmt.Sprintf("The [%s] property may hold at most %d bytes.", path, twitter.MaxCredentialLength))
	}
}

// login is one login's state between Twitter's answer and the store.
type login struct {
	engine   *Engine
	req      IdentityProviderLoginRequest
	app      *Application
	tenant   *Tenant
	provider *twitter.Provider
	eff      twitter.Effective
	token    twitter.Token
	tuser    twitter.User
	// raw is Twitter's verify_credentials answer; claims is it decoded, for
	// a reconcile function only (see reconcileClaims).
	raw           []byte
	claims        map[string]any
	claimsDecoded bool
	// tokenReq is set by a transaction that ends in a token.
	tokenReq *TokenRequest
	mod      *moderation     // moderation.go
	cfg      *configSnapshot // configcache.go; nil reads the store
	// committed: the login's transaction committed, so a later failure
	// (the access token's) must not run it again.
	committed bool
	// user is the stored user the last attempt resolved, as stored, for
	// user.login.failed; nil when the attempt resolved none or was to create
	// one (a refused login stores nobody).
	user       *User
	storedUser User // what user points to
	// linkIn and candidateIn are what linking.Input points to, kept here
	// so that building it in linkingInput allocates nothing.
	linkIn      linking.Link
	candidateIn linking.Candidate
	// registered: user has a registration for app, as stored; only then
	// does user.login.failed name the application.
	registered bool
	// newUserID is the id of the user the login creates, the same in
	// every run of the transaction: CleanSpeak is told it (the sender) in
	// a run that ends to ask it.
	newUserID string
	// newRegID and now are the id of the registration the login creates
	// and the login's instant, the same in every run of one attempt's
	// transaction (run), so that a run again for a moderation decision
	// gives a reconcile function what the first run gave it.
	newRegID string
	now      int64
	// reconciled is the reconcile function's result in this attempt's first
	// run, with what it was given (moderation on only): see reconcileOnce.
	reconciled *reconcileMemo
}

// run is one attempt: everything it writes commits together or not at all.
//
// The access token is signed after the commit: signing (1.5 ms for RS256)
// inside the transaction would hold the store's locks for nothing, since the
// token writes no row. A signing failure after the commit leaves a complete
// login without a token, never a partial one.
func (lg *login) run(ctx context.Context) (*LoginResponse, error) {
	e := lg.engine
	var resp *LoginResponse
	lg.tokenReq = nil
	lg.now, lg.newRegID, lg.reconciled = e.instant(), "", nil
	err := e.withModeration(ctx, lg.mod, func() error { // moderation.go
		return e.store.InTx(ctx, func(ctx context.Context, tx Store) error {
			var err error
			resp, err = lg.apply(ctx, tx)
			return err
		})
	})
	if err != nil || lg.tokenReq == nil {
		return resp, err
	}
	lg.committed = true
	// The login is committed: a lost race creating the tenant's first key
	// retries the token alone, not the login (which would store a second
	// refresh token and login record).
	err = retryConflicts(ctx, func() error {
		var err error
		resp.Token, resp.TokenExpirationInstant, err = e.issueAccessToken(ctx, e.store, lg.cfg, *lg.tokenReq)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		// The tenant's first token makes its signing key, in a transaction
		// that reads the tenant again: the tenant was deleted since the
		// commit, and with it everything the login wrote. Answered as a
		// tenant deleted before the commit is (vanished), not as the bare
		// not-found that says "no such user" on this route.
		return nil, errLoginApplication()
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// apply is one run of the login's transaction: decide the link, find or
// make the user and the registration, let reconcile and moderation have
// their say, store, and answer.
func (lg *login) apply(ctx context.Context, tx Store) (*LoginResponse, error) {
	lg.user, lg.registered = nil, false
	strategy := linking.Strategy(lg.eff.LinkingStrategy)
	in, existing, candidate, err := lg.linkingInput(ctx, tx, strategy)
	if err != nil {
		return nil, err
	}
	outcome := linking.Decide(in)
	switch outcome.Action {
	case linking.Refuse:
		return nil, refusal(outcome.Reason)
	case linking.CreatePending:
		return lg.createPending(ctx, tx, lg.now)
	}
	user, err := lg.resolveUser(ctx, tx, outcome, existing, candidate, strategy)
	if err != nil {
		return nil, err
	}
	created := outcome.Action == linking.CreateUserAndLink
	regs, reg, newReg, err := lg.registration(ctx, tx, user, created, strategy)
	if err != nil {
		return nil, err
	}
	reconciled, err := lg.reconcile(ctx, user, reg, strategy)
	if err != nil {
		return nil, err
	}
	if status := refusedStatus(user, lg.now); status != nil {
		return nil, status
	}
	if err := lg.engine.moderateLogin(ctx, tx, lg.mod, user, created, reg, newReg, reconciled); err != nil {
		return nil, err
	}
	if err := lg.store(ctx, tx, user, created, reg, newReg); err != nil {
		return nil, err
	}
	if err := lg.emitLogin(ctx, tx, outcome.Action, user, reg, newReg, lg.now); err != nil { // loginevents.go
		return nil, err
	}
	if newReg {
		regs = append(regs, reg)
	}
	return lg.respond(ctx, tx, user, regs, reg)
}

// linkingInput gathers what linking.Decide needs: the link of this Twitter
// account, and the user a linking strategy would link it to.
func (lg *login) linkingInput(ctx context.Context, tx Store, strategy linking.Strategy) (in linking.Input, existing *IdentityProviderLink, candidate *User, err error) {
	providerID := twitter.ProviderID
	tenantID := lg.tenant.ID
	in = linking.Input{
		Strategy: strategy,
		Claims:   linking.Claims{ProviderUserID: lg.tuser.IDStr, Email: lg.tuser.Email, Username: lg.tuser.ScreenName},
		NoLink:   lg.req.NoLink,
	}
	limitOn, max := lg.provider.LinkPolicy(tenantID)
	in.Policy = linking.Policy{LimitEnabled: limitOn, MaximumLinks: max}

	existing, err = tx.GetLink(ctx, tenantID, providerID, lg.tuser.IDStr)
	switch {
	case err == nil:
		lg.linkIn = linking.Link{UserID: existing.UserID, ProviderUserID: existing.IdentityProviderUserID}
		in.Existing = &lg.linkIn
		return in, existing, nil, nil
	case !errors.Is(err, ErrNotFound):
		return in, nil, nil, err
	}
	// A login without a link locks its provider shared (as a link's
	// creation does) before it looks for a user to link or creates
	// one: before the user's lock, the user's insert (a key-share lock
	// on the tenant) and the registration's read (the application). A
	// tenant's or application's delete locks the providers first and
	// then the tenant, its users or the application: locked only by
	// the link's foreign key, after those, the provider was held by a
	// delete that waited for what the login held, a deadlock on
	// PostgreSQL (TestDeleteTenantDuringFirstLogin, both of its cases,
	// and TestDeleteApplicationDuringFirstLogin). Only a login without a link
	// pays the statement, and only on PostgreSQL.
	if l, ok := tx.(providerLocker); ok {
		if err := l.LockIdentityProviderShared(ctx, providerID); err != nil {
			return in, nil, nil, err
		}
	}
	err = nil
	switch strategy.Lookup() {
	case linking.LookupEmail:
		if lg.tuser.Email != "" {
			candidate, err = tx.GetUserByEmail(ctx, tenantID, lg.tuser.Email)
		}
	case linking.LookupUsername:
		if lg.tuser.ScreenName != "" {
			candidate, err = tx.GetUserByUsername(ctx, tenantID, lg.tuser.ScreenName)
		}
	}
	if errors.Is(err, ErrNotFound) {
		return in, nil, nil, nil
	}
	if err != nil {
		return in, nil, nil, err
	}
	if candidate != nil {
		// The candidate's read above locked the user: its links are
		// read without a lock of their own (links.go).
		links, err := listLinksUnderUserLock(ctx, tx, candidate.ID, providerID)
		if err != nil {
			return in, nil, nil, err
		}
		lg.candidateIn = linking.Candidate{UserID: candidate.ID}
		for _, l := range links {
			lg.candidateIn.Links = append(lg.candidateIn.Links, linking.Link{UserID: l.UserID, ProviderUserID: l.IdentityProviderUserID})
		}
		in.Candidate = &lg.candidateIn
	}
	return in, nil, candidate, nil
}

// resolveUser carries out linking's outcome up to the user: the link
// updated or made, or a new user (stored later, by store, once reconcile and
// moderation have had their say: one insert instead of an insert and an
// update). Twitter's profile fills what the user does not have yet.
func (lg *login) resolveUser(ctx context.Context, tx Store, outcome linking.Outcome, existing *IdentityProviderLink, candidate *User, strategy linking.Strategy) (*User, error) {
	var user *User
	var err error
	switch outcome.Action {
	case linking.UseExistingLink:
		if existing == nil {
			// linking found the link among the candidate's links: another
			// login wrote it after this transaction's first read.
			if existing, err = tx.GetLink(ctx, lg.tenant.ID, twitter.ProviderID, lg.tuser.IDStr); err != nil {
				if errors.Is(err, ErrNotFound) {
					return nil, fmt.Errorf("authcore: link appeared and vanished: %w", ErrConflict)
				}
				return nil, err
			}
		}
		if user, err = tx.GetUser(ctx, outcome.UserID); err != nil {
			return nil, err
		}
		existing.Token = lg.token.Token
		existing.Data = mergeData(existing.Data, map[string]any{"oauth_token_secret": lg.token.Secret.Reveal()})
		existing.DisplayName = lg.displayName()
		existing.LastLoginInstant = lg.now
		if err := tx.UpdateLink(ctx, existing); err != nil {
			return nil, err
		}
	case linking.LinkExistingUser:
		user = candidate
		if err := tx.CreateLink(ctx, lg.newLink(user.ID, lg.now)); err != nil {
			return nil, lg.vanished(ctx, tx, err)
		}
	case linking.CreateUserAndLink:
		user = lg.newUser(lg.now, strategy)
	default:
		return nil, fmt.Errorf("authcore: unknown linking outcome %v", outcome)
	}
	if outcome.Action != linking.CreateUserAndLink {
		// A copy in the login's own storage: no allocation on every login
		// for an event that only a refused one sends.
		lg.storedUser = *user
		lg.user = &lg.storedUser
	}
	if strategy != linking.LinkAnonymously {
		if user.FullName == "" {
			user.FullName = twitterFullName(lg.tuser.Name)
		}
		if user.ImageURL == "" {
			user.ImageURL = twitterImageURL(lg.tuser.ProfileImageURLHTTPS)
		}
	}
	return user, nil
}

// registration reads the user's registrations and finds the one for the
// login's application, or makes it (newReg) when the application's
// configuration says to. One read of all the registrations serves both the
// decision and the response (user.registrations); a user created just now
// has none to read.
func (lg *login) registration(ctx context.Context, tx Store, user *User, created bool, strategy linking.Strategy) (regs []*UserRegistration, reg *UserRegistration, newReg bool, err error) {
	if !created {
		if regs, err = tx.ListRegistrations(ctx, user.ID); err != nil {
			return nil, nil, false, err
		}
	}
	for _, r := range regs {
		if r.ApplicationID == lg.app.ID {
			reg = r
			break
		}
	}
	lg.registered = reg != nil
	if reg != nil {
		return regs, reg, false, nil
	}
	if !lg.eff.CreateRegistration {
		// The user stays unregistered (202): nothing the login writes
		// names the application, so no store refuses it when the
		// application was deleted after lg.app was read, and the token
		// would be for an application gone. Read it here, as a new
		// registration's default roles are (a shared lock on PostgreSQL
		// keeps its delete out until the commit); only this path pays.
		if _, err := lg.currentApplication(ctx, tx); err != nil {
			return nil, nil, false, err
		}
		return regs, nil, false, nil
	}
	// The default roles as stored now, read (and on PostgreSQL locked) in
	// this transaction: lg.app was read before Twitter answered, and a role
	// deleted or renamed since is already gone from every registration the
	// change could see. Without default roles in lg.app there is no role to
	// go stale, and the read (a statement on the SQL stores) is saved.
	app := lg.app
	if len(DefaultRoles(lg.app)) > 0 {
		if app, err = lg.currentApplication(ctx, tx); err != nil {
			return nil, nil, false, err
		}
	}
	if lg.newRegID == "" {
		lg.newRegID = lg.engine.newID()
	}
	now := lg.now
	reg = &UserRegistration{
		ID: lg.newRegID, ApplicationID: lg.app.ID, UserID: user.ID,
		Roles: DefaultRoles(app), Username: lg.tuser.ScreenName,
		InsertInstant: now, LastUpdateInstant: now,
		// As Register does: verified unless the application asks for
		// verification.
		Verified: !lg.app.VerifyRegistration,
	}
	if reg.Verified {
		reg.VerifiedInstant = now
	}
	if strategy == linking.LinkAnonymously {
		// An anonymous user carries nothing of the Twitter account, its
		// screen name included.
		reg.Username = ""
	}
	if reg.Username != "" {
		reg.UsernameStatus = "ACTIVE"
	}
	return regs, reg, true, nil
}

// reconcile runs the reconcile function, if the provider names one, on the
// user and registration as they will be stored; it may change them (never
// for LinkAnonymously), but not move them.
func (lg *login) reconcile(ctx context.Context, user *User, reg *UserRegistration, strategy linking.Strategy) (bool, error) {
	id := lg.eff.ReconcileID
	if id == "" || strategy == linking.LinkAnonymously {
		return false, nil
	}
	userID, userTenant := user.ID, user.TenantID
	var regID string
	if reg != nil {
		regID = reg.ID
	}
	// lg.storedUser, which a refused login's event carries, shares the
	// user's maps and slices: the function gets copies to edit, so that an
	// edit it makes before failing is not reported as stored.
	*user = cloneUser(*user)
	if err := lg.reconcileOnce(ctx, id, user, reg); err != nil {
		return false, err
	}
	// Reconcile may not move the user or the registration: another id
	// would write over another user, another tenant escape this one, and a
	// registration's id is kept as PUT and PATCH keep it (another's would
	// only fail the store's unique index, on every retry).
	user.ID, user.TenantID = userID, userTenant
	if reg != nil {
		reg.ID, reg.UserID, reg.ApplicationID = regID, user.ID, lg.app.ID
	}
	return true, nil
}

// store writes the login: the user (created with its link, or updated), the
// registration, and the login record.
func (lg *login) store(ctx context.Context, tx Store, user *User, created bool, reg *UserRegistration, newReg bool) error {
	now := lg.now
	user.LastLoginInstant = now
	user.LastUpdateInstant = now
	if created {
		if err := tx.CreateUser(ctx, user); err != nil {
			return lg.vanished(ctx, tx, err)
		}
		if err := tx.CreateLink(ctx, lg.newLink(user.ID, now)); err != nil {
			return lg.vanished(ctx, tx, err)
		}
	} else if err := tx.UpdateUser(ctx, user); err != nil {
		return err
	}
	if reg != nil {
		reg.LastLoginInstant = now
		var err error
		if newReg {
			err = tx.CreateRegistration(ctx, reg)
		} else {
			err = tx.UpdateRegistration(ctx, reg)
		}
		if err != nil {
			return lg.vanished(ctx, tx, err)
		}
	}
	return tx.CreateLoginRecord(ctx, lg.loginRecord(user.ID, now))
}

// respond makes the login's answer: its status, the user with its
// registrations, and unless the status or noJWT says otherwise a refresh
// token (stored in tx) and the request for the access token the caller
// signs after the commit (lg.tokenReq).
func (lg *login) respond(ctx context.Context, tx Store, user *User, regs []*UserRegistration, reg *UserRegistration) (*LoginResponse, error) {
	resp := &LoginResponse{Status: loginStatus(lg.tenant, lg.app, user, reg)}
	user.Registrations = derefRegistrations(regs)
	resp.User = user
	switch resp.Status {
	case LoginTwoFactorRequired:
		resp.TwoFactorID = lg.engine.newID()
		resp.Methods = user.TwoFactor.Methods
		return resp, nil
	case LoginPasswordChangeRequired:
		return resp, nil
	}
	if lg.req.NoJWT {
		return resp, nil
	}
	if reg != nil && lg.app.LoginConfiguration.GenerateRefreshTokens {
		plain, rt, err := lg.engine.CreateRefreshToken(ctx, tx, lg.tenant, lg.app, user, lg.deviceMeta())
		if err != nil {
			return nil, err
		}
		resp.RefreshToken, resp.RefreshTokenID = plain, rt.ID
		resp.RefreshTokenTTL = time.Duration(rt.ExpirationInstant-rt.InsertInstant) * time.Millisecond
	}
	lg.tokenReq = &TokenRequest{
		Tenant: lg.tenant, Application: lg.app, User: user, Registration: reg,
		AuthenticationType: AuthenticationTypeTwitter, RefreshTokenID: resp.RefreshTokenID,
	}
	return resp, nil
}

// refusal turns a linking refusal into the error FusionAuth answers with.
func refusal(r linking.Reason) error {
	switch r {
	case linking.ReasonMissingEmail:
		return general("[ExternalAuthenticationException]MissingEmail", "The identity provider did not return an email address, which this linking strategy needs.")
	case linking.ReasonMissingUsername:
		return general("[ExternalAuthenticationException]MissingUsername", "The identity provider did not return a username, which this linking strategy needs.")
	case linking.ReasonExistingUserAlreadyLinked:
		return general("[ExternalAuthenticationException]ExistingUserAlreadyLinked", "The user is already linked to another account of this identity provider.")
	case linking.ReasonLinkCountExceeded:
		return general("[LinkCountExceeded]", "The user has reached the tenant's limit of links to this identity provider.")
	default:
		return fmt.Errorf("authcore: no user for this login: %w", ErrNotFound)
	}
}

// applicationSharer is a store transaction that can read an application
// under a lock that keeps changes to it out but not other such reads
// (sqlstore: FOR SHARE on PostgreSQL, where its other reads in a transaction
// lock FOR UPDATE).
type applicationSharer interface {
	GetApplicationShared(ctx context.Context, id string) (*Application, error)
}

// getApplicationShared reads an application under a shared lock where the
// store has one (applicationSharer), else with GetApplication: a change to
// the application must not slip between the read and the commit, but
// readers need not wait for each other (first logins of one application
// reading its default roles; a revocation and a refresh of its tokens,
// each of which may hold what the other waits for).
func getApplicationShared(ctx context.Context, tx Store, id string) (*Application, error) {
	if sh, ok := tx.(applicationSharer); ok {
		return sh.GetApplicationShared(ctx, id)
	}
	return tx.GetApplication(ctx, id)
}

// currentApplication reads the login's application again, in its
// transaction and shared (getApplicationShared): one deleted after lg.app
// was read refuses the login as one gone from the start.
func (lg *login) currentApplication(ctx context.Context, tx Store) (*Application, error) {
	app, err := getApplicationShared(ctx, tx, lg.app.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, errLoginApplication()
	}
	return app, err
}

// reconcileMemo is what a reconcile function was given and what it made of
// it, as deep copies.
type reconcileMemo struct {
	inUser, outUser User
	inReg, outReg   *UserRegistration // nil when the login writes no registration
}

// reconcileOnce runs the reconcile function id on user and reg once per
// attempt: a run of the transaction again for a moderation decision
// (withModeration) that gives it the same user and registration takes its
// first answer instead of calling it again, as FusionAuth invokes the
// lambda once per login. Called in every run, a function that makes a
// username up (a random or counted suffix) had CleanSpeak asked about a new
// username each time, for content items nothing kept, until the runs ran
// out and the login failed with a 500. A user or registration that changed
// meanwhile is a new input, and the function is called again.
func (lg *login) reconcileOnce(ctx context.Context, id string, user *User, reg *UserRegistration) error {
	if m := lg.reconciled; m != nil && reflect.DeepEqual(m.inUser, *user) && reflect.DeepEqual(m.inReg, reg) {
		*user = cloneUser(m.outUser)
		if reg != nil {
			*reg = cloneRegistration(*m.outReg)
		}
		return nil
	}
	var memo *reconcileMemo
	if lg.mod != nil && lg.mod.on {
		// Only moderation runs the transaction again within one attempt.
		memo = &reconcileMemo{inUser: cloneUser(*user)}
		if reg != nil {
			r := cloneRegistration(*reg)
			memo.inReg = &r
		}
	}
	if err := lg.engine.reconcile(ctx, id, user, reg, lg.reconcileClaims()); err != nil {
		return err
	}
	if memo != nil {
		memo.outUser = cloneUser(*user)
		if reg != nil {
			r := cloneRegistration(*reg)
			memo.outReg = &r
		}
		lg.reconciled = memo
	}
	return nil
}

// cloneUser deep-copies u: nothing of the copy is shared with u.
func cloneUser(u User) User {
	u.Data = cloneJSONMap(u.Data)
	u.PreferredLanguages = slices.Clone(u.PreferredLanguages)
	if u.TwoFactor != nil {
		tf := *u.TwoFactor
		tf.Methods = slices.Clone(tf.Methods)
		u.TwoFactor = &tf
	}
	if u.Registrations != nil {
		regs := make([]UserRegistration, len(u.Registrations))
		for i, r := range u.Registrations {
			regs[i] = cloneRegistration(r)
		}
		u.Registrations = regs
	}
	return u
}

// cloneRegistration deep-copies r.
func cloneRegistration(r UserRegistration) UserRegistration {
	r.Roles = slices.Clone(r.Roles)
	r.Data = cloneJSONMap(r.Data)
	r.PreferredLanguages = slices.Clone(r.PreferredLanguages)
	return r
}

// refusedStatus is the part of the status precedence that stops a login.
func refusedStatus(u *User, now int64) error {
	if u.Expiry != 0 && u.Expiry <= now {
		return ErrUserExpired
	}
	if !u.Active {
		return ErrLoginPrevented
	}
	return nil
}

// loginStatus is the rest of the status precedence (the Login statuses).
func loginStatus(t *Tenant, app *Application, u *User, reg *UserRegistration) LoginStatus {
	switch {
	case u.PasswordChangeRequired:
		return LoginPasswordChangeRequired
	case u.TwoFactor != nil && len(u.TwoFactor.Methods) > 0:
		return LoginTwoFactorRequired
	case t.EmailConfiguration.VerifyEmail && u.Email != "" && !u.Verified:
		// A user without an email address has none to verify (the User
		// API creates such a user verified).
		return LoginEmailNotVerified
	case reg != nil && app.VerifyRegistration && !reg.Verified:
		return LoginRegistrationNotVerified
	case reg == nil:
		return LoginNotRegistered
	}
	return LoginOK
}

// reconcileClaims decodes Twitter's answer into the map a reconcile function
// gets, once per login, and only for logins that run one: decoding it into a
// map for every login was a sizeable share of the engine's own CPU time
// (docs/PERFORMANCE.md).
func (lg *login) reconcileClaims() map[string]any {
	if !lg.claimsDecoded {
		lg.claimsDecoded = true
		if err := unmarshalNumbers(lg.raw, &lg.claims); err != nil {
			lg.claims = map[string]any{}
		}
	}
	return lg.claims
}

func (lg *login) displayName() string {
	if lg.tuser.Email != "" {
		return lg.tuser.Email
	}
	return lg.tuser.ScreenName
}

func (lg *login) newLink(userID string, now int64) *IdentityProviderLink {
	return &IdentityProviderLink{
		Data:                   map[string]any{"oauth_token_secret": lg.token.Secret.Reveal()},
		DisplayName:            lg.displayName(),
		IdentityProviderID:     twitter.ProviderID,
		IdentityProviderName:   twitter.TypeName,
		IdentityProviderType:   twitter.TypeName,
		IdentityProviderUserID: lg.tuser.IDStr,
		InsertInstant:          now,
		LastLoginInstant:       now,
		TenantID:               lg.tenant.ID,
		Token:                  lg.token.Token,
		UserID:                 userID,
	}
}

// newUser builds the user a login creates. An email from Twitter counts as
// verified: Twitter returns only confirmed addresses (include_email).
func (lg *login) newUser(now int64, s linking.Strategy) *User {
	if lg.newUserID == "" {
		lg.newUserID = lg.engine.newID()
	}
	// Verified: Twitter's email is one Twitter verified, and a user without
	// an email has nothing to verify, as the User API has it.
	u := &User{
		ID: lg.newUserID, TenantID: lg.tenant.ID, Active: true,
		InsertInstant: now, LastUpdateInstant: now,
		Verified: true, VerifiedInstant: now,
	}
	if s != linking.LinkAnonymously {
		u.Email = lg.tuser.Email
		if s.Lookup() == linking.LookupUsername {
			u.Username = lg.tuser.ScreenName
			u.UsernameStatus = "ACTIVE"
		}
		u.FullName = twitterFullName(lg.tuser.Name)
		u.ImageURL = twitterImageURL(lg.tuser.ProfileImageURLHTTPS)
	}
	return u
}

// twitterFullName is Twitter's name as storable text: a name holding
// U+0000 (or bytes that are not UTF-8) was stored as it came, and every
// later PUT of that user as GET returned it was refused. The rest of the
// name is worth keeping, so the character is dropped, not the name.
func twitterFullName(s string) string {
	return validation.MakeStorable(s)
}

// twitterImageURL is Twitter's profile image URL when it is a URI, as the
// User API requires of user.imageUrl, else "": a user stored with one that
// is not would fail every later PUT of what GET returned.
func twitterImageURL(s string) string {
	if !validation.IsURI(s) {
		return ""
	}
	return s
}

func (lg *login) createPending(ctx context.Context, tx Store, now int64) (*LoginResponse, error) {
	// The pending link names the application, but no store holds it to
	// one: an application deleted after lg.app was read is looked for
	// here, and the login refused as one gone from the start.
	if _, err := lg.currentApplication(ctx, tx); err != nil {
		return nil, err
	}
	p := &PendingLink{
		ID: lg.engine.newID(), TenantID: lg.tenant.ID, ApplicationID: lg.app.ID,
		IdentityProviderID: twitter.ProviderID, IdentityProviderUserID: lg.tuser.IDStr,
		DisplayName: lg.displayName(), Email: lg.tuser.Email, Username: lg.tuser.ScreenName,
		Token: lg.token.Token, Data: map[string]any{"oauth_token_secret": lg.token.Secret.Reveal()},
		InsertInstant: now, ExpirationInstant: now + PendingLinkTTL.Milliseconds(),
	}
	if err := tx.CreatePendingLink(ctx, p); err != nil {
		return nil, lg.vanished(ctx, tx, err)
	}
	return &LoginResponse{Status: LoginPendingLink, PendingIdPLinkID: p.ID}, nil
}

// vanished explains a user, registration, link or pending link that could
// not be written because what it names is gone: the provider, the tenant,
// the application or the user was deleted after the login read them (the
// stores refuse the orphan). The provider, the tenant or the application
// gone ends the login as if it had been gone from the start; a user gone is
// a race the login runs again to decide anew.
func (lg *login) vanished(ctx context.Context, tx Store, err error) error {
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	if _, perr := tx.GetIdentityProvider(ctx, twitter.ProviderID); errors.Is(perr, ErrNotFound) {
		return general("[InvalidIdentityProviderId]", "The identity provider is unknown, disabled, or not enabled for this application.")
	}
	if _, terr := tx.GetTenant(ctx, lg.tenant.ID); errors.Is(terr, ErrNotFound) {
		return errLoginApplication()
	}
	// The application is read again only here: a first login into an
	// application without default roles does not read it in its
	// transaction, and its registration is what the store refused.
	if _, aerr := tx.GetApplication(ctx, lg.app.ID); errors.Is(aerr, ErrNotFound) {
		return errLoginApplication()
	}
	return fmt.Errorf("authcore: what the login links to went away: %w: %v", ErrConflict, err)
}

func (lg *login) loginRecord(userID string, now int64) *LoginRecord {
	return &LoginRecord{
		ID: lg.engine.newID(), UserID: userID, ApplicationID: lg.app.ID, TenantID: lg.tenant.ID,
		IPAddress: lg.req.IPAddress, Instant: now, Device: lg.deviceMeta(),
	}
}

func (lg *login) deviceMeta() map[string]any {
	if lg.req.MetaData == nil || lg.req.MetaData.Device == nil {
		return nil
	}
	return deviceMetaData(*lg.req.MetaData.Device)
}

// deviceMetaData is a refresh token's metaData for a device, FusionAuth's
// metaData.device with the fields d sets.
func deviceMetaData(d Device) map[string]any {
	m := map[string]any{}
	for _, f := range [...]struct{ name, value string }{
		{"description", d.Description}, {"lastAccessedAddress", d.LastAccessedAddress}, {"name", d.Name}, {"type", d.Type},
	} {
		if f.value != "" {
			m[f.name] = f.value
		}
	}
	return map[string]any{"device": m}
}

// reconcile runs a reconcile lambda; an error or a panic is a *LambdaError.
func (e *Engine) reconcile(ctx context.Context, id string, u *User, reg *UserRegistration, claims map[string]any) (err error) {
	l, ok := e.lambda(id)
	if !ok || l.Reconcile == nil {
		return &LambdaError{LambdaID: id, Err: errors.New("no reconcile function is registered under this id")}
	}
	defer func() {
		if p := recover(); p != nil {
			e.log.ErrorContext(ctx, "reconcile lambda panicked", "lambda", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = &LambdaError{LambdaID: id, Err: fmt.Errorf("panic: %v", p)}
		}
	}()
	before := validatedUserFields(u)
	var regBefore registrationChecks
	if reg != nil {
		regBefore = validatedRegistrationFields(reg)
	}
	// Free text (a name, data) is held to the stores' one rule only when it
	// was storable before, so that a user stored before the rule still
	// logs in.
	var probe validation.Errors
	textBefore := !probe.NotStorableText("user", u) && (reg == nil || !probe.NotStorableText("registration", reg))
	if err := l.Reconcile(ctx, u, reg, claims); err != nil {
		return &LambdaError{LambdaID: id, Err: err}
	}
	if textBefore {
		var errs validation.Errors
		errs.NotStorableText("user", u)
		if reg != nil {
			errs.NotStorableText("registration", reg)
		}
		if err := errs.Err(); err != nil {
			return &LambdaError{LambdaID: id, Err: fmt.Errorf("the user or registration it returned is not valid: %w", err)}
		}
	}
	// What the function wrote is checked as the User API checks it: an
	// email too long for the stores' index, say, was a 500 on PostgreSQL
	// and stored as it was elsewhere. Only when a checked field changed,
	// so that a user stored before a check existed still logs in.
	if after := validatedUserFields(u); !after.equal(before) {
		var in UserInput
		if !slices.Equal(after.methods, before.methods) {
			// Methods it wrote are completed and checked as the User API's
			// (an id, the authenticator configuration), against the
			// methods it was given: a login's 242 offers them by id.
			completeMethods(u, before.methods)
			in.TwoFactor = u.TwoFactor
		}
		if err := validateUser(in, u); err != nil {
			return &LambdaError{LambdaID: id, Err: fmt.Errorf("the user it returned is not valid: %w", err)}
		}
	}
	if reg != nil && !validatedRegistrationFields(reg).equal(regBefore) {
		var errs validation.Errors
		checkRegistrationFields(reg, &errs)
		if err := errs.Err(); err != nil {
			return &LambdaError{LambdaID: id, Err: fmt.Errorf("the registration it returned is not valid: %w", err)}
		}
	}
	if reg != nil {
		// The roles it wrote are kept as every registration's are: once
		// each, sorted.
		reg.Roles = registrationRoles(reg.Roles)
	}
	return nil
}

// userChecks are the fields validateUser looks at.
type userChecks struct {
	email, username, imageURL, birthDate, timezone string
	languages                                      []string
	methods                                        []TwoFactorMethod
	expiry                                         int64
}

func validatedUserFields(u *User) userChecks {
	c := userChecks{u.Email, u.Username, u.ImageURL, u.BirthDate, u.Timezone, slices.Clone(u.PreferredLanguages), nil, u.Expiry}
	if u.TwoFactor != nil {
		c.methods = slices.Clone(u.TwoFactor.Methods)
	}
	return c
}

func (c userChecks) equal(o userChecks) bool {
	return c.email == o.email && c.username == o.username && c.imageURL == o.imageURL && c.birthDate == o.birthDate &&
		c.timezone == o.timezone && c.expiry == o.expiry && slices.Equal(c.languages, o.languages) && slices.Equal(c.methods, o.methods)
}

// completeMethods gives the two-factor methods a reconcile function left on
// u what the User API gives a request's (requestMethods, giveMethodIDs): the
// authenticator configuration, one copy of each, and an id, the id of the
// method it was given (stored) that it is in every other property.
func completeMethods(u *User, stored []TwoFactorMethod) {
	if u.TwoFactor == nil {
		return
	}
	u.TwoFactor.Methods = requestMethods(u.TwoFactor.Methods)
	giveMethodIDs(u.TwoFactor, &TwoFactor{Methods: stored})
}

// registrationChecks are the fields checkRegistrationFields looks at.
type registrationChecks struct {
	timezone  string
	languages []string
}

func validatedRegistrationFields(r *UserRegistration) registrationChecks {
	return registrationChecks{r.Timezone, slices.Clone(r.PreferredLanguages)}
}

func (c registrationChecks) equal(o registrationChecks) bool {
	return c.timezone == o.timezone && slices.Equal(c.languages, o.languages)
}

// cloneJSONMap deep-copies a free-form map: its maps and slices are copied,
// everything else is a value.
func cloneJSONMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneJSONValue(v)
	}
	return out
}

func cloneJSONValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return cloneJSONMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cloneJSONValue(e)
		}
		return out
	}
	return v
}

func mergeData(dst, src map[string]any) map[string]any {
	if dst == nil {
		dst = map[string]any{}
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

// derefRegistrations copies regs in the store's order (ListRegistrations:
// oldest first, then by id), which a registration created during the login
// must take too.
func derefRegistrations(regs []*UserRegistration) []UserRegistration {
	out := make([]UserRegistration, 0, len(regs))
	for _, r := range regs {
		out = append(out, *r)
	}
	slices.SortStableFunc(out, func(a, b UserRegistration) int {
		if c := cmp.Compare(a.InsertInstant, b.InsertInstant); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// errLoginApplication is the login's answer for an application that is not
// an active one: unknown, deactivated, or gone with its tenant, before the
// commit or after it.
func errLoginApplication() error {
	return invalid("applicationId", "invalid", "The [applicationId] property does not name an active application.")
}

// providerLocker is a store transaction that can lock an identity provider
// shared without reading it (sqlstore: FOR SHARE on PostgreSQL, nothing on
// SQLite, which runs one write transaction at a time): the lock a link's
// insert will need, taken before the locks a delete of the provider's
// tenant or application would then wait for.
type providerLocker interface {
	LockIdentityProviderShared(ctx context.Context, id string) error
}
