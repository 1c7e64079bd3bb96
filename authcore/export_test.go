package authcore

import (
	"context"
	"time"

	"github.com/authcore/authcore/integration"
)

// CachedConfig returns what the engine's current configuration snapshot
// holds (configcache.go), for tests that check it is never modified.
func (e *Engine) CachedConfig() []any {
	snap := e.cfg.cur.Load()
	if snap == nil {
		return nil
	}
	snap.mu.RLock()
	defer snap.mu.RUnlock()
	out := make([]any, 0, len(snap.objects))
	for _, v := range snap.objects {
		out = append(out, v)
	}
	return out
}

// CachedIntegrations returns the engine's cached integrations the way a
// transaction reads them (cachedIntegrationsNoWait), without reading the
// store.
func (e *Engine) CachedIntegrations() integration.Integrations {
	return e.cachedIntegrationsNoWait()
}

// ExpireIntegrations makes the cached integrations stale, as integrationsTTL
// passing does, without waiting for it.
func (e *Engine) ExpireIntegrations() {
	if c := e.ext.integrations.Load(); c != nil {
		e.ext.integrations.Store(&cachedIntegrations{in: c.in, gen: c.gen})
	}
}

// RelayStepper runs the relay one step at a time, for tests that check how
// long it chooses to wait rather than wait for it.
type RelayStepper struct{ r *relay }

// NewRelayStepper sets up a relay as RunRelay does, without running it.
func (e *Engine) NewRelayStepper(ctx context.Context) *RelayStepper {
	return &RelayStepper{r: e.newRelay(ctx)}
}

// Step claims and delivers one batch and returns how long RunRelay would
// wait before the next.
func (s *RelayStepper) Step(ctx context.Context) time.Duration { return s.r.step(ctx) }

// Close releases the lease, as RunRelay does when it returns.
func (s *RelayStepper) Close() { s.r.close() }
