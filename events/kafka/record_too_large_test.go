package kafka_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// TestRecordTooLargeDoesNotStopTheTopic: a user whose data makes an event
// larger than the producer may send (max.request.size; a user body of up to
// 1 MiB, with its original in a user.update, passes Kafka's default 1 MB)
// is refused by Kafka on every attempt. The relay retried it forever: no
// event behind it was ever acknowledged (those of other partitions went out
// again on every retry, those of its partition never) and the outbox only
// grew. Now it is set aside after the relay's PoisonAttempts, and the other
// users' events reach the topic and leave the outbox.
func TestRecordTooLargeDoesNotStopTheTopic(t *testing.T) {
	c := newCluster(t)
	producer := producerFor(c)
	producer["max.request.size"] = "16384"
	env := newKafkaEnv(t, producer)

	big, err := env.Engine.CreateUser(env.Ctx, "", authcore.UserRequest{User: authcore.UserInput{
		Email: "big@example.com", Data: map[string]any{"blob": strings.Repeat("x", 32<<10)}}})
	require.NoError(t, err)
	env.Account("1", "ada", "ada@example.com")
	resp := env.MustLogin("1")

	rs := dedup(consume(t, c.ListenAddrs(), topic, 6))
	byKey := typesByKey(rs)
	require.Equal(t, []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserIdentityProviderLink,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete,
		authcore.EventUserLoginSuccess}, byKey[resp.User.ID], "the events behind the refused one arrive, in order")
	require.Empty(t, byKey[big.ID], "the record Kafka refuses is not on the topic")

	// user.create.complete carries the same user and is refused too. It is
	// offered once and set aside with user.create: it no longer waits for an
	// event of another key behind it (a later login) and a count of its own.
	setAside := func() int {
		res, err := env.Engine.SearchEventLogs(env.Ctx, authcore.EventLogSearchCriteria{Message: "*set aside*" + big.ID + "*", Type: authcore.EventLogError})
		require.NoError(t, err)
		return len(res.EventLogs)
	}
	require.Eventually(t, func() bool { return env.mem.OutboxLen() == 0 }, 10*time.Second, 5*time.Millisecond, "the outbox drains with no later event")
	require.Equal(t, 2, setAside(), "the refused events, user.create and user.create.complete, are in the event log")
}
