package sqlstore_test

import (
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/require"
)

// TestOutboxLeaseOnTheDatabaseClock: engines on several hosts share one
// PostgreSQL database, and their clocks disagree. The lease was compared
// and set on each caller's clock, so a relay whose clock ran more than a
// lease ahead of the holder's took the outbox while the holder was still
// publishing, and a holder whose clock ran ahead kept every other relay out
// for as long as its clock was ahead. Both are now read on the server's
// clock.
func TestOutboxLeaseOnTheDatabaseClock(t *testing.T) {
	s := open(t, freshPostgres(t))
	ctx := t.Context()
	require.NoError(t, s.AppendOutbox(ctx, &authcore.OutboxEvent{ID: "e1", Type: "user.update", Key: "k", Payload: []byte(`{}`), InsertInstant: 1}))
	wall := time.Now()
	behind, ahead := wall.Add(-time.Hour).UnixMilli(), wall.Add(time.Hour).UnixMilli()

	// A's clock is two hours behind B's: by the database's clock A's lease
	// has just begun, so B gets nothing.
	_, err := s.ClaimOutbox(ctx, "relay-a", behind, 15*time.Second, 10)
	require.NoError(t, err)
	got, err := s.ClaimOutbox(ctx, "relay-b", ahead, 15*time.Second, 10)
	require.ErrorIs(t, err, authcore.ErrLeaseHeld, "a clock ahead by more than the lease ended a lease still running")
	require.Empty(t, got)

	// A renews with a lease of no length, by a clock two hours ahead of
	// B's: the lease ends at once, and B takes over.
	_, err = s.ClaimOutbox(ctx, "relay-a", ahead, 0, 10)
	require.NoError(t, err)
	got, err = s.ClaimOutbox(ctx, "relay-b", behind, 15*time.Second, 10)
	require.NoError(t, err, "a holder's clock ahead kept its lease running after it ended")
	require.Len(t, got, 1)
}

// TestOutboxLeaseOnTheCallersClockOnSQLite: SQLite lives on one host, so
// the caller's now is the present, as the store's contract says; a test
// clock keeps working there.
func TestOutboxLeaseOnTheCallersClockOnSQLite(t *testing.T) {
	s := open(t, freshSQLite(t))
	ctx := t.Context()
	const t0 = int64(1_700_000_000_000)
	_, err := s.ClaimOutbox(ctx, "relay-a", t0, time.Second, 10)
	require.NoError(t, err)
	_, err = s.ClaimOutbox(ctx, "relay-b", t0+999, time.Second, 10)
	require.ErrorIs(t, err, authcore.ErrLeaseHeld)
	_, err = s.ClaimOutbox(ctx, "relay-b", t0+1000, time.Second, 10)
	require.NoError(t, err, "the lease ends a second after t0 by the caller's clock")
}
