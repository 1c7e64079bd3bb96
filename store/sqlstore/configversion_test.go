package sqlstore_test

import (
	"net/url"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/pgtest"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/stretchr/testify/require"
)

// TestPostgresConfigVersionIgnoresTheWritersSearchPath: the configuration
// version moves whoever writes a tenant, whatever that session's
// search_path: a tool or another store that names the table by its schema
// is a writer too. The trigger function used to name config_version
// without a schema, so the session's search_path chose which counter moved:
// none (the write failed at commit) or another schema's.
func TestPostgresConfigVersionIgnoresTheWritersSearchPath(t *testing.T) {
	postgresDSN(t)
	ctx := t.Context()
	dsnA, dsnB := freshPostgres(t), freshPostgres(t)
	a, b := open(t, dsnA), open(t, dsnB)
	require.NoError(t, a.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
	u, err := url.Parse(dsnA)
	require.NoError(t, err)
	tenantsA := u.Query().Get("search_path") + ".tenants"

	version := func(s *sqlstore.Store) int64 {
		v, err := s.ConfigVersion(ctx)
		require.NoError(t, err)
		return v
	}
	a0, b0 := version(a), version(b)

	// A session of the server's default search_path.
	_, err = pgtest.Admin(t).ExecContext(ctx, `UPDATE `+tenantsA+` SET doc = doc WHERE id = 't'`)
	require.NoError(t, err, "a write from another search_path")
	require.Greater(t, version(a), a0, "A's version moved")

	// A session whose search_path is another authcore schema.
	a1 := version(a)
	_, err = rawDB(t, dsnB).ExecContext(ctx, `UPDATE `+tenantsA+` SET doc = doc WHERE id = 't'`)
	require.NoError(t, err)
	require.Greater(t, version(a), a1, "A's version moved")
	require.Equal(t, b0, version(b), "B's did not")
}
