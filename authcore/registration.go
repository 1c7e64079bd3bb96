package authcore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/patch"
	"github.com/authcore/authcore/validation"
)

// RegistrationRequest is the body of the registration create and update
// requests. With User set, a create makes the user and the registration
// together (FusionAuth's combined create).
type RegistrationRequest struct {
	Registration UserRegistration `json:"registration"`
	User         *UserInput       `json:"user,omitempty"`
	// SkipRegistrationVerification marks the registration verified even when
	// the application requires registration verification.
	SkipRegistrationVerification bool `json:"skipRegistrationVerification,omitempty"`
	// SkipVerification applies to the user of a combined create.
	SkipVerification bool `json:"skipVerification,omitempty"`
	// EventInfo is the end user's request as the calling app knows it
	// (UserRequest.EventInfo).
	EventInfo *EventInfo `json:"eventInfo,omitempty"`
}

// RegistrationResponse is the response of the registration APIs. Create also
// carries the user (with registrations), as FusionAuth's does, and, when the
// user may log in to the application, an access token and (with the
// application's loginConfiguration.generateRefreshTokens) a refresh token;
// retrieve and update carry the registration only.
type RegistrationResponse struct {
	RefreshToken           string            `json:"refreshToken,omitempty"`
	RefreshTokenID         string            `json:"refreshTokenId,omitempty"`
	Registration           *UserRegistration `json:"registration,omitempty"`
	Token                  string            `json:"token,omitempty"`
	TokenExpirationInstant int64             `json:"tokenExpirationInstant,omitempty"`
	User                   *User             `json:"user,omitempty"`
}

// Register registers the user with id userID to registration.applicationId.
// The application must be in the user's tenant ([invalid]
// registration.applicationId); a second registration to one application is
// [duplicate]registration.applicationId, and a registration.id that another
// registration (of any user, application or tenant) has is
// [duplicate]registration.id. No roles given: the application's
// default roles (DefaultRoles); roles given must be the application's
// ([invalid]registration.roles). The registration is verified unless the
// application requires verification and skipRegistrationVerification is
// false. With req.User set, the user is created first (userID is then the id
// asked for, "" to generate one), all in one transaction. Register issues no
// token: RegisterUser does.
func (e *Engine) Register(ctx context.Context, userID string, req RegistrationRequest) (*UserRegistration, error) {
	out, err := e.register(ctx, userID, req, false)
	if err != nil {
		return nil, err
	}
	return out.Registration, nil
}

// RegisterUser is Register returning the create response: the user (with
// their registrations) beside the new registration and, as FusionAuth's
// Registration API answers, an access token (authenticationType
// REGISTRATION, signed as a login's) when the user may log in to the
// application: the user active and not expired, with no password change
// required and no two-factor method (whose login would stop at 203 or 242
// without a token), and the application active. The refresh token, with
// the application's loginConfiguration.generateRefreshTokens, is stored in
// the registration's transaction; the access token, which stores nothing,
// is signed after the commit, as a login's is.
func (e *Engine) RegisterUser(ctx context.Context, userID string, req RegistrationRequest) (*RegistrationResponse, error) {
	return e.register(ctx, userID, req, true)
}

func (e *Engine) register(ctx context.Context, userID string, req RegistrationRequest, withTokens bool) (*RegistrationResponse, error) {
	ctx = WithRequestEventInfo(ctx, req.EventInfo)
	var cfg *configSnapshot
	if withTokens {
		cfg = e.configSnapshot(ctx) // configcache.go
	}
	if req.User != nil {
		// One id for every run of the transaction: CleanSpeak is told the
		// user's id (the sender) in a run that ends to ask it.
		id, err := newObjectID(e, userID, "userId")
		if err != nil {
			return nil, err
		}
		userID = id
	}
	hint, tenant, err := e.registrationTenant(ctx, cfg, req, withTokens)
	if err != nil {
		return nil, err
	}
	var resp RegistrationResponse
	user, reg, tokenReq, err := e.registerTx(ctx, cfg, tenant, userID, hint, req, withTokens, &resp)
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "user registered", "userId", user.ID, "applicationId", reg.ApplicationID)
	resp.Registration, resp.User = reg, user
	if tokenReq == nil {
		return &resp, nil
	}
	if err := e.signRegistration(ctx, cfg, tokenReq, req.User != nil, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// registrationTenant reads the application and its tenant before the
// transaction, without a lock, as a login reads them: the application's
// tenant (hint) is the combined create's when the request names none
// (combinedCreate), and the tenant is the tokens' (registrationTokens).
// Read in the transaction, after the user or the application, they were
// locked in the other order than a tenant's delete locks them (the tenant,
// then its applications), a deadlock on PostgreSQL. A tenant gone by now
// is nil: registrationTokens reads the user's in the transaction.
func (e *Engine) registrationTenant(ctx context.Context, cfg *configSnapshot, req RegistrationRequest, withTokens bool) (hint string, tenant *Tenant, err error) {
	if req.User == nil && !withTokens {
		return "", nil, nil
	}
	app, err := e.registrationApp(ctx, cfg, req.Registration.ApplicationID)
	if err != nil || app == nil {
		return "", nil, err
	}
	if !withTokens {
		return app.TenantID, nil, nil
	}
	tenant, err = e.sharedTenant(ctx, cfg, app.TenantID)
	if errors.Is(err, ErrNotFound) {
		return app.TenantID, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	return app.TenantID, tenant, nil
}

// registerTx runs the registration's transaction, under moderation: it
// stores the user (a combined create) and the registration, records the
// event and, withTokens, stores the refresh token and sets it in resp. It
// returns the access token to sign after the commit, nil for none.
func (e *Engine) registerTx(ctx context.Context, cfg *configSnapshot, tenant *Tenant, userID, hint string, req RegistrationRequest, withTokens bool, resp *RegistrationResponse) (user *User, reg *UserRegistration, tokenReq *TokenRequest, err error) {
	m := e.newModeration(ctx, cfg) // moderation.go
	err = e.withModeration(ctx, m, func() error {
		return e.inTxSynced(ctx, func(ctx context.Context, tx Store) error {
			// A run lost to a conflict, or ended to ask CleanSpeak, left
			// nothing: neither may its refresh token's answer.
			*resp, tokenReq = RegistrationResponse{}, nil
			var err error
			if user, reg, err = e.registrationRecords(ctx, tx, m, userID, hint, req); err != nil {
				return err
			}
			if err := e.emit(ctx, tx, Event{Type: EventUserRegistrationCreate, TenantID: user.TenantID, ApplicationID: reg.ApplicationID,
				User: eventUser(user), Registration: reg}); err != nil {
				return err
			}
			if withTokens {
				if tokenReq, err = e.registrationTokens(ctx, tx, cfg, tenant, user, reg, req.EventInfo, resp); err != nil {
					return err
				}
			}
			return fillRegistrations(ctx, tx, user)
		})
	})
	return user, reg, tokenReq, err
}

// registrationRecords stores the user and the registration of a combined
// create, or the registration of an existing user.
func (e *Engine) registrationRecords(ctx context.Context, tx Store, m *moderation, userID, hint string, req RegistrationRequest) (*User, *UserRegistration, error) {
	if req.User != nil {
		return e.combinedCreate(ctx, tx, m, userID, hint, req)
	}
	return e.registerExisting(ctx, tx, m, userID, req)
}

// signRegistration signs the committed registration's access token into
// resp. A lost race creating the tenant's first signing key runs the
// signing again, not the registration (which would now be a duplicate).
func (e *Engine) signRegistration(ctx context.Context, cfg *configSnapshot, tokenReq *TokenRequest, combined bool, resp *RegistrationResponse) error {
	err := retryConflicts(ctx, func() error {
		var err error
		resp.Token, resp.TokenExpirationInstant, err = e.issueAccessToken(ctx, e.store, cfg, *tokenReq)
		return err
	})
	if errors.Is(err, ErrNotFound) && combined {
		// The tenant's first token makes its signing key, in a transaction
		// that reads the tenant again: the tenant was deleted since the
		// commit, and the user and registration with it. A combined create
		// names no user, so the bare not-found ("no such user") would not
		// be its answer: it is that of an application gone before the
		// commit. An existing user's registration keeps the not-found,
		// its answer had the delete come first.
		return invalid("registration.applicationId", validation.KindInvalid, unknownRegistrationApp(resp.Registration.ApplicationID))
	}
	return err
}

// registrationApp reads, before the registration's transaction and without
// a lock, the application appID names: nil when there is none (the
// registration is then refused in the transaction, which reads it again).
func (e *Engine) registrationApp(ctx context.Context, cfg *configSnapshot, appID string) (*Application, error) {
	appID = strings.ToLower(strings.TrimSpace(appID))
	if !isUUID(appID) {
		// No application has it; its error is the registration's.
		return nil, nil
	}
	app, err := e.sharedApplication(ctx, cfg, appID) // configcache.go
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return app, err
}

// registrationTokens decides whether the create answer of reg carries tokens
// (RegisterUser) and, when it does and the application generates refresh
// tokens, stores the refresh token in tx, the registration's transaction,
// and sets it in resp. tenant is the application's, read before the
// transaction, used when it is the user's. It returns the access token to
// sign after the commit, nil for none.
//
// body is the request's eventInfo: a registration request has no
// metaData.device as a login's has, and eventInfo is where its caller
// describes the end user's device.
func (e *Engine) registrationTokens(ctx context.Context, tx Store, cfg *configSnapshot, tenant *Tenant, user *User, reg *UserRegistration, body *EventInfo, resp *RegistrationResponse) (*TokenRequest, error) {
	if refusedStatus(user, e.instant()) != nil || user.PasswordChangeRequired ||
		(user.TwoFactor != nil && len(user.TwoFactor.Methods) > 0) {
		return nil, nil
	}
	// A shared lock where the store has one (sqlstore on PostgreSQL): the
	// transaction holds the application already (the registration's
	// check), so this read waits for nothing.
	getApp := func(ctx context.Context, id string) (*Application, error) {
		return getApplicationShared(ctx, tx, id) // login.go
	}
	app, err := cachedInTx(ctx, cfg, configKindApplication, reg.ApplicationID, getApp) // configcache.go
	if err != nil {
		return nil, err
	}
	if !app.Active {
		// Closed to logins, and so to the tokens a registration gets.
		return nil, nil
	}
	if tenant == nil || tenant.ID != user.TenantID {
		// Rare: the application read before the transaction was gone
		// then, or in another tenant (deleted and made again meanwhile).
		// Read the user's tenant here, shared; this read may meet a
		// tenant's delete as described above.
		getTenant := tx.GetTenant
		if sh, ok := tx.(tenantSharer); ok { // refreshevents.go
			getTenant = sh.GetTenantShared
		}
		if tenant, err = cachedInTx(ctx, cfg, configKindTenant, user.TenantID, getTenant); err != nil {
			return nil, err
		}
	}
	if app.LoginConfiguration.GenerateRefreshTokens {
		plain, rt, err := e.CreateRefreshToken(ctx, tx, tenant, app, user, registrationDevice(body))
		if err != nil {
			return nil, err
		}
		resp.RefreshToken, resp.RefreshTokenID = plain, rt.ID
	}
	return &TokenRequest{
		Tenant: tenant, Application: app, User: user, Registration: reg,
		AuthenticationType: AuthenticationTypeRegistration, RefreshTokenID: resp.RefreshTokenID,
	}, nil
}

func (e *Engine) registerExisting(ctx context.Context, tx Store, m *moderation, userID string, req RegistrationRequest) (*User, *UserRegistration, error) {
	if userID == "" {
		return nil, nil, invalid("userId", validation.KindMissing, "You must specify the Id of the user to register on the URI, or send [user] to create one.")
	}
	user, err := loadUser(ctx, tx, userID)
	if err != nil {
		return nil, nil, err
	}
	var errs validation.Errors
	reg, err := e.newRegistration(ctx, tx, user.TenantID, req, &errs)
	if err != nil {
		return nil, nil, err
	}
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	reg.UserID = user.ID
	if err := registrationStoreError(e.moderateRegistration(ctx, tx, m, user.TenantID, reg, nil)); err != nil {
		return nil, nil, err
	}
	if err := registrationStoreError(tx.CreateRegistration(ctx, reg)); err != nil {
		return nil, nil, err
	}
	return user, reg, nil
}

// hasGeneralError reports whether v holds a general error other than the
// count of entries past validation.MaxErrors, which says nothing of the
// tenant: a user with that many errors still has its registration checked,
// and counted.
func hasGeneralError(v *validation.Errors) bool {
	return slices.ContainsFunc(v.GeneralErrors, func(g validation.Error) bool { return g.Code != validation.CodeTooManyErrors })
}

// combinedCreate creates user and registration; the user's and the
// registration's validation errors are reported together. Without a tenant
// in the scope or the body, the user goes to hint, the application's tenant
// ("" when there is no such application), read before the transaction:
// read here, the application was locked before the tenant. The
// registration's check reads the application again, after the tenant.
func (e *Engine) combinedCreate(ctx context.Context, tx Store, m *moderation, userID, hint string, req RegistrationRequest) (*User, *UserRegistration, error) {
	id, err := newObjectID(e, userID, "userId")
	if err != nil {
		return nil, nil, err
	}
	user, err := e.newUser(ctx, tx, id, UserRequest{User: *req.User, SkipVerification: req.SkipVerification}, hint)
	var errs validation.Errors
	var verr *validation.Errors
	switch {
	case errors.As(err, &verr):
		errs.Merge(verr)
		if hasGeneralError(verr) {
			// No tenant: the registration cannot be checked against one.
			return nil, nil, &errs
		}
		// The user is invalid but has a tenant; check the registration in it
		// too, so that the caller sees every error at once.
		tenantID, terr := e.tenantForCreate(ctx, tx, firstNonEmpty(req.User.TenantID, hint), "user.tenantId")
		if terr == nil {
			if _, err := e.newRegistration(ctx, tx, tenantID, req, &errs); err != nil {
				return nil, nil, err
			}
		}
		return nil, nil, &errs
	case err != nil:
		return nil, nil, err
	}
	reg, err := e.newRegistration(ctx, tx, user.TenantID, req, &errs)
	if err != nil {
		return nil, nil, err
	}
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	if err := userStoreError(e.moderateUser(ctx, tx, m, user, nil)); err != nil {
		return nil, nil, err
	}
	if err := e.insertUser(ctx, tx, user); err != nil {
		return nil, nil, err
	}
	if err := e.emit(ctx, tx, Event{Type: EventUserCreate, TenantID: user.TenantID, User: eventUser(user)}); err != nil {
		return nil, nil, err
	}
	reg.UserID = user.ID
	if err := registrationStoreError(e.moderateRegistration(ctx, tx, m, user.TenantID, reg, nil)); err != nil {
		return nil, nil, err
	}
	if err := registrationStoreError(tx.CreateRegistration(ctx, reg)); err != nil {
		return nil, nil, err
	}
	return user, reg, nil
}

// newRegistration builds and validates a registration in tenantID, recording
// errors in errs.
func (e *Engine) newRegistration(ctx context.Context, tx Store, tenantID string, req RegistrationRequest, errs *validation.Errors) (*UserRegistration, error) {
	in := req.Registration
	now := e.instant()
	reg := buildRegistration(in)
	reg.ID = strings.ToLower(strings.TrimSpace(in.ID))
	switch {
	case reg.ID == "":
		reg.ID = e.newID()
	case !isUUID(reg.ID):
		errs.Invalid("registration.id", "The [registration.id] property must be a UUID.")
	}
	reg.InsertInstant, reg.LastUpdateInstant = now, now
	checkRegistrationFields(reg, errs)
	app, err := registrationApplication(ctx, tx, tenantID, reg.ApplicationID, errs)
	if app == nil || err != nil {
		return reg, err
	}
	if len(reg.Roles) == 0 {
		reg.Roles = DefaultRoles(app)
	} else {
		checkRoles(app, reg.Roles, errs)
	}
	if req.SkipRegistrationVerification || !app.VerifyRegistration {
		reg.Verified, reg.VerifiedInstant = true, now
	}
	return reg, nil
}

// registrationApplication loads the application a registration names; a
// blank, unknown or other tenant's application is recorded in errs, and
// only the store's other failures are returned.
func registrationApplication(ctx context.Context, tx Store, tenantID, appID string, errs *validation.Errors) (*Application, error) {
	if appID == "" {
		errs.Blank("registration.applicationId")
		return nil, nil
	}
	app, err := tx.GetApplication(ctx, appID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err != nil || app.TenantID != tenantID {
		errs.Invalid("registration.applicationId", unknownRegistrationApp(appID))
		return nil, nil
	}
	return app, nil
}

// unknownRegistrationApp is the message of [invalid]registration.applicationId.
func unknownRegistrationApp(appID string) string {
	return fmt.Sprintf("The [registration.applicationId] property does not name an application of the user's tenant: [%s].", excerpt.Of(appID))
}

// checkRegistrationFields checks the registration's properties that
// FusionAuth types as Java classes, as validateUser checks the user's:
// timezone a ZoneId, preferredLanguages (at most 20) Locales.
func checkRegistrationFields(reg *UserRegistration, errs *validation.Errors) {
	// As user.username: a moderation item keeps the username in a JSON
	// document, which PostgreSQL's JSON types cannot read with U+0000.
	errs.NotStorable("registration.username", reg.Username)
	checkTimezone(errs, "registration.timezone", reg.Timezone)
	checkLanguages(errs, "registration.preferredLanguages", reg.PreferredLanguages)
	errs.NotStorableText("registration", reg)
}

func checkRoles(app *Application, roles []string, errs *validation.Errors) {
	known := make(map[string]bool, len(app.Roles))
	for _, r := range app.Roles {
		known[r.Name] = true
	}
	for _, r := range roles {
		if !known[r] {
			errs.Invalid("registration.roles", fmt.Sprintf("The role [%s] in [registration.roles] is not a role of the application.", excerpt.Of(r)))
		}
	}
}

// Registration returns the user's registration to the application.
func (e *Engine) Registration(ctx context.Context, userID, applicationID string) (*UserRegistration, error) {
	u, err := loadUser(ctx, e.store, userID)
	if err != nil {
		return nil, err
	}
	return e.store.GetRegistration(ctx, u.ID, strings.ToLower(applicationID))
}

// UpdateRegistration replaces a registration (PUT). applicationID names it;
// "" takes registration.applicationId from the request (FusionAuth: the URI
// wins over the body). Roles are replaced as sent, no defaults added; id,
// insertInstant, lastLoginInstant and the verification keep their stored
// values unless skipRegistrationVerification.
func (e *Engine) UpdateRegistration(ctx context.Context, userID, applicationID string, req RegistrationRequest) (*UserRegistration, error) {
	if applicationID == "" {
		applicationID = req.Registration.ApplicationID
	}
	return e.changeRegistration(ctx, userID, applicationID, func(*UserRegistration) (RegistrationRequest, error) { return req, nil })
}

// PatchRegistration applies a PATCH in any of the three forms (see PatchRequest) to
// {"registration": …}; in the legacy form roles sent are appended to the
// stored ones, in RFC 7396 they replace them. eventInfo may be sent beside
// "registration".
func (e *Engine) PatchRegistration(ctx context.Context, userID, applicationID string, req PatchRequest) (*UserRegistration, error) {
	if !patch.Supported(req.ContentType) {
		// Before the application id: a body of another type names none, and
		// [blank]registration.applicationId would send the caller after the
		// wrong problem.
		return nil, unsupportedPatch(req)
	}
	return e.changeRegistration(ctx, userID, applicationID, func(cur *UserRegistration) (RegistrationRequest, error) {
		patched, err := applyPatch(req, RegistrationResponse{Registration: cur}, nil)
		if err != nil {
			return RegistrationRequest{}, err
		}
		var in RegistrationRequest
		if err := DecodeJSON(patched, &in); err != nil {
			return RegistrationRequest{}, err
		}
		// The result is validated as a PUT body (SPEC §2), and a PUT
		// without "registration" is refused: a patch that removes it
		// (null, or an RFC 6902 remove) emptied the registration, its
		// roles and data dropped, and answered 200. RegistrationRequest
		// cannot tell an absent registration from an empty one.
		var wrapper struct {
			Registration *struct{} `json:"registration"`
		}
		if err := DecodeJSON(patched, &wrapper); err != nil {
			return RegistrationRequest{}, err
		}
		if wrapper.Registration == nil {
			return RegistrationRequest{}, invalid("registration", validation.KindMissing, "You must specify the [registration] property.")
		}
		return in, nil
	})
}

func (e *Engine) changeRegistration(ctx context.Context, userID, applicationID string, build func(cur *UserRegistration) (RegistrationRequest, error)) (*UserRegistration, error) {
	applicationID = strings.ToLower(strings.TrimSpace(applicationID))
	switch {
	case applicationID == "":
		return nil, invalid("registration.applicationId", validation.KindBlank, "You must specify the [registration.applicationId] property.")
	case !isUUID(applicationID):
		// Only the body can send one (the URI's is checked as a UUID), and
		// a create answers it so: ErrNotFound would say the user or the
		// registration does not exist.
		return nil, invalid("registration.applicationId", validation.KindInvalid, fmt.Sprintf("The [registration.applicationId] property must be a UUID: [%s].", excerpt.Of(applicationID)))
	}
	var out *UserRegistration
	m := e.newModeration(ctx, nil) // moderation.go
	err := e.withModeration(ctx, m, func() error {
		return e.inTxSynced(ctx, func(ctx context.Context, tx Store) error {
			return e.changeRegistrationTx(ctx, tx, m, userID, applicationID, build, &out)
		})
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "registration updated", "userId", out.UserID, "applicationId", out.ApplicationID)
	return out, nil
}

// changeRegistrationTx is changeRegistration's transaction; it sets *result.
func (e *Engine) changeRegistrationTx(ctx context.Context, tx Store, m *moderation, userID, applicationID string, build func(cur *UserRegistration) (RegistrationRequest, error), result **UserRegistration) error {
	u, err := loadUser(ctx, tx, userID)
	if err != nil {
		return err
	}
	cur, err := tx.GetRegistration(ctx, u.ID, applicationID)
	if err != nil {
		return err
	}
	req, err := build(cur)
	if err != nil {
		return err
	}
	// PUT's body's eventInfo, or a PATCH's as patched into the request
	// document: the clients send RegistrationRequest for both.
	ctx = WithRequestEventInfo(ctx, req.EventInfo)
	next := buildRegistration(req.Registration)
	next.ID, next.UserID, next.ApplicationID = cur.ID, cur.UserID, cur.ApplicationID
	next.InsertInstant, next.LastUpdateInstant = cur.InsertInstant, e.instant()
	next.LastLoginInstant = cur.LastLoginInstant
	next.Verified, next.VerifiedInstant = cur.Verified, cur.VerifiedInstant
	if req.SkipRegistrationVerification && !next.Verified {
		next.Verified, next.VerifiedInstant = true, next.LastUpdateInstant
	}
	var errs validation.Errors
	checkRegistrationFields(next, &errs)
	app, err := registrationApplication(ctx, tx, u.TenantID, next.ApplicationID, &errs)
	if err != nil {
		return err
	}
	if app != nil {
		checkRoles(app, next.Roles, &errs)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if err := e.moderateRegistration(ctx, tx, m, u.TenantID, next, cur); err != nil {
		return err
	}
	if err := tx.UpdateRegistration(ctx, next); err != nil {
		return err
	}
	*result = next
	return e.emit(ctx, tx, Event{Type: EventUserRegistrationUpdate, TenantID: u.TenantID, ApplicationID: next.ApplicationID,
		User: eventUser(u), Registration: next, OriginalRegistration: cur}) // events.go
}

// DeleteRegistration removes the user's registration to the application,
// with its pending username's moderation items.
func (e *Engine) DeleteRegistration(ctx context.Context, userID, applicationID string) error {
	applicationID = strings.ToLower(applicationID)
	return e.inTx(ctx, func(ctx context.Context, tx Store) error {
		// The registration's moderation items, which the store's delete
		// takes, before the user and the registration: a moderator's
		// decision and a resubmission lock an item, then its user and
		// registration.
		if l, ok := tx.(registrationModerationLocker); ok {
			if err := l.LockRegistrationModerationItems(ctx, strings.ToLower(userID), applicationID); err != nil {
				return err
			}
		}
		u, err := loadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		reg, err := tx.GetRegistration(ctx, u.ID, applicationID)
		if err != nil {
			return err
		}
		if err := tx.DeleteRegistration(ctx, u.ID, applicationID); err != nil {
			return err
		}
		return e.emit(ctx, tx, Event{Type: EventUserRegistrationDelete, TenantID: u.TenantID, ApplicationID: applicationID,
			User: eventUser(u), Registration: reg}) // events.go
	})
}

// registrationModerationLocker is a store transaction that locks a
// registration's moderation items, as userModerationLocker does a user's.
type registrationModerationLocker interface {
	LockRegistrationModerationItems(ctx context.Context, userID, applicationID string) error
}

// buildRegistration copies the writable properties of in, normalised.
func buildRegistration(in UserRegistration) *UserRegistration {
	r := &UserRegistration{
		ApplicationID:      strings.ToLower(strings.TrimSpace(in.ApplicationID)),
		Roles:              registrationRoles(in.Roles),
		Username:           strings.TrimSpace(in.Username),
		Data:               copyData(in.Data),
		Timezone:           strings.TrimSpace(in.Timezone),
		PreferredLanguages: cleanStrings(in.PreferredLanguages),
	}
	if len(r.Data) == 0 {
		r.Data = nil
	}
	if r.Username != "" {
		r.UsernameStatus = UsernameStatusActive
	}
	return r
}

// registrationRoles is how a registration keeps its roles: once each and
// sorted, as FusionAuth's UserRegistration.roles is a SortedSet<String>. So
// the order they were sent, appended (a legacy PATCH) or given as defaults
// in never shows: GET, the events and the token's roles claim list them as
// FusionAuth does.
func registrationRoles(roles []string) []string {
	out := cleanStrings(roles)
	slices.Sort(out)
	return out
}

func registrationStoreError(err error) error {
	var dup *DuplicateError
	if errors.As(err, &dup) {
		switch dup.Field {
		case "registration":
			return invalid("registration.applicationId", validation.KindDuplicate, "The user is already registered to this application.")
		case "registrationId":
			return invalid("registration.id", validation.KindDuplicate, "A registration with this [registration.id] already exists.")
		}
	}
	return err
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// registrationDevice is the metaData of a refresh token a registration
// issues: the device its body's eventInfo describes, as a login's
// metaData.device would (nil when the body describes none).
func registrationDevice(body *EventInfo) map[string]any {
	if body == nil {
		return nil
	}
	d := Device{Description: body.DeviceDescription, LastAccessedAddress: body.IPAddress, Name: body.DeviceName, Type: body.DeviceType}
	if d == (Device{}) {
		return nil
	}
	return deviceMetaData(d)
}
