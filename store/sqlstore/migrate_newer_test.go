package sqlstore_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/stretchr/testify/require"
)

// TestOpenRefusesANewerSchema: a database migrated by a later build (a
// schema_migrations row past the last migration this build has) is refused
// with an error that says so, and left as it was; this build does not know
// what the later migrations changed.
func TestOpenRefusesANewerSchema(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s, err := sqlstore.Open(ctx, dsn)
			require.NoError(t, err)
			latest := sqlstore.LatestSchemaVersion(s.Dialect())
			require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "kept", Name: "Kept"}))
			require.NoError(t, s.Close())
			db := rawDB(t, dsn)
			_, err = db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_instant) VALUES (9999, '9999_future.sql', 0)`)
			require.NoError(t, err)

			s, err = sqlstore.Open(ctx, dsn)
			if s != nil {
				v, _ := s.SchemaVersion(ctx)
				s.Close()
				t.Fatalf("Open accepted a database at schema version %d; this build knows up to %d", v, latest)
			}
			require.ErrorContains(t, err, "schema version 9999")
			var n int
			require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenants`).Scan(&n))
			require.Equal(t, 1, n, "the database is left as it was")
		})
	}
}

// rawDB opens the database of a store's DSN directly, for writing around the
// store (a SQLite store's DB() is read-only).
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver, name := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, name = "sqlite", path
	}
	db, err := sql.Open(driver, name)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}
