package httpadapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Helpers for the tenant, application, user and registration tests.

// body decodes a JSON response into a generic document.
func (r response) body(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Body), &m), "body %q", r.Body)
	return m
}

// obj returns the object under key in a response, asserting the response is
// a 200 JSON document without nulls.
func (r response) obj(t testing.TB, key string) map[string]any {
	t.Helper()
	require.Equal(t, 200, r.Code, r.Body)
	assert.Contains(t, r.Header.Get("Content-Type"), "application/json")
	doc := r.body(t)
	assertNoNull(t, doc, "")
	m, ok := doc[key].(map[string]any)
	require.True(t, ok, "no %q in %s", key, r.Body)
	return m
}

// assertNoNull fails on any JSON null under v. It walks the decoded
// document rather than searching the text: a PEM's base64 can spell "null"
// after an escaped line break ("\\nullDb…").
func assertNoNull(t testing.TB, v any, path string) {
	t.Helper()
	switch v := v.(type) {
	case nil:
		assert.Failf(t, "null in response", "at %q", path)
	case map[string]any:
		for k, e := range v {
			assertNoNull(t, e, path+"."+k)
		}
	case []any:
		for i, e := range v {
			assertNoNull(t, e, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// codes asserts a 400 with exactly these error codes.
func (r response) codes(t *testing.T, want ...string) {
	t.Helper()
	require.Equal(t, 400, r.Code, r.Body)
	assert.Equal(t, want, r.errors(t).Codes())
}

// empty asserts a status with no body.
func (r response) empty(t *testing.T, status int) {
	t.Helper()
	assert.Equal(t, status, r.Code, r.Body)
	assert.Empty(t, r.Body)
	assert.Empty(t, r.Header.Get("Content-Type"))
}

// lockedKey creates an API key locked to tenantID and returns it.
func (f *fixture) lockedKey(tenantID string) string {
	f.t.Helper()
	_, key, err := f.engine.CreateAPIKey(context.Background(), authcore.NewAPIKey{TenantID: tenantID})
	require.NoError(f.t, err)
	return key
}

// newTenant creates a tenant through the API and returns its id.
func (f *fixture) newTenant(name string) string {
	f.t.Helper()
	r := f.do("POST", "/api/tenant", `{"tenant":{"name":"`+name+`"}}`)
	return r.obj(f.t, "tenant")["id"].(string)
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}
