package authcore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/sqlstore"
)

// TestRelayDeliversAnEventThatCommitsAfterANewerOne: on PostgreSQL an
// event's Seq is taken when it is appended, so a transaction that appended
// first may commit after one that appended later. The relay must still
// deliver the older event when it shows up behind one it already
// delivered, not acknowledge it unsent.
func TestRelayDeliversAnEventThatCommitsAfterANewerOne(t *testing.T) {
	// Only PostgreSQL takes a Seq before its transaction commits: memstore
	// and SQLite commit one writer at a time, so there is nothing to race.
	s := freshPostgres(t) // skipped without PostgreSQL outside CI (pgtest)
	c := &eventstest.Collector{}
	env := eventstest.New(t, s, eventstest.Options{Engine: []authcore.Option{
		authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay),
	}})
	env.RunRelay()

	event := func() *authcore.OutboxEvent {
		id := uuid.NewString()
		return &authcore.OutboxEvent{ID: id, Type: authcore.EventUserUpdate, Key: env.TenantID, InsertInstant: time.Now().UnixMilli(),
			Payload: []byte(`{"event":{"type":"user.update","id":"` + id + `","createInstant":1,"tenantId":"` + env.TenantID + `"}}`)}
	}
	older, newer := event(), event()

	appended, release, committed := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		committed <- s.InTx(env.Ctx, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.AppendOutbox(ctx, older); err != nil {
				close(appended)
				return err
			}
			close(appended)
			<-release
			return nil
		})
	}()
	<-appended
	require.NoError(t, s.AppendOutbox(env.Ctx, newer))
	require.Greater(t, newer.Seq, older.Seq)
	c.WaitFor(t, 1) // the newer event, committed first, is delivered
	close(release)
	require.NoError(t, <-committed)

	pg := s.(*sqlstore.Store)
	require.Eventually(t, func() bool {
		n, err := pg.OutboxLen(env.Ctx)
		return err == nil && n == 0
	}, 10*time.Second, 5*time.Millisecond, "the relay drains the outbox")
	var ids []string
	for _, ev := range c.Events() {
		ids = append(ids, ev.ID)
	}
	require.ElementsMatch(t, []string{newer.ID, older.ID}, ids, "both events were delivered, the one that committed late included")
}
