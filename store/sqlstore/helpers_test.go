package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authcore/authcore/internal/pgtest"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	if crashHelper() {
		return // crashHelper exits the process itself
	}
	os.Exit(m.Run())
}

// postgresDSN returns the DSN of the test server (pgtest.Require).
func postgresDSN(tb testing.TB) string {
	tb.Helper()
	return pgtest.Require(tb)
}

// freshPostgres returns a DSN on an empty schema of its own, dropped when
// the test ends: every test (and every conformance case) gets a database
// of its own on one server. Its connections carry the schema's name, unique
// to the test, so that the lock-wait watchers (waitingForLock,
// waitingOnPostgres) count only them: packages tested in parallel share
// the server.
func freshPostgres(tb testing.TB) string {
	tb.Helper()
	return pgtest.Fresh(tb, "")
}

// freshSQLite returns the DSN of a new database file in a temporary
// directory removed when the test ends.
func freshSQLite(tb testing.TB) string {
	tb.Helper()
	return "sqlite:" + filepath.Join(tb.TempDir(), "authcore.db")
}

// open opens a store and closes it when the test ends.
func open(tb testing.TB, dsn string) *sqlstore.Store {
	tb.Helper()
	s, err := sqlstore.Open(context.Background(), dsn)
	require.NoError(tb, err)
	tb.Cleanup(func() { require.NoError(tb, s.Close()) })
	return s
}

// backends are the databases each test runs on; PostgreSQL's factory skips
// (or, in CI, fails) when no server is configured.
var backends = []struct {
	name  string
	fresh func(testing.TB) string
}{
	{"sqlite", freshSQLite},
	{"postgres", freshPostgres},
}

// bindFor writes a query's ? placeholders as dialect wants them, for tests
// that talk to the database beside the store.
func bindFor(dialect sqlstore.Dialect, q string) string {
	if dialect != sqlstore.Postgres {
		return q
	}
	for i := 1; strings.Contains(q, "?"); i++ {
		q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
	}
	return q
}

// undoMigration takes the database at dsn back to the schema before one
// migration (its number per dialect): it runs undo, which must undo all that
// migration did, and forgets the migration, so that the next Open runs it
// again on the data the test then puts in.
func undoMigration(t *testing.T, db *sql.DB, dialect sqlstore.Dialect, version map[sqlstore.Dialect]int, undo ...string) {
	t.Helper()
	for _, q := range undo {
		_, err := db.ExecContext(t.Context(), q)
		require.NoError(t, err, q)
	}
	_, err := db.ExecContext(t.Context(), bindFor(dialect, `DELETE FROM schema_migrations WHERE version = ?`), version[dialect])
	require.NoError(t, err)
}
