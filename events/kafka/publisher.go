package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/internal/excerpt"
)

// ErrNotConfigured means Publish was called while Kafka is disabled or
// before Configure.
var ErrNotConfigured = errors.New("kafka: publisher not configured")

// Publisher is an authcore.KafkaPublisher on franz-go. It is safe for
// concurrent use; create it with NewPublisher.
type Publisher struct {
	extra []kgo.Opt
	log   *slog.Logger

	mu       sync.Mutex
	client   *kgo.Client
	opts     []kgo.Opt // what client was made with, to make it again (renew)
	topic    string
	settings Settings
}

var _ authcore.KafkaPublisher = (*Publisher)(nil)

// Option configures a Publisher.
type Option func(*Publisher)

// WithClientOptions adds franz-go options after the ones the producer map
// yields (e.g. a dialer, or a logger).
func WithClientOptions(opts ...kgo.Opt) Option {
	return func(p *Publisher) { p.extra = append(p.extra, opts...) }
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(p *Publisher) {
		if l != nil {
			p.log = l
		}
	}
}

// NewPublisher returns a publisher that does nothing until configured.
func NewPublisher(opts ...Option) *Publisher {
	p := &Publisher{log: slog.Default()}
	for _, opt := range opts {
		opt(p)
	}
	return p
}

// Configure applies integrations.kafka: a new client for the new settings
// (the old one is closed), or none while Kafka is disabled. It returns the
// producer keys it ignores.
func (p *Publisher) Configure(ctx context.Context, cfg integration.Kafka) ([]string, error) {
	if !cfg.Enabled {
		p.swap(nil, nil, "", Settings{})
		return nil, nil
	}
	if cfg.DefaultTopic == "" {
		p.swap(nil, nil, "", Settings{})
		return nil, errors.New("kafka: no defaultTopic")
	}
	opts, settings, ignored, err := ProducerOptions(cfg.Producer)
	if err != nil {
		p.swap(nil, nil, "", Settings{})
		return ignored, err
	}
	opts = append(opts, kgo.DefaultProduceTopic(cfg.DefaultTopic))
	opts = append(opts, p.extra...)
	client, err := kgo.NewClient(opts...)
	if err != nil {
		p.swap(nil, nil, "", Settings{})
		return ignored, fmt.Errorf("kafka: %w", err)
	}
	p.swap(client, opts, cfg.DefaultTopic, settings)
	// Topic and ignored key names only: producer values may hold SASL
	// passwords. Debug: under an engine, its relay logs each configuration
	// (and warns of ignored keys) at Info, and one change made two lines.
	// The names are bounded: producer takes any key, of any length.
	p.log.DebugContext(ctx, "kafka producer configured", "topic", cfg.DefaultTopic, "ignoredKeys", excerpt.List(ignored))
	return ignored, nil
}

func (p *Publisher) swap(c *kgo.Client, opts []kgo.Opt, topic string, s Settings) {
	p.mu.Lock()
	old := p.client
	p.client, p.opts, p.topic, p.settings = c, opts, topic, s
	p.mu.Unlock()
	if old != nil {
		old.Close()
	}
}

// Publish produces the events to the topic, in order, and waits for the
// brokers' acknowledgement until ctx ends, or max.block.ms passes. It
// returns how many, from the first, were delivered. franz-go never
// delivers a record after failing an earlier one of the same partition,
// and one key always maps to one partition, so the events that were not
// delivered can be offered again without reordering a user's events.
//
// It does not use ProduceSync, which waits for every record however long
// that takes: franz-go cannot fail an idempotent record whose request was
// sent to a broker that then stopped answering, and a relay stuck there
// could neither stop nor take a new configuration.
//
// When ctx ends with records still waiting, the client is replaced by a new
// one with the same settings and closed, which fails what it still held.
// Left in its buffer, those records went out once the broker answered
// again, after the relay had offered them again from the outbox: each
// failed attempt of an outage added another copy of its events to the
// buffer (up to its maximum of buffered records), and then to the topic.
// A record the broker took before it stopped answering can still arrive
// twice (delivery is at least once).
func (p *Publisher) Publish(ctx context.Context, events []*authcore.OutboxEvent) (int, error) {
	p.mu.Lock()
	client, topic, settings := p.client, p.topic, p.settings
	p.mu.Unlock()
	if client == nil {
		return 0, ErrNotConfigured
	}
	if settings.MaxBlock > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, settings.MaxBlock)
		defer cancel()
	}
	type outcome struct {
		i   int
		err error
	}
	// Buffered for every record: a promise that runs after Publish
	// returned never blocks the client.
	results := make(chan outcome, len(events))
	for i, ev := range events {
		client.Produce(ctx, &kgo.Record{
			Topic: topic, Key: []byte(ev.Key), Value: ev.Payload,
			Headers: []kgo.RecordHeader{{Key: "event-id", Value: []byte(ev.ID)}, {Key: "event-type", Value: []byte(ev.Type)}},
		}, func(_ *kgo.Record, err error) { results <- outcome{i, err} })
	}
	// Promises come in the order records complete, not the order given: a
	// record of another partition may succeed before an earlier one fails.
	done := make([]bool, len(events))
	errs := make([]error, len(events))
	var waitErr error
	for range events {
		select {
		case o := <-results:
			done[o.i], errs[o.i] = true, o.err
			continue
		case <-ctx.Done():
			waitErr = ctx.Err()
		}
		break
	}
	n := 0
	for n < len(events) && done[n] && errs[n] == nil {
		n++
	}
	if n == len(events) {
		return n, nil
	}
	err := errs[n]
	if !done[n] {
		err = waitErr
	}
	// Any record still waiting, not only the first not delivered: the one
	// the error names may have been refused at once (too large) while the
	// records behind it wait for a broker that took them and does not
	// answer. The loop above ends with records waiting only when ctx did.
	if slices.Contains(done, false) {
		p.renew(client)
	}
	return n, fmt.Errorf("kafka: produce event %s: %w", events[n].ID, err)
}

// renew replaces old by a client made with the same options and closes old,
// unless Configure or Close replaced it already.
func (p *Publisher) renew(old *kgo.Client) {
	p.mu.Lock()
	if p.client != old {
		p.mu.Unlock()
		return
	}
	fresh, err := kgo.NewClient(p.opts...)
	if err != nil {
		// The same options made old: keep it rather than leave the
		// publisher without a client until the next Configure.
		p.mu.Unlock()
		p.log.Warn("kafka producer not renewed", "err", err)
		return
	}
	p.client = fresh
	p.mu.Unlock()
	old.Close()
}

// Close closes the client; it always returns nil. RunRelay calls it when it
// returns, so an embedder that runs the relay need not. A closed publisher
// is configured again by the next Configure (a relay started again).
func (p *Publisher) Close() error {
	p.swap(nil, nil, "", Settings{})
	return nil
}
