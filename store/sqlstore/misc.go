package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
)

// ---- identity providers

func (t *tx) CreateIdentityProvider(ctx context.Context, p *authcore.IdentityProviderRecord) error {
	if err := authcore.CheckStorable("id", p.ID); err != nil {
		return err
	}
	doc, err := encode("identity provider", p)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO identity_providers (id, insert_instant, doc) VALUES (?, ?, ?)`, p.ID, p.InsertInstant, doc)
		return err
	})
}

func (t *tx) GetIdentityProvider(ctx context.Context, id string) (*authcore.IdentityProviderRecord, error) {
	return getOne[authcore.IdentityProviderRecord](ctx, t, "identity provider", id,
		`SELECT doc FROM identity_providers WHERE id = ?`+t.lock(), id)
}

// GetIdentityProviderShared reads a provider as GetIdentityProvider does,
// but a PostgreSQL transaction locks it FOR SHARE instead of FOR UPDATE: the
// provider's delete and changes wait for it, and it for them, but inserting
// a link (whose foreign key takes a key-share lock on the provider) does
// not. Creating a link reads its provider so, first.
func (t *tx) GetIdentityProviderShared(ctx context.Context, id string) (*authcore.IdentityProviderRecord, error) {
	return getOne[authcore.IdentityProviderRecord](ctx, t, "identity provider", id,
		`SELECT doc FROM identity_providers WHERE id = ?`+t.shareLock(), id)
}

// LockIdentityProviderShared locks an identity provider's row as
// GetIdentityProviderShared does, without reading it, for a first login
// about to insert its user (authcore's providerLocker). SQLite runs one
// write transaction at a time and needs no lock, nor the statement.
func (t *tx) LockIdentityProviderShared(ctx context.Context, id string) error {
	return t.lockRows(ctx, `SELECT 1 FROM identity_providers WHERE id = ? FOR SHARE`, id)
}

func (t *tx) ListIdentityProviders(ctx context.Context) ([]*authcore.IdentityProviderRecord, error) {
	return getList[authcore.IdentityProviderRecord](ctx, t, "identity provider",
		`SELECT doc FROM identity_providers ORDER BY insert_instant, id`+t.lock())
}

func (t *tx) UpdateIdentityProvider(ctx context.Context, p *authcore.IdentityProviderRecord) error {
	if !t.canMatch([]any{p.ID}) {
		return notFound("identity provider", p.ID)
	}
	doc, err := encode("identity provider", p)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `UPDATE identity_providers SET insert_instant = ?, doc = ? WHERE id = ?`, p.InsertInstant, doc, p.ID)
		if err == nil && n == 0 {
			return notFound("identity provider", p.ID)
		}
		return err
	})
}

func (t *tx) DeleteIdentityProvider(ctx context.Context, id string) error {
	if !t.canMatch([]any{id}) {
		return notFound("identity provider", id)
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `DELETE FROM identity_providers WHERE id = ?`, id)
		if err == nil && n == 0 {
			return notFound("identity provider", id)
		}
		return err
	})
}

// ---- integrations

// GetIntegrations reads the one row the first migration created; its doc is
// NULL until PutIntegrations. In a PostgreSQL transaction the row is locked,
// so read-modify-write transactions on it serialise.
func (t *tx) GetIntegrations(ctx context.Context) (*integration.Integrations, error) {
	return getOne[integration.Integrations](ctx, t, "integrations", "", `SELECT doc FROM integrations WHERE id = 1`+t.lock())
}

func (t *tx) PutIntegrations(ctx context.Context, in *integration.Integrations) error {
	doc, err := encode("integrations", in)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO integrations (id, doc) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`, doc)
		return err
	})
}

// ---- API keys

func (t *tx) CreateAPIKey(ctx context.Context, k *authcore.APIKey) error {
	if err := authcore.CheckStorable("id", k.ID, "name", k.Name); err != nil {
		return err
	}
	doc, err := encode("api key", k)
	if err != nil {
		return err
	}
	err = t.atomic1(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO api_keys (id, key_hash, name_lower, insert_instant, doc) VALUES (?, ?, ?, ?, ?)`,
			k.ID, hashArg(k.KeyHash), lowerOrNull(k.Name), k.InsertInstant, doc)
		return err
	})
	if err != nil {
		return t.firstDuplicate(ctx, err,
			dupCheck{"id", `SELECT 1 FROM api_keys WHERE id = ?`, []any{k.ID}},
			dupCheck{"key", `SELECT 1 FROM api_keys WHERE key_hash = ?`, []any{hashArg(k.KeyHash)}})
	}
	return nil
}

func (t *tx) GetAPIKeyByHash(ctx context.Context, hash []byte) (*authcore.APIKey, error) {
	return getOne[authcore.APIKey](ctx, t, "api key", "", `SELECT doc FROM api_keys WHERE key_hash = ?`+t.lock(), hashArg(hash))
}

func (t *tx) GetAPIKey(ctx context.Context, id string) (*authcore.APIKey, error) {
	return getOne[authcore.APIKey](ctx, t, "api key", id, `SELECT doc FROM api_keys WHERE id = ?`+t.lock(), id)
}

// UpdateAPIKey rewrites the document and the name: the key_hash and
// insert_instant columns keep what the create stored, and so does the
// document's copy of them, so that an update can never change which secret
// authenticates. The name goes through the name_lower index, which refuses
// another key's.
func (t *tx) UpdateAPIKey(ctx context.Context, k *authcore.APIKey) error {
	if err := authcore.CheckStorable("name", k.Name); err != nil {
		return err
	}
	if !t.canMatch([]any{k.ID}) {
		return notFound("api key", k.ID)
	}
	old, err := t.GetAPIKey(ctx, k.ID)
	if err != nil {
		return err
	}
	c := *k
	c.KeyHash, c.InsertInstant = old.KeyHash, old.InsertInstant
	doc, err := encode("api key", &c)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `UPDATE api_keys SET name_lower = ?, doc = ? WHERE id = ?`, lowerOrNull(k.Name), doc, k.ID)
		if err == nil && n == 0 {
			return notFound("api key", k.ID)
		}
		return err
	})
}

func (t *tx) ListAPIKeys(ctx context.Context) ([]*authcore.APIKey, error) {
	return getList[authcore.APIKey](ctx, t, "api key", `SELECT doc FROM api_keys ORDER BY insert_instant, id`+t.lock())
}

func (t *tx) DeleteAPIKey(ctx context.Context, id string) error {
	if !t.canMatch([]any{id}) {
		return notFound("api key", id)
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `DELETE FROM api_keys WHERE id = ?`, id)
		if err == nil && n == 0 {
			return notFound("api key", id)
		}
		return err
	})
}

// ---- refresh tokens

// applicationTokensKey is the PostgreSQL advisory lock key of an
// application's refresh tokens, whose id is the statement's argument param,
// per schema so that stores on other schemas of one database never meet.
//
// Rows that do not exist yet cannot be locked, so at READ COMMITTED a
// DELETE of every token of an application does not see a token that a
// concurrent transaction inserted and had not committed when the DELETE
// began: that token survived a revocation whose transaction committed after
// the one that created it. So each token's insert holds this key shared
// until its transaction ends, and a revocation of an application's tokens
// takes it exclusively before its DELETE (a statement of its own, whose
// snapshot then includes every creation it waited for). A user's tokens need
// nothing of the kind: a token's insert takes a key-share lock on its user
// (the foreign key), which a revocation by user, holding the user, waits
// for.
func applicationTokensKey(param string) string {
	return `hashtextextended('authcore.refresh_tokens.application:' || current_schema() || ':' || ` + param + `::text, 0)`
}

// lockApplicationTokensSharedPostgres takes an application's token lock,
// shared, as CreateRefreshToken does before its insert on PostgreSQL.
var lockApplicationTokensSharedPostgres = `SELECT pg_advisory_xact_lock_shared(` + applicationTokensKey("?") + `)`

// createRefreshTokenPostgres and createRefreshTokenSQLite are
// CreateRefreshToken's insert: nothing when the token's application does
// not exist (the last argument is its id again). Refresh tokens have no
// foreign key to applications (see CreateRefreshToken).
const (
	createRefreshTokenPostgres = `INSERT INTO refresh_tokens (id, token_hash, previous_token_hash, user_id, application_id, insert_instant, doc)
SELECT ?::text, ?::bytea, ?::bytea, ?::text, ?::text, ?::bigint, ?::text WHERE EXISTS (SELECT 1 FROM applications WHERE id = ?)`
	createRefreshTokenSQLite = `INSERT INTO refresh_tokens (id, token_hash, previous_token_hash, user_id, application_id, insert_instant, doc)
SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM applications WHERE id = ?)`
)

// lockApplicationTokensPostgres takes an application's token lock,
// exclusively.
var lockApplicationTokensPostgres = `SELECT pg_advisory_xact_lock(` + applicationTokensKey("?") + `)`

// lockApplicationTokens makes a PostgreSQL transaction the only one that
// may create tokens of applicationID until it ends, once the transactions
// creating one have ended. It locks the application's existing tokens
// first (LockApplicationTokens, in the order every such lock takes them),
// as a DELETE of them would: a transaction that holds one of them (a
// refresh, or a token exchange that makes its new token from it) may be
// about to create a token of the application, and taking the key before
// the rows closed a cycle with it.
func (t *tx) lockApplicationTokens(ctx context.Context, applicationID string) error {
	if err := t.LockApplicationTokens(ctx, applicationID); err != nil {
		return err
	}
	_, err := t.exec(ctx, lockApplicationTokensPostgres, applicationID)
	return err
}

// LockApplicationTokens locks an application's refresh tokens (FOR UPDATE
// on PostgreSQL; SQLite runs one write transaction at a time and needs no
// lock) for a caller about to lock the application itself: a refresh holds
// its token when it reads its application, so an application's delete or a
// revocation of its tokens that held the application first and then waited
// for the token closed a cycle with it. Rows in ListRefreshTokens' order, so
// that a revocation by user, which locks the user's tokens so, takes the
// tokens both lock in the same order.
func (t *tx) LockApplicationTokens(ctx context.Context, applicationID string) error {
	return t.lockRows(ctx, `SELECT id FROM refresh_tokens WHERE application_id = ? ORDER BY insert_instant, id FOR UPDATE`, applicationID)
}

// LockTenantTokens locks the refresh tokens of a tenant's applications and
// users, as LockApplicationTokens does an application's, for a tenant's
// delete about to lock the tenant: a refresh holds its token when it reads
// its tenant and application.
func (t *tx) LockTenantTokens(ctx context.Context, tenantID string) error {
	return t.lockRows(ctx, `SELECT id FROM refresh_tokens WHERE application_id IN (SELECT id FROM applications WHERE tenant_id = ?)
OR user_id IN (SELECT id FROM users WHERE tenant_id = ?) ORDER BY insert_instant, id FOR UPDATE OF refresh_tokens`, tenantID, tenantID)
}

// CreateRefreshToken refuses a token of an application that does not exist
// (ErrNotFound), as the user's foreign key refuses one of a user that does
// not. Refresh tokens have no foreign key to applications: the key-share
// lock such a key takes on the application would close cycles with an
// application's delete, which holds the application and then waits for the
// token lock (held by this insert) and for a repeat login's registration
// (held by that login while it inserts its token). The check is a read
// that locks nothing.
//
// On PostgreSQL the insert first takes its application's token lock shared
// (applicationTokensKey), in a statement of its own: tokens of one
// application are created side by side, and a revocation or a delete of
// all of them waits for this transaction. The insert's snapshot (READ
// COMMITTED) is then taken once the lock is held, so it sees the delete of
// an application that committed while this waited for the lock: an
// application's delete holds that lock exclusively from before it deletes
// the tokens until it commits. In one statement with the lock, the
// snapshot was the one from before the wait, the application still
// there, and a token of a deleted application was left behind.
func (t *tx) CreateRefreshToken(ctx context.Context, r *authcore.RefreshToken) error {
	if err := authcore.CheckStorable("id", r.ID); err != nil {
		return err
	}
	// The application first, as the insert reports it (RefreshTokenStore).
	if err := t.missingParent(parent{"application", r.ApplicationID}, parent{"user", r.UserID}); err != nil {
		return err
	}
	doc, err := encode("refresh token", r)
	if err != nil {
		return err
	}
	insert := createRefreshTokenSQLite
	if t.s.dialect == Postgres {
		insert = createRefreshTokenPostgres
	}
	err = t.atomic1(ctx, func() error {
		if t.s.dialect == Postgres {
			if _, err := t.exec(ctx, lockApplicationTokensSharedPostgres, r.ApplicationID); err != nil {
				return err
			}
		}
		n, err := t.execN(ctx, insert,
			r.ID, hashArg(r.TokenHash), nullableHash(r.PreviousTokenHash), r.UserID, r.ApplicationID, r.InsertInstant, doc, r.ApplicationID)
		if err == nil && n == 0 {
			return notFound("application", r.ApplicationID)
		}
		return err
	})
	if err != nil {
		return t.firstDuplicate(ctx, err, dupCheck{"id", `SELECT 1 FROM refresh_tokens WHERE id = ?`, []any{r.ID}})
	}
	return nil
}

func (t *tx) GetRefreshToken(ctx context.Context, id string) (*authcore.RefreshToken, error) {
	return getOne[authcore.RefreshToken](ctx, t, "refresh token", id, `SELECT doc FROM refresh_tokens WHERE id = ?`+t.lock(), id)
}

func (t *tx) GetRefreshTokenByHash(ctx context.Context, hash []byte, previous bool) (*authcore.RefreshToken, error) {
	if previous {
		// Hashes are random, so two tokens never share a previous hash in
		// practice; should they, the newest wins, as in memstore.
		return getOne[authcore.RefreshToken](ctx, t, "refresh token", "",
			`SELECT doc FROM refresh_tokens WHERE previous_token_hash = ? ORDER BY insert_instant DESC, id DESC LIMIT 1`+t.lock(), hashArg(hash))
	}
	return getOne[authcore.RefreshToken](ctx, t, "refresh token", "",
		`SELECT doc FROM refresh_tokens WHERE token_hash = ?`+t.lock(), hashArg(hash))
}

func (t *tx) ListRefreshTokens(ctx context.Context, userID string) ([]*authcore.RefreshToken, error) {
	return getList[authcore.RefreshToken](ctx, t, "refresh token",
		`SELECT doc FROM refresh_tokens WHERE user_id = ? ORDER BY insert_instant, id`+t.lock(), userID)
}

func (t *tx) UpdateRefreshToken(ctx context.Context, r *authcore.RefreshToken) error {
	if !t.canMatch([]any{r.ID}) {
		return notFound("refresh token", r.ID)
	}
	doc, err := encode("refresh token", r)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `UPDATE refresh_tokens SET token_hash = ?, previous_token_hash = ?, user_id = ?, application_id = ?, insert_instant = ?, doc = ? WHERE id = ?`,
			hashArg(r.TokenHash), nullableHash(r.PreviousTokenHash), r.UserID, r.ApplicationID, r.InsertInstant, doc, r.ID)
		if err == nil && n == 0 {
			return notFound("refresh token", r.ID)
		}
		return err
	})
}

func (t *tx) DeleteRefreshTokens(ctx context.Context, id, userID, applicationID string) (n int, err error) {
	var where []string
	var args []any
	for _, f := range []struct{ col, v string }{{"id", id}, {"user_id", userID}, {"application_id", applicationID}} {
		if f.v != "" {
			where = append(where, f.col+" = ?")
			args = append(args, f.v)
		}
	}
	if len(where) == 0 {
		return 0, errors.New("sqlstore: DeleteRefreshTokens needs a filter")
	}
	if !t.canMatch(args) {
		return 0, nil // no token has it
	}
	if t.s.dialect == Postgres && id == "" && userID == "" {
		if err := t.lockApplicationTokens(ctx, applicationID); err != nil {
			return 0, err
		}
	}
	err = t.atomic1(ctx, func() error {
		c, err := t.execN(ctx, `DELETE FROM refresh_tokens WHERE `+strings.Join(where, " AND "), args...)
		n = int(c)
		return err
	})
	return n, err
}

// ---- signing keys

func (t *tx) CreateKey(ctx context.Context, k *authcore.SigningKey) error {
	if err := authcore.CheckStorable("id", k.ID, "kid", k.Kid, "name", k.Name); err != nil {
		return err
	}
	doc, err := encode("key", k)
	if err != nil {
		return err
	}
	err = t.atomic1(ctx, func() error {
		if err := t.checkOwnKid(ctx, k); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO signing_keys (id, kid, name_lower, insert_instant, doc) VALUES (?, ?, ?, ?, ?)`,
			k.ID, k.EffectiveKid(), lowerOrNull(k.Name), k.InsertInstant, doc)
		return err
	})
	var dup *authcore.DuplicateError
	if errors.As(err, &dup) && (dup.Field == "kid" || dup.Field == "name") {
		// A key that breaks several rules is refused for the first of id,
		// kid and name, as memstore and PostgreSQL (which checks its
		// indexes in the order they were made) refuse it; SQLite may name
		// a later index. A key without a kid of its own whose id is taken
		// breaks both the id's and the kid's. (After atomic1, so that
		// PostgreSQL's savepoint is rolled back.)
		var one int
		if t.queryRow(ctx, `SELECT 1 FROM signing_keys WHERE id = ?`, k.ID).Scan(&one) == nil {
			return authcore.Duplicate("id")
		}
		if dup.Field == "name" && t.queryRow(ctx, `SELECT 1 FROM signing_keys WHERE kid = ?`, k.EffectiveKid()).Scan(&one) == nil {
			return authcore.Duplicate("kid")
		}
	}
	return err
}

// checkOwnKid refuses a key with a kid of its own (not its id) whose kid is
// another key's id, or whose id is another key's kid. The unique indexes
// cannot: the kid column holds the other key's own kid, not its id, and this
// key's kid, not its id. SQLite runs one write transaction at a time; on
// PostgreSQL the creates of such keys take one transaction-scoped lock, so
// that two of them cannot both pass the check. (A key without a kid of its
// own has its id in the kid column, where the index finds it.)
func (t *tx) checkOwnKid(ctx context.Context, k *authcore.SigningKey) error {
	kid := k.EffectiveKid()
	if kid == k.ID {
		return nil
	}
	if t.s.dialect == Postgres {
		if _, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('authcore.sqlstore.signing_keys.kid'))`); err != nil {
			return err
		}
	}
	var kidTaken bool
	err := t.queryRow(ctx, `SELECT id = ? FROM signing_keys WHERE id = ? OR kid = ? LIMIT 1`, kid, kid, k.ID).Scan(&kidTaken)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return t.s.mapErr(ctx, err)
	case kidTaken:
		return authcore.Duplicate("kid")
	}
	return authcore.Duplicate("id")
}

func (t *tx) GetKey(ctx context.Context, id string) (*authcore.SigningKey, error) {
	return getOne[authcore.SigningKey](ctx, t, "key", id, `SELECT doc FROM signing_keys WHERE id = ?`+t.lock(), id)
}

// GetKeyByKid reads the kid column, which holds every key's EffectiveKid
// (migrations: SQLite 0007, PostgreSQL 0008).
func (t *tx) GetKeyByKid(ctx context.Context, kid string) (*authcore.SigningKey, error) {
	return getOne[authcore.SigningKey](ctx, t, "key", kid, `SELECT doc FROM signing_keys WHERE kid = ?`+t.lock(), kid)
}

func (t *tx) ListKeys(ctx context.Context) ([]*authcore.SigningKey, error) {
	return getList[authcore.SigningKey](ctx, t, "key", `SELECT doc FROM signing_keys ORDER BY insert_instant, id`+t.lock())
}

// UpdateKey matches the kid column too, so that an update cannot move a
// key to another kid behind the unique index's checks (CreateKey's). The
// name goes through the name_lower index, which refuses another key's.
func (t *tx) UpdateKey(ctx context.Context, k *authcore.SigningKey) error {
	if err := authcore.CheckStorable("name", k.Name); err != nil {
		return err
	}
	if !t.canMatch([]any{k.ID}) {
		return notFound("key", k.ID)
	}
	doc, err := encode("key", k)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `UPDATE signing_keys SET name_lower = ?, insert_instant = ?, doc = ? WHERE id = ? AND kid = ?`,
			lowerOrNull(k.Name), k.InsertInstant, doc, k.ID, k.EffectiveKid())
		if err != nil || n > 0 {
			return err
		}
		var one int
		switch err := t.queryRow(ctx, `SELECT 1 FROM signing_keys WHERE id = ?`, k.ID).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
			return notFound("key", k.ID)
		case err != nil:
			return t.s.mapErr(ctx, err)
		}
		return fmt.Errorf("sqlstore: key %q: an update may not change its kid", k.ID)
	})
}

func (t *tx) DeleteKey(ctx context.Context, id string) error {
	if !t.canMatch([]any{id}) {
		return notFound("key", id)
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `DELETE FROM signing_keys WHERE id = ?`, id)
		if err == nil && n == 0 {
			return notFound("key", id)
		}
		return err
	})
}

// ---- event log and login records

// CreateEventLog lets the database number the entry: AUTOINCREMENT on
// SQLite, an identity column on PostgreSQL; both only grow.
func (t *tx) CreateEventLog(ctx context.Context, e *authcore.EventLog) error {
	c := *e
	c.ID = 0 // the row's id column is the truth
	doc, err := encode("event log", &c)
	if err != nil {
		return err
	}
	return t.atomic1(ctx, func() error {
		// message_lower is authcore.EventLogSearchKey, lower-cased by Go
		// so that the case-insensitive search folds Unicode as memstore
		// does (SQLite's lower() folds only ASCII), and without the NUL
		// PostgreSQL text refuses; the document keeps the message as it is.
		var id int64
		err := t.queryRow(ctx, `INSERT INTO event_logs (insert_instant, type, message_lower, doc) VALUES (?, ?, ?, ?) RETURNING id`,
			e.InsertInstant, e.Type, authcore.EventLogSearchKey(e.Message), doc).Scan(&id)
		if err != nil {
			return t.s.mapErr(ctx, err)
		}
		e.ID = id
		return nil
	})
}

func (t *tx) GetEventLog(ctx context.Context, id int64) (*authcore.EventLog, error) {
	out, err := t.eventLogs(ctx, `SELECT id, doc FROM event_logs WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound("event log", strconv.FormatInt(id, 10))
	}
	return out[0], nil
}

func (t *tx) eventLogs(ctx context.Context, query string, args ...any) ([]*authcore.EventLog, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*authcore.EventLog{}
	for rows.Next() {
		var id int64
		var doc []byte
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, t.s.mapErr(ctx, err)
		}
		e, err := eventLogFrom(id, doc)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, t.s.mapErr(ctx, t.note(err))
	}
	return out, nil
}

// eventLogFrom decodes an event-log row: its id is the row's, not the
// document's.
func eventLogFrom(id int64, doc []byte) (*authcore.EventLog, error) {
	e := new(authcore.EventLog)
	if err := decodeDoc(doc, e); err != nil {
		return nil, fmt.Errorf("sqlstore: decode event log %d: %w", id, err)
	}
	e.ID = id
	return e, nil
}

// SearchEventLogs counts and pages with two statements; outside a
// transaction an entry written between them may make the total differ from
// the page by one, which a log search tolerates.
func (t *tx) SearchEventLogs(ctx context.Context, q authcore.EventLogQuery) ([]*authcore.EventLog, int, error) {
	if !t.canMatch([]any{q.Type}) {
		return []*authcore.EventLog{}, 0, nil // no entry has that type
	}
	var where []string
	var args []any
	if q.Type != "" {
		where = append(where, "type = ?")
		args = append(args, q.Type)
	}
	var pattern string
	if q.Message != "" {
		pattern = likePattern(q.Message)
	}
	longPattern := t.s.dialect == SQLite && len(pattern) > sqliteMaxLikePattern
	switch {
	case longPattern:
		// SQLite refuses the pattern: match in Go (searchEventLogsInGo),
		// among the messages long enough to hold its characters.
		where = append(where, "length(message_lower) >= ?")
		args = append(args, utf8.RuneCountInString(strings.ReplaceAll(authcore.EventLogSearchKey(q.Message), "*", "")))
	case q.Message != "":
		where = append(where, `message_lower LIKE ? ESCAPE '\'`)
		args = append(args, pattern)
	}
	if q.Start != 0 {
		where = append(where, "insert_instant >= ?")
		args = append(args, q.Start)
	}
	if q.End != 0 {
		where = append(where, "insert_instant <= ?")
		args = append(args, q.End)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	limit, offset := q.Limit, q.Offset
	if limit <= 0 {
		limit = 25
	}
	if offset < 0 {
		offset = 0
	}
	dir := " DESC"
	if q.Asc {
		dir = " ASC"
	}
	// COLLATE "C" on PostgreSQL: byte order, as SQLite's and memstore's,
	// whatever the database's locale.
	collate := ""
	if t.s.dialect == Postgres {
		collate = ` COLLATE "C"`
	}
	order := "insert_instant" + dir
	switch q.OrderBy {
	case authcore.EventLogOrderMessage:
		order = "message_lower" + collate + dir
	case authcore.EventLogOrderType:
		order = "type" + collate + dir
	}
	if longPattern {
		return t.searchEventLogsInGo(ctx, q.Message, `SELECT id, message_lower, doc FROM event_logs`+cond+` ORDER BY `+order+`, id`+dir, args, offset, limit)
	}
	var total int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM event_logs`+cond, args...).Scan(&total); err != nil {
		return nil, 0, t.s.mapErr(ctx, err)
	}
	out, err := t.eventLogs(ctx, `SELECT id, doc FROM event_logs`+cond+` ORDER BY `+order+`, id`+dir+` LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// sqliteMaxLikePattern is the longest LIKE pattern SQLite takes, in bytes
// (SQLITE_MAX_LIKE_PATTERN_LENGTH): a longer one fails its statement ("LIKE
// or GLOB pattern too complex"), and sqlite3_limit cannot raise the bound.
const sqliteMaxLikePattern = 50000

// searchEventLogsInGo answers a search whose message pattern SQLite's LIKE
// cannot take: query (the other filters, in the search's order, without a
// page) yields id, message_lower and doc; the pattern is matched here, as
// memstore matches it, and the page is cut from the matches. A pattern that
// long holds thousands of characters, which the query's length filter
// already asks of every message it reads.
func (t *tx) searchEventLogsInGo(ctx context.Context, pattern, query string, args []any, offset, limit int) ([]*authcore.EventLog, int, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*authcore.EventLog{}
	total := 0
	match := authcore.EventLogMessageMatcher(pattern)
	for rows.Next() {
		var id int64
		var key string
		var doc []byte
		if err := rows.Scan(&id, &key, &doc); err != nil {
			return nil, 0, t.s.mapErr(ctx, err)
		}
		// key is the message's EventLogSearchKey, which the match computes
		// again and finds unchanged.
		if !match(key) {
			continue
		}
		total++
		if total <= offset || len(out) >= limit {
			continue
		}
		e, err := eventLogFrom(id, doc)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, t.s.mapErr(ctx, t.note(err))
	}
	return out, total, nil
}

func (t *tx) CreateLoginRecord(ctx context.Context, r *authcore.LoginRecord) error {
	doc, err := encode("login record", r)
	if err != nil {
		return err
	}
	// login_records has no foreign key, and its one unique column is
	// settled by ON CONFLICT: no constraint can refuse the insert.
	// An id written twice keeps the last record, as in memstore.
	_, err = t.execUnguarded(ctx, `INSERT INTO login_records (id, user_id, instant, doc) VALUES (?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, instant = excluded.instant, doc = excluded.doc`,
		r.ID, r.UserID, r.Instant, doc)
	return err
}

// LoginRecords returns every login record of a user, oldest first (for tests
// and tools; not part of authcore.Store).
func (s *Store) LoginRecords(ctx context.Context, userID string) ([]authcore.LoginRecord, error) {
	rows, err := s.reader().query(ctx, `SELECT doc FROM login_records WHERE user_id = ? ORDER BY instant, id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []authcore.LoginRecord
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, s.mapErr(ctx, err)
		}
		var r authcore.LoginRecord
		if err := decodeDoc(doc, &r); err != nil {
			return nil, fmt.Errorf("sqlstore: decode login record: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.mapErr(ctx, err)
	}
	return out, nil
}

// likePattern turns an event-log message pattern (authcore.EventLogQuery:
// "*" for any run of characters) into a LIKE pattern over message_lower,
// in the column's form (authcore.EventLogSearchKey). LIKE's own wildcards
// and the escape character match themselves. A run of "*" is one "%": it
// matches the same, and each "%" more is another place LIKE may try every
// split of the message at.
func likePattern(pattern string) string {
	p := authcore.EventLogSearchKey(pattern)
	var b strings.Builder
	prev := rune(0)
	for _, r := range p {
		switch r {
		case '\\', '%', '_':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '*':
			if prev != '*' {
				b.WriteByte('%')
			}
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}
