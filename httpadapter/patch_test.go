package httpadapter_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const kafkaOn = `{"integrations":{"cleanspeak":{"enabled":true,"url":"http://cs","applicationIds":["11111111-1111-1111-1111-111111111111"]},"kafka":{"enabled":true,"defaultTopic":"t","producer":{"bootstrap.servers":"k:9092"}}}}`

func TestPatchIntegrationsForms(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want                    string // JSON of integrations after the patch
	}{
		{
			"legacy merge keeps siblings and merges maps",
			"application/json",
			`{"integrations":{"kafka":{"producer":{"linger.ms":"5"}}}}`,
			`{"cleanspeak":{"enabled":true,"url":"http://cs","applicationIds":["11111111-1111-1111-1111-111111111111"],"usernameModeration":{"enabled":false}},"kafka":{"enabled":true,"defaultTopic":"t","producer":{"bootstrap.servers":"k:9092","linger.ms":"5"}}}`,
		},
		{
			"legacy null removes a map entry",
			"application/json",
			`{"integrations":{"kafka":{"producer":{"bootstrap.servers":null,"a":"b"}}}}`,
			// bootstrap.servers removed, so normalisation fills FusionAuth's defaults again.
			`{"cleanspeak":{"enabled":true,"url":"http://cs","applicationIds":["11111111-1111-1111-1111-111111111111"],"usernameModeration":{"enabled":false}},"kafka":{"enabled":true,"defaultTopic":"t","producer":{"a":"b","bootstrap.servers":"localhost:9092","max.block.ms":"5000","request.timeout.ms":"2000"}}}`,
		},
		{
			"legacy replace-listed array is replaced, not appended",
			"application/json",
			`{"integrations":{"cleanspeak":{"applicationIds":["22222222-2222-2222-2222-222222222222"]}}}`,
			`{"cleanspeak":{"enabled":true,"url":"http://cs","applicationIds":["22222222-2222-2222-2222-222222222222"],"usernameModeration":{"enabled":false}},"kafka":{"enabled":true,"defaultTopic":"t","producer":{"bootstrap.servers":"k:9092"}}}`,
		},
		{
			"legacy with the documented cleanSpeakConfiguration spelling",
			"application/json",
			`{"integrations":{"cleanSpeakConfiguration":{"apiKey":"k1"}}}`,
			`{"cleanspeak":{"apiKey":"k1","enabled":true,"url":"http://cs","applicationIds":["11111111-1111-1111-1111-111111111111"],"usernameModeration":{"enabled":false}},"kafka":{"enabled":true,"defaultTopic":"t","producer":{"bootstrap.servers":"k:9092"}}}`,
		},
		{
			"RFC 7396 merge patch",
			"application/merge-patch+json",
			`{"integrations":{"cleanspeak":{"enabled":false,"url":null},"kafka":{"defaultTopic":"t2"}}}`,
			`{"cleanspeak":{"enabled":false,"applicationIds":["11111111-1111-1111-1111-111111111111"],"usernameModeration":{"enabled":false}},"kafka":{"enabled":true,"defaultTopic":"t2","producer":{"bootstrap.servers":"k:9092"}}}`,
		},
		{
			"RFC 6902 JSON patch",
			"application/json-patch+json",
			`[{"op":"test","path":"/integrations/kafka/defaultTopic","value":"t"},{"op":"replace","path":"/integrations/kafka/defaultTopic","value":"t3"},{"op":"add","path":"/integrations/cleanspeak/applicationIds/-","value":"33333333-3333-3333-3333-333333333333"}]`,
			`{"cleanspeak":{"enabled":true,"url":"http://cs","applicationIds":["11111111-1111-1111-1111-111111111111","33333333-3333-3333-3333-333333333333"],"usernameModeration":{"enabled":false}},"kafka":{"enabled":true,"defaultTopic":"t3","producer":{"bootstrap.servers":"k:9092"}}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			require.Equal(t, 200, f.do("PUT", "/api/integration", kafkaOn).Code)
			r := f.do("PATCH", "/api/integration", tc.body, "Content-Type", tc.contentType)
			require.Equal(t, 200, r.Code, r.Body)
			assert.JSONEq(t, `{"integrations":`+tc.want+`}`, r.Body)
			assert.JSONEq(t, r.Body, f.do("GET", "/api/integration", "").Body)
		})
	}
}

func TestPatchIntegrationsRefusals(t *testing.T) {
	tests := []struct {
		name, contentType, body, code string
	}{
		{"patch makes it invalid", "application/json", `{"integrations":{"kafka":{"defaultTopic":null}}}`, "[blank]integrations.kafka.defaultTopic"},
		{"merge patch makes it invalid", "application/merge-patch+json", `{"integrations":{"cleanspeak":{"url":null}}}`, "[blank]integrations.cleanspeak.url"},
		{"json patch makes it invalid", "application/json-patch+json", `[{"op":"remove","path":"/integrations/kafka/defaultTopic"}]`, "[blank]integrations.kafka.defaultTopic"},
		{"failed test op", "application/json-patch+json", `[{"op":"replace","path":"/integrations/kafka/defaultTopic","value":"x"},{"op":"test","path":"/integrations/kafka/defaultTopic","value":"nope"}]`, "[JSONPatchTestFailed]"},
		{"bad path", "application/json-patch+json", `[{"op":"replace","path":"/integrations/nothing/here","value":1}]`, "[invalidJSON]"},
		{"bad op", "application/json-patch+json", `[{"op":"explode","path":"/integrations"}]`, "[invalidJSON]"},
		{"patch is not an array", "application/json-patch+json", `{"op":"add"}`, "[invalidJSON]"},
		{"malformed", "application/json", `{"integrations":`, "[invalidJSON]"},
		{"wrong type after patch", "application/merge-patch+json", `{"integrations":{"kafka":{"enabled":"yes"}}}`, "[invalidJSON]integrations.kafka.enabled"},
		{"unsupported content type", "text/plain", `{"integrations":{}}`, "[PatchNotSupported]"},
		{"xml", "application/xml", `<a/>`, "[PatchNotSupported]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			require.Equal(t, 200, f.do("PUT", "/api/integration", kafkaOn).Code)
			before := f.do("GET", "/api/integration", "").Body
			r := f.do("PATCH", "/api/integration", tc.body, "Content-Type", tc.contentType)
			require.Equal(t, 400, r.Code, r.Body)
			v := r.errors(t)
			assert.True(t, v.Has(tc.code), "want %s, got %v", tc.code, v.Codes())
			assert.JSONEq(t, before, f.do("GET", "/api/integration", "").Body, "a refused PATCH must store nothing")
		})
	}
}

func TestPatchIntegrationsOnFreshStoreStartsFromDefaults(t *testing.T) {
	f := newFixture(t)
	r := f.do("PATCH", "/api/integration", `{"integrations":{"kafka":{"enabled":true,"defaultTopic":"fresh"}}}`)
	require.Equal(t, 200, r.Code, r.Body)
	assert.Contains(t, r.Body, `"defaultTopic":"fresh"`)
}

// Concurrent PATCHes of different producer keys must all take effect: no
// lost update.
func TestPatchIntegrationsConcurrent(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, 200, f.do("PUT", "/api/integration", kafkaOn).Code)
	const n = 32
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for attempt := 0; attempt < 10; attempt++ {
				r := f.do("PATCH", "/api/integration", fmt.Sprintf(`{"integrations":{"kafka":{"producer":{"key.%d":"v"}}}}`, i))
				codes[i] = r.Code
				if r.Code != 409 {
					return
				}
			}
		}(i)
	}
	wg.Wait()
	for i, c := range codes {
		require.Equal(t, 200, c, "patch %d", i)
	}
	var out struct {
		Integrations struct {
			Kafka struct{ Producer map[string]string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(f.do("GET", "/api/integration", "").Body), &out))
	for i := 0; i < n; i++ {
		assert.Contains(t, out.Integrations.Kafka.Producer, fmt.Sprintf("key.%d", i))
	}
}
