package multistore_test

import (
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// watchLockWait polls the PostgreSQL test server every 10 ms, for up to 30
// seconds, until a statement of this process's stores (freshPostgres's, by
// their application_name) that matches pattern (SQL LIKE) waits for a lock,
// and reports whether one did. A stop that reports true ends the
// watch first (and it reports false); stop may be nil.
//
// The server's state is all there is to watch: no event tells when another
// transaction has reached a lock and waits there.
func watchLockWait(t *testing.T, pattern string, stop func() bool) bool {
	t.Helper()
	db, err := sql.Open("pgx", os.Getenv("AUTHCORE_TEST_POSTGRES"))
	require.NoError(t, err)
	defer db.Close()
	for range 3000 {
		if stop != nil && stop() {
			return false
		}
		var n int
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1 AND application_name = $2`, pattern, pgAppName).Scan(&n))
		if n > 0 {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// waitForLock reports whether a statement that starts with query waits for
// a lock on the test server within 30 seconds.
func waitForLock(t *testing.T, query string) bool {
	t.Helper()
	return watchLockWait(t, query+"%", nil)
}
