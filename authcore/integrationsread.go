package authcore

import (
	"context"
	"sync"
	"time"

	"github.com/authcore/authcore/integration"
)

// integrationsRetryFirst is the pause after the read of the integrations
// first fails; it doubles with each failed retry, up to integrationsRetryMax.
// Meanwhile operations use the last known copy: a database in trouble gets
// one read per pause rather than one per operation.
const (
	integrationsRetryFirst = 250 * time.Millisecond
	integrationsRetryMax   = 4 * time.Second
)

// readGate spaces out the store reads of the integrations while they fail.
// It is consulted only when a read is due, never on the path of an
// operation whose copy is current.
type readGate struct {
	mu       sync.Mutex
	since    time.Time
	failures int // failed reads since the last that succeeded: 0 while reads succeed
	pause    time.Duration
	retryAt  time.Time
	probing  bool // the one retry allowed at a time while failing runs
}

// readEnd is how a read the gate let through ended.
type readEnd uint8

const (
	readSucceeded readEnd = iota
	readFailed
	// readAbandoned: its caller's context ended, which says nothing about
	// the store.
	readAbandoned
)

// gateNews is what a read's end changed, for the log: nothing, the start of
// the failures, or their end.
type gateNews struct {
	started, recovered bool
	failures           int
	lasted             time.Duration
	retryIn            time.Duration
}

// enter reports whether a read may start at now, and whether it is the
// retry of a failing store (which leave must be told).
func (g *readGate) enter(now time.Time) (ok, probe bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failures == 0 {
		return true, false
	}
	if g.probing || now.Before(g.retryAt) {
		return false, false
	}
	g.probing = true
	return true, true
}

// leave records how a read that enter let through ended.
func (g *readGate) leave(now time.Time, probe bool, end readEnd) gateNews {
	g.mu.Lock()
	defer g.mu.Unlock()
	if probe {
		g.probing = false
	}
	switch {
	case end == readAbandoned:
		return gateNews{}
	case end == readSucceeded && g.failures == 0:
		return gateNews{}
	case end == readSucceeded:
		news := gateNews{recovered: true, failures: g.failures, lasted: now.Sub(g.since)}
		g.failures, g.probing = 0, false
		return news
	case g.failures == 0:
		g.since, g.failures, g.pause = now, 1, integrationsRetryFirst
		g.retryAt = now.Add(g.pause)
		return gateNews{started: true, failures: 1, retryIn: g.pause}
	}
	g.failures++
	if probe {
		// Reads that began before the first failure do not grow the
		// pause: one outage met by many operations at once is one failure.
		g.pause = min(2*g.pause, integrationsRetryMax)
		g.retryAt = now.Add(g.pause)
	}
	return gateNews{}
}

// reloadIntegrations reads the integrations again; on failure, and while a
// failed read's pause runs, it keeps the last known copy c, or the
// defaults. The log gets one warning when reads start failing and one line
// when one succeeds again, not one per operation.
func (e *Engine) reloadIntegrations(ctx context.Context, c *cachedIntegrations) integration.Integrations {
	ok, probe := e.ext.reads.enter(e.now())
	if !ok {
		return lastKnownIntegrations(c)
	}
	in, err := e.refreshIntegrations(ctx)
	end := readSucceeded
	if err != nil {
		end = readFailed
		if ctx.Err() != nil {
			end = readAbandoned
		}
	}
	news := e.ext.reads.leave(e.now(), probe, end)
	switch {
	case news.started:
		e.log.WarnContext(ctx, "integrations could not be read; using the last known until a read succeeds",
			"error", err, "retry_in", news.retryIn)
	case news.recovered:
		e.log.InfoContext(ctx, "integrations read again", "failed_reads", news.failures, "after", news.lasted)
	}
	if err != nil {
		return lastKnownIntegrations(c)
	}
	return in
}

func lastKnownIntegrations(c *cachedIntegrations) integration.Integrations {
	if c != nil {
		return c.in
	}
	return integration.Defaults()
}
