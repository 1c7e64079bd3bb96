package sqlstore_test

import (
	"database/sql"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/authcore/authcore/internal/pgtest"
	"github.com/stretchr/testify/require"
)

// The lock-wait watches count only the store's own connections: a statement
// of another connection to the server (another package's test, run at the
// same time) that waits for a lock ended a watch early when they counted
// every connection, so a test could pass without its statement ever waiting.
func TestLockWatchesCountOnlyTheStoresConnections(t *testing.T) {
	dsn := postgresDSN(t)
	ctx := t.Context()
	s := open(t, freshPostgres(t))
	lock := `SELECT pg_advisory_xact_lock(` // the statement the waiters run
	key := rand.Int64()                     // no other test's key

	// An untagged connection, as another package's, holds the key.
	holder, err := pgtest.Admin(t).BeginTx(ctx, nil)
	require.NoError(t, err)
	defer holder.Rollback()
	_, err = holder.ExecContext(ctx, lock+`$1)`, key)
	require.NoError(t, err)

	// Another untagged connection waits for it.
	outsider, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer outsider.Close()
	outsiderDone := make(chan error, 1)
	go func() {
		_, err := outsider.ExecContext(ctx, lock+`$1)`, key)
		outsiderDone <- err
	}()
	require.Eventually(t, func() bool {
		var n int
		err := pgtest.Admin(t).QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE $1`, lock+"%").Scan(&n)
		return err == nil && n > 0
	}, 30*time.Second, 5*time.Millisecond, "the outsider never waited")

	// With the outsider waiting, the store's watches see nothing of it.
	// (waitingOnPostgres asks the same query, waitingForLockQuery.)
	require.False(t, waitingForLock(s, lock)(), "waitingForLock counted another connection's wait")

	// A statement of the store that waits is seen.
	storeDone := make(chan error, 1)
	go func() {
		_, err := s.DB().ExecContext(ctx, lock+`$1)`, key)
		storeDone <- err
	}()
	requireWaitsForLock(t, s, lock, "the store's own wait was not seen")
	require.NoError(t, waitingOnPostgres(ctx, s))

	require.NoError(t, holder.Rollback())
	require.NoError(t, <-outsiderDone)
	require.NoError(t, <-storeDone)
}
