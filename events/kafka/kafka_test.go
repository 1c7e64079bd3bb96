package kafka_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/events/kafka"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

const topic = "fusionauth-events"

// record is one consumed Kafka record, decoded.
type record struct {
	Partition int32
	Key       string
	EventID   string // the event-id header
	Event     map[string]any
}

func (r record) Type() string { s, _ := r.Event["type"].(string); return s }
func (r record) ID() string   { s, _ := r.Event["id"].(string); return s }

func newCluster(t testing.TB, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(3, topic, "other-topic")}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// kafkaEnv is an engine whose relay publishes to Kafka.
type kafkaEnv struct {
	*eventstest.Env
	mem *memstore.Store
}

func newKafkaEnv(t *testing.T, producer map[string]string) *kafkaEnv {
	t.Helper()
	mem := memstore.New()
	env := eventstest.New(t, mem, eventstest.Options{Engine: []authcore.Option{
		authcore.WithKafkaPublisher(kafka.NewPublisher()), authcore.WithRelay(eventstest.FastRelay),
	}})
	_, err := env.Engine.UpdateIntegrations(env.Ctx, integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: topic, Producer: producer}})
	require.NoError(t, err)
	env.RunRelay()
	return &kafkaEnv{Env: env, mem: mem}
}

func producerFor(c *kfake.Cluster) map[string]string {
	return map[string]string{"bootstrap.servers": c.ListenAddrs()[0], "max.block.ms": "1000", "request.timeout.ms": "1000", "linger.ms": "0"}
}

// consume reads topic from the start until want distinct event ids arrived,
// and returns every record, duplicates included, in partition order.
func consume(t *testing.T, addrs []string, topicName string, want int) []record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topicName),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	require.NoError(t, err)
	defer cl.Close()
	var out []record
	ids := map[string]bool{}
	deadline := time.Now().Add(20 * time.Second)
	for len(ids) < want && time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		fs.EachRecord(func(r *kgo.Record) {
			var doc struct {
				Event map[string]any `json:"event"`
			}
			require.NoError(t, json.Unmarshal(r.Value, &doc), "value %s", r.Value)
			rec := record{Partition: r.Partition, Key: string(r.Key), Event: doc.Event}
			for _, h := range r.Headers {
				if h.Key == "event-id" {
					rec.EventID = string(h.Value)
				}
			}
			ids[rec.ID()] = true
			out = append(out, rec)
		})
	}
	require.Len(t, ids, want, "distinct events on %s", topicName)
	return out
}

// dedup keeps the first record of each event id: what a consumer does.
func dedup(rs []record) []record {
	seen := map[string]bool{}
	var out []record
	for _, r := range rs {
		if !seen[r.ID()] {
			seen[r.ID()] = true
			out = append(out, r)
		}
	}
	return out
}

// typesByKey is each key's event types in the order consumed.
func typesByKey(rs []record) map[string][]string {
	out := map[string][]string{}
	for _, r := range rs {
		out[r.Key] = append(out[r.Key], r.Type())
	}
	return out
}

func TestEveryEventTypeReachesKafka(t *testing.T) {
	c := newCluster(t)
	env := newKafkaEnv(t, producerFor(c))
	ctx, e := env.Ctx, env.Engine

	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "api@example.com"}})
	require.NoError(t, err)
	_, err = e.PatchUser(ctx, u.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(`{"user":{"firstName":"Patched"}}`)})
	require.NoError(t, err)
	_, err = e.Register(ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID}})
	require.NoError(t, err)
	providers, err := e.IdentityProviders(ctx)
	require.NoError(t, err)
	link, err := e.CreateLink(ctx, authcore.LinkRequest{IdentityProviderLink: authcore.IdentityProviderLink{IdentityProviderID: providers[0].ID, IdentityProviderUserID: "tw-api", UserID: u.ID}})
	require.NoError(t, err)
	_, err = e.DeleteLink(ctx, link.IdentityProviderID, link.IdentityProviderUserID, u.ID)
	require.NoError(t, err)
	env.Account("1", "ada", "ada@example.com")
	resp := env.MustLogin("1")
	_, err = e.RefreshAccessToken(ctx, authcore.RefreshRequest{RefreshToken: resp.RefreshToken})
	require.NoError(t, err)
	_, err = e.RevokeRefreshTokens(ctx, authcore.RevokeRequest{TokenID: resp.RefreshTokenID})
	require.NoError(t, err)
	bad := env.Request("1")
	bad.Data["oauth_token_secret"] = "wrong"
	_, err = e.IdentityProviderLogin(ctx, bad)
	require.ErrorIs(t, err, authcore.ErrIdentityProviderRefused)
	require.NoError(t, e.DeleteUser(ctx, u.ID))

	apiUser := []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserUpdate, authcore.EventUserUpdateComplete,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete,
		authcore.EventUserIdentityProviderLink, authcore.EventUserIdentityProviderUnlink, authcore.EventUserDelete, authcore.EventUserDeleteComplete}
	loginUser := []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserIdentityProviderLink,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete,
		authcore.EventUserLoginSuccess, authcore.EventJWTRefresh, authcore.EventJWTRefreshTokenRevoke}
	rs := dedup(consume(t, c.ListenAddrs(), topic, len(apiUser)+len(loginUser)+1))
	byKey := typesByKey(rs)
	require.Equal(t, apiUser, byKey[u.ID], "one user's events arrive in order")
	require.Equal(t, loginUser, byKey[resp.User.ID])
	require.Equal(t, []string{authcore.EventUserLoginFailed}, byKey[env.TenantID], "an event without a user is keyed by its tenant")

	types := map[string]bool{}
	for _, r := range rs {
		types[r.Type()] = true
		require.Equal(t, r.ID(), r.EventID, "the event-id header carries event.id")
		require.Equal(t, env.TenantID, r.Event["tenantId"])
		require.NotZero(t, r.Event["createInstant"])
		require.Contains(t, r.Event, "info")
		if user, ok := r.Event["user"].(map[string]any); ok {
			require.Equal(t, r.Key, user["id"])
		}
		if l, ok := r.Event["identityProviderLink"].(map[string]any); ok {
			require.NotContains(t, l, "token", "credentials are never published")
			require.NotContains(t, l, "data")
		}
	}
	for _, typ := range []string{authcore.EventUserCreate, authcore.EventUserUpdate, authcore.EventUserDelete,
		authcore.EventUserCreateComplete, authcore.EventUserUpdateComplete, authcore.EventUserDeleteComplete,
		authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete, authcore.EventUserLoginSuccess, authcore.EventUserLoginFailed,
		authcore.EventUserIdentityProviderLink, authcore.EventUserIdentityProviderUnlink, authcore.EventJWTRefresh, authcore.EventJWTRefreshTokenRevoke} {
		require.True(t, types[typ], "%s reached Kafka", typ)
	}
	require.Eventually(t, func() bool { return env.mem.OutboxLen() == 0 }, 5*time.Second, 5*time.Millisecond)
}

// ephemeralPorts returns the range of ports the kernel hands out to
// outgoing connections and to listens on port 0: Linux's from
// /proc/sys/net/ipv4/ip_local_port_range, elsewhere the IANA range that the
// BSDs, macOS and Windows use.
func ephemeralPorts(t *testing.T) (lo, hi int) {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if errors.Is(err, fs.ErrNotExist) {
		return 49152, 65535
	}
	require.NoError(t, err)
	f := strings.Fields(string(b))
	require.Len(t, f, 2, "ip_local_port_range: %q", b)
	lo, err = strconv.Atoi(f[0])
	require.NoError(t, err)
	hi, err = strconv.Atoi(f[1])
	require.NoError(t, err)
	return lo, hi
}

// newRestartableCluster starts a cluster on a port it can be started on
// again after it was closed, and returns that port.
//
// A port the kernel picked (a listen on port 0) is in its ephemeral range,
// which it hands to every outgoing connection and every other process's
// listen on port 0 as well: between the stop and the restart one of them
// (CI runs packages in parallel) could take it, and the restart failed. A
// port outside that range is only taken by a process that asks for it by
// number. One in use when the test starts is skipped for another; after
// the stop nothing but such a process can take it.
func newRestartableCluster(t *testing.T, opts ...kfake.Opt) (*kfake.Cluster, int) {
	t.Helper()
	lo, hi := ephemeralPorts(t)
	below, above := max(lo-1024, 0), max(65535-hi, 0) // unprivileged ports outside [lo, hi]
	require.Positive(t, below+above, "no unprivileged port outside the ephemeral range %d-%d", lo, hi)
	var err error
	for range 50 {
		port := 1024 + rand.IntN(below+above)
		if port >= lo {
			port = hi + 1 + (port - 1024 - below)
		}
		var c *kfake.Cluster
		c, err = kfake.NewCluster(append(opts, kfake.Ports(port))...)
		if err == nil {
			return c, port
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	require.NoError(t, err, "no cluster on a port outside the ephemeral range %d-%d", lo, hi)
	return nil, 0
}

// TestKafkaOutageLosesNothing kills the cluster mid-stream and brings it
// back (same port, same data directory): logins go on during the outage,
// and every event arrives once a consumer drops repeated ids.
func TestKafkaOutageLosesNothing(t *testing.T) {
	dir := t.TempDir()
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.DataDir(dir), kfake.SeedTopics(3, topic)}
	c, port := newRestartableCluster(t, opts...)
	opts = append(opts, kfake.Ports(port))
	env := newKafkaEnv(t, producerFor(c))
	const perPhase = 10
	login := func(from int, midway func()) {
		for i := from; i < from+perPhase; i++ {
			if i == from+perPhase/2 && midway != nil {
				midway()
			}
			id := strconv.Itoa(i)
			env.Account(id, "u"+id, "u"+id+"@example.com")
			env.MustLogin(id)
			env.MustLogin(id) // a repeat login: one more event for the user
		}
	}
	login(100, nil)
	require.Eventually(t, func() bool { return env.mem.OutboxLen() == 0 }, 10*time.Second, 5*time.Millisecond, "phase 1 published")
	// The cluster dies in the middle of phase 2, while the relay publishes.
	login(200, c.Close)
	// The cluster is down: logins still succeed (MustLogin). That they do
	// not wait for Kafka is shown without a clock by
	// TestRelayLeavesAHungBrokerForANewConfiguration, whose login completes
	// while the broker holds every request.
	login(300, nil)
	require.Positive(t, env.mem.OutboxLen(), "events wait in the outbox")
	// The outage must outlast a delivery attempt, or Kafka never refused
	// anything and the restart proves nothing: a publish still waiting for
	// the dead broker when the cluster came back delivered into the new one.
	// The relay logs its first failed delivery.
	require.Eventually(t, func() bool {
		res, err := env.Engine.SearchEventLogs(env.Ctx, authcore.EventLogSearchCriteria{Message: "Event delivery failed"})
		require.NoError(t, err)
		return len(res.EventLogs) > 0
	}, 10*time.Second, 5*time.Millisecond, "no delivery failed while Kafka was down")

	c, err := kfake.NewCluster(opts...)
	require.NoError(t, err, "restart on port %d", port)
	t.Cleanup(c.Close)
	login(400, nil)
	require.Eventually(t, func() bool { return env.mem.OutboxLen() == 0 }, 20*time.Second, 10*time.Millisecond, "the outbox drains once Kafka is back")

	want := 4 * perPhase * 7 // each account: create and its .complete, link, registration and its .complete, two logins
	rs := consume(t, c.ListenAddrs(), topic, want)
	unique := dedup(rs)
	require.Len(t, unique, want, "nothing lost")
	for key, types := range typesByKey(unique) {
		require.Equal(t, []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserIdentityProviderLink,
			authcore.EventUserRegistrationCreate, authcore.EventUserRegistrationCreateComplete,
			authcore.EventUserLoginSuccess, authcore.EventUserLoginSuccess}, types, "user %s in order", key)
	}
	t.Logf("%d records for %d events (%d repeated, dropped by event id)", len(rs), want, len(rs)-want)
}

func TestChangingTheIntegrationReconfiguresThePublisher(t *testing.T) {
	c := newCluster(t)
	env := newKafkaEnv(t, producerFor(c))
	env.Account("1", "ada", "ada@example.com")
	env.MustLogin("1")
	require.Eventually(t, func() bool { return env.mem.OutboxLen() == 0 }, 10*time.Second, 5*time.Millisecond)

	_, err := env.Engine.PatchIntegrations(env.Ctx, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"integrations":{"kafka":{"defaultTopic":"other-topic"}}}`)})
	require.NoError(t, err)
	env.MustLogin("1")
	consume(t, c.ListenAddrs(), "other-topic", 1)
	consume(t, c.ListenAddrs(), topic, 6)
	// A consumer can read a record before the relay has acknowledged it:
	// the outbox is empty once the relay has caught up, not when Kafka has
	// the record.
	require.Eventually(t, func() bool { return env.mem.OutboxLen() == 0 }, 10*time.Second, 5*time.Millisecond)

	// Disabled: nothing more is recorded or sent.
	_, err = env.Engine.PatchIntegrations(env.Ctx, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"integrations":{"kafka":{"enabled":false}}}`)})
	require.NoError(t, err)
	env.MustLogin("1")
	require.Zero(t, env.mem.OutboxLen())
}

func TestIgnoredProducerKeysAreReported(t *testing.T) {
	c := newCluster(t)
	producer := producerFor(c)
	producer["ssl.keystore.location"] = "/etc/kafka/keystore.jks"
	producer["linger.ms"] = "soon"
	env := newKafkaEnv(t, producer)
	var found string
	require.Eventually(t, func() bool {
		res, err := env.Engine.SearchEventLogs(env.Ctx, authcore.EventLogSearchCriteria{Message: "ignored"})
		require.NoError(t, err)
		if len(res.EventLogs) > 0 {
			found = res.EventLogs[0].Message
		}
		return found != ""
	}, 5*time.Second, 5*time.Millisecond)
	require.Contains(t, found, "linger.ms (not a number of milliseconds)")
	require.Contains(t, found, "ssl.keystore.location")
	// The settings it could apply work.
	env.Account("1", "ada", "ada@example.com")
	env.MustLogin("1")
	consume(t, c.ListenAddrs(), topic, 6)
}

func TestSASL(t *testing.T) {
	c := newCluster(t, kfake.EnableSASL(), kfake.Superuser("PLAIN", "authcore", "s3cret"))
	for _, tc := range []struct {
		name      string
		password  string
		delivered bool
	}{
		{"right password", "s3cret", true},
		{"wrong password: events wait", "wrong", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := producerFor(c)
			p["security.protocol"] = "SASL_PLAINTEXT"
			p["sasl.mechanism"] = "PLAIN"
			p["sasl.jaas.config"] = fmt.Sprintf(`org.apache.kafka.common.security.plain.PlainLoginModule required username="authcore" password="%s";`, tc.password)
			env := newKafkaEnv(t, p)
			env.Account("1", "ada", "ada@example.com")
			env.MustLogin("1")
			if tc.delivered {
				require.Eventually(t, func() bool { return env.mem.OutboxLen() == 0 }, 10*time.Second, 5*time.Millisecond)
				return
			}
			require.Eventually(t, func() bool {
				res, err := env.Engine.SearchEventLogs(env.Ctx, authcore.EventLogSearchCriteria{Message: "Event delivery failed", Type: authcore.EventLogError})
				require.NoError(t, err)
				return res.Total > 0
			}, 10*time.Second, 10*time.Millisecond)
			require.Equal(t, 6, env.mem.OutboxLen(), "nothing is lost while Kafka refuses us")
		})
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
