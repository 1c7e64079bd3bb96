package authcore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/validation"
)

// UsernameStatusActive is the usernameStatus of a username that needs no
// moderation, or that CleanSpeak allowed. With CleanSpeak's username
// moderation enabled (integrations.cleanspeak), a username may also be
// PENDING (queued for a moderator, or CleanSpeak was unavailable) or
// REJECTED (a moderator's later decision): cleanspeak.StatusPending and
// cleanspeak.StatusRejected.
const UsernameStatusActive = "ACTIVE"

// UserInput is user as a request carries it. It differs from User in
// Active and Password, which is refused: authcore has no password login.
// The read-only properties (id, tenantId, verified, the instants,
// registrations) are ignored on input, and so is Active on create, update
// and patch: FusionAuth's User API takes no user.active (a new user is
// active; DeactivateUser and ReactivateUser switch it).
type UserInput struct {
	ID                     string         `json:"id,omitempty"`
	TenantID               string         `json:"tenantId,omitempty"`
	Email                  string         `json:"email,omitempty"`
	Username               string         `json:"username,omitempty"`
	FullName               string         `json:"fullName,omitempty"`
	FirstName              string         `json:"firstName,omitempty"`
	MiddleName             string         `json:"middleName,omitempty"`
	LastName               string         `json:"lastName,omitempty"`
	ImageURL               string         `json:"imageUrl,omitempty"`
	MobilePhone            string         `json:"mobilePhone,omitempty"`
	BirthDate              string         `json:"birthDate,omitempty"`
	Active                 *bool          `json:"active,omitempty"`
	Expiry                 int64          `json:"expiry,omitempty"`
	PasswordChangeRequired bool           `json:"passwordChangeRequired,omitempty"`
	Data                   map[string]any `json:"data,omitempty"`
	PreferredLanguages     []string       `json:"preferredLanguages,omitempty"`
	Timezone               string         `json:"timezone,omitempty"`
	TwoFactor              *TwoFactor     `json:"twoFactor,omitempty"`
	// Password is accepted by the JSON shape only to be refused with
	// [notSupported]user.password.
	Password string `json:"password,omitempty"`
}

// UserRequest is the body of the user create and update requests.
type UserRequest struct {
	User UserInput `json:"user"`
	// SkipVerification marks the e-mail verified without a verification
	// e-mail (authcore sends none).
	SkipVerification bool `json:"skipVerification,omitempty"`
	// EventInfo is where the end user's request came from, as the app that
	// calls the API knows it: its fields stand in for what the adapter read
	// off the HTTP request (the app's own address and User-Agent) in the
	// events the call records.
	EventInfo *EventInfo `json:"eventInfo,omitempty"`
}

// UserResponse is the response of the user APIs: {"user": …} with the
// user's registrations filled in.
type UserResponse struct {
	User *User `json:"user,omitempty"`
}

// CreateUser creates a user in the request's tenant (the scope, else
// user.tenantId, else the only tenant, else [TenantIdRequired]). id is the id
// asked for ("" to generate one). The user is verified unless the tenant
// requires e-mail verification and skipVerification is false; a user without
// an e-mail is always verified, as there is nothing to verify. Email and
// username are unique per tenant, case-insensitively; concurrent creates of
// one e-mail make one user and [duplicate]user.email for the rest.
func (e *Engine) CreateUser(ctx context.Context, id string, req UserRequest) (*User, error) {
	ctx = WithRequestEventInfo(ctx, req.EventInfo)
	id, err := newObjectID(e, id, "userId")
	if err != nil {
		return nil, err
	}
	var out *User
	m := e.newModeration(ctx, nil) // moderation.go
	err = e.withModeration(ctx, m, func() error {
		return e.inTxSynced(ctx, func(ctx context.Context, tx Store) error {
			u, err := e.newUser(ctx, tx, id, req, "")
			if err != nil {
				return err
			}
			if err := userStoreError(e.moderateUser(ctx, tx, m, u, nil)); err != nil {
				return err
			}
			if err := e.insertUser(ctx, tx, u); err != nil {
				return err
			}
			out = u
			return e.emit(ctx, tx, Event{Type: EventUserCreate, TenantID: u.TenantID, User: eventUser(u)})
		})
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "user created", "userId", out.ID, "tenantId", out.TenantID)
	return out, nil
}

// newUser builds and validates a new user. tenantHint is a tenant inferred
// from elsewhere in the request (the application of a combined
// registration), used when neither the scope nor the body names one.
func (e *Engine) newUser(ctx context.Context, tx Store, id string, req UserRequest, tenantHint string) (*User, error) {
	in := req.User
	bodyTenant := in.TenantID
	if bodyTenant == "" && scopedTenant(ctx) == "" {
		bodyTenant = tenantHint
	}
	tenantID, err := e.tenantForCreate(ctx, tx, bodyTenant, "user.tenantId")
	if err != nil {
		return nil, err
	}
	tenant, err := tx.GetTenant(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := e.instant()
	u := buildUser(in)
	giveMethodIDs(u.TwoFactor, nil)
	u.ID, u.TenantID = id, tenantID
	u.InsertInstant, u.LastUpdateInstant = now, now
	// Always active: user.active is no request property of FusionAuth's
	// create (fusionauth-issues #246: active:false is answered active:true).
	// DeactivateUser makes an inactive user, with user.deactivate.
	u.Active = true
	if req.SkipVerification || !tenant.EmailConfiguration.VerifyEmail || u.Email == "" {
		u.Verified, u.VerifiedInstant = true, now
	}
	if err := validateUser(in, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

func (e *Engine) insertUser(ctx context.Context, tx Store, u *User) error {
	return userStoreError(tx.CreateUser(ctx, u))
}

// User returns the user with this id and their registrations. The tenant is
// the user's own, so no tenant is needed; a request scoped to another tenant
// gets ErrNotFound.
func (e *Engine) User(ctx context.Context, id string) (*User, error) {
	u, err := loadUser(ctx, e.store, id)
	if err != nil {
		return nil, err
	}
	return u, fillRegistrations(ctx, e.store, u)
}

// UserByEmail returns the user of the request's tenant with this e-mail
// (case-insensitive). With several tenants the request must name one
// ([TenantIdRequired]).
func (e *Engine) UserByEmail(ctx context.Context, email string) (*User, error) {
	return e.userBy(ctx, email, Store.GetUserByEmail)
}

// UserByUsername is UserByEmail for the username.
func (e *Engine) UserByUsername(ctx context.Context, username string) (*User, error) {
	return e.userBy(ctx, username, Store.GetUserByUsername)
}

// Login id types (FusionAuth's loginIdTypes).
const (
	LoginIDTypeEmail       = "email"
	LoginIDTypeUsername    = "username"
	LoginIDTypePhoneNumber = "phoneNumber"
)

// UserByLoginID finds the user by e-mail, then by username (FusionAuth's
// loginId). With types, only those are tried, still e-mail first: a
// loginIdTypes of ["email"] never matches a username. phoneNumber is
// accepted and matches no one (users here have no login by phone); another
// type is [invalid]loginIdTypes.
func (e *Engine) UserByLoginID(ctx context.Context, loginID string, types ...string) (*User, error) {
	byEmail, byUsername := len(types) == 0, len(types) == 0
	for _, t := range types {
		switch t {
		case LoginIDTypeEmail:
			byEmail = true
		case LoginIDTypeUsername:
			byUsername = true
		case LoginIDTypePhoneNumber:
		default:
			return nil, invalid("loginIdTypes", "invalid", "The [loginIdTypes] parameter may only name email, username or phoneNumber.")
		}
	}
	if byEmail {
		u, err := e.UserByEmail(ctx, loginID)
		if !errors.Is(err, ErrNotFound) || !byUsername {
			return u, err
		}
	}
	if byUsername {
		return e.UserByUsername(ctx, loginID)
	}
	return nil, fmt.Errorf("authcore: no user by login id of these types: %w", ErrNotFound)
}

func (e *Engine) userBy(ctx context.Context, value string, get func(Store, context.Context, string, string) (*User, error)) (*User, error) {
	tenantID, err := e.resolveTenant(ctx, e.store)
	if err != nil {
		return nil, err
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return nil, fmt.Errorf("authcore: empty login id: %w", ErrNotFound)
	}
	u, err := get(e.store, ctx, tenantID, value)
	if err != nil {
		return nil, err
	}
	return u, fillRegistrations(ctx, e.store, u)
}

// UpdateUser replaces the user (PUT): a field left out is cleared. id,
// tenantId, active, insertInstant, lastLoginInstant and the verification
// keep their stored values (DeactivateUser and ReactivateUser change
// active); a new e-mail in a tenant that requires verification makes the
// user unverified unless skipVerification.
func (e *Engine) UpdateUser(ctx context.Context, id string, req UserRequest) (*User, error) {
	return e.changeUser(ctx, id, EventUserUpdate, func(context.Context, Store, *User) (UserRequest, error) { return req, nil })
}

// PatchUser applies a PATCH in any of the three forms (see PatchRequest) to
// {"user": …}: in the legacy form (application/json) preferredLanguages sent
// are appended to the stored ones, in RFC 7396 they replace them.
// skipVerification and eventInfo may be sent beside "user". The document
// patched is the user as GET shows it, registrations included, so that an
// RFC 6902 "test" of what the client read holds; the registrations and
// active are read-only here (the Registration API changes the former,
// DeactivateUser and ReactivateUser the latter).
func (e *Engine) PatchUser(ctx context.Context, id string, req PatchRequest) (*User, error) {
	return e.changeUser(ctx, id, EventUserUpdate, func(ctx context.Context, tx Store, cur *User) (UserRequest, error) {
		shown := *cur
		if err := fillRegistrations(ctx, tx, &shown); err != nil {
			return UserRequest{}, err
		}
		patched, err := applyPatch(req, UserResponse{User: &shown}, nil)
		if err != nil {
			return UserRequest{}, err
		}
		var in UserRequest
		if err := DecodeJSON(patched, &in); err != nil {
			return UserRequest{}, err
		}
		return in, nil
	})
}

// DeactivateUser sets active to false (FusionAuth's DELETE without
// hardDelete): the user can no longer log in; nothing is deleted.
func (e *Engine) DeactivateUser(ctx context.Context, id string) (*User, error) {
	return e.setUserActive(ctx, id, false)
}

// ReactivateUser sets active back to true.
func (e *Engine) ReactivateUser(ctx context.Context, id string) (*User, error) {
	return e.setUserActive(ctx, id, true)
}

func (e *Engine) setUserActive(ctx context.Context, id string, active bool) (*User, error) {
	// FusionAuth sends user.deactivate and user.reactivate here, not
	// user.update.
	event := EventUserReactivate
	if !active {
		event = EventUserDeactivate
	}
	return e.changeUser(ctx, id, event, func(_ context.Context, _ Store, cur *User) (UserRequest, error) {
		in := userInput(cur)
		in.Active = &active
		return UserRequest{User: in}, nil
	})
}

// changeUser is the read-modify-write of PUT and PATCH in one transaction;
// it emits event (user.update carries the user before as "original").
func (e *Engine) changeUser(ctx context.Context, id, event string, build func(ctx context.Context, tx Store, cur *User) (UserRequest, error)) (*User, error) {
	var out *User
	m := e.newModeration(ctx, nil) // moderation.go
	err := e.withModeration(ctx, m, func() error {
		return e.inTxSynced(ctx, func(ctx context.Context, tx Store) error {
			return e.changeUserTx(ctx, tx, m, id, event, build, &out)
		})
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "user updated", "userId", out.ID, "active", out.Active)
	return out, nil
}

// changeUserTx is changeUser's transaction; it sets *result.
func (e *Engine) changeUserTx(ctx context.Context, tx Store, m *moderation, id, event string, build func(ctx context.Context, tx Store, cur *User) (UserRequest, error), result **User) error {
	cur, err := loadUser(ctx, tx, id)
	if err != nil {
		return err
	}
	req, err := build(ctx, tx, cur)
	if err != nil {
		return err
	}
	// The request's eventInfo is PUT's body's, or a PATCH's as patched
	// into the request document (a merge body's top-level eventInfo): the
	// clients send UserRequest for both.
	ctx = WithRequestEventInfo(ctx, req.EventInfo)
	tenant, err := tx.GetTenant(ctx, cur.TenantID)
	if err != nil {
		return err
	}
	next := buildUser(req.User)
	if event == EventUserUpdate {
		giveMethodIDs(next.TwoFactor, cur.TwoFactor)
	}
	next.ID, next.TenantID = cur.ID, cur.TenantID
	next.InsertInstant, next.LastUpdateInstant = cur.InsertInstant, e.instant()
	next.LastLoginInstant = cur.LastLoginInstant
	next.Verified, next.VerifiedInstant = cur.Verified, cur.VerifiedInstant
	// Only a deactivation or a reactivation switches active. A PUT or
	// PATCH keeps it whatever its body says, as FusionAuth's User API does
	// (user.active is no request property): a client that sends back a
	// user it retrieved before a deactivation must not reactivate it, and
	// the switch must be announced as user.deactivate or user.reactivate,
	// never user.update.
	next.Active = cur.Active
	if event != EventUserUpdate && req.User.Active != nil {
		next.Active = *req.User.Active
	}
	switch {
	case req.SkipVerification || next.Email == "":
		next.Verified = true
	case tenant.EmailConfiguration.VerifyEmail && !strings.EqualFold(next.Email, cur.Email):
		next.Verified = false
	}
	// FusionAuth: verifiedInstant is the first verification and never
	// changes after.
	if next.Verified && next.VerifiedInstant == 0 {
		next.VerifiedInstant = next.LastUpdateInstant
	}
	// Deactivating and reactivating change active only: a user stored
	// before a check existed (a language, an image URL this version
	// refuses) can still be switched. PUT and PATCH check every field.
	if event == EventUserUpdate {
		if err := validateUser(req.User, &next); err != nil {
			return err
		}
	}
	if err := userStoreError(e.moderateUser(ctx, tx, m, &next, cur)); err != nil {
		return err
	}
	if err := userStoreError(tx.UpdateUser(ctx, &next)); err != nil {
		return err
	}
	ev := Event{Type: event, TenantID: next.TenantID, User: eventUser(&next)}
	if event == EventUserUpdate {
		ev.Original = eventUser(cur)
	}
	if err := e.emit(ctx, tx, ev); err != nil {
		return err
	}
	*result = &next
	return fillRegistrations(ctx, tx, &next)
}

// DeleteUser deletes the user for good (FusionAuth's hardDelete=true) with
// their registrations, identity-provider links and refresh tokens, in one
// transaction.
func (e *Engine) DeleteUser(ctx context.Context, id string) error {
	// The user is read (and its tenant checked) before the transaction, so
	// that the transaction takes no lock on it first: logins and refreshes
	// lock a link or a refresh token before the user, and a delete that
	// locked the user first deadlocked with them on PostgreSQL. The store
	// deletes the user's links and refresh tokens before the user. A
	// conflict left (another lock order) runs the delete again.
	u, err := loadUser(ctx, e.store, id)
	if err != nil {
		return err
	}
	err = e.inTx(ctx, func(ctx context.Context, tx Store) error {
		if !e.recordingEvents() {
			return tx.DeleteUser(ctx, u.ID)
		}
		// user.delete describes the user as deleted, so it is read again
		// here: an update committed since the read above must be in it.
		// The user's links and refresh tokens are locked first (on
		// PostgreSQL every read in a transaction locks), the order of the
		// store's delete, of logins and of refreshes.
		if _, err := tx.ListLinks(ctx, u.ID, ""); err != nil {
			return err
		}
		if _, err := tx.ListRefreshTokens(ctx, u.ID); err != nil {
			return err
		}
		// Its moderation items too, which the store's delete takes: a
		// moderator's decision and a resubmission lock an item before its
		// user.
		if l, ok := tx.(userModerationLocker); ok {
			if err := l.LockUserModerationItems(ctx, u.ID); err != nil {
				return err
			}
		}
		cur, err := tx.GetUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, u.ID); err != nil {
			return err
		}
		return e.emit(ctx, tx, Event{Type: EventUserDelete, TenantID: cur.TenantID, User: eventUser(cur)})
	})
	if err != nil {
		return err
	}
	e.log.InfoContext(ctx, "user deleted", "userId", strings.ToLower(id))
	return nil
}

// userModerationLocker is a store transaction that locks a user's
// moderation items (sqlstore on PostgreSQL, where a transaction's reads lock
// rows; SQLite and memstore run one write transaction at a time and need
// none).
type userModerationLocker interface {
	LockUserModerationItems(ctx context.Context, userID string) error
}

func loadUser(ctx context.Context, s Store, id string) (*User, error) {
	u, err := s.GetUser(ctx, strings.ToLower(id))
	if err != nil {
		return nil, err
	}
	if !inScope(ctx, u.TenantID) {
		return nil, fmt.Errorf("authcore: user %q is outside the request's tenant: %w", id, ErrNotFound)
	}
	return u, nil
}

// fillRegistrations sets u.Registrations from the store (none: nil, so the
// property is omitted).
func fillRegistrations(ctx context.Context, s Store, u *User) error {
	regs, err := s.ListRegistrations(ctx, u.ID)
	if err != nil {
		return err
	}
	u.Registrations = nil
	for _, r := range regs {
		u.Registrations = append(u.Registrations, *r)
	}
	return nil
}

// buildUser copies the writable properties of in, normalised.
func buildUser(in UserInput) User {
	u := User{
		Email:                  strings.TrimSpace(in.Email),
		Username:               strings.TrimSpace(in.Username),
		FullName:               in.FullName,
		FirstName:              in.FirstName,
		MiddleName:             in.MiddleName,
		LastName:               in.LastName,
		ImageURL:               strings.TrimSpace(in.ImageURL),
		MobilePhone:            in.MobilePhone,
		BirthDate:              strings.TrimSpace(in.BirthDate),
		Expiry:                 in.Expiry,
		PasswordChangeRequired: in.PasswordChangeRequired,
		Data:                   copyData(in.Data),
		PreferredLanguages:     cleanStrings(in.PreferredLanguages),
		Timezone:               strings.TrimSpace(in.Timezone),
	}
	if len(u.Data) == 0 {
		u.Data = nil
	}
	if u.Username != "" {
		u.UsernameStatus = UsernameStatusActive
	}
	if in.TwoFactor != nil && len(in.TwoFactor.Methods) > 0 {
		u.TwoFactor = &TwoFactor{Methods: requestMethods(in.TwoFactor.Methods)}
	}
	return u
}

// requestMethods is the two-factor methods a request (or a reconcile
// function) sent, as the engine keeps them: each with its authenticator
// configuration, once. in is not changed.
func requestMethods(in []TwoFactorMethod) []TwoFactorMethod {
	ms := make([]TwoFactorMethod, len(in))
	for i, m := range in {
		ms[i] = withAuthenticator(m)
	}
	return uniqueMethods(ms)
}

// withAuthenticator is m with the authenticator configuration it has:
// defaultAuthenticator for an authenticator method (FusionAuth answers it
// with every such method), none for the others.
func withAuthenticator(m TwoFactorMethod) TwoFactorMethod {
	m.Authenticator = AuthenticatorConfiguration{}
	if m.Method == TwoFactorMethodAuthenticator {
		m.Authenticator = defaultAuthenticator
	}
	return m
}

// uniqueMethods keeps the first of methods that are the same in every
// property. A legacy PATCH appends arrays, so a client that sends back the
// user it retrieved (the clients' patchUser) sends each stored method again;
// a copy says nothing new, as a repeated language does not (cleanStrings).
func uniqueMethods(in []TwoFactorMethod) []TwoFactorMethod {
	return keepFirst(in, func(m TwoFactorMethod) (TwoFactorMethod, bool) { return m, true })
}

// methodIDLength is the length of a two-factor method id authcore makes:
// FusionAuth's are four characters of A-Z and 2-7 ("35VW", "7K2G").
const methodIDLength = 4

// giveMethodIDs gives each two-factor method sent without an id one, as
// FusionAuth does: a login's 242 and FusionAuth's Two Factor API name a
// method by it (methodId). A method that is a stored one in every other
// property keeps the stored method's id, unless the request gives that id
// to another method: a PUT or a legacy PATCH that sends a method back
// without its id neither renames it nor adds it again. Any other method
// gets a random id that no method of the request holds. Methods that are
// then the same are kept once.
func giveMethodIDs(tf, stored *TwoFactor) {
	if tf == nil {
		return
	}
	byID := make(map[string]TwoFactorMethod, len(tf.Methods))
	for _, m := range tf.Methods {
		if m.ID != "" {
			byID[m.ID] = m
		}
	}
	for i := range tf.Methods {
		m := &tf.Methods[i]
		if m.ID != "" {
			continue
		}
		if id := storedMethodID(stored, *m); id != "" {
			with := *m
			with.ID = id
			if prev, taken := byID[id]; !taken || prev == with {
				m.ID = id
				byID[id] = with
				continue
			}
		}
		for m.ID == "" {
			// rand.Text is base32 (A-Z, 2-7): 2^20 ids of four characters,
			// so a clash among one user's few methods is rare and retried.
			id := rand.Text()[:methodIDLength]
			if _, taken := byID[id]; !taken {
				m.ID = id
			}
		}
		byID[m.ID] = *m
	}
	tf.Methods = uniqueMethods(tf.Methods)
}

// storedMethodID is the id of the stored method that is m in every other
// property, or "".
func storedMethodID(stored *TwoFactor, m TwoFactorMethod) string {
	if stored == nil {
		return ""
	}
	for _, s := range stored.Methods {
		if s.ID == "" {
			continue
		}
		// A method stored before authcore set its authenticator
		// configuration is compared with it set.
		with := m
		with.ID = s.ID
		if with == withAuthenticator(s) {
			return s.ID
		}
	}
	return ""
}

// keepFirst keeps the first of in's elements that have the same key, in
// order; an element whose key reports false is always kept (left for the
// validation that follows to judge).
func keepFirst[T any, K comparable](in []T, key func(T) (K, bool)) []T {
	out := make([]T, 0, len(in))
	seen := make(map[K]bool, len(in))
	for _, v := range in {
		k, ok := key(v)
		if ok && seen[k] {
			continue
		}
		if ok {
			seen[k] = true
		}
		out = append(out, v)
	}
	return out
}

// maxPreferredLanguages is FusionAuth's limit on user.preferredLanguages
// and registration.preferredLanguages.
const maxPreferredLanguages = 20

// validateUser checks the user a request builds. The properties FusionAuth
// types as Java classes (imageUrl a URI, birthDate a LocalDate, timezone a
// ZoneId, preferredLanguages Locales) take only what those classes read
// (validation.IsURI and the like): else [invalidJSON]<path>.
func validateUser(in UserInput, u *User) error {
	var errs validation.Errors
	if in.Password != "" {
		errs.Field("user.password", "notSupported", "Password login is not supported by authcore: users sign in through an identity provider. Omit [user.password].")
	}
	switch {
	case u.Email == "" && u.Username == "":
		errs.Field("user.email", validation.KindBlank, "You must specify either the [user.email] or [user.username] property.")
	case errs.NotStorable("user.email", u.Email):
	case errs.TooLong("user.email", u.Email, validation.MaxIndexedLength):
	case u.Email != "" && !validation.IsEmail(u.Email):
		errs.Field("user.email", validation.KindNotEmail, "The [user.email] property is not a valid email address.")
	}
	if !errs.NotStorable("user.username", u.Username) {
		errs.TooLong("user.username", u.Username, validation.MaxIndexedLength)
	}
	if u.ImageURL != "" && !validation.IsURI(u.ImageURL) {
		errs.NotOfType("user.imageUrl", "The [user.imageUrl] property must be a URI, such as https://example.com/avatar.png.")
	}
	if u.BirthDate != "" && !validation.IsLocalDate(u.BirthDate) {
		errs.NotOfType("user.birthDate", "The [user.birthDate] property must be a date formatted as YYYY-MM-DD.")
	}
	checkLanguages(&errs, "user.preferredLanguages", u.PreferredLanguages)
	checkTimezone(&errs, "user.timezone", u.Timezone)
	if in.TwoFactor != nil && u.TwoFactor != nil {
		// Only what a request sends: a login passes no input and leaves
		// the methods to the user as stored.
		checkMethods(&errs, in.TwoFactor.Methods)
		checkMethodIDs(&errs, u.TwoFactor.Methods)
	}
	if u.Expiry < 0 {
		errs.Invalid("user.expiry", "The [user.expiry] property must be an instant in epoch milliseconds.")
	}
	errs.NotStorableText("user", u)
	return errs.Err()
}

// checkLanguages checks preferredLanguages (cleaned) at path: at most
// maxPreferredLanguages ([tooMany]), each a locale such as en or en_US
// ([invalidJSON], for the first that is not one).
func checkLanguages(errs *validation.Errors, path string, langs []string) {
	if len(langs) > maxPreferredLanguages {
		errs.Field(path, validation.KindTooMany, fmt.Sprintf("The [%s] property may hold at most %d languages.", path, maxPreferredLanguages))
		return
	}
	for _, l := range langs {
		if !validation.IsLocale(l) {
			errs.NotOfType(path, fmt.Sprintf("The [%s] property holds [%s], which is not a locale: a language code, then optionally an underscore and a country code, such as en or en_US.", path, excerpt.Of(l)))
			return
		}
	}
}

// The values of user.twoFactor.methods[x].method (FusionAuth's).
const (
	TwoFactorMethodAuthenticator = "authenticator"
	TwoFactorMethodEmail         = "email"
	TwoFactorMethodSMS           = "sms"
)

// checkMethods checks each two-factor method as the request sent it, so
// that a path's index names the method in the request's (or the patched)
// document: method is one of FusionAuth's three ([blank], [invalid]); an
// email method needs its e-mail address and an sms method its phone
// number, as FusionAuth's Two Factor API requires them. Without them a
// method names nowhere to send a code, and a login's 242 offered it.
func checkMethods(errs *validation.Errors, methods []TwoFactorMethod) {
	for i, m := range methods {
		path := fmt.Sprintf("user.twoFactor.methods[%d]", i)
		switch m.Method {
		case "":
			errs.Blank(path + ".method")
		case TwoFactorMethodAuthenticator:
			// The secret FusionAuth requires is not kept: authcore
			// completes no two-factor login (docs/DECISIONS.md).
		case TwoFactorMethodEmail:
			switch {
			case strings.TrimSpace(m.Email) == "":
				errs.Blank(path + ".email")
			case !validation.IsEmail(m.Email):
				errs.Field(path+".email", validation.KindNotEmail, fmt.Sprintf("The [%s.email] property is not a valid email address.", path))
			}
		case TwoFactorMethodSMS:
			if strings.TrimSpace(m.MobilePhone) == "" {
				errs.Blank(path + ".mobilePhone")
			}
		default:
			errs.Invalid(path+".method", fmt.Sprintf("The [%s.method] property must be one of authenticator, email or sms.", path))
		}
	}
}

// checkMethodIDs refuses two different two-factor methods under one id
// ([duplicate]user.twoFactor.methods): an id names one method of the user
// (FusionAuth's methodId), and which one was meant cannot be told.
func checkMethodIDs(errs *validation.Errors, methods []TwoFactorMethod) {
	seen := make(map[string]bool, len(methods))
	for _, m := range methods {
		if m.ID == "" {
			continue
		}
		if seen[m.ID] {
			errs.Field("user.twoFactor.methods", validation.KindDuplicate, fmt.Sprintf("The id [%s] names more than one method in [user.twoFactor.methods].", excerpt.Of(m.ID)))
			return
		}
		seen[m.ID] = true
	}
}

// checkTimezone checks a timezone (blank: none) at path: a time zone as
// java.time.ZoneId reads it, an IANA name such as America/Denver or an
// offset such as UTC-7 (validation.IsZoneID).
func checkTimezone(errs *validation.Errors, path, tz string) {
	if tz != "" && !validation.IsZoneID(tz) {
		errs.NotOfType(path, fmt.Sprintf("The [%s] property must be an IANA time zone, such as America/Denver, or an offset, such as UTC-7.", path))
	}
}

func userStoreError(err error) error {
	var dup *DuplicateError
	if errors.As(err, &dup) {
		switch dup.Field {
		case "email":
			return invalid("user.email", validation.KindDuplicate, "A user with this [user.email] already exists in the tenant.")
		case "username":
			return invalid("user.username", validation.KindDuplicate, "A user with this [user.username] already exists in the tenant.")
		case "id":
			return invalid("userId", validation.KindDuplicate, "A user with this Id already exists.")
		}
	}
	return err
}

// cleanStrings trims, drops empty values and keeps the first of duplicates,
// so that a legacy PATCH that appends a language already present does not
// repeat it.
func cleanStrings(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// userInput is the input that reproduces a stored user.
func userInput(u *User) UserInput {
	active := u.Active
	return UserInput{
		Email: u.Email, Username: u.Username, FullName: u.FullName, FirstName: u.FirstName,
		MiddleName: u.MiddleName, LastName: u.LastName, ImageURL: u.ImageURL, MobilePhone: u.MobilePhone,
		BirthDate: u.BirthDate, Active: &active, Expiry: u.Expiry, PasswordChangeRequired: u.PasswordChangeRequired,
		Data: u.Data, PreferredLanguages: u.PreferredLanguages, Timezone: u.Timezone, TwoFactor: u.TwoFactor,
	}
}
