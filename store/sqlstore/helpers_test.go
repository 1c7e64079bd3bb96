package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/authcore/authcore/store/sqlstore"
	"github.com/stretchr/testify/require"
)

// postgresEnv names the variable that holds a PostgreSQL DSN for the tests.
// scripts/test sets it by running the tests under scripts/with-postgres.
const postgresEnv = "AUTHCORE_TEST_POSTGRES"

func TestMain(m *testing.M) {
	if crashHelper() {
		return // crashHelper exits the process itself
	}
	code := m.Run()
	closeAdmin()
	os.Exit(code)
}

// postgresDSN returns the DSN of the test server. Without one the
// PostgreSQL tests are skipped on a developer's machine but fail in CI
// (CI set), where skipping would hide that they never ran.
func postgresDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn != "" {
		return dsn
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s is not set, and CI must run the PostgreSQL tests: run them through scripts/test (which uses scripts/with-postgres)", postgresEnv)
	}
	tb.Skipf("%s is not set: PostgreSQL tests skipped; scripts/test runs them against a throwaway server (scripts/with-postgres)", postgresEnv)
	return ""
}

var (
	adminOnce sync.Once
	adminDB   *sql.DB
	adminErr  error
)

// admin is one pool on the test server for creating and dropping schemas.
func admin(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	adminOnce.Do(func() {
		adminDB, adminErr = sql.Open("pgx", dsn)
		if adminErr == nil {
			adminDB.SetMaxOpenConns(4)
			adminErr = adminDB.PingContext(context.Background())
		}
	})
	require.NoError(tb, adminErr, "connect to %s", postgresEnv)
	return adminDB
}

func closeAdmin() {
	if adminDB != nil {
		adminDB.Close()
	}
}

func randomName(prefix string) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return prefix + hex.EncodeToString(b[:])
}

// freshPostgres makes an empty schema, dropped when the test ends, and
// returns a DSN whose search_path and application_name are that schema:
// every test (and every conformance case) gets a database of its own on one
// server, and its connections can be told from the others'.
func freshPostgres(tb testing.TB) string {
	tb.Helper()
	dsn := postgresDSN(tb)
	db := admin(tb, dsn)
	schema := randomName("authcore_test_")
	_, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(tb, err)
	tb.Cleanup(func() {
		_, err := db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	require.NoError(tb, err)
	q := u.Query()
	q.Set("search_path", schema)
	// The store's connections carry the schema's name, unique to this
	// test: the lock-wait watchers (waitingForLock, waitingOnPostgres)
	// count only them. Packages tested in parallel share the server, and
	// another's statement waiting for a lock ended a watch early.
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	return u.String()
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
