package sqlstore_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/authcore/authcore/validation"
	"github.com/stretchr/testify/require"
)

// TestMigrationRenamesDuplicateKeyNames: a database made before key names
// were unique may hold keys that share a name, in any case. The migrations
// that add the name_lower column (filled in Go) and its unique index (and
// nothing else, so that dropping both and their schema_migrations rows gives
// that older schema) keep the name on the oldest key (insert_instant, then
// id) and rename every other "<name> (<id>)", in its document and its
// column, with a number after it when a key already has that name; then the
// index refuses a name in any case.
func TestMigrationRenamesDuplicateKeyNames(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s, err := sqlstore.Open(ctx, dsn)
			require.NoError(t, err)
			dialect := s.Dialect()
			latest := sqlstore.LatestSchemaVersion(dialect)
			require.NoError(t, s.Close())

			// Back to the schema before the column, where names could repeat.
			db := beforeKeyNames(t, dsn, dialect)
			key := func(id, name string, inserted int64) *authcore.SigningKey {
				return &authcore.SigningKey{ID: id, Name: name, Algorithm: "HS256", Secret: []byte("secret-" + id), InsertInstant: inserted, LastUpdateInstant: inserted + 1}
			}
			keepDup := key("ka", "Dup", 1000)
			dupB := key("kb", "dup", 2000)
			dupC := key("kc", "DUP", 2000)          // one instant: the larger id is the later
			handMade := key("kd", "dup (KB)", 3000) // the name kb would get, in another case
			keepUmlaut := key("ke", "Ä", 500)
			dupUmlaut := key("kf", "ä", 600) // ä is Ä in Go's lower case, not in SQLite's
			unnamed1, unnamed2 := key("kg", "", 700), key("kh", "", 800)
			lone := key("ki", "lone", 900)
			all := []*authcore.SigningKey{keepDup, dupB, dupC, handMade, keepUmlaut, dupUmlaut, unnamed1, unnamed2, lone}
			insertKeysRaw(t, db, dialect, all...)

			s = open(t, dsn)
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			require.Equal(t, latest, v)

			want := map[string]string{
				"ka": "Dup", "kb": "dup (kb) 2", "kc": "DUP (kc)", "kd": "dup (KB)",
				"ke": "Ä", "kf": "ä (kf)", "kg": "", "kh": "", "ki": "lone",
			}
			for _, k := range all {
				got, err := s.GetKey(ctx, k.ID)
				require.NoError(t, err)
				c := *k
				c.Name = want[k.ID]
				require.Equal(t, &c, got, "%s: only the name of a later duplicate changes", k.ID)
				var column sql.NullString
				require.NoError(t, db.QueryRowContext(ctx, bindFor(dialect, `SELECT name_lower FROM signing_keys WHERE id = ?`), k.ID).Scan(&column))
				if c.Name == "" {
					require.False(t, column.Valid, "%s: no name is NULL", k.ID)
				} else {
					require.Equal(t, strings.ToLower(c.Name), column.String, "%s: the column is the document's name in lower case", k.ID)
				}
			}

			var dup *authcore.DuplicateError
			err = s.CreateKey(ctx, key("kj", "dUp", 4000))
			require.True(t, errors.As(err, &dup), "the index is built: %v", err)
			require.Equal(t, "name", dup.Field)
			err = s.CreateKey(ctx, key("kj", "Ä (KF)", 4000))
			require.True(t, errors.As(err, &dup), "a new name is taken as the store takes names: %v", err)
			require.Equal(t, "name", dup.Field)
			renamed, err := s.GetKey(ctx, "kf")
			require.NoError(t, err)
			renamed.Name = "Ä (KF)"
			require.NoError(t, s.UpdateKey(ctx, renamed), "a renamed key keeps its new name in another case")
			require.NoError(t, s.CreateKey(ctx, key("kj", "", 4000)), "keys without a name still do not collide")
		})
	}
}

// TestMigrationTakesAKeyNameTooLongToIndex: before names were unique the Key
// API took a name of any length, and PostgreSQL's btree refuses an index
// entry past about 2.7 kB, so an existing key with such a name failed the
// unique index's migration and the store would not open. The migration cuts
// such a name to the length the Key API now takes
// (validation.MaxIndexedLength characters), as it renames a duplicate; a
// cut name that another key holds is renamed as any duplicate is.
func TestMigrationTakesAKeyNameTooLongToIndex(t *testing.T) {
	// Deterministic and incompressible (an index entry is compressed first).
	var b strings.Builder
	for sum := sha256.Sum256([]byte("seed")); b.Len() < 4000; sum = sha256.Sum256(sum[:]) {
		b.WriteString(base64.RawURLEncoding.EncodeToString(sum[:]))
	}
	long := b.String()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s, err := sqlstore.Open(ctx, dsn)
			require.NoError(t, err)
			dialect := s.Dialect()
			require.NoError(t, s.Close())

			db := beforeKeyNames(t, dsn, dialect)
			keys := []*authcore.SigningKey{
				{ID: "ka", Name: long, Algorithm: "HS256", Secret: []byte("a"), InsertInstant: 1000},
				{ID: "kb", Name: long[:validation.MaxIndexedLength] + "tail", Algorithm: "HS256", Secret: []byte("b"), InsertInstant: 2000},
			}
			insertKeysRaw(t, db, dialect, keys...)

			s = open(t, dsn)
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			require.Equal(t, sqlstore.LatestSchemaVersion(dialect), v)
			a, err := s.GetKey(ctx, "ka")
			require.NoError(t, err)
			require.True(t, a.Name == long[:validation.MaxIndexedLength], "cut to %d characters: %d", validation.MaxIndexedLength, len(a.Name))
			kb, err := s.GetKey(ctx, "kb")
			require.NoError(t, err)
			require.True(t, kb.Name == long[:validation.MaxIndexedLength-len(" (kb)")]+" (kb)", "the cut name is a duplicate, renamed: %d %q", len(kb.Name), kb.Name[max(len(kb.Name)-10, 0):])
			var dup *authcore.DuplicateError
			err = s.CreateKey(ctx, &authcore.SigningKey{ID: "kc", Name: strings.ToUpper(a.Name), Algorithm: "HS256", Secret: []byte("c")})
			require.True(t, errors.As(err, &dup), "the index is built: %v", err)
		})
	}
}

// beforeKeyNames takes the database at dsn back to the schema before key
// names were unique (no name_lower column, no index on it) and returns a
// raw connection to it.
func beforeKeyNames(t *testing.T, dsn string, dialect sqlstore.Dialect) *sql.DB {
	t.Helper()
	db := rawDB(t, dsn)
	undoMigration(t, db, dialect, map[sqlstore.Dialect]int{sqlstore.SQLite: 9, sqlstore.Postgres: 10}, `DROP INDEX signing_keys_name_key`)
	undoMigration(t, db, dialect, map[sqlstore.Dialect]int{sqlstore.SQLite: 8, sqlstore.Postgres: 9}, `ALTER TABLE signing_keys DROP COLUMN name_lower`)
	return db
}

// insertKeysRaw writes keys as that older schema held them, each its own kid.
func insertKeysRaw(t *testing.T, db *sql.DB, dialect sqlstore.Dialect, keys ...*authcore.SigningKey) {
	t.Helper()
	for _, k := range keys {
		doc, err := json.Marshal(k)
		require.NoError(t, err)
		_, err = db.ExecContext(t.Context(), bindFor(dialect, `INSERT INTO signing_keys (id, kid, insert_instant, doc) VALUES (?, ?, ?, ?)`), k.ID, k.ID, k.InsertInstant, string(doc))
		require.NoError(t, err)
	}
}
