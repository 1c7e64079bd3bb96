package strictjson

import (
	"encoding/json"
	"strings"
	"testing"
)

// A ~1 KB Integrations PUT body, the typical size of a request this package
// decodes.
var body1KB = []byte(`{"integrations":{"cleanspeak":{"apiKey":"7a4b2c1d-9e8f-4a3b-8c7d-6e5f4a3b2c1d",` +
	`"applicationIds":["3c219e58-ed0e-4b18-ad48-f4f92793ae32","e6f4c2a1-1b2c-4d5e-8f90-123456789abc","0a1b2c3d-0000-4000-8000-000000000001","0a1b2c3d-0000-4000-8000-000000000002"],` +
	`"enabled":true,"url":"https://cleanspeak.example.com/api","usernameModeration":{"applicationId":"3c219e58-ed0e-4b18-ad48-f4f92793ae32","enabled":true}},` +
	`"kafka":{"defaultTopic":"fusionauth-events","enabled":true,"producer":{"bootstrap.servers":"kafka-1.internal:9092,kafka-2.internal:9092,kafka-3.internal:9092",` +
	`"max.block.ms":"5000","request.timeout.ms":"2000","acks":"all","compression.type":"lz4","linger.ms":"5","batch.size":"32768","client.id":"fusionauth",` +
	`"retries":"3","retry.backoff.ms":"100","security.protocol":"SASL_SSL","sasl.mechanism":"SCRAM-SHA-512","ssl.endpoint.identification.algorithm":"https",` +
	`"delivery.timeout.ms":"120000","enable.idempotence":"true","max.in.flight.requests.per.connection":"5","buffer.memory":"33554432","send.buffer.bytes":"131072"}},` +
	`"twilio":{"accountSID":"AC00000000000000000000000000000000","authToken":"0000000000000000000000000000000","fromPhoneNumber":"+15555550100","enabled":false}}}`)

func BenchmarkDecode(b *testing.B) {
	b.Run("strictjson", func(b *testing.B) {
		b.SetBytes(int64(len(body1KB)))
		b.ReportAllocs()
		for b.Loop() {
			var r integrationsRequest
			if err := Decode(body1KB, &r, DefaultMaxDepth); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The same body through plain encoding/json, for the cost of Check.
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body1KB)))
		b.ReportAllocs()
		for b.Loop() {
			var r integrationsRequest
			if err := json.Unmarshal(body1KB, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The same body with one member named in another case than its field:
	// the rare path that decodes and encodes the body once more to drop it.
	caseVariant := []byte(strings.Replace(string(body1KB), `"defaultTopic"`, `"DefaultTopic"`, 1))
	b.Run("case-variant", func(b *testing.B) {
		b.SetBytes(int64(len(caseVariant)))
		b.ReportAllocs()
		for b.Loop() {
			var r integrationsRequest
			if err := Decode(caseVariant, &r, DefaultMaxDepth); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("check-only", func(b *testing.B) {
		b.SetBytes(int64(len(body1KB)))
		b.ReportAllocs()
		for b.Loop() {
			if err := Check(body1KB, DefaultMaxDepth); err != nil {
				b.Fatal(err)
			}
		}
	})
}
