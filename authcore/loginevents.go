package authcore

import (
	"context"
	"errors"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/linking"
)

// The events of a Twitter login (login.go calls these).

// emitLogin records, in the login's transaction, what the login did: the
// user it created, the link it made, the registration it created, and the
// successful login itself. A login that stops before completing (two-factor
// or password change required) records no user.login.success.
func (lg *login) emitLogin(ctx context.Context, tx Store, action linking.Action, user *User, reg *UserRegistration, newReg bool, now int64) error {
	e := lg.engine
	if !e.recordingEvents() {
		return nil // nobody listens: skip building events emit would drop
	}
	info := loginInfo(ctx, lg.req.IPAddress, lg.req.MetaData, lg.req.EventInfo)
	tenantID := lg.tenant.ID
	var events []Event
	if action == linking.CreateUserAndLink {
		events = append(events, Event{Type: EventUserCreate, TenantID: tenantID, Info: info, User: eventUser(user)})
	}
	if action == linking.CreateUserAndLink || action == linking.LinkExistingUser {
		events = append(events, Event{Type: EventUserIdentityProviderLink, TenantID: tenantID, Info: info,
			User: eventUser(user), IdentityProviderLink: eventLink(lg.newLink(user.ID, now))})
	}
	if newReg && reg != nil {
		events = append(events, Event{Type: EventUserRegistrationCreate, TenantID: tenantID, Info: info,
			ApplicationID: lg.app.ID, User: eventUser(user), Registration: reg})
	}
	switch loginStatus(lg.tenant, lg.app, user, reg) {
	case LoginTwoFactorRequired, LoginPasswordChangeRequired:
	default:
		ev := Event{Type: EventUserLoginSuccess, TenantID: tenantID, Info: info,
			AuthenticationType: AuthenticationTypeTwitter,
			IdentityProviderID: twitter.ProviderID, IdentityProviderName: twitter.TypeName,
			IPAddress: lg.req.IPAddress, User: eventUser(user)}
		if reg != nil {
			// FusionAuth's event omits the application the user is not
			// registered to, as the access token's applicationId does.
			ev.ApplicationID = lg.app.ID
		}
		events = append(events, ev)
	}
	for _, ev := range events {
		if err := e.emit(ctx, tx, ev); err != nil {
			return err
		}
	}
	return nil
}

// emitRefusal records user.login.failed for a login refused after Twitter
// answered, in a transaction of its own (the login's rolled back). Errors
// that are not refusals (a store failure, a lost race) record nothing.
func (lg *login) emitRefusal(ctx context.Context, err error) {
	code, lambdaID := refusalCode(err)
	if code == "" {
		return
	}
	ev := Event{Type: EventUserLoginFailed, TenantID: lg.tenant.ID, Info: loginInfo(ctx, lg.req.IPAddress, lg.req.MetaData, lg.req.EventInfo),
		AuthenticationType: AuthenticationTypeTwitter, IPAddress: lg.req.IPAddress,
		Reason: &LoginFailedReason{Code: code, LambdaID: lambdaID}, User: eventUser(lg.user)}
	if lg.user != nil {
		ev.UserID = lg.user.ID
		if lg.registered {
			// FusionAuth's event names the application only for a user
			// registered to it.
			ev.ApplicationID = lg.app.ID
		}
	}
	lg.engine.emitOwn(ctx, ev)
}

func refusalCode(err error) (code, lambdaID string) {
	var le *LambdaError
	var verr *ValidationError
	switch {
	case errors.As(err, &le):
		return LoginFailedLambda, le.LambdaID
	case errors.Is(err, ErrUserExpired):
		return LoginFailedUserExpired, ""
	case errors.Is(err, ErrLoginPrevented):
		return LoginFailedLoginPrevented, ""
	case errors.As(err, &verr):
		if targetGone(verr) {
			// The application or the identity provider went away while
			// the login ran (vanished): refused as one that named an
			// unknown one from the start, which records nothing. It is
			// no failed login of the user.
			return "", ""
		}
		for path := range verr.FieldErrors {
			for _, fe := range verr.FieldErrors[path] {
				if fe.Code == "["+KindModerationRejected+"]"+path {
					return LoginFailedModeration, ""
				}
			}
		}
		return LoginFailedLinking, ""
	case errors.Is(err, ErrNotFound):
		return LoginFailedLinking, ""
	}
	return "", ""
}

// targetGone reports whether verr is the refusal of a login whose
// application or identity provider is unknown (errLoginApplication,
// [InvalidIdentityProviderId]), not a refusal of its user.
func targetGone(verr *ValidationError) bool {
	if _, ok := verr.FieldErrors["applicationId"]; ok {
		return true
	}
	for _, ge := range verr.GeneralErrors {
		if ge.Code == "[InvalidIdentityProviderId]" {
			return true
		}
	}
	return false
}

// emitTwitterRefusal records user.login.failed when Twitter refused the
// tokens or could not be asked: no user is known yet, so none is named, nor
// the application (FusionAuth names it only for a user registered to it).
func (e *Engine) emitTwitterRefusal(ctx context.Context, req IdentityProviderLoginRequest, app *Application, kind error) {
	code := LoginFailedProviderUnavailable
	if errors.Is(kind, ErrIdentityProviderRefused) {
		code = LoginFailedCredentials
	}
	e.emitOwn(ctx, Event{Type: EventUserLoginFailed, TenantID: app.TenantID, Info: loginInfo(ctx, req.IPAddress, req.MetaData, req.EventInfo),
		AuthenticationType: AuthenticationTypeTwitter, IPAddress: req.IPAddress,
		Reason: &LoginFailedReason{Code: code}})
}
