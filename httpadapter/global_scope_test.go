package httpadapter_test

import (
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/store/memstore"
)

// The routes of global objects, which a request scoped to a tenant may not
// use at all (SPEC §1, docs/DECISIONS.md).
var globalPatterns = []string{
	"GET /api/integration", "PUT /api/integration", "PATCH /api/integration",
	"POST /api/identity-provider", "POST /api/identity-provider/{id}",
	"PUT /api/identity-provider", "PUT /api/identity-provider/{id}",
	"PATCH /api/identity-provider", "PATCH /api/identity-provider/{id}",
	"DELETE /api/identity-provider", "DELETE /api/identity-provider/{id}",
	"POST /api/tenant", "POST /api/tenant/{tenantId}", "DELETE /api/tenant/{tenantId}",
	"POST /api/key/generate", "POST /api/key/generate/{keyId}",
	"POST /api/key/import", "POST /api/key/import/{keyId}",
	"GET /api/key", "GET /api/key/{keyId}", "DELETE /api/key/{keyId}",
	"PUT /api/key/{keyId}", "POST /api/key/search", "GET /api/key/search",
	"POST /api/system/event-log/search", "GET /api/system/event-log/search", "GET /api/system/event-log/{id}",
	"POST /api/cleanspeak/notify",
}

// scopedVariants are requests that differ only in what they send: a request
// the route refuses for its scope must be refused the same way whatever it
// sends.
var scopedVariants = []struct {
	name, fill, query, body, contentType string
}{
	{name: "well-formed", body: `{}`, contentType: "application/json"},
	{name: "valid integrations", body: `{"integrations":{"kafka":{"enabled":false}}}`, contentType: "application/json"},
	{name: "no body"},
	{name: "malformed JSON", body: `{`, contentType: "application/json"},
	{name: "wrong type", body: `{"integrations":[],"identityProvider":1,"tenant":"x","key":true,"search":5}`, contentType: "application/json"},
	{name: "text/plain", body: `{}`, contentType: "text/plain"},
	{name: "UTF-16", body: `{}`, contentType: "application/json; charset=utf-16"},
	{name: "bad URI id", fill: "not-a-uuid", body: `{}`, contentType: "application/json"},
	{name: "bad query", query: "?type=Nope&numberOfResults=x&start=y", body: `{}`, contentType: "application/json"},
}

func (w *sweepWorld) sendSet(method, target, body string, headers ...string) response {
	// Set, not added: the key under test replaces the fixture's (send adds,
	// and the fixture's key, sent first, is the one read).
	return serveAs(w.handler, httptest.NewRequest(method, target, strings.NewReader(body)), false, false, headers...)
}

// A request scoped to a tenant is refused on a global route with an empty
// 401 before anything it sent is read: before, PUT /api/integration with a
// tenant-locked key answered {} with 400 [missing]integrations, and the other
// routes answered a malformed body, a wrong content type or a bad id in the
// URI with a 400, showing a key that may not use the endpoint its checks.
func TestGlobalRoutesRefuseScopedRequestsFirst(t *testing.T) {
	// One world for every case: each request is refused, and the snapshot
	// shows that none changed anything.
	mem := memstore.New()
	w := newSweepWorld(t, mem)
	w.mem = mem
	registered := w.handler.Patterns()
	for _, p := range globalPatterns {
		require.Contains(t, registered, p)
	}
	scopes := map[string]func(w *sweepWorld) []string{
		"key locked to the default tenant": func(w *sweepWorld) []string { return []string{"Authorization", w.lockDef} },
		"key locked to another tenant":     func(w *sweepWorld) []string { return []string{"Authorization", w.locked} },
		"tenant header":                    func(w *sweepWorld) []string { return []string{"X-FusionAuth-TenantId", w.ids["tenantId"]} },
	}
	for _, p := range globalPatterns {
		method, path, _ := strings.Cut(p, " ")
		for scopeName, scope := range scopes {
			t.Run(p+"/"+scopeName, func(t *testing.T) {
				before := w.snapshot()
				for _, v := range scopedVariants {
					headers := append(scope(w), "Content-Type", v.contentType)
					r := w.sendSet(method, w.fill(path, v.fill)+v.query, v.body, headers...)
					assert.Equal(t, 401, r.Code, "%s: %s", v.name, r.Body)
					assert.Empty(t, r.Body, v.name)
				}
				assert.Equal(t, before, w.snapshot(), "a refused request stored something")
			})
		}
	}
}

// Every other route that refuses a scoped, well-formed request with 401 does
// so whatever the request sends too: a route of a global object left out of
// the adapter's list fails here.
func TestScopedRefusalDoesNotDependOnTheRequest(t *testing.T) {
	w := newSweepWorld(t, memstore.New())
	patterns := w.handler.Patterns()
	// Deletions last: they remove the records the other requests aim at.
	sort.SliceStable(patterns, func(i, j int) bool {
		return !strings.HasPrefix(patterns[i], "DELETE ") && strings.HasPrefix(patterns[j], "DELETE ")
	})
	for _, p := range patterns {
		if slices.Contains(globalPatterns, p) {
			continue
		}
		method, path, _ := strings.Cut(p, " ")
		for _, scope := range [][]string{{"Authorization", w.lockDef}, {"X-FusionAuth-TenantId", w.ids["tenantId"]}} {
			first := w.sendSet(method, w.fill(path, ""), `{}`, append(scope, "Content-Type", "application/json")...)
			if first.Code != 401 {
				continue
			}
			for _, v := range scopedVariants {
				r := w.sendSet(method, w.fill(path, v.fill)+v.query, v.body, append(scope, "Content-Type", v.contentType)...)
				assert.Equal(t, 401, r.Code, "%s %v %s: %s", p, scope[0], v.name, r.Body)
			}
		}
	}
}
