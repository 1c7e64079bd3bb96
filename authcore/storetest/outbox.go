package storetest

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/require"
)

// outboxEvent builds an event whose payload names it, so a test can tell
// events apart after a round trip.
func outboxEvent(key, name string) *authcore.OutboxEvent {
	return &authcore.OutboxEvent{
		ID: id(), Type: "user.update", Key: key, InsertInstant: 1_700_000_000_000,
		Payload: []byte(`{"event":{"type":"user.update","name":"` + name + `","nul":"\u0000"}}`),
	}
}

func payloadNames(events []*authcore.OutboxEvent) []string {
	out := make([]string, 0, len(events))
	for _, e := range events {
		out = append(out, string(e.Payload))
	}
	return out
}

func seqsOf(events []*authcore.OutboxEvent) []int64 {
	out := make([]int64, 0, len(events))
	for _, e := range events {
		out = append(out, e.Seq)
	}
	return out
}

const leaseNow = int64(1_700_000_000_000)

var outboxCases = []testCase{
	{"outbox/append numbers events and claim returns them oldest first, up to the limit", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		var want []*authcore.OutboxEvent
		for i := range 5 {
			e := outboxEvent("user-"+strconv.Itoa(i%2), "e"+strconv.Itoa(i))
			require.NoError(t, f.s.AppendOutbox(ctx, e))
			if len(want) > 0 {
				require.Greater(t, e.Seq, want[len(want)-1].Seq, "Seq grows")
			}
			want = append(want, e)
		}
		got, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, time.Minute, 3)
		require.NoError(t, err)
		require.Len(t, got, 3)
		for i, e := range got {
			require.Equal(t, *want[i], *e, "event %d comes back as it went in", i)
		}
		all, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, time.Minute, 100)
		require.NoError(t, err)
		require.Equal(t, payloadNames(want), payloadNames(all))
	}},
	{"outbox/a claim with no limit (or less) takes at most 100 events", func(t *testing.T, f *fixture) {
		// As ListModerationItems: the SQL stores took 100 and memstore
		// every event.
		ctx := f.ctx
		events := make([]*authcore.OutboxEvent, 101)
		for i := range events {
			events[i] = outboxEvent("user", "e"+strconv.Itoa(i))
		}
		require.NoError(t, f.s.AppendOutbox(ctx, events...))
		for _, limit := range []int{0, -1} {
			got, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, time.Minute, limit)
			require.NoError(t, err)
			require.Equal(t, payloadNames(events[:100]), payloadNames(got), "limit %d", limit)
		}
	}},
	{"outbox/events appended in a transaction commit and roll back with it", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			require.NoError(t, tx.CreateUser(ctx, f.newUser(tn.ID, "gone@example.com", "")))
			require.NoError(t, tx.AppendOutbox(ctx, outboxEvent("k", "rolled back")))
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		kept := outboxEvent("k", "kept")
		require.NoError(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			require.NoError(t, tx.CreateUser(ctx, f.newUser(tn.ID, "kept@example.com", "")))
			return tx.AppendOutbox(ctx, kept, outboxEvent("k", "kept too"))
		}))
		got, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, time.Minute, 10)
		require.NoError(t, err)
		require.Equal(t, payloadNames([]*authcore.OutboxEvent{kept, outboxEvent("k", "kept too")}), payloadNames(got))
	}},
	// The lease cases hold on every clock: a store may read the present on
	// its own clock (PostgreSQL's server's) instead of now, so they use
	// leases that run far longer than a case, or end at once.
	{"outbox/one lease: another owner waits while it runs; the holder renews; a lease of no length ends at once", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		require.NoError(t, f.s.AppendOutbox(ctx, outboxEvent("k", "e")))
		_, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, 0, 10)
		require.NoError(t, err)
		// The holder renews, after its first lease ended: the renewal's end
		// is the one that counts.
		_, err = f.s.ClaimOutbox(ctx, "relay-a", leaseNow, time.Minute, 10)
		require.NoError(t, err)
		got, err := f.s.ClaimOutbox(ctx, "relay-b", leaseNow, time.Minute, 10)
		require.ErrorIs(t, err, authcore.ErrLeaseHeld, "the renewed lease runs")
		require.Empty(t, got)
		// A renewal of no length ends the lease at once: b takes over and
		// sees the unacknowledged event.
		_, err = f.s.ClaimOutbox(ctx, "relay-a", leaseNow, 0, 10)
		require.NoError(t, err)
		got, err = f.s.ClaimOutbox(ctx, "relay-b", leaseNow, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		got, err = f.s.ClaimOutbox(ctx, "relay-a", leaseNow, time.Minute, 10)
		require.ErrorIs(t, err, authcore.ErrLeaseHeld)
		require.Empty(t, got)
	}},
	{"outbox/release hands the lease over at once; a non-holder's release does nothing", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		_, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, time.Minute, 10)
		require.NoError(t, err)
		require.NoError(t, f.s.ReleaseOutbox(ctx, "relay-b"))
		_, err = f.s.ClaimOutbox(ctx, "relay-b", leaseNow, time.Minute, 10)
		require.ErrorIs(t, err, authcore.ErrLeaseHeld)
		require.NoError(t, f.s.ReleaseOutbox(ctx, "relay-a"))
		_, err = f.s.ClaimOutbox(ctx, "relay-b", leaseNow, time.Minute, 10)
		require.NoError(t, err)
	}},
	{"outbox/ack removes events, ignores unknown ones, and numbers are never reused", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		a, b, c := outboxEvent("k", "a"), outboxEvent("k", "b"), outboxEvent("k", "c")
		require.NoError(t, f.s.AppendOutbox(ctx, a, b, c))
		require.NoError(t, f.s.AckOutbox(ctx, []int64{a.Seq, c.Seq, c.Seq + 1000}))
		got, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, time.Minute, 10)
		require.NoError(t, err)
		require.Equal(t, []int64{b.Seq}, seqsOf(got))
		d := outboxEvent("k", "d")
		require.NoError(t, f.s.AppendOutbox(ctx, d))
		require.Greater(t, d.Seq, c.Seq, "the acknowledged newest number is not given again")
		require.NoError(t, f.s.AckOutbox(ctx, nil))
	}},
	{"outbox/64 relays claim at once: exactly one holds the lease", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		require.NoError(t, f.s.AppendOutbox(ctx, outboxEvent("k", "e")))
		errs := race(racers, func(i int) error {
			for attempt := 0; attempt < maxAttempts; attempt++ {
				_, err := f.s.ClaimOutbox(ctx, "relay-"+strconv.Itoa(i), leaseNow, time.Minute, 10)
				if !errors.Is(err, authcore.ErrConflict) {
					return err
				}
			}
			return authcore.ErrConflict
		})
		winners := 0
		for i, err := range errs {
			if err == nil {
				winners++
				continue
			}
			require.ErrorIs(t, err, authcore.ErrLeaseHeld, "relay %d", i)
		}
		require.Equal(t, 1, winners)
	}},
	{"moderation/put, get, replace and delete an item", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		m := &authcore.ModerationItem{ContentID: id(), TenantID: id(), UserID: id(), Username: "pending-name", InsertInstant: 5}
		_, err := f.s.GetModerationItem(ctx, m.ContentID)
		requireNotFound(t, err)
		require.NoError(t, f.s.PutModerationItem(ctx, m))
		got, err := f.s.GetModerationItem(ctx, m.ContentID)
		require.NoError(t, err)
		require.Equal(t, *m, *got)
		got.Username = "changed outside"
		again, err := f.s.GetModerationItem(ctx, m.ContentID)
		require.NoError(t, err)
		require.Equal(t, "pending-name", again.Username, "values are copies")
		r := *m
		r.ApplicationID, r.Username = id(), "registration-name"
		require.NoError(t, f.s.PutModerationItem(ctx, &r))
		got, err = f.s.GetModerationItem(ctx, m.ContentID)
		require.NoError(t, err)
		require.Equal(t, r, *got)
		require.NoError(t, f.s.DeleteModerationItem(ctx, m.ContentID))
		requireNotFound(t, f.s.DeleteModerationItem(ctx, m.ContentID))
		_, err = f.s.GetModerationItem(ctx, m.ContentID)
		requireNotFound(t, err)
	}},
}
