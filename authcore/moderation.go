package authcore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
)

// CleanSpeak username moderation (integrations.cleanspeak with
// usernameModeration.enabled). A username a user or a registration gets or
// changes to is sent to CleanSpeak; allowed is ACTIVE, queued for approval
// is PENDING until a moderator's decision arrives (CleanSpeakNotify), and
// rejected refuses the request with [moderationRejected]user.username or
// registration.username. CleanSpeak down keeps the username PENDING and the
// request succeeds: a login never fails because CleanSpeak is away. Its
// moderation item is marked Resubmit, and ResubmitPendingUsernames
// (moderation_resubmit.go) sends it again later.
//
// CleanSpeak is asked outside the store transaction (a transaction must not
// wait on the network): the transaction asks for the decisions it needs by
// failing with *needModeration, the caller asks CleanSpeak, and the
// transaction runs again with the answer (withModeration).

// KindModerationRejected is the validation kind of a username CleanSpeak
// rejected.
const KindModerationRejected = "moderationRejected"

// moderation holds one operation's moderation settings and decisions.
type moderation struct {
	on       bool
	cfg      cleanspeak.Config
	verdicts map[moderationKey]moderationVerdict
	// down is why CleanSpeak was unavailable earlier in this operation;
	// its other usernames are kept PENDING without asking again, so that
	// a CleanSpeak that hangs costs one timeout, not one per username.
	down error
}

type moderationKey struct {
	applicationID string // "" for user.username
	username      string
}

type moderationVerdict struct {
	status      cleanspeak.Status
	contentID   string
	unavailable bool
	// update: the request updated an existing content item (PUT).
	update bool
}

// needModeration asks the caller of a transaction to moderate a username
// and run the transaction again.
type needModeration struct {
	key moderationKey
	req cleanspeak.Request
}

func (n *needModeration) Error() string {
	return "authcore: username needs moderation before the transaction can complete"
}

// newModeration snapshots the CleanSpeak settings; call it outside a
// transaction. A caller that holds the configuration snapshot (cfg) passes
// it: the integrations are current as of its version, without reading the
// version again (events.go).
func (e *Engine) newModeration(ctx context.Context, cfg *configSnapshot) *moderation {
	var in integration.Integrations
	if cfg != nil {
		in = e.integrationsAt(ctx, cfg.version)
	} else {
		in = e.currentIntegrations(ctx)
	}
	cs := in.CleanSpeak
	return &moderation{
		on:  cs.Enabled && cs.UsernameModeration.Enabled,
		cfg: cleanspeak.Config{URL: cs.URL, APIKey: cs.APIKey, ApplicationID: cs.UsernameModeration.ApplicationID},
	}
}

// moderationRounds bounds the re-runs of one operation's transaction: each
// asks for one more username (a login may need two: the user's and the
// registration's).
const moderationRounds = 4

// withModeration runs run (a transaction) until it no longer needs a
// moderation decision.
func (e *Engine) withModeration(ctx context.Context, m *moderation, run func() error) error {
	for round := 0; ; round++ {
		err := run()
		var need *needModeration
		if !errors.As(err, &need) || round >= moderationRounds {
			return err
		}
		if m.verdicts == nil { // most operations need no verdict at all
			m.verdicts = map[moderationKey]moderationVerdict{}
		}
		m.verdicts[need.key] = e.moderate(ctx, m, need.req)
	}
}

// moderate asks CleanSpeak. Unavailable is PENDING, with an event-log
// entry: the username waits for a moderator or an administrator.
func (e *Engine) moderate(ctx context.Context, m *moderation, req cleanspeak.Request) moderationVerdict {
	err := m.down
	var res cleanspeak.Result
	if err == nil {
		res, err = e.ext.cleanspeak.Moderate(ctx, m.cfg, req)
		m.down = err
	}
	if err != nil {
		e.log.WarnContext(ctx, "CleanSpeak unavailable: username kept PENDING", "contentId", req.ContentID, "error", err)
		e.writeEventLog(ctx, EventLogError, "CleanSpeak could not moderate the username of user [%s] (content id [%s]); the username is kept PENDING: %v", req.SenderID, req.ContentID, err)
		return moderationVerdict{status: cleanspeak.StatusPending, contentID: req.ContentID, unavailable: true, update: req.Update}
	}
	return moderationVerdict{status: res.Status, contentID: req.ContentID, update: req.Update}
}

// usernameTarget is one username being written, with what is stored.
type usernameTarget struct {
	path          string // user.username or registration.username
	tenantID      string
	userID        string
	applicationID string
	username      string
	prevUsername  string
	prevStatus    string
	prevContentID string
	now           int64
	// user, for user.username, is the user being written: see userClash.
	user *User
	// creating: the user or registration is new, so its id (a user's) or
	// its user and application (a registration's) must be free too.
	creating bool
}

// moderateUsername decides a username's status and cleanSpeakId inside a
// transaction.
func (e *Engine) moderateUsername(ctx context.Context, tx Store, m *moderation, t usernameTarget) (status, contentID string, err error) {
	switch {
	case t.username == "":
		return "", "", e.forgetModeration(ctx, tx, t.prevContentID, t.prevStatus)
	case t.username == t.prevUsername && t.prevStatus != "":
		return t.prevStatus, t.prevContentID, nil
	case !m.on:
		return string(cleanspeak.StatusActive), "", e.forgetModeration(ctx, tx, t.prevContentID, t.prevStatus)
	}
	key := moderationKey{applicationID: t.applicationID, username: t.username}
	v, ok := m.verdicts[key]
	if !ok {
		if t.user != nil {
			// A write the store refuses as a duplicate must not have
			// CleanSpeak asked first: it kept a content item (and a
			// moderator's queue entry) for a username nothing stores,
			// under a sender id no user has, and a rejection or a
			// CleanSpeak that hangs answered before the clash did.
			if err := userClash(ctx, tx, t.user, t.creating); err != nil {
				return "", "", err
			}
		} else if t.creating && t.applicationID != "" {
			// A second registration to the application: the store
			// refuses it as a duplicate, as above.
			switch _, err := tx.GetRegistration(ctx, t.userID, t.applicationID); {
			case err == nil:
				return "", "", Duplicate("registration")
			case !errors.Is(err, ErrNotFound):
				return "", "", err
			}
		}
		id, update := t.prevContentID, t.prevContentID != ""
		if id == "" {
			id = uuid.NewString()
		}
		if update && t.prevStatus == string(cleanspeak.StatusPending) {
			// CleanSpeak never got the previous username of this content
			// item: the item is still to be created.
			created, err := contentCreated(ctx, tx, id)
			if err != nil {
				return "", "", err
			}
			update = created
		}
		return "", "", &needModeration{key: key, req: cleanspeak.Request{
			ContentID: id, SenderID: t.userID, Username: t.username, CreateInstant: t.now, Update: update,
		}}
	}
	switch v.status {
	case cleanspeak.StatusRejected:
		return "", "", invalid(t.path, KindModerationRejected, fmt.Sprintf("The [%s] property was rejected by CleanSpeak's moderation.", t.path))
	case cleanspeak.StatusPending:
		err := tx.PutModerationItem(ctx, &ModerationItem{
			ContentID: v.contentID, TenantID: t.tenantID, UserID: t.userID, ApplicationID: t.applicationID,
			Username: t.username, InsertInstant: t.now,
			Resubmit: v.unavailable, ResubmitAsUpdate: v.unavailable && v.update,
		})
		return string(v.status), v.contentID, err
	default:
		return string(v.status), v.contentID, e.forgetModeration(ctx, tx, t.prevContentID, t.prevStatus)
	}
}

// contentCreated reports whether CleanSpeak holds contentID's content item,
// judged by its moderation item: one still marked for resubmission as a
// creation was never created. Without an item (the username was settled)
// CleanSpeak had it.
func contentCreated(ctx context.Context, tx Store, contentID string) (bool, error) {
	item, err := tx.GetModerationItem(ctx, contentID)
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return !item.Resubmit || item.ResubmitAsUpdate, nil
}

// forgetModeration drops the moderation item of a username that is no
// longer pending.
func (e *Engine) forgetModeration(ctx context.Context, tx Store, contentID, status string) error {
	if contentID == "" || status != string(cleanspeak.StatusPending) {
		return nil
	}
	if err := tx.DeleteModerationItem(ctx, contentID); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// moderateUser sets next's username status; prev is the stored user (nil
// for a new one).
func (e *Engine) moderateUser(ctx context.Context, tx Store, m *moderation, next, prev *User) error {
	t := usernameTarget{path: "user.username", tenantID: next.TenantID, userID: next.ID, username: next.Username, now: e.instant(),
		user: next, creating: prev == nil}
	if prev != nil {
		t.prevUsername, t.prevStatus, t.prevContentID = prev.Username, prev.UsernameStatus, prev.CleanSpeakID
	}
	status, id, err := e.moderateUsername(ctx, tx, m, t)
	if err != nil {
		return err
	}
	next.UsernameStatus, next.CleanSpeakID = status, id
	return nil
}

// userClash returns the *DuplicateError the store refuses u with when
// another user holds its id (creating only), or its email or username in its
// tenant, checked in the store's order; nil when the write may go ahead. The
// store still enforces uniqueness at the write: this only saves asking
// CleanSpeak about a write that cannot succeed.
func userClash(ctx context.Context, tx Store, u *User, creating bool) error {
	getUser, byEmail, byUsername := tx.GetUser, tx.GetUserByEmail, tx.GetUserByUsername
	if p, ok := tx.(userPeeker); ok {
		// The user write holds its tenant by now (read in the
		// transaction) and, for an update, its own user. A locking read of
		// the other user waited for a transaction holding that user (its
		// update) which waited for this tenant: a deadlock on PostgreSQL.
		getUser, byEmail, byUsername = p.GetUserUnlocked, p.GetUserByEmailUnlocked, p.GetUserByUsernameUnlocked
	}
	if creating {
		switch _, err := getUser(ctx, u.ID); {
		case err == nil:
			return Duplicate("id")
		case !errors.Is(err, ErrNotFound):
			return err
		}
	}
	for _, c := range [...]struct {
		field, value string
		get          func(context.Context, string, string) (*User, error)
	}{{"email", u.Email, byEmail}, {"username", u.Username, byUsername}} {
		if c.value == "" {
			continue
		}
		switch other, err := c.get(ctx, u.TenantID, c.value); {
		case err == nil && other.ID != u.ID:
			return Duplicate(c.field)
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		}
	}
	return nil
}

// userPeeker is a store transaction that can read users without locking
// them (sqlstore: its other reads in a PostgreSQL transaction lock FOR
// UPDATE). userClash only looks: the store's unique indexes decide at the
// write, so a read that locks buys nothing and can deadlock.
type userPeeker interface {
	GetUserUnlocked(ctx context.Context, id string) (*User, error)
	GetUserByEmailUnlocked(ctx context.Context, tenantID, email string) (*User, error)
	GetUserByUsernameUnlocked(ctx context.Context, tenantID, username string) (*User, error)
}

// moderateRegistration sets next's username status; prev is the stored
// registration (nil for a new one).
func (e *Engine) moderateRegistration(ctx context.Context, tx Store, m *moderation, tenantID string, next, prev *UserRegistration) error {
	t := usernameTarget{path: "registration.username", tenantID: tenantID, userID: next.UserID, applicationID: next.ApplicationID, username: next.Username, now: e.instant(),
		creating: prev == nil}
	if prev != nil {
		t.prevUsername, t.prevStatus, t.prevContentID = prev.Username, prev.UsernameStatus, prev.CleanSpeakID
	}
	status, id, err := e.moderateUsername(ctx, tx, m, t)
	if err != nil {
		return err
	}
	next.UsernameStatus, next.CleanSpeakID = status, id
	return nil
}

// moderateLogin moderates the usernames a login writes: the user's (a
// username strategy's new user, or a reconcile lambda's change) and the
// registration's (Twitter's screen name). For a user or registration the
// login did not create, what is stored is read through tx to tell a change
// from the stored value. With moderation off, nothing is read unless a
// reconcile function ran (reconciled): it may have changed a username,
// which is then ACTIVE and drops what the old one had, as on a write
// through the API.
func (e *Engine) moderateLogin(ctx context.Context, tx Store, m *moderation, u *User, userIsNew bool, reg *UserRegistration, regIsNew bool, reconciled bool) error {
	if m == nil || (!m.on && !reconciled) {
		return nil
	}
	var prevUser *User
	if !userIsNew {
		var err error
		if prevUser, err = tx.GetUser(ctx, u.ID); err != nil {
			return err
		}
	}
	if err := e.moderateUser(ctx, tx, m, u, prevUser); err != nil {
		return err
	}
	if reg == nil {
		return nil
	}
	var prevReg *UserRegistration
	if !regIsNew {
		var err error
		if prevReg, err = tx.GetRegistration(ctx, reg.UserID, reg.ApplicationID); err != nil {
			return err
		}
	}
	return e.moderateRegistration(ctx, tx, m, u.TenantID, reg, prevReg)
}

// CleanSpeakNotify applies a CleanSpeak webhook notification: each approved
// or rejected username that is still pending becomes ACTIVE or REJECTED.
// Unknown content ids, decisions about a username that changed since, and
// notification types other than contentApproval are ignored. It is global:
// a tenant-locked key may not call it.
func (e *Engine) CleanSpeakNotify(ctx context.Context, n cleanspeak.Notification) error {
	if err := requireGlobal(ctx); err != nil {
		return err
	}
	for contentID, status := range n.Decisions() {
		contentID = strings.ToLower(strings.TrimSpace(contentID))
		err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
			return e.applyNotifiedDecision(ctx, tx, contentID, status)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// applyNotifiedDecision applies a moderator's decision unless the item's
// username is one CleanSpeak never got (written while it was unavailable,
// marked Resubmit): the decision is about the version CleanSpeak holds, an
// older username, and the new one waits for its resubmission.
func (e *Engine) applyNotifiedDecision(ctx context.Context, tx Store, contentID string, status cleanspeak.Status) error {
	item, err := tx.GetModerationItem(ctx, contentID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if item.Resubmit {
		return nil
	}
	return e.applyDecision(ctx, tx, item, status)
}

// applyDecision settles item, as read in tx by its caller, with a
// moderator's or CleanSpeak's status.
func (e *Engine) applyDecision(ctx context.Context, tx Store, item *ModerationItem, status cleanspeak.Status) error {
	contentID := item.ContentID
	if err := tx.DeleteModerationItem(ctx, contentID); err != nil {
		return err
	}
	u, err := tx.GetUser(ctx, item.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if item.ApplicationID == "" {
		if u.CleanSpeakID != contentID || u.Username != item.Username {
			return nil
		}
		original := *u
		u.UsernameStatus = string(status)
		u.LastUpdateInstant = e.instant()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		e.log.InfoContext(ctx, "username moderated", "userId", u.ID, "status", status)
		return e.emit(ctx, tx, Event{Type: EventUserUpdate, TenantID: u.TenantID, User: eventUser(u), Original: eventUser(&original)})
	}
	reg, err := tx.GetRegistration(ctx, item.UserID, item.ApplicationID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if reg.CleanSpeakID != contentID || reg.Username != item.Username {
		return nil
	}
	original := *reg
	reg.UsernameStatus = string(status)
	reg.LastUpdateInstant = e.instant()
	if err := tx.UpdateRegistration(ctx, reg); err != nil {
		return err
	}
	e.log.InfoContext(ctx, "registration username moderated", "userId", u.ID, "applicationId", reg.ApplicationID, "status", status)
	// As a user's moderated username is a user.update, a registration's is
	// a user.registration.update.
	return e.emit(ctx, tx, Event{Type: EventUserRegistrationUpdate, TenantID: u.TenantID, ApplicationID: reg.ApplicationID,
		User: eventUser(u), Registration: reg, OriginalRegistration: &original})
}
