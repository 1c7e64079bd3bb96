package authcore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
)

// TestAbandonedLoginRecordsNoFailure: a login whose caller goes away while
// Twitter is asked (a browser closed, a client that disconnected) failed
// nowhere an operator or a subscriber can act on. It used to write an Error
// entry to the event log ("Twitter login … failed: context canceled") and a
// user.login.failed event saying Twitter was unavailable, one of each per
// abandoned login. A login that fails because Twitter is down still records
// both.
func TestAbandonedLoginRecordsNoFailure(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	env.Account("401", "abandoning", "u401@example.com")
	// Twitter holds the exchange until the caller gives up (Close releases
	// it); the caller gives up once Twitter has the request.
	env.Twitter.SetFault(twittertest.FaultTimeout)
	env.Twitter.SetFaultDelay(time.Minute)
	gone, cancel := context.WithCancel(env.Ctx)
	defer cancel()
	asked := func() int { a, v := env.Twitter.Requests(); return a + v }
	before := asked()
	go func() {
		for {
			if asked() > before {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	_, err := env.Engine.IdentityProviderLogin(gone, env.Request("401"))
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, authcore.ErrIdentityProviderUnavailable, "the error a Go caller gets is unchanged")

	// Twitter down: the failure this test tells the abandoned one from.
	// Its event is delivered after any event the abandoned login made.
	env.Account("402", "unlucky", "u402@example.com")
	env.Twitter.SetFault(twittertest.FaultStatus500)
	_, err = env.Engine.IdentityProviderLogin(env.Ctx, env.Request("402"))
	require.ErrorIs(t, err, authcore.ErrIdentityProviderUnavailable)
	failed := func() int {
		n := 0
		for _, ev := range c.Events() {
			if ev.Type == authcore.EventUserLoginFailed {
				n++
			}
		}
		return n
	}
	require.Eventually(t, func() bool { return failed() > 0 }, 5*time.Second, 2*time.Millisecond)
	require.Equal(t, 1, failed(), "only the login Twitter failed has a user.login.failed event")

	logs, err := env.Engine.SearchEventLogs(env.Ctx, authcore.EventLogSearchCriteria{Type: authcore.EventLogError, Message: "Twitter login"})
	require.NoError(t, err)
	require.Equal(t, 1, logs.Total, "only the login Twitter failed has an Error entry")
	require.NotContains(t, logs.EventLogs[0].Message, "context canceled")
}
