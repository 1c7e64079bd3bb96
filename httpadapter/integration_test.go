package httpadapter_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/storetest"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const seedIntegrations = `{
  "integrations": {
    "cleanspeak": {
      "apiKey": "97f3d194-ef95-480a-9ee4-eea7dbdc450a",
      "enabled": true,
      "url": "http://localhost:8001",
      "usernameModeration": {"applicationId": "27a7e845-79ec-4b24-a36d-66a224055395", "enabled": true}
    },
    "kafka": {
      "defaultTopic": "FusionAuth",
      "enabled": true,
      "producer": {"request.timeout.ms": "2000", "bootstrap.servers": "localhost:9092", "max.block.ms": "5000"}
    },
    "twilio": {"accountSID": "_superSecreteAccountSID", "authToken": "_superSecretAuthToken", "enabled": true, "fromPhoneNumber": "555-555-5555", "url": "https://api.twilio.com"}
  }
}`

func TestIntegrationsGetDefaults(t *testing.T) {
	f := newFixture(t)
	r := f.do("GET", "/api/integration", "")
	require.Equal(t, 200, r.Code)
	assert.Contains(t, r.Header.Get("Content-Type"), "application/json")
	assert.JSONEq(t, `{"integrations":{"cleanspeak":{"enabled":false,"usernameModeration":{"enabled":false}},"kafka":{"enabled":false}}}`, r.Body)
	assert.NotContains(t, r.Body, "null")
}

func TestIntegrationsPutSeedExample(t *testing.T) {
	f := newFixture(t)
	r := f.do("PUT", "/api/integration", seedIntegrations)
	require.Equal(t, 200, r.Code, r.Body)
	// The seed's response minus twilio, which FusionAuth removed in 1.26.
	want := `{"integrations":{"cleanspeak":{"apiKey":"97f3d194-ef95-480a-9ee4-eea7dbdc450a","enabled":true,"url":"http://localhost:8001","usernameModeration":{"applicationId":"27a7e845-79ec-4b24-a36d-66a224055395","enabled":true}},"kafka":{"defaultTopic":"FusionAuth","enabled":true,"producer":{"request.timeout.ms":"2000","bootstrap.servers":"localhost:9092","max.block.ms":"5000"}}}}`
	assert.JSONEq(t, want, r.Body)
	g := f.do("GET", "/api/integration", "")
	assert.JSONEq(t, want, g.Body)
}

func TestIntegrationsPutReplaces(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, 200, f.do("PUT", "/api/integration", seedIntegrations).Code)
	r := f.do("PUT", "/api/integration", `{"integrations":{"kafka":{"enabled":true,"defaultTopic":"t2"}}}`)
	require.Equal(t, 200, r.Code, r.Body)
	// CleanSpeak was left out: back to its defaults; the producer defaults are filled in.
	assert.JSONEq(t, `{"integrations":{"cleanspeak":{"enabled":false,"usernameModeration":{"enabled":false}},"kafka":{"defaultTopic":"t2","enabled":true,"producer":{"bootstrap.servers":"localhost:9092","max.block.ms":"5000","request.timeout.ms":"2000"}}}}`, r.Body)
}

// A PUT without "integrations" would replace both integrations with their
// defaults: refused, whatever the body holds instead, and nothing changes.
func TestIntegrationsPutWithoutIntegrations(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, 200, f.do("PUT", "/api/integration", seedIntegrations).Code)
	before := f.do("GET", "/api/integration", "").Body
	for _, body := range []string{
		`{}`,
		`{"integrations":null}`,
		`{"integration":{"kafka":{"enabled":false}}}`, // the docs' tables' spelling
	} {
		f.do("PUT", "/api/integration", body).codes(t, "[missing]integrations")
		assert.JSONEq(t, before, f.do("GET", "/api/integration", "").Body, body)
	}
	// An empty object is a replacement: back to the defaults.
	r := f.do("PUT", "/api/integration", `{"integrations":{}}`)
	require.Equal(t, 200, r.Code, r.Body)
	assert.JSONEq(t, `{"integrations":{"cleanspeak":{"enabled":false,"usernameModeration":{"enabled":false}},"kafka":{"enabled":false}}}`, r.Body)
}

// The body is read as UTF-8: a Content-Type naming another charset is
// refused as such, rather than misread or called malformed JSON.
func TestIntegrationsRefuseOtherCharsets(t *testing.T) {
	f := newFixture(t)
	before := f.do("GET", "/api/integration", "").Body
	f.do("PUT", "/api/integration", `{"integrations":{}}`, "Content-Type", "application/json; charset=utf-16").codes(t, "[InvalidContentType]")
	f.do("PATCH", "/api/integration", `{"integrations":{"kafka":{"enabled":false}}}`, "Content-Type", "application/merge-patch+json; charset=ISO-8859-1").codes(t, "[InvalidContentType]")
	assert.JSONEq(t, before, f.do("GET", "/api/integration", "").Body)
	assert.Equal(t, 200, f.do("PUT", "/api/integration", `{"integrations":{}}`, "Content-Type", "application/json; charset=UTF-8").Code)
}

func TestIntegrationsAliasInput(t *testing.T) {
	f := newFixture(t)
	r := f.do("PUT", "/api/integration", `{"integrations":{"cleanSpeakConfiguration":{"enabled":true,"url":"https://cs.example.com"}}}`)
	require.Equal(t, 200, r.Code, r.Body)
	assert.Contains(t, r.Body, `"cleanspeak":{"enabled":true,"url":"https://cs.example.com"`)
	assert.NotContains(t, r.Body, "cleanSpeakConfiguration")
}

func TestIntegrationsValidation(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		codes      []string
	}{
		{"kafka without topic", `{"integrations":{"kafka":{"enabled":true}}}`, 400, []string{"[blank]integrations.kafka.defaultTopic"}},
		{"cleanspeak without url", `{"integrations":{"cleanspeak":{"enabled":true}}}`, 400, []string{"[blank]integrations.cleanspeak.url"}},
		{"cleanspeak url that is no URI, disabled", `{"integrations":{"cleanspeak":{"enabled":false,"url":"not a url"}}}`, 400, []string{"[invalidJSON]integrations.cleanspeak.url"}},
		{"cleanspeak url without a host", `{"integrations":{"cleanspeak":{"enabled":true,"url":"http://:8001"}}}`, 400, []string{"[invalid]integrations.cleanspeak.url"}},
		{"cleanspeak api key with a newline", `{"integrations":{"cleanspeak":{"enabled":true,"url":"http://cs","apiKey":"key\n"}}}`, 400, []string{"[invalid]integrations.cleanspeak.apiKey"}},
		{"wrong type", `{"integrations":{"kafka":{"enabled":"yes"}}}`, 400, []string{"[invalidJSON]integrations.kafka.enabled"}},
		{"wrong type in map", `{"integrations":{"kafka":{"producer":{"a":1}}}}`, 400, nil},
		{"malformed", `{"integrations":`, 400, []string{"[invalidJSON]"}},
		{"trailing garbage", `{"integrations":{}} x`, 400, []string{"[invalidJSON]"}},
		{"duplicate keys", `{"integrations":{"kafka":{"enabled":true},"kafka":{"enabled":false}}}`, 400, []string{"[invalidJSON]"}},
		{"not an object", `[]`, 400, nil},
		{"nulls are absent", `{"integrations":{"kafka":null,"cleanspeak":{"enabled":null,"url":null}}}`, 200, nil},
		{"unknown fields ignored", `{"integrations":{"kafka":{"enabled":false,"brandNew":true}},"other":1}`, 200, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			require.Equal(t, 200, f.do("PUT", "/api/integration", seedIntegrations).Code)
			before := f.do("GET", "/api/integration", "").Body
			r := f.do("PUT", "/api/integration", tc.body)
			require.Equal(t, tc.status, r.Code, r.Body)
			if tc.status != 200 {
				v := r.errors(t)
				for _, c := range tc.codes {
					assert.True(t, v.Has(c), "want %s in %v", c, v.Codes())
				}
				assert.NotEmpty(t, v.Codes())
				// A failed PUT leaves the stored value untouched.
				assert.JSONEq(t, before, f.do("GET", "/api/integration", "").Body)
			}
		})
	}
}

func TestIntegrationsWrongContentTypeAndSize(t *testing.T) {
	f := newFixture(t, httpadapter.WithMaxBodyBytes(1024))
	r := f.do("PUT", "/api/integration", `{"integrations":{}}`, "Content-Type", "text/plain")
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[InvalidContentType]"))

	r = f.do("PUT", "/api/integration", `{"integrations":{}}`, "Content-Type", "")
	require.Equal(t, 400, r.Code)

	big := `{"integrations":{"kafka":{"producer":{"k":"` + strings.Repeat("x", 2048) + `"}}}}`
	r = f.do("PUT", "/api/integration", big)
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[RequestTooLarge]"))

	// A body that lies about its length is cut off at the limit all the same.
	req := f.do("PUT", "/api/integration", big, "Content-Length", "10")
	require.Equal(t, 400, req.Code)

	r = f.do("PUT", "/api/integration", `{"integrations":{}}`, "Content-Type", "application/json; charset=UTF-8")
	require.Equal(t, 200, r.Code, r.Body)
}

func TestAuthentication(t *testing.T) {
	routes := []struct{ method, path, body string }{
		{"GET", "/api/integration", ""},
		{"PUT", "/api/integration", `{"integrations":{}}`},
		{"PATCH", "/api/integration", `{"integrations":{}}`},
	}
	f := newFixture(t)
	ctx := context.Background()
	tenantID := defaultTenant(t, f)
	_, locked, err := f.engine.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: tenantID})
	require.NoError(t, err)
	for _, rt := range routes {
		for name, key := range map[string]string{"missing": "", "wrong": "nope-nope-nope-nope", "almost": testKey + "x", "tenant-locked": locked} {
			t.Run(rt.method+" "+name, func(t *testing.T) {
				r := f.do(rt.method, rt.path, rt.body, "Authorization", key)
				assert.Equal(t, 401, r.Code)
				assert.Empty(t, r.Body)
				assert.Empty(t, r.Header.Get("Content-Type"))
			})
		}
		t.Run(rt.method+" tenant header on global endpoint", func(t *testing.T) {
			r := f.do(rt.method, rt.path, rt.body, "X-FusionAuth-TenantId", tenantID)
			assert.Equal(t, 401, r.Code)
			assert.Empty(t, r.Body)
		})
		t.Run(rt.method+" bad tenant header", func(t *testing.T) {
			r := f.do(rt.method, rt.path, rt.body, "X-FusionAuth-TenantId", "not-a-uuid")
			assert.Equal(t, 401, r.Code)
		})
	}
	// A locked key with a header naming another tenant is refused.
	r := f.do("GET", "/api/integration", "", "Authorization", locked, "X-FusionAuth-TenantId", "00000000-0000-0000-0000-000000000001")
	assert.Equal(t, 401, r.Code)
	// A revoked key stops working.
	k, plain, err := f.engine.CreateAPIKey(ctx, authcore.NewAPIKey{})
	require.NoError(t, err)
	require.Equal(t, 200, f.do("GET", "/api/integration", "", "Authorization", plain).Code)
	require.NoError(t, f.engine.RevokeAPIKey(ctx, k.ID))
	assert.Equal(t, 401, f.do("GET", "/api/integration", "", "Authorization", plain).Code)
}

func TestMethodsAndUnknownRoutes(t *testing.T) {
	f := newFixture(t)
	r := f.do("POST", "/api/integration", `{}`)
	assert.Equal(t, http.StatusMethodNotAllowed, r.Code)
	assert.Empty(t, r.Body)
	assert.Contains(t, r.Header.Get("Allow"), "GET")
	assert.Contains(t, r.Header.Get("Allow"), "PATCH")

	r = f.do("GET", "/api/nothing-here", "")
	assert.Equal(t, 404, r.Code)
	assert.Empty(t, r.Body)

	r = f.do("PROPFIND", "/api/integration", "")
	assert.Equal(t, http.StatusNotImplemented, r.Code)
	assert.Empty(t, r.Body)
}

func TestMountedUnderPrefix(t *testing.T) {
	f := newFixture(t)
	mux := http.NewServeMux()
	mux.Handle("/auth/", http.StripPrefix("/auth", f.handler))
	f.handler = mux
	r := f.do("GET", "/auth/api/integration", "")
	require.Equal(t, 200, r.Code)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Body), &out))
	assert.Contains(t, out, "integrations")
}

func defaultTenant(t *testing.T, f *fixture) string {
	t.Helper()
	ts, err := f.store.ListTenants(context.Background())
	require.NoError(t, err)
	require.Len(t, ts, 1)
	return ts[0].ID
}

// pausingPutStore holds the first PutIntegrations after it has written,
// before it returns to the engine: what a goroutine preempted between the
// store write and the engine's cache update looks like.
type pausingPutStore struct {
	authcore.Store
	first   atomic.Bool
	written chan struct{}
	release chan struct{}
}

func (s *pausingPutStore) PutIntegrations(ctx context.Context, in *integration.Integrations) error {
	err := s.Store.PutIntegrations(ctx, in)
	if s.first.CompareAndSwap(false, true) {
		close(s.written)
		<-s.release
	}
	return err
}

// waitingForIntegrationWrite sees a goroutine wait for the engine's
// integration-write lock (writingIntegrations), taken by a PUT.
var waitingForIntegrationWrite = storetest.WaitingIn("sync.(*Mutex).Lock", "github.com/authcore/authcore/authcore.(*Engine).UpdateIntegrations")

// Two PUTs race: A (Kafka off) writes first, B (Kafka on) writes second and
// wins in the store. The engine's integrations cache must end on B too, or
// the engine acts on A's settings although GET shows B's: a user created
// then records no event, which Kafka then never receives. A is held between
// its store write and its cache update; A is released once B is seen
// waiting for it there, or once B has finished, which it does when nothing
// orders the two.
func TestIntegrationsConcurrentPutsCacheTheLastWrite(t *testing.T) {
	mem := memstore.New()
	ps := &pausingPutStore{Store: mem, written: make(chan struct{}), release: make(chan struct{})}
	f := newFixtureOn(t, ps, mem, nil)

	done := make(chan response)
	go func() {
		done <- f.do("PUT", "/api/integration", `{"integrations":{"kafka":{"enabled":false}}}`)
	}()
	<-ps.written
	bDone := make(chan response, 1)
	go func() {
		bDone <- f.do("PUT", "/api/integration", `{"integrations":{"kafka":{"enabled":true,"defaultTopic":"events","producer":{"bootstrap.servers":"k:9092"}}}}`)
	}()
	// No wait of any length tells that B has reached A's lock: only B's
	// stack does. The deadline fails the test; it never lets it go on.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	waited := make(chan error, 1)
	go func() { waited <- waitingForIntegrationWrite(ctx, nil) }()
	select {
	case b := <-bDone:
		bDone <- b
	case err := <-waited:
		if err != nil {
			select { // B may have finished as the watch ran out
			case b := <-bDone:
				bDone <- b
			default:
				close(ps.release) // let A and B end before failing
				t.Fatalf("PUT B neither waited for PUT A's cache update nor finished within 10s: %v", err)
			}
		}
	}
	close(ps.release)
	a := <-done
	require.Equal(t, 200, a.Code, a.Body)
	b := <-bDone
	require.Equal(t, 200, b.Code, b.Body)

	// The store (and GET) hold B: Kafka enabled.
	g := f.do("GET", "/api/integration", "")
	require.Contains(t, g.Body, `"defaultTopic":"events","enabled":true`)

	// A change now must be recorded for Kafka.
	u := f.do("POST", "/api/user", `{"user":{"email":"race@example.com"}}`)
	require.Equal(t, 200, u.Code, u.Body)
	assert.Positive(t, mem.OutboxLen(), "Kafka is enabled (GET says so) but the user.create event was not recorded: the engine's cache holds the older PUT")
}

// FusionAuth types usernameModeration.applicationId as a UUID (seed 000),
// and applicationIds are checked whatever "enabled" says: so is the
// moderation application id, when it is sent.
func TestIntegrationsModerationApplicationIDIsAUUIDWhenDisabled(t *testing.T) {
	for name, body := range map[string]string{
		"cleanspeak disabled": `{"integrations":{"cleanspeak":{"enabled":false,"usernameModeration":{"enabled":true,"applicationId":"not-a-uuid"}}}}`,
		"moderation disabled": `{"integrations":{"cleanspeak":{"enabled":true,"url":"http://cs","usernameModeration":{"enabled":false,"applicationId":"not-a-uuid"}}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			r := f.do("PUT", "/api/integration", body)
			require.Equal(t, 400, r.Code, "stored a non-UUID moderation application id: %s", r.Body)
			assert.True(t, r.errors(t).Has("[invalid]integrations.cleanspeak.usernameModeration.applicationId"), r.Body)
		})
	}
}

// FusionAuth renders UUIDs in lower case, and every id is stored
// lower-cased: the CleanSpeak application ids too.
func TestIntegrationsCleanSpeakIDsLowerCased(t *testing.T) {
	f := newFixture(t)
	r := f.do("PUT", "/api/integration", `{"integrations":{"cleanspeak":{"enabled":true,"url":"http://cs","applicationIds":["11111111-AAAA-1111-1111-111111111111"],"usernameModeration":{"enabled":true,"applicationId":"27A7E845-79EC-4B24-A36D-66A224055395"}}}}`)
	require.Equal(t, 200, r.Code, r.Body)
	assert.Contains(t, r.Body, `"applicationId":"27a7e845-79ec-4b24-a36d-66a224055395"`)
	assert.Contains(t, r.Body, `"applicationIds":["11111111-aaaa-1111-1111-111111111111"]`)
}

// A merge-form PATCH that spells the alias with a \u escape is merged into
// "cleanspeak", as PUT reads it: the change was dropped with a 200.
func TestIntegrationsPatchEscapedAlias(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, 200, f.do("PUT", "/api/integration", seedIntegrations).Code)
	for _, ct := range []string{"application/json", "application/merge-patch+json"} {
		r := f.do("PATCH", "/api/integration", `{"integrations":{"cleanSpeakConfigur\u0061tion":{"url":"http://`+strings.ReplaceAll(ct, "/", "-")+`.example"}}}`, "Content-Type", ct)
		require.Equal(t, 200, r.Code, r.Body)
		assert.Contains(t, r.Body, `"url":"http://`+strings.ReplaceAll(ct, "/", "-")+`.example"`, ct)
		assert.Contains(t, r.Body, `"apiKey":"97f3d194-ef95-480a-9ee4-eea7dbdc450a"`, "merged, not replaced")
	}
}

// An empty Kafka producer key is refused (docs/DECISIONS.md) with a field
// error on the producer map, and nothing is stored: by PUT, and by a PATCH
// that adds one to a valid configuration.
func TestIntegrationsEmptyProducerKeyRefused(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, 200, f.do("PUT", "/api/integration", seedIntegrations).Code)
	before := f.do("GET", "/api/integration", "").Body
	for _, req := range []struct{ method, body, ct string }{
		{"PUT", `{"integrations":{"kafka":{"enabled":true,"defaultTopic":"t","producer":{"":"x"}}}}`, "application/json"},
		{"PATCH", `{"integrations":{"kafka":{"producer":{" ":"x"}}}}`, "application/merge-patch+json"},
	} {
		r := f.do(req.method, "/api/integration", req.body, "Content-Type", req.ct)
		require.Equal(t, 400, r.Code, "%s: %s", req.method, r.Body)
		assert.Equal(t, []string{"[invalid]integrations.kafka.producer"}, r.errors(t).Codes(), req.method)
		assert.JSONEq(t, before, f.do("GET", "/api/integration", "").Body, "%s: nothing stored", req.method)
	}
}
