package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/authcore/authcore/authcore"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Driver errors never leave the package as they are: a broken uniqueness
// rule becomes *authcore.DuplicateError naming the rule, a missing parent row
// (a foreign key) ErrNotFound, a lost race (deadlock, serialisation failure,
// busy database) ErrConflict. Anything else is wrapped with the package name.

// errClosed is what a transaction that reaches the writer after Close answers
// (wrapped by mapErr).
var errClosed = errors.New("the store is closed")

// duplicateFields maps a unique index, by the last column SQLite names in its
// message ("table.column"), to DuplicateError.Field.
var duplicateFields = map[string]string{
	"tenants.name_lower":           "name",
	"users.email_lower":            "email",
	"users.username_lower":         "username",
	"registrations.application_id": "registration",
	"registrations.id":             "registrationId",
	"links.provider_user_id":       "link",
	"api_keys.key_hash":            "key",
	"api_keys.name_lower":          "name",
	"refresh_tokens.token_hash":    "token",
	"signing_keys.kid":             "kid",
	"signing_keys.name_lower":      "name",
}

// pgDuplicateFields maps PostgreSQL constraint and index names; a table's
// "<table>_pkey" not listed here is its id.
var pgDuplicateFields = map[string]string{
	"tenants_name_key":        "name",
	"users_email_key":         "email",
	"users_username_key":      "username",
	"registrations_pkey":      "registration",
	"registrations_id_key":    "registrationId",
	"links_pkey":              "link",
	"api_keys_hash_key":       "key",
	"api_keys_name_key":       "name",
	"refresh_tokens_hash_key": "token",
	"signing_keys_kid_key":    "kid",
	"signing_keys_name_key":   "name",
}

// mapErr translates a driver error. ctx tells a cancelled call from a
// database failure: a statement interrupted by cancellation reports the
// context's error.
func (s *Store) mapErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, authcore.ErrNotFound) || errors.Is(err, authcore.ErrDuplicate) || errors.Is(err, authcore.ErrConflict) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlstore: %w", authcore.ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return authcore.Duplicate(sqliteDuplicateField(se.Error()))
		case code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("sqlstore: a referenced object does not exist: %w", authcore.ErrNotFound)
		case code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("sqlstore: database busy: %w", authcore.ErrConflict)
		case code&0xff == sqlite3.SQLITE_INTERRUPT && ctx.Err() != nil:
			return fmt.Errorf("sqlstore: %w", ctx.Err())
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			field, ok := pgDuplicateFields[pe.ConstraintName]
			if !ok {
				field = "id"
			}
			return authcore.Duplicate(field)
		case "23503": // foreign_key_violation
			return fmt.Errorf("sqlstore: a referenced object does not exist: %w", authcore.ErrNotFound)
		case "40001", "40P01", "55P03": // serialization_failure, deadlock_detected, lock_not_available
			return fmt.Errorf("sqlstore: concurrent transaction (%s): %w", pe.Code, authcore.ErrConflict)
		case "57014": // query_canceled
			if ctx.Err() != nil {
				return fmt.Errorf("sqlstore: %w", ctx.Err())
			}
		}
		if strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23") {
			return pgValueError(pe.Code)
		}
		return fmt.Errorf("sqlstore: postgres error %s: %s", pe.Code, pe.Message)
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, sql.ErrTxDone)) {
		return fmt.Errorf("sqlstore: %w", ctx.Err())
	}
	return fmt.Errorf("sqlstore: %w", err)
}

// pgValueError answers a data exception (22) or an integrity violation (23)
// by its code alone: the message may quote the values stored, an e-mail
// say. Text no store holds matches ErrNotStorable: the text a store keys
// objects by is checked before a statement is sent (authcore.CheckStorable),
// so this is another column's.
func pgValueError(code string) error {
	if code == "22021" { // character_not_in_repertoire: U+0000, bytes that are not UTF-8
		return fmt.Errorf("sqlstore: postgres error %s: %w", code, authcore.ErrNotStorable)
	}
	return fmt.Errorf("sqlstore: postgres error %s", code)
}

// sqliteDuplicateField reads the index from a message like "UNIQUE
// constraint failed: users.tenant_id, users.email_lower (2067)".
func sqliteDuplicateField(msg string) string {
	i := strings.LastIndex(msg, "constraint failed: ")
	if i < 0 {
		return "id"
	}
	cols := msg[i+len("constraint failed: "):]
	if i := strings.Index(cols, " ("); i >= 0 {
		cols = cols[:i]
	}
	parts := strings.Split(cols, ", ")
	if f, ok := duplicateFields[strings.TrimSpace(parts[len(parts)-1])]; ok {
		return f
	}
	return "id"
}

func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED)
}

func notFound(what, id string) error {
	return fmt.Errorf("sqlstore: %s %q: %w", what, id, authcore.ErrNotFound)
}

// dupCheck is one uniqueness rule of a table: the field a DuplicateError
// names for it, and a query that finds a row already holding the value.
type dupCheck struct {
	field string
	query string
	args  []any
}

// firstDuplicate makes a SQLite write that broke uniqueness rules name the
// first of checks it broke, as memstore and PostgreSQL do (PostgreSQL checks
// the primary key, then the other unique indexes in the order they were
// made). SQLite checks a table's unique indexes in another order, so a new
// user whose id and e-mail were both taken was a duplicate "username" or
// "email" there and "id" elsewhere, and the engine answered another field
// error. PostgreSQL is left as it answered: it already names the first rule,
// and after a failed statement without a savepoint it takes no more queries.
// Callers pass only an error: building checks costs allocations that the
// writes which succeed should not pay.
func (t *tx) firstDuplicate(ctx context.Context, err error, checks ...dupCheck) error {
	var dup *authcore.DuplicateError
	if t.s.dialect != SQLite || !errors.As(err, &dup) {
		return err
	}
	for _, c := range checks {
		if c.field == dup.Field {
			return err
		}
		var one int
		switch qerr := t.queryRow(ctx, c.query, c.args...).Scan(&one); {
		case qerr == nil:
			return authcore.Duplicate(c.field)
		case !errors.Is(qerr, sql.ErrNoRows):
			return err
		}
	}
	return err
}
