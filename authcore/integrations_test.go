package authcore_test

import (
	"context"
	"maps"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/store/memstore"
)

// slowReadStore holds the first GetIntegrations after armed is set once it
// has read, before it returns: what a refresh preempted between its read and
// its cache update looks like.
type slowReadStore struct {
	authcore.Store
	armed   atomic.Bool
	read    chan struct{}
	release chan struct{}
}

func (s *slowReadStore) GetIntegrations(ctx context.Context) (*integration.Integrations, error) {
	in, err := s.Store.GetIntegrations(ctx)
	if s.armed.CompareAndSwap(true, false) {
		close(s.read)
		<-s.release
	}
	return in, err
}

// An operation's refresh reads the integrations (Kafka off), a PUT on this
// engine then stores and caches Kafka on, and the refresh ends after it: the
// refresh must not put the value it read, older than the PUT's, back in the
// cache, where the engine would act on it until the next refresh.
func TestIntegrationsRefreshKeepsANewerWrite(t *testing.T) {
	ctx := context.Background()
	s := &slowReadStore{Store: memstore.New(), read: make(chan struct{}), release: make(chan struct{})}
	e, err := authcore.New(ctx, s, quiet())
	require.NoError(t, err)
	require.False(t, e.CachedIntegrations().Kafka.Enabled)

	e.ExpireIntegrations()
	s.armed.Store(true)
	done := make(chan error, 1)
	go func() { // its refresh reads Kafka off, and is held there
		_, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "during@example.com"}})
		done <- err
	}()
	<-s.read
	_, err = e.UpdateIntegrations(ctx, integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: "events", Producer: map[string]string{"bootstrap.servers": "k:9092"}}})
	require.NoError(t, err)
	close(s.release)
	require.NoError(t, <-done)

	assert.True(t, e.CachedIntegrations().Kafka.Enabled, "the refresh that read before the PUT replaced the PUT's value in the cache")
}

// configRecorder is a KafkaPublisher that reports each configuration the
// relay gives it.
type configRecorder struct{ configured chan integration.Kafka }

func (k *configRecorder) Publish(_ context.Context, evs []*authcore.OutboxEvent) (int, error) {
	return len(evs), nil
}

func (k *configRecorder) Configure(_ context.Context, cfg integration.Kafka) ([]string, error) {
	cfg.Producer = maps.Clone(cfg.Producer)
	select {
	case k.configured <- cfg:
	default:
	}
	return nil, nil
}

func (k *configRecorder) Close() error { return nil }

// The integrations UpdateIntegrations and PatchIntegrations return are the
// caller's: changing them (to build the next change, say) changes nothing
// the engine acts on. The engine cached the very value it returned, so the
// producer map was shared: the relay configured Kafka with a broker no
// store held, and a caller writing the map while the relay read it was a
// data race (a fatal concurrent map access).
func TestReturnedIntegrationsAreTheCallers(t *testing.T) {
	kafkaOn := integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: "events", Producer: map[string]string{"bootstrap.servers": "kafka:9092"}}}
	for name, write := range map[string]func(context.Context, *authcore.Engine) (integration.Integrations, error){
		"put": func(ctx context.Context, e *authcore.Engine) (integration.Integrations, error) {
			return e.UpdateIntegrations(ctx, kafkaOn)
		},
		"patch": func(ctx context.Context, e *authcore.Engine) (integration.Integrations, error) {
			return e.PatchIntegrations(ctx, authcore.PatchRequest{ContentType: "application/json",
				Body: []byte(`{"integrations":{"kafka":{"enabled":true,"defaultTopic":"events","producer":{"bootstrap.servers":"kafka:9092"}}}}`)})
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			k := &configRecorder{configured: make(chan integration.Kafka, 1)}
			e, err := authcore.New(ctx, memstore.New(), quiet(), authcore.WithKafkaPublisher(k))
			require.NoError(t, err)
			out, err := write(ctx, e)
			require.NoError(t, err)
			out.Kafka.Producer["bootstrap.servers"] = "elsewhere:9092"

			done := make(chan error, 1)
			go func() { done <- e.RunRelay(ctx) }()
			defer func() { cancel(); <-done }()
			select {
			case cfg := <-k.configured:
				assert.Equal(t, "kafka:9092", cfg.Producer["bootstrap.servers"], "the relay configured Kafka with the caller's copy, not what the engine stored")
			case <-time.After(10 * time.Second):
				t.Fatal("the relay never configured Kafka")
			}
			got, err := e.Integrations(ctx)
			require.NoError(t, err)
			assert.Equal(t, "kafka:9092", got.Kafka.Producer["bootstrap.servers"])
		})
	}
}
