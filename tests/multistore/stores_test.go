package multistore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/pgtest"
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
// at the end, whose connections carry pgAppName (pgtest.Fresh).
func freshPostgres(tb testing.TB) string {
	tb.Helper()
	return pgtest.Fresh(tb, pgAppName)
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
