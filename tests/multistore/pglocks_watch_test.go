package multistore_test

import (
	"database/sql"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// watchLockWait counts only this process's stores' connections: a statement
// of another connection to the server (another package's test, run at the
// same time) that waits for a lock ended a watch early when it counted
// every connection, so a race test could pass without its statement ever
// waiting.
func TestWatchLockWaitCountsOnlyThisProcessStores(t *testing.T) {
	dsn := freshPostgres(t) // skips or fails without a server, as the others
	ctx := t.Context()
	const lock = `SELECT pg_advisory_xact_lock(`
	key := rand.Int64() // no other test's key

	raw, err := sql.Open("pgx", os.Getenv("AUTHCORE_TEST_POSTGRES")) // untagged, as another package's
	require.NoError(t, err)
	defer raw.Close()
	holder, err := raw.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer holder.Rollback()
	_, err = holder.ExecContext(ctx, lock+`$1)`, key)
	require.NoError(t, err)
	outsiderDone := make(chan error, 1)
	go func() {
		_, err := raw.ExecContext(ctx, lock+`$1)`, key)
		outsiderDone <- err
	}()
	require.Eventually(t, func() bool {
		var n int
		err := raw.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE $1`, lock+"%").Scan(&n)
		return err == nil && n > 0
	}, 30*time.Second, 5*time.Millisecond, "the outsider never waited")

	// The outsider waits all along: five looks of the watch must not count it.
	looks := 0
	stop := func() bool { looks++; return looks > 5 }
	require.False(t, watchLockWait(t, lock+"%", stop), "watchLockWait counted another connection's wait")

	// A connection tagged as this process's stores are is counted.
	tagged, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer tagged.Close()
	taggedDone := make(chan error, 1)
	go func() {
		_, err := tagged.ExecContext(ctx, lock+`$1)`, key)
		taggedDone <- err
	}()
	require.True(t, waitForLock(t, lock), "this process's wait was not seen")

	require.NoError(t, holder.Rollback())
	require.NoError(t, <-outsiderDone)
	require.NoError(t, <-taggedDone)
}
