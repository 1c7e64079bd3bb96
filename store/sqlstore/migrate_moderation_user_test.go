package sqlstore_test

import (
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/stretchr/testify/require"
)

// TestMigrationGivesModerationItemsTheirUser: a database made before
// moderation items had a user_id column holds items found by content id
// only. The migration that adds the column (and nothing else, so that
// dropping it and its schema_migrations row gives that older schema) fills
// it from each item's document, so that a later delete of the user takes
// the item, and drops the items of users deleted before. A registration's
// username is not held to storable text (only the document holds it), so
// an item may carry U+0000, which PostgreSQL's JSON types refuse to read:
// the migration must still read its user.
func TestMigrationGivesModerationItemsTheirUser(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s, err := sqlstore.Open(ctx, dsn)
			require.NoError(t, err)
			dialect := s.Dialect()
			require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
			for _, u := range []string{"u1", "u2"} {
				require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: u, TenantID: "t", Email: u + "@example.com"}))
			}
			items := []*authcore.ModerationItem{
				{ContentID: "c1", TenantID: "t", UserID: "u1", Username: "one", InsertInstant: 1},
				{ContentID: "c2", TenantID: "t", UserID: "u1", ApplicationID: "a", Username: "one-app", InsertInstant: 2, Resubmit: true},
				{ContentID: "c3", TenantID: "t", UserID: "u2", Username: "two", InsertInstant: 3},
				{ContentID: "c4", TenantID: "t", UserID: "deleted-before", Username: "ghost", InsertInstant: 4},
				{ContentID: "c5", TenantID: "t", UserID: "u2", ApplicationID: "a", Username: "nul\x00name \\u0000", InsertInstant: 5},
			}
			for _, m := range items {
				require.NoError(t, s.PutModerationItem(ctx, m))
			}
			require.NoError(t, s.Close())

			// Back to the schema before the column.
			db := rawDB(t, dsn)
			undoMigration(t, db, dialect, map[sqlstore.Dialect]int{sqlstore.SQLite: 11, sqlstore.Postgres: 12},
				`DROP INDEX moderation_items_user`, `ALTER TABLE moderation_items DROP COLUMN user_id`)

			s = open(t, dsn)
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			require.Equal(t, sqlstore.LatestSchemaVersion(dialect), v)
			list := func() []*authcore.ModerationItem {
				got, err := s.ListModerationItems(ctx, "", 0)
				require.NoError(t, err)
				return got
			}
			require.Equal(t, []*authcore.ModerationItem{items[0], items[1], items[2], items[4]}, list(),
				"the items of existing users are kept whole; a deleted user's go")

			require.NoError(t, s.DeleteUser(ctx, "u1"))
			require.Equal(t, []*authcore.ModerationItem{items[2], items[4]}, list(), "the column was filled: the user's delete takes its items")
			require.NoError(t, s.DeleteUser(ctx, "u2"))
			require.Empty(t, list(), "filled for the item whose username holds U+0000 too")
		})
	}
}
