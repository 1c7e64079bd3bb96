package kafka_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/events/kafka"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// BenchmarkLoginKafka measures repeat Twitter logins (fake Twitter on
// loopback, memstore) on two engines in one run, one with Kafka enabled
// (events recorded in the login transaction, published by the relay to an
// in-process kfake cluster) and one with Kafka disabled (nothing recorded).
// The two alternate in chunks so that both see the same machine; it
// reports each one's throughput and their ratio (on/off), which must stay
// above 0.9: recording an event is one more row in a transaction the login
// already runs, and publishing happens off the request path.
//
//	go test ./events/kafka -run '^$' -bench LoginKafka -benchtime 20x
func BenchmarkLoginKafka(b *testing.B) {
	c := newCluster(b)
	off, offMem := benchEnv(b, nil)
	on, onMem := benchEnv(b, producerFor(c))
	const accounts, chunk, workers = 64, 256, 8
	for _, env := range []*eventstest.Env{off, on} {
		for i := range accounts {
			id := strconv.Itoa(i + 1) // Twitter ids are decimal, with no leading zero: no "0"
			env.Account(id, "u"+id, "u"+id+"@example.com")
			env.MustLogin(id) // the first login creates the user; the benchmark repeats
		}
	}
	run := func(env *eventstest.Env) time.Duration {
		var wg sync.WaitGroup
		start := time.Now()
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < chunk; i += workers {
					if _, err := env.Login(strconv.Itoa(i%accounts + 1)); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	var tOff, tOn time.Duration
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			tOff += run(off)
			tOn += run(on)
		} else {
			tOn += run(on)
			tOff += run(off)
		}
	}
	b.StopTimer()
	logins := float64(b.N * chunk)
	offRate, onRate := logins/tOff.Seconds(), logins/tOn.Seconds()
	b.ReportMetric(offRate, "logins/s-kafka-off")
	b.ReportMetric(onRate, "logins/s-kafka-on")
	b.ReportMetric(onRate/offRate, "ratio-on/off")
	b.ReportMetric(float64(onMem.OutboxLen()), "backlog-at-end")
	if offMem.OutboxLen() != 0 {
		b.Fatalf("the Kafka-off engine recorded %d events", offMem.OutboxLen())
	}
}

func benchEnv(b *testing.B, producer map[string]string) (*eventstest.Env, *memstore.Store) {
	mem := memstore.New()
	env := eventstest.New(b, mem, eventstest.Options{Engine: []authcore.Option{
		authcore.WithKafkaPublisher(kafka.NewPublisher()), authcore.WithLogger(quiet()),
	}})
	if producer != nil {
		_, err := env.Engine.UpdateIntegrations(context.Background(), integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: topic, Producer: producer}})
		if err != nil {
			b.Fatal(err)
		}
	}
	env.RunRelay()
	return env, mem
}
