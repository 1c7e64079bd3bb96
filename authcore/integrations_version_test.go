package authcore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/store/memstore"
)

// versionedSlowReadStore is slowReadStore over a store that tells its
// configuration version, as memstore and sqlstore do.
type versionedSlowReadStore struct {
	*slowReadStore
	cv authcore.ConfigVersioner
}

func (s versionedSlowReadStore) ConfigVersion(ctx context.Context) (int64, error) {
	return s.cv.ConfigVersion(ctx)
}

// An operation's refresh on engine A reads the integrations at one
// configuration version (Kafka off) and is preempted; engine B turns Kafka
// on; A's next write reads the new version and refreshes (Kafka on). The
// first refresh, ending last, must not put its older read back in the
// cache: the writes A's transactions make, and its relay, act on that copy,
// and A had already seen Kafka on.
func TestIntegrationsRefreshKeepsANewerVersion(t *testing.T) {
	ctx := context.Background()
	mem := memstore.New()
	slow := &slowReadStore{Store: mem, read: make(chan struct{}), release: make(chan struct{})}
	a, err := authcore.New(ctx, versionedSlowReadStore{slowReadStore: slow, cv: mem}, quiet())
	require.NoError(t, err)
	b, err := authcore.New(ctx, mem, quiet())
	require.NoError(t, err)
	require.False(t, a.CachedIntegrations().Kafka.Enabled)

	a.ExpireIntegrations()
	slow.armed.Store(true)
	done := make(chan error, 1)
	go func() { // its refresh reads Kafka off, and is held there
		_, err := a.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "during@example.com"}})
		done <- err
	}()
	<-slow.read
	_, err = b.UpdateIntegrations(ctx, integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: "events", Producer: map[string]string{"bootstrap.servers": "k:9092"}}})
	require.NoError(t, err)
	_, err = a.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "after@example.com"}})
	require.NoError(t, err)
	require.True(t, a.CachedIntegrations().Kafka.Enabled, "A's write did not read the integrations of the new version")

	close(slow.release)
	require.NoError(t, <-done)
	assert.True(t, a.CachedIntegrations().Kafka.Enabled, "the refresh that read an older version replaced the newer copy in the cache")
}
