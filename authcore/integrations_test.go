package authcore_test

import (
	"context"
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

// A background refresh reads the integrations (Kafka off), a PUT on this
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
	e.CachedIntegrations() // starts the refresh, which reads Kafka off
	<-s.read
	_, err = e.UpdateIntegrations(ctx, integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: "events", Producer: map[string]string{"bootstrap.servers": "k:9092"}}})
	require.NoError(t, err)
	close(s.release)
	require.Eventually(t, func() bool { return !e.RefreshingIntegrations() }, 5*time.Second, time.Millisecond)

	assert.True(t, e.CachedIntegrations().Kafka.Enabled, "the refresh that read before the PUT replaced the PUT's value in the cache")
}
