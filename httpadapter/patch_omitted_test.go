package httpadapter_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An RFC 6902 PATCH can add the first entry of a map or list that the
// resource has empty, and so leaves out of its JSON (the API emits no
// empty members): "add" into it had failed with [invalidJSON] "no member",
// so a client had to know to add the container first.
func TestJSONPatchAddsIntoOmittedEmptyMembers(t *testing.T) {
	const jp = "application/json-patch+json"
	f := newIdPFixture(t)

	// A provider enabled for no application: the map is omitted.
	r := f.do("POST", "/api/identity-provider", `{"identityProvider":{"type":"Twitter","buttonText":"b","consumerKey":"k","consumerSecret":"s","enabled":true}}`)
	require.Equal(t, 200, r.Code, r.Body)
	assert.NotContains(t, r.obj(t, "identityProvider"), "applicationConfiguration")
	idp := f.do("PATCH", "/api/identity-provider/"+twitterID,
		`[{"op":"add","path":"/identityProvider/applicationConfiguration/`+seedAppID+`","value":{"enabled":true,"createRegistration":false}}]`,
		"Content-Type", jp).obj(t, "identityProvider")
	assert.Equal(t, map[string]any{seedAppID: map[string]any{"enabled": true, "createRegistration": false}}, idp["applicationConfiguration"])

	// A user without data, and the first role of an application (one
	// tenant: no tenant header needed).
	f = newFixture(t)
	user := f.do("POST", "/api/user", `{"user":{"email":"omitted@example.com"}}`).obj(t, "user")
	assert.NotContains(t, user, "data")
	user = f.do("PATCH", "/api/user/"+str(user, "id"), `[{"op":"add","path":"/user/data/plan","value":"gold"}]`, "Content-Type", jp).obj(t, "user")
	assert.Equal(t, map[string]any{"plan": "gold"}, user["data"])

	app := f.do("POST", "/api/application", `{"application":{"name":"no roles yet"}}`).obj(t, "application")
	assert.NotContains(t, app, "roles")
	app = f.do("PATCH", "/api/application/"+str(app, "id"), `[{"op":"add","path":"/application/roles/-","value":{"name":"admin"}}]`, "Content-Type", jp).obj(t, "application")
	roles, ok := app["roles"].([]any)
	require.True(t, ok, "roles: %v", app["roles"])
	require.Len(t, roles, 1)
	assert.Equal(t, "admin", roles[0].(map[string]any)["name"])

	// The integrations' Kafka producer properties.
	in := f.do("PATCH", "/api/integration", `[{"op":"add","path":"/integrations/kafka/producer/linger.ms","value":"5"}]`, "Content-Type", jp).obj(t, "integrations")
	assert.Equal(t, map[string]any{"linger.ms": "5"}, in["kafka"].(map[string]any)["producer"])

	// What is not there and is no empty container stays missing.
	f.do("PATCH", "/api/user/"+str(user, "id"), `[{"op":"add","path":"/user/nothing/k","value":1}]`, "Content-Type", jp).codes(t, "[invalidJSON]")
}

// A "test" of an object as GET showed it holds when a later operation of the
// same patch adds into a member the object leaves out because it is empty:
// the usual guard against a concurrent change ("test what I read, then
// change it"). It failed with [JSONPatchTestFailed], because the empty
// member was put in the document, for the later operation, before the test
// ran, and nothing was stored.
func TestJSONPatchTestAsShownThenAddIntoOmittedMember(t *testing.T) {
	const jp = "application/json-patch+json"
	f := newFixture(t)

	kafka := f.do("GET", "/api/integration", "").obj(t, "integrations")["kafka"]
	asRead, err := json.Marshal(kafka)
	require.NoError(t, err)
	in := f.do("PATCH", "/api/integration", `[{"op":"test","path":"/integrations/kafka","value":`+string(asRead)+`},`+
		`{"op":"add","path":"/integrations/kafka/producer/linger.ms","value":"5"}]`, "Content-Type", jp).obj(t, "integrations")
	assert.Equal(t, map[string]any{"linger.ms": "5"}, in["kafka"].(map[string]any)["producer"])

	created := f.do("POST", "/api/application", `{"application":{"name":"no roles yet"}}`).obj(t, "application")
	id := str(created, "id")
	read := f.do("GET", "/api/application/"+id, "")
	require.Equal(t, 200, read.Code, read.Body)
	var shown struct {
		Application json.RawMessage `json:"application"`
	}
	require.NoError(t, json.Unmarshal([]byte(read.Body), &shown))
	app := f.do("PATCH", "/api/application/"+id, `[{"op":"test","path":"/application","value":`+string(shown.Application)+`},`+
		`{"op":"add","path":"/application/roles/-","value":{"name":"admin"}}]`, "Content-Type", jp).obj(t, "application")
	roles, ok := app["roles"].([]any)
	require.True(t, ok, "roles: %v", app["roles"])
	require.Len(t, roles, 1)

	// A test of a value that differs still fails, and stores nothing.
	f.do("PATCH", "/api/application/"+id, `[{"op":"test","path":"/application","value":`+string(shown.Application)+`},`+
		`{"op":"add","path":"/application/data/k","value":1}]`, "Content-Type", jp).codes(t, "[JSONPatchTestFailed]")
	assert.NotContains(t, f.do("GET", "/api/application/"+id, "").obj(t, "application"), "data")
}
