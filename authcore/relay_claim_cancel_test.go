package authcore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// cancelAfterClaim is a store whose ClaimOutbox takes the lease and then
// answers the context's error, as a PostgreSQL claim does when its context
// ends after the server committed it and before the answer was read.
type cancelAfterClaim struct {
	authcore.Store
	cancel context.CancelFunc
}

func (s *cancelAfterClaim) ClaimOutbox(ctx context.Context, owner string, now int64, lease time.Duration, limit int) ([]*authcore.OutboxEvent, error) {
	if _, err := s.Store.ClaimOutbox(ctx, owner, now, lease, limit); err != nil {
		return nil, err
	}
	s.cancel()
	return nil, ctx.Err()
}

// A relay stopped while its claim was answered with the context's error
// releases the lease on the way out all the same: the claim may have taken
// it. It released only a lease it knew it held, so the lease stayed with a
// relay that was gone until it ran out (TestTwoRelaysOneOutbox on
// PostgreSQL found it held now and then).
func TestRelayStoppedDuringClaimReleasesTheLease(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mem := memstore.New()
	s := &cancelAfterClaim{Store: mem, cancel: cancel}
	c := &eventstest.Collector{}
	cfg := eventstest.FastRelay
	cfg.LeaseTTL = time.Hour
	e, err := authcore.New(context.Background(), s, authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(cfg))
	require.NoError(t, err)
	require.NoError(t, e.RunRelay(ctx))

	_, err = mem.ClaimOutbox(context.Background(), "inspector", time.Now().UnixMilli(), time.Minute, 10)
	require.NoError(t, err, "the stopped relay's lease")
}
