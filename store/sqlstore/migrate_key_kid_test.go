package sqlstore_test

import (
	"errors"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/stretchr/testify/require"
)

// TestMigrationGivesStoredKeysTheirIDAsKid: a database made before keys had
// a kid column holds keys found by id only. The migration that adds the
// column (and nothing else, so that dropping it and its schema_migrations
// row gives that older schema) gives each stored key its id as its kid, so
// that tokens they signed, which name them by id, are found by kid; then it
// makes the column unique.
func TestMigrationGivesStoredKeysTheirIDAsKid(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s, err := sqlstore.Open(ctx, dsn)
			require.NoError(t, err)
			dialect := s.Dialect()
			keys := []*authcore.SigningKey{
				{ID: "k1", Name: "one", Algorithm: "HS256", Secret: []byte("secret-1"), InsertInstant: 1},
				{ID: "k2", Name: "two", Algorithm: "RS256", Secret: []byte("private"), PublicKey: []byte("public"), InsertInstant: 2},
			}
			for _, k := range keys {
				require.NoError(t, s.CreateKey(ctx, k))
			}
			require.NoError(t, s.Close())

			// Back to the schema before the column.
			db := rawDB(t, dsn)
			undoMigration(t, db, dialect, map[sqlstore.Dialect]int{sqlstore.SQLite: 7, sqlstore.Postgres: 8},
				`DROP INDEX signing_keys_kid_key`, `ALTER TABLE signing_keys DROP COLUMN kid`)

			s = open(t, dsn)
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			require.Equal(t, sqlstore.LatestSchemaVersion(dialect), v)
			for _, want := range keys {
				got, err := s.GetKeyByKid(ctx, want.ID)
				require.NoError(t, err, want.ID)
				require.Equal(t, want, got)
			}
			err = s.CreateKey(ctx, &authcore.SigningKey{ID: "k3", Kid: "k1", Name: "three", Algorithm: "HS256", Secret: []byte("s"), InsertInstant: 3})
			var dup *authcore.DuplicateError
			require.True(t, errors.As(err, &dup), "the index is built: %v", err)
			require.Equal(t, "kid", dup.Field)
		})
	}
}
