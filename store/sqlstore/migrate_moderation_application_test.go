package sqlstore_test

import (
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/stretchr/testify/require"
)

// TestMigrationGivesModerationItemsTheirApplication: a database made before
// moderation items had an application_id column holds registrations' items
// found by content id or user only. The migration that adds the column (and
// nothing else, so that dropping it and its schema_migrations row gives that
// older schema) fills it from each item's document, so that a later delete
// of the registration or of its application takes the item, and drops the
// items of registrations deleted before. An item whose username holds U+0000
// (a registration's may) must be read too: PostgreSQL's JSON types refuse it.
func TestMigrationGivesModerationItemsTheirApplication(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s, err := sqlstore.Open(ctx, dsn)
			require.NoError(t, err)
			dialect := s.Dialect()
			require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
			for _, a := range []string{"a", "b"} {
				require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: a, TenantID: "t", Name: a, Active: true}))
			}
			for _, u := range []string{"u1", "u2"} {
				require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: u, TenantID: "t", Email: u + "@example.com"}))
			}
			for _, r := range [][3]string{{"r1", "u1", "a"}, {"r2", "u1", "b"}, {"r3", "u2", "a"}} {
				require.NoError(t, s.CreateRegistration(ctx, &authcore.UserRegistration{ID: r[0], UserID: r[1], ApplicationID: r[2]}))
			}
			items := []*authcore.ModerationItem{
				{ContentID: "c1", TenantID: "t", UserID: "u1", Username: "one", InsertInstant: 1},
				{ContentID: "c2", TenantID: "t", UserID: "u1", ApplicationID: "a", Username: "one-a", InsertInstant: 2, Resubmit: true},
				{ContentID: "c3", TenantID: "t", UserID: "u1", ApplicationID: "b", Username: "one-b", InsertInstant: 3},
				{ContentID: "c4", TenantID: "t", UserID: "u2", ApplicationID: "a", Username: "two\x00a \\u0000", InsertInstant: 4},
				{ContentID: "c5", TenantID: "t", UserID: "u2", ApplicationID: "b", Username: "deleted-before", InsertInstant: 5},
			}
			for _, m := range items {
				require.NoError(t, s.PutModerationItem(ctx, m))
			}
			require.NoError(t, s.Close())

			// Back to the schema before the column.
			db := rawDB(t, dsn)
			undoMigration(t, db, dialect, map[sqlstore.Dialect]int{sqlstore.SQLite: 12, sqlstore.Postgres: 13},
				`DROP INDEX moderation_items_application`, `ALTER TABLE moderation_items DROP COLUMN application_id`)

			s = open(t, dsn)
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			require.Equal(t, sqlstore.LatestSchemaVersion(dialect), v)
			list := func() []*authcore.ModerationItem {
				got, err := s.ListModerationItems(ctx, "", 0)
				require.NoError(t, err)
				return got
			}
			require.Equal(t, items[:4], list(), "the items of existing registrations and users are kept whole; a deleted registration's go")

			require.NoError(t, s.DeleteRegistration(ctx, "u1", "a"))
			require.Equal(t, []*authcore.ModerationItem{items[0], items[2], items[3]}, list(), "the column was filled: the registration's delete takes its item")
			require.NoError(t, s.DeleteApplication(ctx, "b"))
			require.Equal(t, []*authcore.ModerationItem{items[0], items[3]}, list(), "the application's delete takes its registrations' items, not a user's own")
		})
	}
}
