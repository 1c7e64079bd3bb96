package sqlstore_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/require"
)

// TestAckOutboxBatchSizes acks batches whose IN lists are padded to a few
// lengths (and split past 500): exactly the named events go.
func TestAckOutboxBatchSizes(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			s := open(t, be.fresh(t))
			ctx := t.Context()
			events := make([]*authcore.OutboxEvent, 1200)
			for i := range events {
				events[i] = &authcore.OutboxEvent{ID: "e" + strconv.Itoa(i), Type: "t", Key: "k", InsertInstant: int64(i), Payload: []byte("{}")}
			}
			require.NoError(t, s.AppendOutbox(ctx, events...))
			left := len(events)
			next := 0
			for _, n := range []int{1, 2, 9, 33, 128, 129, 600} {
				seqs := make([]int64, n)
				for i := range seqs {
					seqs[i] = events[next+i].Seq
				}
				next += n
				require.NoError(t, s.AckOutbox(ctx, seqs))
				left -= n
				got, err := s.OutboxLen(ctx)
				require.NoError(t, err)
				require.Equal(t, left, got, "after acking %d", n)
			}
			claimed, err := s.ClaimOutbox(ctx, "relay", 1, time.Millisecond, 1000)
			require.NoError(t, err)
			require.Len(t, claimed, left)
			require.Equal(t, events[next].Seq, claimed[0].Seq, "the oldest not acked")
		})
	}
}
