package authcore_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/internal/logtest"
	"github.com/authcore/authcore/internal/testclock"
	"github.com/authcore/authcore/store/memstore"
)

var errStoreDown = errors.New("store down for the test")

// failingIntegrations counts the integrations reads made through it, and
// fails them while down is set (a database briefly out of reach). A read
// whose context ended fails with that context's error, as a SQL store's does.
type failingIntegrations struct {
	authcore.Store
	cv   authcore.ConfigVersioner
	n    atomic.Int64
	down atomic.Bool
}

func (s *failingIntegrations) GetIntegrations(ctx context.Context) (*integration.Integrations, error) {
	s.n.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.down.Load() {
		return nil, errStoreDown
	}
	return s.Store.GetIntegrations(ctx)
}

func (s *failingIntegrations) ConfigVersion(ctx context.Context) (int64, error) {
	return s.cv.ConfigVersion(ctx)
}

type failingFixture struct {
	clock *testclock.Clock
	mem   *memstore.Store
	s     *failingIntegrations
	log   *logtest.Buffer
	e     *authcore.Engine
	other *authcore.Engine // another engine on the same database
}

func newFailingFixture(t *testing.T) *failingFixture {
	ctx := context.Background()
	f := &failingFixture{clock: testclock.New(cacheEpoch), log: &logtest.Buffer{}}
	f.mem = memstore.New(memstore.WithClock(f.clock.Now))
	f.s = &failingIntegrations{Store: f.mem, cv: f.mem}
	var err error
	f.e, err = authcore.New(ctx, f.s, authcore.WithClock(f.clock.Now),
		authcore.WithLogger(slog.New(slog.NewTextHandler(f.log, nil))))
	require.NoError(t, err)
	f.other, err = authcore.New(ctx, f.mem, quiet(), authcore.WithClock(f.clock.Now))
	require.NoError(t, err)
	createUsers(t, f.e, 1) // reads what the default tenant's creation changed
	f.log.Take()
	return f
}

// lines counts the lines of what was logged since the last call that hold
// msg.
func (f *failingFixture) lines(msg string) (n int, text string) {
	text = f.log.Take()
	return strings.Count(text, msg), text
}

// While the store fails to read the integrations, operations use the last
// known copy and read again only after a pause (250 ms, doubling up to 4 s
// on the engine's clock), and the log gets one warning for the outage, not
// one per operation. The first read that succeeds is logged once and takes
// up what changed meanwhile (another engine turned Kafka on). Every
// operation used to read the store, and log a warning, for as long as it
// failed.
func TestIntegrationsReadFailuresAreSpacedOutAndLoggedOnce(t *testing.T) {
	ctx := context.Background()
	f := newFailingFixture(t)
	f.s.down.Store(true)
	_, err := f.other.UpdateIntegrations(ctx, kafkaOn) // the version moves: a read is due
	require.NoError(t, err)
	reads := f.s.n.Load()

	createUsers(t, f.e, 10)
	require.Equal(t, reads+1, f.s.n.Load(), "10 operations on a failing store")
	n, text := f.lines("integrations could not be read")
	require.Equal(t, 1, n, "warnings for 10 operations: %s", text)
	require.Contains(t, text, errStoreDown.Error())
	require.Zero(t, f.mem.OutboxLen(), "the last known copy has Kafka off")
	reads++

	for _, pause := range []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		f.clock.Advance(pause - time.Nanosecond)
		createUsers(t, f.e, 3)
		require.Equal(t, reads, f.s.n.Load(), "read again before the %v pause ended", pause)
		f.clock.Advance(time.Nanosecond)
		createUsers(t, f.e, 3)
		require.Equal(t, reads+1, f.s.n.Load(), "not read again once the %v pause ended, or more than once", pause)
		reads++
	}
	n, text = f.lines("integrations")
	require.Zero(t, n, "logged while the failure went on: %s", text)

	f.s.down.Store(false)
	f.clock.Advance(4 * time.Second)
	createUsers(t, f.e, 5)
	require.Equal(t, reads+1, f.s.n.Load())
	require.True(t, f.e.CachedIntegrations().Kafka.Enabled, "the read after the failures did not take up the change")
	require.NotZero(t, f.mem.OutboxLen(), "the operations after the recovery did not act on Kafka on")
	n, text = f.lines("integrations read again")
	require.Equal(t, 1, n, "recovery lines: %s", text)
	require.Contains(t, text, "failed_reads=7")
	n, _ = f.lines("integrations")
	require.Zero(t, n)

	// Failing again is a new outage: warned once more, first pause again.
	f.s.down.Store(true)
	_, err = f.other.UpdateIntegrations(ctx, integration.Integrations{})
	require.NoError(t, err)
	createUsers(t, f.e, 3)
	n, _ = f.lines("integrations could not be read")
	require.Equal(t, 1, n)
	f.s.down.Store(false)
	f.clock.Advance(250 * time.Millisecond)
	createUsers(t, f.e, 1)
	require.False(t, f.e.CachedIntegrations().Kafka.Enabled)
}

// A read that failed because its operation's context ended says nothing
// about the store: no warning, and the next operation reads at once.
func TestIntegrationsReadOfAnEndedRequestStartsNoPause(t *testing.T) {
	f := newFailingFixture(t)
	_, err := f.other.UpdateIntegrations(context.Background(), kafkaOn)
	require.NoError(t, err)
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	reads := f.s.n.Load()
	_, _ = f.e.CreateUser(ended, "", authcore.UserRequest{User: authcore.UserInput{Email: "ended@example.com"}})
	require.Equal(t, reads+1, f.s.n.Load(), "the ended request did not read the integrations")
	reads++

	createUsers(t, f.e, 1)
	require.Equal(t, reads+1, f.s.n.Load(), "the read after an ended request's waited for a pause")
	require.True(t, f.e.CachedIntegrations().Kafka.Enabled)
	n, text := f.lines("integrations")
	require.Zero(t, n, "logged: %s", text)
}
