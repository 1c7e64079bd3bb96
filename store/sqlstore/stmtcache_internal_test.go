package sqlstore

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStmtCacheBound: past maxCachedStmts texts, queries still run (unprepared)
// and the cache stops growing.
func TestStmtCacheBound(t *testing.T) {
	db, err := sql.Open("sqlite", "file:stmtcache?mode=memory")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	c := newStmtCache(db)
	t.Cleanup(c.close)
	for round := 0; round < 2; round++ {
		for i := 0; i < maxCachedStmts+10; i++ {
			var got int
			require.NoError(t, c.QueryRowContext(t.Context(), fmt.Sprintf("SELECT ? + %d", i), 1).Scan(&got))
			require.Equal(t, i+1, got)
		}
	}
	require.Equal(t, int32(maxCachedStmts), c.n.Load())
	c.close()
	require.Zero(t, c.n.Load())
	var got int
	require.NoError(t, c.QueryRowContext(t.Context(), "SELECT ? + 0", 7).Scan(&got), "usable after close")
	require.Equal(t, 7, got)
}
