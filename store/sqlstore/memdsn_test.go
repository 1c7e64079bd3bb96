package sqlstore_test

import (
	"path/filepath"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/stretchr/testify/require"
)

// TestOpenRefusesOtherInMemorySQLiteDSNs: a SQLite file store has a writer
// connection, a pool of readers and a checkpointing connection, which must
// all open one database. An in-memory or temporary database named any other
// way than "sqlite::memory:" gives each connection a database of its own
// (reads then find no tables), or a shared cache whose table locks make
// reads wait for the writer. Open refuses those DSNs and says what to use.
func TestOpenRefusesOtherInMemorySQLiteDSNs(t *testing.T) {
	for _, dsn := range []string{
		"sqlite:file::memory:",
		"sqlite::memory:?cache=shared",
		"sqlite:file::memory:?cache=shared",
		"sqlite:file:mem1?mode=memory",
		"sqlite:file:mem2?mode=memory&cache=shared",
		"sqlite:file:/mem3?vfs=memdb",
		"sqlite:?_pragma=foreign_keys(1)",
		"sqlite:file:?cache=private",
	} {
		t.Run(dsn, func(t *testing.T) {
			ctx := t.Context()
			s, err := sqlstore.Open(ctx, dsn)
			if err == nil {
				werr := s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"})
				_, rerr := s.GetTenant(ctx, "t")
				s.Close()
				t.Fatalf("Open(%q) accepted it; a write answered %v, reading it back %v", dsn, werr, rerr)
			}
			require.ErrorContains(t, err, "sqlite::memory:")
		})
	}
	// Still accepted: the one in-memory form, and file URIs naming a file.
	for _, dsn := range []string{
		"sqlite::memory:",
		"sqlite:file:" + filepath.Join(t.TempDir(), "uri.db") + "?cache=private",
		"sqlite:" + filepath.Join(t.TempDir(), "plain.db") + "?mode=memory", // not a URI: mode is not SQLite's
	} {
		s := open(t, dsn)
		ctx := t.Context()
		require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}), dsn)
		_, err := s.GetTenant(ctx, "t")
		require.NoError(t, err, dsn)
	}
}
