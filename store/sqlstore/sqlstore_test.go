package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/storetest"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestConformanceSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) authcore.Store { return open(t, freshSQLite(t)) }, storetest.WithWaiting(waitingForSQLiteWriter))
}

func TestConformanceSQLiteMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) authcore.Store { return open(t, "sqlite::memory:") }, storetest.WithWaiting(waitingForSQLiteMemoryConn))
}

// TestConformanceSQLiteOpenDB runs the suite on a pool the caller made, which
// has several connections and none of Open's pragmas: OpenDB must still
// serialise writers and turn foreign keys on.
func TestConformanceSQLiteOpenDB(t *testing.T) {
	storetest.Run(t, func(t *testing.T) authcore.Store {
		path := filepath.Join(t.TempDir(), "own.db")
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		s, err := sqlstore.OpenDB(t.Context(), db, sqlstore.SQLite)
		require.NoError(t, err)
		return s
	}, storetest.WithWaiting(waitingForSQLiteWriter))
}

func TestConformancePostgres(t *testing.T) {
	postgresDSN(t)
	storetest.Run(t, func(t *testing.T) authcore.Store { return open(t, freshPostgres(t)) }, storetest.WithWaiting(waitingOnPostgres))
}

func TestMemoryStoresArePrivate(t *testing.T) {
	ctx := t.Context()
	a, b := open(t, "sqlite::memory:"), open(t, "sqlite::memory:")
	require.NoError(t, a.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "A"}))
	_, err := b.GetTenant(ctx, "t")
	require.ErrorIs(t, err, authcore.ErrNotFound)
}

type migrationRow struct {
	Version int
	Name    string
	Applied int64
}

func migrationRows(t *testing.T, s *sqlstore.Store) []migrationRow {
	t.Helper()
	rows, err := s.DB().QueryContext(t.Context(), `SELECT version, name, applied_instant FROM schema_migrations ORDER BY version`)
	require.NoError(t, err)
	defer rows.Close()
	var out []migrationRow
	for rows.Next() {
		var r migrationRow
		require.NoError(t, rows.Scan(&r.Version, &r.Name, &r.Applied))
		out = append(out, r)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestMigrationsApplyOnceAcrossReopen(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s, err := sqlstore.Open(ctx, dsn)
			require.NoError(t, err)
			latest := sqlstore.LatestSchemaVersion(s.Dialect())
			require.Positive(t, latest)
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			require.Equal(t, latest, v)
			first := migrationRows(t, s)
			require.Len(t, first, latest, "one row per migration")
			require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "kept", Name: "Kept", InsertInstant: 1}))
			require.NoError(t, s.Close())

			for i := 0; i < 2; i++ {
				s, err = sqlstore.Open(ctx, dsn)
				require.NoError(t, err, "reopen %d", i)
				require.Equal(t, first, migrationRows(t, s), "reopening applies nothing again")
				got, err := s.GetTenant(ctx, "kept")
				require.NoError(t, err, "data survives a reopen")
				require.Equal(t, "Kept", got.Name)
				require.NoError(t, s.Close())
			}
		})
	}
}

func TestConcurrentOpensOfAFreshDatabase(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			dsn := be.fresh(t)
			const n = 4
			stores := make([]*sqlstore.Store, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-start
					stores[i], errs[i] = sqlstore.Open(context.Background(), dsn)
				}(i)
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				require.NoError(t, err, "open %d", i)
				t.Cleanup(func() { stores[i].Close() })
			}
			rows := migrationRows(t, stores[0])
			require.Len(t, rows, sqlstore.LatestSchemaVersion(stores[0].Dialect()), "each migration applied once")
			// Every store works on the one database.
			ctx := t.Context()
			require.NoError(t, stores[1].CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
			_, err := stores[n-1].GetTenant(ctx, "t")
			require.NoError(t, err)
		})
	}
}

// TestCancelledTransactionLeavesNothing cancels the context between two
// writes of a transaction: nothing is committed, and the connection the
// transaction used still serves the next one.
func TestCancelledTransactionLeavesNothing(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			s := open(t, be.fresh(t))
			ctx, cancel := context.WithCancel(t.Context())
			err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				if err := tx.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}); err != nil {
					return err
				}
				cancel()
				return tx.CreateUser(ctx, &authcore.User{ID: "u", TenantID: "t", Email: "u@example.com"})
			})
			require.Error(t, err)
			require.ErrorIs(t, err, context.Canceled)
			bg := t.Context()
			_, err = s.GetTenant(bg, "t")
			require.ErrorIs(t, err, authcore.ErrNotFound)
			for i := 0; i < 3; i++ {
				require.NoError(t, s.CreateTenant(bg, &authcore.Tenant{ID: uuid.NewString(), Name: uuid.NewString()}), "write %d after the cancel", i)
			}
			require.NoError(t, s.CreateTenant(bg, &authcore.Tenant{ID: "t", Name: "T"}))
		})
	}
}

// crashEnv, when set, makes the test binary a helper that opens the store
// named by it, writes inside a transaction and exits without committing: a
// process crash in the middle of a transaction.
const crashEnv = "AUTHCORE_SQLSTORE_CRASH_DSN"

const crashExitCode = 3

func crashHelper() bool {
	dsn := os.Getenv(crashEnv)
	if dsn == "" {
		return false
	}
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		os.Stderr.WriteString("crash helper: " + err.Error() + "\n")
		os.Exit(1)
	}
	_ = s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		for _, step := range []func() error{
			func() error { return tx.CreateTenant(ctx, &authcore.Tenant{ID: "crash", Name: "Crash"}) },
			func() error {
				return tx.CreateUser(ctx, &authcore.User{ID: "crash-user", TenantID: "crash", Email: "c@example.com"})
			},
			func() error { return tx.DeleteTenant(ctx, "survivor") },
		} {
			if err := step(); err != nil {
				os.Stderr.WriteString("crash helper: " + err.Error() + "\n")
				os.Exit(1)
			}
		}
		os.Exit(crashExitCode)
		return nil
	})
	os.Exit(1)
	return true
}

func TestProcessCrashMidTransactionLeavesNothing(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s, err := sqlstore.Open(ctx, dsn)
			require.NoError(t, err)
			require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "survivor", Name: "Survivor"}))
			require.NoError(t, s.Close())

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashEnv+"="+dsn)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "helper: %v\n%s", err, out)
			require.Equal(t, crashExitCode, exit.ExitCode(), "the helper died inside the transaction:\n%s", out)

			s = open(t, dsn)
			_, err = s.GetTenant(ctx, "crash")
			require.ErrorIs(t, err, authcore.ErrNotFound, "nothing of the crashed transaction is visible")
			_, err = s.GetUser(ctx, "crash-user")
			require.ErrorIs(t, err, authcore.ErrNotFound)
			_, err = s.GetTenant(ctx, "survivor")
			require.NoError(t, err, "the crashed delete did not happen")
			require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "crash", Name: "Crash"}), "the database is writable")
		})
	}
}

func TestOpenRefusesBadDSNs(t *testing.T) {
	tests := []struct {
		name, dsn, want string
	}{
		{"unknown scheme, password not echoed", "mysql://root:hunter2@localhost/db", "unknown DSN"},
		{"empty SQLite path", "sqlite:", "empty SQLite path"},
		{"no scheme", "authcore.db", "unknown DSN"},
		{"key/value DSN, password first", "password=hunter2 host=db user=authcore", "unknown DSN"},
		{"key/value DSN, IPv6 host after the password", "user=authcore password=hunter2 host=::1", "unknown DSN"},
		// SQLite reads "//auth.db" as /auth.db: a file at the root of the
		// file system, where the URL's writer meant the working directory.
		{"SQLite path written as a URL with a host", "sqlite://auth.db", "write sqlite:auth.db"},
		{"SQLite URL with a host and parameters", "sqlite://data/auth.db?_pragma=foo", "write sqlite:data/auth.db for"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sqlstore.Open(t.Context(), tc.dsn)
			require.Nil(t, s)
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), "hunter2")
		})
	}
	_, err := sqlstore.OpenDB(t.Context(), nil, sqlstore.SQLite)
	require.Error(t, err)

	// A file that cannot be opened is named in the error.
	missing := filepath.Join(t.TempDir(), "no-such-dir", "auth.db")
	s, err := sqlstore.Open(t.Context(), "sqlite:"+missing)
	require.Nil(t, s)
	require.ErrorContains(t, err, fmt.Sprintf("%q", missing))
	require.Equal(t, 1, strings.Count(err.Error(), "sqlstore:"), "one prefix: %v", err)

	// sqlite:///absolute/path is a path that starts with slashes: accepted.
	abs := filepath.Join(t.TempDir(), "abs.db")
	s = open(t, "sqlite://"+abs)
	require.NoError(t, s.CreateTenant(t.Context(), &authcore.Tenant{ID: "t", Name: "T"}))
	_, err = os.Stat(abs)
	require.NoError(t, err)
}

func TestSQLiteFileIsInWALModeWithForeignKeys(t *testing.T) {
	s := open(t, freshSQLite(t))
	var mode string
	require.NoError(t, s.DB().QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode))
	require.Equal(t, "wal", strings.ToLower(mode))
	var fk int
	require.NoError(t, s.DB().QueryRowContext(t.Context(), "PRAGMA foreign_keys").Scan(&fk))
	require.Equal(t, 1, fk)
}

// RedactDSN is what the example server logs and authbench reports: a
// password may sit in a PostgreSQL URL's user info or in a query parameter
// (pgx reads password and sslpassword there too), or anywhere in a DSN that
// is not a URL.
func TestRedactDSN(t *testing.T) {
	for _, dsn := range []string{
		"postgres://authcore:hunter2@db/authcore",
		"postgres://authcore@db/authcore?password=hunter2",
		"postgresql://db/authcore?sslmode=verify-full&password=hunter2",
		"postgres://authcore@db/authcore?sslkey=/k&sslpassword=hunter2",
		"postgres://authcore@db/authcore?PassWord=hunter2",
		"postgres://authcore:hunter2@db/authcore?x=%zz", // not a URL net/url parses
		// A password with an unescaped "/", "?" or "#" ends the user info
		// early; what parses as host and port leaves the rest in the path,
		// query or fragment.
		"postgres://authcore:2024/hunter2@db/authcore",
		"postgres://authcore:2024?hunter2@db/authcore",
		"postgres://authcore:2024#hunter2@db/authcore",
		"postgres://authcore:pw@x:5/hunter2@db/authcore",
		"mysql://root:hunter2@localhost/db",
		"password=hunter2 host=db user=authcore",
		"user=authcore password=hunter2 host=::1",
	} {
		got := sqlstore.RedactDSN(dsn)
		require.NotContains(t, got, "hunter2", dsn)
		require.NotEmpty(t, got, dsn)
	}
	// What is not secret stays, so that the line still says which database.
	for dsn, want := range map[string]string{
		"sqlite:authcore.db": "sqlite:authcore.db",
		"sqlite::memory:":    "sqlite::memory:",
		"postgres://authcore@db/authcore?sslmode=disable":  "postgres://authcore@db/authcore?sslmode=disable",
		"postgres://authcore:hunter2@db:5432/authcore":     "postgres://authcore:xxxxx@db:5432/authcore",
		"postgres://db/x?password=hunter2&sslmode=require": "postgres://db/x?password=xxxxx&sslmode=require",
		"mysql://root:hunter2@localhost/db":                "mysql:…",
		"password=hunter2 host=db":                         "…",
	} {
		require.Equal(t, want, sqlstore.RedactDSN(dsn), dsn)
	}
}

// A password with an unescaped "/", "?", "#" or "@" spills out of a URL's
// user info into what the driver reads as the database name or a parameter,
// and the driver's error quotes those: Open's error must not carry it, since
// the example server prints it. Port 1 refuses at once, so no server is
// needed.
func TestOpenPostgresErrorHoldsNoPassword(t *testing.T) {
	for _, dsn := range []string{
		"postgres://authcore:pw@127.0.0.1:1/hunter2@db/authcore?connect_timeout=5",
		"postgres://authcore@127.0.0.1:1/authcore?connect_timeout=5#hunter2",
		"postgres://authcore:hunter2@127.0.0.1:1/authcore?connect_timeout=5",
		"postgres://authcore@127.0.0.1:1/authcore?connect_timeout=5&password=hunter2",
	} {
		s, err := sqlstore.Open(context.Background(), dsn)
		require.Error(t, err, dsn)
		require.Nil(t, s)
		require.NotContains(t, err.Error(), "hunter2", dsn)
		require.Contains(t, err.Error(), "sqlstore:", dsn)
	}
}
