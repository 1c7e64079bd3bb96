package authcore

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/internal/excerpt"
)

// RelayConfig tunes the relay (RunRelay). Zero fields take the defaults.
type RelayConfig struct {
	// Owner names this relay in the outbox lease (default "relay"). Each
	// RunRelay holds the lease under Owner and an id of its own, so relays
	// given one name (engines started from one configuration) still take
	// turns, and a relay started again waits for the lease of the one
	// before it as any other relay would.
	Owner string
	// BatchSize is how many events one claim takes (default 256).
	BatchSize int
	// PollInterval is how long an idle relay waits before looking again
	// (default 100ms). It is also how events are batched: a relay woken by
	// every event would claim, publish and acknowledge them one by one.
	PollInterval time.Duration
	// LeaseTTL is how long a claim holds the lease (default 15s): how long
	// the other relays wait for one that died. The publishers together get
	// half of it per batch (the context they are given ends then), so that
	// a relay is done publishing before its lease can pass to another.
	LeaseTTL time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed delivery,
	// doubling from one to the other (defaults 100ms and 10s, or
	// MinBackoff when it is longer). A MaxBackoff below the default
	// MinBackoff lowers it; one below the MinBackoff given with it makes New
	// fail.
	MinBackoff, MaxBackoff time.Duration
	// PoisonAttempts is how many times in a row a publisher may refuse one
	// event before the relay sets that event aside for it (default 20; a
	// negative value never does). It is set aside only when the publisher
	// then takes a later event, of its own key or another: a publisher that
	// takes nothing is down, and its events wait. An event set aside is
	// written to the event log (type Error) with its payload, and the
	// publisher is not offered it again; the events of its key after it
	// follow in order. Its .complete event (user.create.complete, …) is
	// offered once: refused, it is set aside with it.
	//
	// An event refused that many times with nothing behind it (alone at the
	// end of the outbox) is not offered again until another event arrives:
	// the relay looks for one every PollInterval, without backing off, and
	// then offers the refused event once more before the new one.
	PoisonAttempts int
}

func (c RelayConfig) withDefaults() RelayConfig {
	if c.Owner == "" {
		c.Owner = "relay"
	}
	c.Owner += "-" + uuid.NewString()
	if c.BatchSize <= 0 {
		c.BatchSize = 256
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 100 * time.Millisecond
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = 15 * time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 100 * time.Millisecond
		if c.MaxBackoff > 0 {
			c.MinBackoff = min(c.MinBackoff, c.MaxBackoff)
		}
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = max(10*time.Second, c.MinBackoff)
	}
	if c.PoisonAttempts == 0 {
		c.PoisonAttempts = 20
	}
	return c
}

// WithRelay tunes the relay that RunRelay runs.
func WithRelay(c RelayConfig) Option {
	return func(e *Engine) error {
		// PoisonAttempts may be negative: never set an event aside.
		if c.BatchSize < 0 || c.PollInterval < 0 || c.LeaseTTL < 0 || c.MinBackoff < 0 || c.MaxBackoff < 0 {
			return errors.New("authcore: WithRelay: negative values")
		}
		if c.MinBackoff > 0 && c.MaxBackoff > 0 && c.MaxBackoff < c.MinBackoff {
			return fmt.Errorf("authcore: WithRelay: MaxBackoff %v is below MinBackoff %v", c.MaxBackoff, c.MinBackoff)
		}
		e.ext.relay = c
		return nil
	}
}

// sink is one destination with what it got in the current lease term.
type sink struct {
	name string
	pub  Publisher
	// delivered holds the Seqs delivered while this relay held the lease
	// without a break and not yet acknowledged; it keeps a publisher that
	// already has an event from getting it again while another publisher's
	// delivery is retried. It is a set, not a high-water mark: on
	// PostgreSQL a Seq is taken at append, so an event whose transaction
	// commits late can appear below one already delivered.
	delivered map[int64]bool
	// refused is the Seq of the event the sink refused last, refusals how
	// many times in a row it did (see RelayConfig.PoisonAttempts).
	refused  int64
	refusals int
	// waiting: refused has been refused PoisonAttempts times and nothing
	// stands behind it that could tell a refusal from an outage;
	// waitingBehind counts the events behind it the sink had not taken
	// then (its refused .complete, or none). It is not offered again until
	// more stand behind it.
	waiting       bool
	waitingBehind int
}

// relay is one RunRelay's state.
type relay struct {
	e   *Engine
	cfg RelayConfig

	sinks         []*sink
	kafka         *sink // nil while Kafka is disabled
	kafkaCfg      *integration.Kafka
	kafkaReady    bool
	warnedNoKafka bool

	// holding: the relay holds the lease, or may (a claim that failed),
	// and releases it on the way out.
	holding  bool
	failures int
	// lastFailureLog throttles the event-log entries of a long outage.
	lastFailureLog time.Time
}

// RunRelay drains the outbox to the publishers until ctx ends: oldest event
// first, at least once, retrying failed deliveries with exponential backoff.
// Run it in one goroutine per engine (it returns nil when ctx ends, after
// releasing the lease and closing the Kafka publisher); engines on one
// database share the work through the outbox lease, one relay at a time.
//
// Publishing happens here, never in a request: a Kafka outage delays events
// and loses none, and never slows or fails a login.
func (e *Engine) RunRelay(ctx context.Context) error {
	r := e.newRelay(ctx)
	defer r.close()
	for {
		wait := r.step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if wait == 0 {
			continue
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-e.ext.changed:
			r.configureKafka(ctx, e.currentIntegrations(ctx).Kafka)
		case <-timer.C:
		}
		timer.Stop()
	}
}

// newRelay sets up a RunRelay's state; close ends it.
func (e *Engine) newRelay(ctx context.Context) *relay {
	e.ext.init()
	r := &relay{e: e, cfg: e.ext.relay.withDefaults()}
	for i, p := range e.ext.publishers {
		r.sinks = append(r.sinks, &sink{name: fmt.Sprintf("publisher %d", i), pub: p})
	}
	r.configureKafka(ctx, e.currentIntegrations(ctx).Kafka)
	return r
}

// step claims and delivers one batch and says how long to wait before the
// next (0: at once).
func (r *relay) step(ctx context.Context) time.Duration {
	if wait, ok := r.canDeliver(ctx); !ok {
		return wait
	}
	now := time.Now()
	batch, wait, ok := r.claim(ctx, now)
	if !ok {
		return wait
	}
	active := r.activeSinks()
	// One deadline for every sink of the step, half the lease from the
	// instant the claim was asked for: each sink given half the lease of its
	// own, one after the other, kept a relay with several slow sinks
	// publishing after its lease ran out, while another relay had claimed
	// and was publishing the same events.
	//
	// The deadline is on this host's clock and the lease on the store's
	// (PostgreSQL's server's), which may be set apart by any amount; only
	// durations are compared across them. The lease runs LeaseTTL from an
	// instant at or after now, when the store read its clock, so half of it
	// counted here from now ends at least LeaseTTL/2 before the lease does,
	// whatever the offset between the clocks.
	pctx, cancel := context.WithDeadline(ctx, now.Add(r.cfg.LeaseTTL/2))
	defer cancel()
	var failed error
	waiting := false // a sink waits for events behind one it refused
	for _, s := range active {
		w, err := r.deliver(pctx, s, batch)
		waiting = waiting || w
		if err != nil {
			failed = err
		}
	}
	r.acknowledge(ctx, active, batch)
	return r.next(ctx, len(batch), failed, waiting)
}

// canDeliver reports whether this engine has anywhere to deliver to; when
// it has not, it leaves the lease to one that has, and wait is the poll.
func (r *relay) canDeliver(ctx context.Context) (wait time.Duration, ok bool) {
	r.configureKafka(ctx, r.e.currentIntegrations(ctx).Kafka)
	if r.kafkaWanted() && !r.kafkaReady {
		// Kafka is enabled but this engine cannot publish to it: leave the
		// lease to an engine that can, rather than hold events back.
		r.releaseLease(ctx)
		return r.cfg.PollInterval, false
	}
	if len(r.sinks) == 0 && !r.kafkaWanted() {
		// Nowhere to deliver to: a claim would acknowledge events that
		// another engine's publishers on the same database never saw.
		r.releaseLease(ctx)
		return r.cfg.PollInterval, false
	}
	return 0, true
}

// claim takes the lease and the next batch. ok is false when there is
// nothing to deliver, and wait is then how long to wait.
func (r *relay) claim(ctx context.Context, now time.Time) (batch []*OutboxEvent, wait time.Duration, ok bool) {
	batch, err := r.e.store.ClaimOutbox(ctx, r.cfg.Owner, now.UnixMilli(), r.cfg.LeaseTTL, r.cfg.BatchSize)
	switch {
	case errors.Is(err, ErrLeaseHeld), errors.Is(err, ErrConflict):
		r.lostLease()
		return nil, r.cfg.PollInterval, false
	case err != nil:
		if ctx.Err() == nil {
			r.e.log.WarnContext(ctx, "outbox claim failed", "error", err)
		}
		// The claim may have taken the lease all the same (PostgreSQL
		// committed it, and the answer was lost to the context's end): a
		// break in holding it, and one to release on the way out, since a
		// release leaves a lease this relay does not hold alone.
		r.lostLease()
		r.holding = true
		return nil, r.backoff(), false
	}
	r.holding = true
	if len(batch) == 0 {
		r.failures = 0
		return nil, r.cfg.PollInterval, false
	}
	return batch, 0, true
}

// deliver offers s the batch's events it does not have yet. waiting is true
// when s waits for events behind one it refused; err is a failed delivery.
func (r *relay) deliver(ctx context.Context, s *sink, batch []*OutboxEvent) (waiting bool, err error) {
	if s.delivered == nil {
		s.delivered = map[int64]bool{}
	}
	// A Seq below the batch's first is no longer in the outbox.
	for seq := range s.delivered {
		if seq < batch[0].Seq {
			delete(s.delivered, seq)
		}
	}
	pending := make([]*OutboxEvent, 0, len(batch))
	for _, ev := range batch {
		if !s.delivered[ev.Seq] {
			pending = append(pending, ev)
		}
	}
	if len(pending) == 0 {
		return false, nil
	}
	if s.waiting && pending[0].Seq == s.refused {
		if !r.newBehind(ctx, s, batch, pending) {
			return true, nil
		}
		s.waiting = false
	}
	if err := ctx.Err(); err != nil {
		// No time left in this term: a publish begun now could outlast
		// the lease.
		return false, fmt.Errorf("%s: not attempted: %w", s.name, err)
	}
	n, err := publish(ctx, s.pub, pending)
	n = min(max(n, 0), len(pending))
	for _, ev := range pending[:n] {
		s.delivered[ev.Seq] = true
	}
	if err == nil && n == len(pending) {
		return false, nil
	}
	err = refusalOf(err)
	// A publisher may report an error with every event delivered: nothing
	// was refused, so there is nothing to set aside or wait with.
	if n < len(pending) {
		if r.setAside(ctx, s, batch, pending[n], pending[n+1:], err) {
			return false, nil
		}
		if s.waiting {
			r.e.log.WarnContext(ctx, "event refused with no event behind it: it is set aside once the publisher takes a later one",
				"publisher", s.name, "eventId", pending[n].ID, "type", pending[n].Type, "attempts", s.refusals, "error", err)
			return true, nil
		}
	}
	return false, fmt.Errorf("%s: %w", s.name, err)
}

// acknowledge removes from the outbox the batch's events every sink has.
func (r *relay) acknowledge(ctx context.Context, active []*sink, batch []*OutboxEvent) {
	var seqs []int64
	for _, ev := range batch {
		all := true
		for _, s := range active {
			all = all && s.delivered[ev.Seq]
		}
		if all {
			seqs = append(seqs, ev.Seq)
		}
	}
	// Delivered events are acknowledged even when ctx just ended: else a
	// relay stopped between the two would have them published again.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := r.e.store.AckOutbox(actx, seqs); err != nil {
		// Delivered but not acknowledged: the events go out again.
		r.e.log.WarnContext(ctx, "outbox acknowledgement failed", "error", err)
		return
	}
	for _, s := range active {
		for _, seq := range seqs {
			delete(s.delivered, seq)
		}
	}
}

// next is the wait after a batch of n events was delivered, failed to be,
// or left a sink waiting.
func (r *relay) next(ctx context.Context, n int, failed error, waiting bool) time.Duration {
	if failed != nil {
		if ctx.Err() == nil {
			r.reportFailure(ctx, failed)
		}
		return r.backoff()
	}
	if waiting {
		// Not a failed delivery: the publisher may well be up, and the next
		// event recorded decides. Backing off here made that event wait as
		// long as an outage would (up to MaxBackoff), and looking at once
		// would spin. The failures so far stand until it is decided.
		return r.cfg.PollInterval
	}
	if r.failures > 0 {
		r.e.log.InfoContext(ctx, "event delivery recovered")
		r.e.writeEventLog(ctx, EventLogInformation, "Event delivery recovered after %d failed attempts.", r.failures)
	}
	r.failures = 0
	if n == r.cfg.BatchSize {
		return 0
	}
	return r.cfg.PollInterval
}

// setAside counts the sink's refusal of bad and, once it has refused bad
// PoisonAttempts times in a row, offers it the batch's later events. If the
// sink takes any, it is up and refuses bad alone: bad is marked delivered for
// this sink, so that it is acknowledged once the other sinks have it, and
// written to the event log with its payload, so that it can be published by
// hand. Without this, one event a publisher can never take (a Kafka record
// over the broker's size limit) held back every later event of every user
// forever.
//
// The later events offered include bad's own key's: the sink taking one
// commits bad to being set aside, and the key keeps its order without it.
// Offering only other keys' events left a refused event followed by events
// of its own key alone (one user's burst, a first login's events behind a
// user too large for Kafka) waiting for another user's event to arrive.
//
// The batch may hold too few events behind bad to tell (a BatchSize of 1
// holds none): when it is full, the events behind it are read past the
// batch (eventsBehind), and the probe offers them as many at a time as a
// batch holds. Else a relay with small batches never set anything aside,
// and the outbox stalled behind the refused event for good.
//
// bad's .complete event (user.create.complete, …) carries the same body, so
// a sink that refuses bad for its size refuses it as well: it is offered
// once, and a refusal by a sink that takes later events sets it aside with
// bad, rather than after PoisonAttempts refusals of its own.
func (r *relay) setAside(ctx context.Context, s *sink, batch []*OutboxEvent, bad *OutboxEvent, rest []*OutboxEvent, cause error) bool {
	if !r.refusedEnough(ctx, s, bad) {
		return false
	}
	rest = r.probeable(ctx, batch, bad, rest)
	done := completeIn(bad, rest)
	up, skipped, doneRefused := r.probe(ctx, s, rest, done)
	if !up {
		if !skipped && ctx.Err() == nil {
			// Nothing behind bad but what the sink was not offered or
			// refused as its own (done): wait for more (see step).
			s.waiting, s.waitingBehind = true, undelivered(s, rest)
		}
		return false // the sink takes nothing: down, not refusing bad
	}
	doneRefused = offerDone(ctx, s, done, doneRefused)
	refusals := s.refusals
	s.refused, s.refusals = 0, 0
	r.setAsideFor(ctx, s, bad, refusals, cause)
	if doneRefused != nil {
		r.setAsideFor(ctx, s, done, 1, doneRefused)
	}
	return true
}

// refusedEnough counts the sink's refusal of bad, and reports whether bad
// has now been refused PoisonAttempts times in a row: only then is the sink
// probed, since a refusal may be an outage that ends.
func (r *relay) refusedEnough(ctx context.Context, s *sink, bad *OutboxEvent) bool {
	if s.refused != bad.Seq {
		s.refused, s.refusals = bad.Seq, 0
	}
	s.refusals++
	s.waiting = false
	return r.cfg.PoisonAttempts >= 0 && s.refusals >= r.cfg.PoisonAttempts && ctx.Err() == nil
}

// probeable returns the events behind bad to offer the sink: rest, or, for
// a full batch that holds too few of them, those read past the batch.
func (r *relay) probeable(ctx context.Context, batch []*OutboxEvent, bad *OutboxEvent, rest []*OutboxEvent) []*OutboxEvent {
	if len(batch) == r.cfg.BatchSize && len(rest) < probeWindow {
		// A failed claim keeps the batch's own events behind bad: without
		// them the probe had nothing to offer, and bad was taken for an
		// event alone at the end of the outbox.
		if more, ok := r.eventsBehind(ctx, batch, bad); ok {
			return more
		}
	}
	return rest
}

// probe offers the sink the events of rest, as many at a time as a batch
// holds, to tell a refusal of bad alone (up: the sink took some) from an
// outage. skipped reports a key left out because the sink refused its
// event; doneRefused is the sink's answer when it refused done, bad's
// .complete event.
func (r *relay) probe(ctx context.Context, s *sink, rest []*OutboxEvent, done *OutboxEvent) (up, skipped bool, doneRefused error) {
	// The event right behind bad may be refused too (two users' oversized
	// records in a row): its key is left out in turn, a few times, before
	// the sink is taken for down.
	skip := map[string]bool{}
	for range maxProbes {
		if ctx.Err() != nil {
			break
		}
		others := probeBatch(s, rest, skip, done, doneRefused)
		if len(others) == 0 {
			break // nothing (more) to tell a refusal of bad from an outage
		}
		// No more at once than the relay is configured to publish.
		others = others[:min(len(others), r.cfg.BatchSize)]
		n, err := offer(ctx, s, others)
		up = up || n > 0
		if n == len(others) || ctx.Err() != nil {
			break
		}
		if others[n] == done {
			// Leave it out and look past it: if the sink takes what
			// follows, it refused done as it refused bad.
			doneRefused = refusalOf(err)
			continue
		}
		if up {
			break
		}
		skip[others[n].Key] = true
	}
	return up, len(skip) > 0, doneRefused
}

// probeBatch is what of rest the probe may offer next: not a skipped key's
// events, not what the sink has, and not done once the sink refused it.
func probeBatch(s *sink, rest []*OutboxEvent, skip map[string]bool, done *OutboxEvent, doneRefused error) []*OutboxEvent {
	others := make([]*OutboxEvent, 0, len(rest))
	for _, ev := range rest {
		if !skip[ev.Key] && !s.delivered[ev.Seq] && (doneRefused == nil || ev != done) {
			others = append(others, ev)
		}
	}
	return others
}

// offer publishes evs to the sink and marks those it took as delivered to
// it. n is how many it took, within 0 and len(evs) whatever the publisher
// answered.
func offer(ctx context.Context, s *sink, evs []*OutboxEvent) (n int, err error) {
	n, err = publish(ctx, s.pub, evs)
	n = min(max(n, 0), len(evs))
	for _, ev := range evs[:n] {
		s.delivered[ev.Seq] = true
	}
	return n, err
}

// offerDone offers done, once, to a sink known to be up when the probe
// stopped before it (another key's refused event came first), and returns
// the sink's refusal of done, if any.
func offerDone(ctx context.Context, s *sink, done *OutboxEvent, doneRefused error) error {
	if done == nil || s.delivered[done.Seq] || doneRefused != nil || ctx.Err() != nil {
		return doneRefused
	}
	n, err := offer(ctx, s, []*OutboxEvent{done})
	if n == 0 && ctx.Err() == nil {
		return refusalOf(err)
	}
	return nil
}

// eventsBehind returns up to probeWindow events behind bad in the outbox,
// for a full batch that holds fewer behind it: more may wait past the
// batch. It claims again, as the lease's holder (which renews the lease
// from now: the publish deadline, counted from the first claim, still ends
// first). ok is false when the claim failed or no longer holds bad: the
// caller then has only what the batch holds.
func (r *relay) eventsBehind(ctx context.Context, batch []*OutboxEvent, bad *OutboxEvent) (behind []*OutboxEvent, ok bool) {
	more, err := r.e.store.ClaimOutbox(ctx, r.cfg.Owner, time.Now().UnixMilli(), r.cfg.LeaseTTL, len(batch)+probeWindow)
	if err != nil {
		if ctx.Err() == nil {
			r.e.log.WarnContext(ctx, "outbox claim of the events behind a refused event failed", "error", err)
		}
		return nil, false
	}
	for i, ev := range more {
		if ev.Seq == bad.Seq {
			return more[i+1:], true
		}
	}
	return nil, false
}

// newBehind reports whether events the sink has not taken stand behind
// pending[0], the event it waits with, other than those that did when it
// began to wait.
func (r *relay) newBehind(ctx context.Context, s *sink, batch, pending []*OutboxEvent) bool {
	behind := pending[1:]
	if len(batch) == r.cfg.BatchSize && len(behind) < probeWindow {
		more, ok := r.eventsBehind(ctx, batch, pending[0])
		if !ok {
			// Nothing known past the batch: look again at the next poll,
			// rather than offer the event on a count that may be short.
			return false
		}
		behind = more
	}
	return undelivered(s, behind) != s.waitingBehind
}

// undelivered counts the events of evs that s has not taken.
func undelivered(s *sink, evs []*OutboxEvent) int {
	n := 0
	for _, ev := range evs {
		if !s.delivered[ev.Seq] {
			n++
		}
	}
	return n
}

// probeWindow is how many events behind a refused event setAside reads past
// a full batch: enough to look past a few other refused keys' events and
// find bad's .complete.
const probeWindow = 64

// refusalOf is a publisher's error for an event it did not take, never nil:
// a publisher may report a partial delivery without one.
func refusalOf(err error) error {
	if err == nil {
		return errors.New("publisher delivered only part of the batch")
	}
	return err
}

// setAsideFor marks ev delivered for s, which refused it attempts times,
// and records it in the log and the event log.
func (r *relay) setAsideFor(ctx context.Context, s *sink, ev *OutboxEvent, attempts int, cause error) {
	s.delivered[ev.Seq] = true
	e := r.e
	e.log.ErrorContext(ctx, "event set aside: the publisher keeps refusing it and takes the events after it",
		"publisher", s.name, "eventId", ev.ID, "type", ev.Type, "attempts", attempts, "error", cause)
	e.writeEventLog(ctx, EventLogError, "Event %s (%s) was refused %d times in a row by %s, which took later events; it is set aside and not offered to it again. Last error: %v. The event: %s",
		ev.ID, ev.Type, attempts, s.name, cause, ev.Payload)
}

// completeIn returns bad's .complete event if it is the next event of bad's
// key in rest: emit appends it right behind bad, in the same transaction.
func completeIn(bad *OutboxEvent, rest []*OutboxEvent) *OutboxEvent {
	typ, ok := completeEvents[bad.Type]
	if !ok {
		return nil
	}
	for _, ev := range rest {
		if ev.Key == bad.Key {
			if ev.Type == typ {
				return ev
			}
			return nil
		}
	}
	return nil
}

// maxProbes bounds the publishes of one setAside: while a sink is down,
// each is one more failed attempt.
const maxProbes = 4

func (r *relay) activeSinks() []*sink {
	out := slices.Clone(r.sinks)
	if r.kafka != nil {
		out = append(out, r.kafka)
	}
	return out
}

func (r *relay) kafkaWanted() bool {
	return r.kafkaCfg != nil && r.kafkaCfg.Enabled
}

// configureKafka applies integrations.kafka when it differs from what the
// Kafka publisher has.
func (r *relay) configureKafka(ctx context.Context, cfg integration.Kafka) {
	if r.kafkaCfg != nil && reflect.DeepEqual(*r.kafkaCfg, cfg) {
		return
	}
	e := r.e
	c := cfg
	r.kafkaCfg = &c
	if e.ext.kafka == nil {
		r.kafkaReady = false
		if cfg.Enabled && !r.warnedNoKafka {
			r.warnedNoKafka = true
			e.log.WarnContext(ctx, "Kafka is enabled but this engine has no Kafka publisher (WithKafkaPublisher): its relay leaves the outbox to one that has")
		}
		return
	}
	ignored, err := e.ext.kafka.Configure(ctx, cfg)
	if len(ignored) > 0 {
		// producer takes any key, of any length: the first keys, each
		// bounded, and a count of the rest keep one entry and one log line
		// small whatever was sent.
		slices.Sort(ignored)
		keys := excerpt.List(ignored)
		e.log.WarnContext(ctx, "Kafka producer settings ignored", "keys", keys)
		e.writeEventLog(ctx, EventLogInformation, "Kafka producer settings not supported by authcore, ignored: [%s].", keys)
	}
	if err != nil {
		// A bad configuration keeps Kafka wanted but not ready: events wait
		// for a configuration that works.
		r.kafkaReady, r.kafka = false, nil
		e.log.ErrorContext(ctx, "Kafka configuration failed", "error", err)
		e.writeEventLog(ctx, EventLogError, "Kafka configuration failed; events wait in the outbox: %v", err)
		return
	}
	r.kafkaReady = true
	if cfg.Enabled {
		r.kafka = &sink{name: "kafka", pub: e.ext.kafka}
		e.log.InfoContext(ctx, "Kafka publisher configured", "topic", cfg.DefaultTopic)
	} else {
		r.kafka = nil
	}
}

func (r *relay) backoff() time.Duration {
	r.failures++
	d := r.cfg.MinBackoff
	for i := 1; i < r.failures && d < r.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, r.cfg.MaxBackoff)
}

func (r *relay) reportFailure(ctx context.Context, err error) {
	e := r.e
	e.log.WarnContext(ctx, "event delivery failed; retrying", "attempt", r.failures+1, "error", err)
	if time.Since(r.lastFailureLog) >= time.Minute {
		r.lastFailureLog = time.Now()
		e.writeEventLog(ctx, EventLogError, "Event delivery failed, events wait in the outbox and are retried: %v", err)
	}
}

// lostLease forgets what the sinks got: another relay may have published
// since.
func (r *relay) lostLease() {
	r.holding = false
	for _, s := range r.activeSinks() {
		s.delivered = nil
		s.refused, s.refusals = 0, 0
		s.waiting = false
	}
}

func (r *relay) releaseLease(ctx context.Context) {
	if !r.holding {
		return
	}
	r.lostLease()
	if err := r.e.store.ReleaseOutbox(context.WithoutCancel(ctx), r.cfg.Owner); err != nil {
		r.e.log.WarnContext(ctx, "outbox lease release failed", "error", err)
	}
}

func (r *relay) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r.releaseLease(ctx)
	if r.e.ext.kafka != nil {
		if err := r.e.ext.kafka.Close(); err != nil {
			r.e.log.WarnContext(ctx, "Kafka publisher close failed", "error", err)
		}
	}
}

// publish is p.Publish with a panic made a failed delivery of every event:
// a publisher's bug must not end RunRelay (and the process with it), as a
// subscriber's does not (callSubscriber). The events are offered again,
// and at-least-once delivery allows what the publisher sent before it
// panicked to go twice.
func publish(ctx context.Context, p Publisher, events []*OutboxEvent) (n int, err error) {
	defer func() {
		if v := recover(); v != nil {
			n, err = 0, fmt.Errorf("authcore: publisher panicked: %v", v)
		}
	}()
	return p.Publish(ctx, events)
}
