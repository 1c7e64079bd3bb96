package authcore

import (
	"context"
	"errors"
	"sort"
)

// The events of refresh-token revocation (refresh.go calls these).

// tokensToRevoke lists the tokens a revocation by user (and application)
// is about to delete, so their events can name them; a revocation of a
// whole application's tokens names none (the store cannot list them), and
// its event carries the application only.
func (e *Engine) tokensToRevoke(ctx context.Context, tx Store, userID, applicationID string) ([]*RefreshToken, error) {
	if userID == "" || !e.recordingEvents() {
		return nil, nil
	}
	all, err := tx.ListRefreshTokens(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, rt := range all {
		if applicationID == "" || rt.ApplicationID == applicationID {
			out = append(out, rt)
		}
	}
	return out, nil
}

// emitRevoke records jwt.refresh-token.revoke: one event per user whose
// tokens were revoked (with the token when there was one; none when a
// revocation by user found no token), or one event for an application
// when no user is known. applicationTimeToLiveInSeconds
// tells consumers how long the access tokens already issued stay valid.
func (e *Engine) emitRevoke(ctx context.Context, tx Store, tokens []*RefreshToken, userID, applicationID string) error {
	if !e.recordingEvents() {
		return nil
	}
	if userID != "" && len(tokens) == 0 {
		// Nothing was revoked: FusionAuth sends a user's revocation only
		// when the user had a token.
		return nil
	}
	byUser := map[string][]*RefreshToken{}
	for _, rt := range tokens {
		byUser[rt.UserID] = append(byUser[rt.UserID], rt)
	}
	users := make([]string, 0, len(byUser))
	for id := range byUser {
		users = append(users, id)
	}
	sort.Strings(users)
	if len(users) == 0 && applicationID != "" {
		ttl, tenantID, err := e.appTTL(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		return e.emit(ctx, tx, Event{Type: EventJWTRefreshTokenRevoke, TenantID: tenantID, ApplicationID: applicationID,
			ApplicationTimeToLiveInSeconds: map[string]int{applicationID: ttl}})
	}
	for _, uid := range users {
		ev := Event{Type: EventJWTRefreshTokenRevoke, UserID: uid, ApplicationID: applicationID, ApplicationTimeToLiveInSeconds: map[string]int{}}
		u, err := tx.GetUser(ctx, uid)
		switch {
		case err == nil:
			ev.User, ev.TenantID = eventUser(u), u.TenantID
		case !errors.Is(err, ErrNotFound):
			return err
		}
		apps := map[string]bool{}
		if applicationID != "" {
			apps[applicationID] = true
		}
		for _, rt := range byUser[uid] {
			apps[rt.ApplicationID] = true
			ev.TenantID = rt.TenantID
		}
		if rts := byUser[uid]; len(rts) == 1 && userID == "" {
			info := rts[0].Info()
			ev.RefreshToken = &info
			ev.ApplicationID = rts[0].ApplicationID
		}
		for app := range apps {
			ttl, _, err := e.appTTL(ctx, tx, app)
			if err != nil {
				return err
			}
			ev.ApplicationTimeToLiveInSeconds[app] = ttl
		}
		if err := e.emit(ctx, tx, ev); err != nil {
			return err
		}
	}
	return nil
}

// appTTL is an application's access-token lifetime in seconds, and its
// tenant; 0 for an application that is gone.
//
// The application and tenant are read under shared locks where the store
// has them (sqlstore on PostgreSQL; GetApplication's and GetTenant's
// otherwise): a first login holds a key-share lock on the tenant from its
// user's insert, and then takes one on the application with its
// registration's. Read for update, a revocation that held the application
// (or its tokens) waited for the tenant while that login waited for the
// application, and one of them lost to a deadlock. Nothing here is
// written; the lifetime only describes the tokens already issued.
func (e *Engine) appTTL(ctx context.Context, tx Store, applicationID string) (int, string, error) {
	app, err := getApplicationShared(ctx, tx, applicationID) // login.go
	if errors.Is(err, ErrNotFound) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	var t *Tenant
	if sh, ok := tx.(tenantSharer); ok {
		t, err = sh.GetTenantShared(ctx, app.TenantID)
	} else {
		t, err = tx.GetTenant(ctx, app.TenantID)
	}
	if err != nil {
		return 0, "", err
	}
	return int(accessTokenTTL(t, app).Seconds()), app.TenantID, nil
}

// tenantSharer is a store transaction that can read a tenant under a lock
// that keeps changes to it out but lets new users and applications of it be
// inserted (sqlstore: FOR SHARE on PostgreSQL).
type tenantSharer interface {
	GetTenantShared(ctx context.Context, id string) (*Tenant, error)
}
