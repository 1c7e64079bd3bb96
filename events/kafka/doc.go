// Package kafka publishes authcore's events to Kafka, as FusionAuth's Kafka
// integration does: each event goes to integrations.kafka.defaultTopic as
// {"event": {...}}, keyed by the user's id (the tenant's for an event
// without a user), so one user's events share a partition and keep their
// order. It is built on github.com/twmb/franz-go and kept out of package
// authcore so that an embedder who does not use Kafka does not link it.
//
//	pub := kafka.NewPublisher()
//	engine, _ := authcore.New(ctx, store, authcore.WithKafkaPublisher(pub))
//	go engine.RunRelay(ctx)
//
// The relay configures the publisher from the stored integrations and again
// whenever they change. producer takes any string keys, as FusionAuth's
// does; ProducerOptions translates the ones listed in SupportedKeys to
// franz-go options and returns the others, which the relay reports in the
// log and the event log.
//
// Delivery is at least once: an event whose delivery failed is sent again,
// and after a relay or broker failure one that was delivered may be sent
// again too. Each record carries the event id in its "event-id" header (and
// in event.id): consumers drop an id they have seen.
package kafka
