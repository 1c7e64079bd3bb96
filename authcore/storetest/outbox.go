package storetest

import (
	"context"
	"errors"
	"strconv"
	"testing"

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
		got, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, leaseNow+1000, 3)
		require.NoError(t, err)
		require.Len(t, got, 3)
		for i, e := range got {
			require.Equal(t, *want[i], *e, "event %d comes back as it went in", i)
		}
		all, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, leaseNow+1000, 100)
		require.NoError(t, err)
		require.Equal(t, payloadNames(want), payloadNames(all))
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
		got, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, leaseNow+1000, 10)
		require.NoError(t, err)
		require.Equal(t, payloadNames([]*authcore.OutboxEvent{kept, outboxEvent("k", "kept too")}), payloadNames(got))
	}},
	{"outbox/one lease: another owner waits until it expires; the holder renews", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		require.NoError(t, f.s.AppendOutbox(ctx, outboxEvent("k", "e")))
		_, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, leaseNow+1000, 10)
		require.NoError(t, err)
		got, err := f.s.ClaimOutbox(ctx, "relay-b", leaseNow+999, leaseNow+2000, 10)
		require.ErrorIs(t, err, authcore.ErrLeaseHeld)
		require.Empty(t, got)
		// The holder renews past its first deadline.
		_, err = f.s.ClaimOutbox(ctx, "relay-a", leaseNow+999, leaseNow+3000, 10)
		require.NoError(t, err)
		_, err = f.s.ClaimOutbox(ctx, "relay-b", leaseNow+2500, leaseNow+4000, 10)
		require.ErrorIs(t, err, authcore.ErrLeaseHeld, "the renewed lease still runs")
		// Expired: b takes over and sees the unacknowledged event.
		got, err = f.s.ClaimOutbox(ctx, "relay-b", leaseNow+3000, leaseNow+5000, 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		_, err = f.s.ClaimOutbox(ctx, "relay-a", leaseNow+3001, leaseNow+6000, 10)
		require.ErrorIs(t, err, authcore.ErrLeaseHeld)
	}},
	{"outbox/release hands the lease over at once; a non-holder's release does nothing", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		_, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, leaseNow+60_000, 10)
		require.NoError(t, err)
		require.NoError(t, f.s.ReleaseOutbox(ctx, "relay-b"))
		_, err = f.s.ClaimOutbox(ctx, "relay-b", leaseNow+1, leaseNow+60_000, 10)
		require.ErrorIs(t, err, authcore.ErrLeaseHeld)
		require.NoError(t, f.s.ReleaseOutbox(ctx, "relay-a"))
		_, err = f.s.ClaimOutbox(ctx, "relay-b", leaseNow+2, leaseNow+60_000, 10)
		require.NoError(t, err)
	}},
	{"outbox/ack removes events, ignores unknown ones, and numbers are never reused", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		a, b, c := outboxEvent("k", "a"), outboxEvent("k", "b"), outboxEvent("k", "c")
		require.NoError(t, f.s.AppendOutbox(ctx, a, b, c))
		require.NoError(t, f.s.AckOutbox(ctx, []int64{a.Seq, c.Seq, c.Seq + 1000}))
		got, err := f.s.ClaimOutbox(ctx, "relay-a", leaseNow, leaseNow+1000, 10)
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
				_, err := f.s.ClaimOutbox(ctx, "relay-"+strconv.Itoa(i), leaseNow, leaseNow+60_000, 10)
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
