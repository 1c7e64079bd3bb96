package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/authcore/authcore/authcore"
)

// ---- users

// userDoc is the stored form of a user: registrations are kept apart.
func userDoc(v *authcore.User) (string, error) {
	c := *v
	c.Registrations = nil
	return encode("user", &c)
}

func (t *tx) CreateUser(ctx context.Context, v *authcore.User) error {
	if err := authcore.CheckStorable("id", v.ID, "email", v.Email, "username", v.Username); err != nil {
		return err
	}
	if err := t.missingParent(parent{"tenant", v.TenantID}); err != nil {
		return err
	}
	doc, err := userDoc(v)
	if err != nil {
		return err
	}
	err = t.atomic1(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO users (id, tenant_id, email_lower, username_lower, insert_instant, doc) VALUES (?, ?, ?, ?, ?, ?)`,
			v.ID, v.TenantID, lowerOrNull(v.Email), lowerOrNull(v.Username), v.InsertInstant, doc)
		return err
	})
	if err != nil {
		return t.firstDuplicate(ctx, err,
			dupCheck{"id", `SELECT 1 FROM users WHERE id = ?`, []any{v.ID}},
			dupCheck{"email", `SELECT 1 FROM users WHERE tenant_id = ? AND email_lower = ?`, []any{v.TenantID, lowerOrNull(v.Email)}})
	}
	return nil
}

func (t *tx) GetUser(ctx context.Context, id string) (*authcore.User, error) {
	return t.getUser(ctx, id, t.lock())
}

func (t *tx) GetUserByEmail(ctx context.Context, tenantID, email string) (*authcore.User, error) {
	return t.getUserByEmail(ctx, tenantID, email, t.lock())
}

func (t *tx) GetUserByUsername(ctx context.Context, tenantID, username string) (*authcore.User, error) {
	return t.getUserByUsername(ctx, tenantID, username, t.lock())
}

// GetUserUnlocked, GetUserByEmailUnlocked and GetUserByUsernameUnlocked
// read as GetUser, GetUserByEmail and GetUserByUsername do, but take no row
// lock in a PostgreSQL transaction (authcore's userPeeker): a check that
// another user already holds an id, email or username, made while the
// transaction holds its tenant, must not wait for that user's lock, which a
// user update holds while it waits for the tenant.
func (t *tx) GetUserUnlocked(ctx context.Context, id string) (*authcore.User, error) {
	return t.getUser(ctx, id, "")
}

func (t *tx) GetUserByEmailUnlocked(ctx context.Context, tenantID, email string) (*authcore.User, error) {
	return t.getUserByEmail(ctx, tenantID, email, "")
}

func (t *tx) GetUserByUsernameUnlocked(ctx context.Context, tenantID, username string) (*authcore.User, error) {
	return t.getUserByUsername(ctx, tenantID, username, "")
}

func (t *tx) getUser(ctx context.Context, id, lock string) (*authcore.User, error) {
	return getOne[authcore.User](ctx, t, "user", id, `SELECT doc FROM users WHERE id = ?`+lock, id)
}

func (t *tx) getUserByEmail(ctx context.Context, tenantID, email, lock string) (*authcore.User, error) {
	if email == "" {
		return nil, notFound("user with email", email)
	}
	return getOne[authcore.User](ctx, t, "user with email", email,
		`SELECT doc FROM users WHERE tenant_id = ? AND email_lower = ?`+lock, tenantID, lowerOrNull(email))
}

func (t *tx) getUserByUsername(ctx context.Context, tenantID, username, lock string) (*authcore.User, error) {
	if username == "" {
		return nil, notFound("user with username", username)
	}
	return getOne[authcore.User](ctx, t, "user with username", username,
		`SELECT doc FROM users WHERE tenant_id = ? AND username_lower = ?`+lock, tenantID, lowerOrNull(username))
}

// UpdateUser refuses to move a user to another tenant (ErrConflict), as
// memstore does: the user's links and registrations belong to its tenant.
func (t *tx) UpdateUser(ctx context.Context, v *authcore.User) error {
	if err := authcore.CheckStorable("email", v.Email, "username", v.Username); err != nil {
		return err
	}
	if !t.canMatch([]any{v.ID}) {
		return notFound("user", v.ID)
	}
	doc, err := userDoc(v)
	if err != nil {
		return err
	}
	email, username := lowerOrNull(v.Email), lowerOrNull(v.Username)
	// Most updates (every login's) keep the e-mail and username, so try
	// that first; when it matches no row, the full update below runs. Such
	// an update sets no indexed column: SQLite, which rewrites the entries
	// of every index on a column the SET names, changed or not, writes two
	// pages fewer, and no constraint can refuse it (no savepoint on
	// PostgreSQL).
	same := `UPDATE users SET insert_instant = ?, doc = ? WHERE id = ? AND tenant_id = ? AND email_lower IS ? AND username_lower IS ?`
	if t.s.dialect == Postgres {
		same = `UPDATE users SET insert_instant = ?, doc = ? WHERE id = ? AND tenant_id = ? AND email_lower IS NOT DISTINCT FROM ? AND username_lower IS NOT DISTINCT FROM ?`
	}
	n, err := t.execUnguarded(ctx, same, v.InsertInstant, doc, v.ID, v.TenantID, email, username)
	if err != nil || n > 0 {
		return err
	}
	err = t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `UPDATE users SET email_lower = ?, username_lower = ?, insert_instant = ?, doc = ? WHERE id = ? AND tenant_id = ?`,
			email, username, v.InsertInstant, doc, v.ID, v.TenantID)
		if err != nil || n > 0 {
			return err
		}
		var tenant string
		switch err := t.queryRow(ctx, `SELECT tenant_id FROM users WHERE id = ?`, v.ID).Scan(&tenant); {
		case errors.Is(err, sql.ErrNoRows):
			return notFound("user", v.ID)
		case err != nil:
			return t.s.mapErr(ctx, err)
		}
		return fmt.Errorf("sqlstore: a user cannot change tenant: %w", authcore.ErrConflict)
	})
	if err != nil {
		return t.firstDuplicate(ctx, err,
			dupCheck{"email", `SELECT 1 FROM users WHERE tenant_id = ? AND email_lower = ? AND id <> ?`, []any{v.TenantID, email, v.ID}})
	}
	return nil
}

// DeleteUser deletes the user's links, refresh tokens and moderation items
// before the user (the rest goes by cascade): a login locks a link, a
// refresh a refresh token, and a moderator's decision or a resubmission a
// moderation item, before the user, and taking them after the user (as a
// cascade does) deadlocks on PostgreSQL.
func (t *tx) DeleteUser(ctx context.Context, id string) error {
	if !t.canMatch([]any{id}) {
		return notFound("user", id)
	}
	return t.atomic(ctx, func() error {
		if _, err := t.exec(ctx, `DELETE FROM links WHERE user_id = ?`, id); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM refresh_tokens WHERE user_id = ?`, id); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM moderation_items WHERE user_id = ?`, id); err != nil {
			return err
		}
		n, err := t.execN(ctx, `DELETE FROM users WHERE id = ?`, id)
		if err == nil && n == 0 {
			return notFound("user", id)
		}
		if err != nil {
			return err
		}
		// Login records have no foreign key (a login writes one without
		// locking anything more). Deleted after the user: on PostgreSQL a
		// login that wrote one also updated the user, so the user's delete
		// waited for it to commit, and this statement sees its record.
		_, err = t.exec(ctx, `DELETE FROM login_records WHERE user_id = ?`, id)
		return err
	})
}

// ---- registrations

func (t *tx) CreateRegistration(ctx context.Context, r *authcore.UserRegistration) error {
	if err := authcore.CheckStorable("id", r.ID); err != nil {
		return err
	}
	if err := t.missingParent(parent{"user", r.UserID}, parent{"application", r.ApplicationID}); err != nil {
		return err
	}
	doc, err := encode("registration", r)
	if err != nil {
		return err
	}
	err = t.atomic1(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO registrations (user_id, application_id, id, insert_instant, doc) VALUES (?, ?, ?, ?, ?)`,
			r.UserID, r.ApplicationID, r.ID, r.InsertInstant, doc)
		return err
	})
	var dup *authcore.DuplicateError
	if errors.As(err, &dup) && dup.Field == "registrationId" {
		// When the registration breaks both rules, the database names the
		// index it checked first: SQLite the id's, PostgreSQL the primary
		// key. Name the user and application's, as memstore does. (After
		// atomic1, so that PostgreSQL's savepoint is rolled back.)
		var one int
		if t.queryRow(ctx, `SELECT 1 FROM registrations WHERE user_id = ? AND application_id = ?`, r.UserID, r.ApplicationID).Scan(&one) == nil {
			return authcore.Duplicate("registration")
		}
	}
	return err
}

func (t *tx) GetRegistration(ctx context.Context, userID, applicationID string) (*authcore.UserRegistration, error) {
	r, err := getOne[authcore.UserRegistration](ctx, t, "registration", userID+"/"+applicationID,
		`SELECT doc FROM registrations WHERE user_id = ? AND application_id = ?`+t.lock(), userID, applicationID)
	if err != nil {
		return nil, err
	}
	r.UserID = userID // not in the document (json:"-")
	return r, nil
}

func (t *tx) ListRegistrations(ctx context.Context, userID string) ([]*authcore.UserRegistration, error) {
	out, err := getList[authcore.UserRegistration](ctx, t, "registration",
		`SELECT doc FROM registrations WHERE user_id = ? ORDER BY insert_instant, id`+t.lock(), userID)
	for _, r := range out {
		r.UserID = userID
	}
	return out, err
}

func (t *tx) ListApplicationRegistrations(ctx context.Context, applicationID string) ([]*authcore.UserRegistration, error) {
	if !t.canMatch([]any{applicationID}) {
		return []*authcore.UserRegistration{}, nil
	}
	rows, err := t.query(ctx, `SELECT user_id, doc FROM registrations WHERE application_id = ? ORDER BY user_id`+t.lock(), applicationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*authcore.UserRegistration{}
	for rows.Next() {
		var userID string
		var doc []byte
		if err := rows.Scan(&userID, &doc); err != nil {
			return nil, t.s.mapErr(ctx, err)
		}
		r := new(authcore.UserRegistration)
		if err := decodeDoc(doc, r); err != nil {
			return nil, fmt.Errorf("sqlstore: decode registration: %w", err)
		}
		r.UserID = userID
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, t.s.mapErr(ctx, t.note(err))
	}
	return out, nil
}

func (t *tx) UpdateRegistration(ctx context.Context, r *authcore.UserRegistration) error {
	if err := authcore.CheckStorable("id", r.ID); err != nil {
		return err
	}
	if !t.canMatch([]any{r.UserID, r.ApplicationID}) {
		return notFound("registration", r.UserID+"/"+r.ApplicationID)
	}
	doc, err := encode("registration", r)
	if err != nil {
		return err
	}
	// As for a user's e-mail: every login's update keeps the id, and the
	// update that sets no indexed column rewrites no index entry on SQLite
	// and cannot be refused (no savepoint on PostgreSQL).
	n, err := t.execUnguarded(ctx, `UPDATE registrations SET insert_instant = ?, doc = ? WHERE user_id = ? AND application_id = ? AND id = ?`,
		r.InsertInstant, doc, r.UserID, r.ApplicationID, r.ID)
	if err != nil || n > 0 {
		return err
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `UPDATE registrations SET id = ?, insert_instant = ?, doc = ? WHERE user_id = ? AND application_id = ?`,
			r.ID, r.InsertInstant, doc, r.UserID, r.ApplicationID)
		if err == nil && n == 0 {
			return notFound("registration", r.UserID+"/"+r.ApplicationID)
		}
		return err
	})
}

// DeleteRegistration deletes the registration's moderation items (all that
// name its user and application, not only the one its cleanSpeakId names)
// before the registration, the order of a moderator's decision (the item,
// then the user and the registration).
func (t *tx) DeleteRegistration(ctx context.Context, userID, applicationID string) error {
	if !t.canMatch([]any{userID, applicationID}) {
		return notFound("registration", userID+"/"+applicationID)
	}
	return t.atomic(ctx, func() error {
		if _, err := t.exec(ctx, `DELETE FROM moderation_items WHERE user_id = ? AND application_id = ?`, userID, applicationID); err != nil {
			return err
		}
		n, err := t.execN(ctx, `DELETE FROM registrations WHERE user_id = ? AND application_id = ?`, userID, applicationID)
		if err == nil && n == 0 {
			return notFound("registration", userID+"/"+applicationID)
		}
		return err
	})
}
