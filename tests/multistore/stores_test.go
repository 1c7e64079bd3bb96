package multistore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/stretchr/testify/require"
)

// storeKind opens stores that share one database: open(t) returns a
// function that opens another handle on the same database, so that several
// engines (as several processes would) can run on it.
type storeKind struct {
	name string
	open func(tb testing.TB) func(tb testing.TB) authcore.Store
}

func kinds() []storeKind {
	return []storeKind{
		{"memory", func(tb testing.TB) func(tb testing.TB) authcore.Store {
			s := memstore.New()
			return func(testing.TB) authcore.Store { return s }
		}},
		{"sqlite", func(tb testing.TB) func(tb testing.TB) authcore.Store {
			dsn := "sqlite:" + filepath.Join(tb.TempDir(), "authcore.db")
			return func(tb testing.TB) authcore.Store { return openSQL(tb, dsn) }
		}},
		{"postgres", func(tb testing.TB) func(tb testing.TB) authcore.Store {
			dsn := freshPostgres(tb)
			return func(tb testing.TB) authcore.Store { return openSQL(tb, dsn) }
		}},
	}
}

func openSQL(tb testing.TB, dsn string) authcore.Store {
	tb.Helper()
	s, err := sqlstore.Open(context.Background(), dsn)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// freshPostgres returns a DSN on an empty schema of the test server, dropped
// at the end. Without AUTHCORE_TEST_POSTGRES the PostgreSQL cases are skipped
// on a developer's machine and fail in CI, where they must run.
func freshPostgres(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv("AUTHCORE_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("AUTHCORE_TEST_POSTGRES is not set; CI runs the tests through scripts/test")
		}
		tb.Skip("AUTHCORE_TEST_POSTGRES is not set: run scripts/test (scripts/with-postgres) for the PostgreSQL cases")
	}
	db, err := sql.Open("pgx", dsn)
	require.NoError(tb, err)
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "authcore_ms_" + hex.EncodeToString(b[:])
	_, err = db.Exec("CREATE SCHEMA " + schema)
	require.NoError(tb, err)
	tb.Cleanup(func() {
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	u, err := url.Parse(dsn)
	require.NoError(tb, err)
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", pgAppName)
	u.RawQuery = q.Encode()
	return u.String()
}

// pgAppName tags the PostgreSQL connections of this test process (the
// stores' DSNs carry it as application_name), so that watchLockWait counts
// only their waits: other packages tested at the same time share the server,
// and a statement of theirs waiting for a lock ended a watch early.
var pgAppName = func() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "authcore_ms_" + hex.EncodeToString(b[:])
}()
