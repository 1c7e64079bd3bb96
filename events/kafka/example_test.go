package kafka_test

import (
	"fmt"

	"github.com/authcore/authcore/events/kafka"
)

// The producer map of integrations.kafka becomes franz-go options; keys
// authcore does not apply come back to be reported, and a security setting
// it cannot honour is an error rather than a silent fall back to plaintext.
func ExampleProducerOptions() {
	opts, settings, ignored, err := kafka.ProducerOptions(map[string]string{
		"bootstrap.servers": "kafka-1:9092,kafka-2:9092",
		"acks":              "all",
		"max.block.ms":      "2000",
		"linger.ms":         "soon",
		"buffer.memory":     "33554432",
	})
	fmt.Println(len(opts) > 0, settings.MaxBlock, ignored, err)

	_, _, _, err = kafka.ProducerOptions(map[string]string{"security.protocol": "SASL_SSL"})
	fmt.Println(err)
	// Output:
	// true 2s [buffer.memory linger.ms (not a number of milliseconds)] <nil>
	// kafka: SASL needs sasl.jaas.config with a username and a password
}
