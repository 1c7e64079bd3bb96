package httpadapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/internal/pgtest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

// The sweep sends hostile requests to every registered route: whatever the
// request, the answer is below 500 (a panic is a 500), and a 400 carries an
// Errors object.

const (
	sweepUnknown = "0b7c3a8e-1d2f-4e5a-9b6c-7d8e9f0a1b2c"
	sweepTenant  = "e872a880-b14f-6d62-c312-cb40f22af465"
)

type sweepWorld struct {
	t       testing.TB
	engine  *authcore.Engine
	handler *httpadapter.Handler
	ids     map[string]string // wildcard name → a real id
	jwt     string
	locked  string          // key locked to another tenant
	lockDef string          // key locked to the default tenant
	mem     *memstore.Store // for the refusal check, when the store is one
	twitter *twittertest.Server
	last    *string // the snapshot after the last write request
}

func (w *sweepWorld) send(method, target, body string, headers ...string) response {
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	req.Method = method
	req.RequestURI = target
	u, err := req.URL.Parse(target)
	require.NoError(w.t, err)
	req.URL = u
	// Added, not set: a case sends a header twice. A case that sends an
	// Authorization header sends only its own: the fixture's key, added
	// first, would be the one read.
	hasAuth := false
	for i := 0; i+1 < len(headers); i += 2 {
		hasAuth = hasAuth || http.CanonicalHeaderKey(headers[i]) == "Authorization"
	}
	if hasAuth {
		headers = append([]string{"Authorization", ""}, headers...)
	}
	return serveAs(w.handler, req, body != "", true, headers...)
}

func newSweepWorld(t testing.TB, s authcore.Store) *sweepWorld {
	return newSweepWorldKey(t, s, "RS256")
}

// newSweepWorldKey is newSweepWorld with a key of the given algorithm: the
// fuzzer, which builds a world per input, takes HS256 to skip RSA's prime
// search.
func newSweepWorldKey(t testing.TB, s authcore.Store, keyAlgorithm string) *sweepWorld {
	t.Helper()
	ctx := context.Background()
	// A fake Twitter, so that no login of the sweep leaves the machine.
	tw := twittertest.NewServer()
	t.Cleanup(tw.Close)
	tw.AddConsumer("k", "s")
	tw.AddAccount(twittertest.Account{ID: "42", ScreenName: "sweep", Email: "sweep@piedpiper.com"})
	tc, err := twitter.NewClient(twitter.WithBaseURL(tw.URL))
	require.NoError(t, err)
	e, err := authcore.New(ctx, s, authcore.WithLogger(quietLogger()), authcore.WithTwitterClient(tc))
	require.NoError(t, err)
	_, _, err = e.CreateAPIKey(ctx, authcore.NewAPIKey{Key: testKey, KeyManager: true})
	require.NoError(t, err)
	h, err := httpadapter.New(e)
	require.NoError(t, err)
	w := &sweepWorld{t: t, engine: e, handler: h, ids: map[string]string{}, twitter: tw}
	ok := func(r response) response {
		t.Helper()
		require.Less(t, r.Code, 300, r.Body)
		return r
	}
	tenants := ok(w.send("GET", "/api/tenant", "")).body(t)["tenants"].([]any)
	def := tenants[0].(map[string]any)["id"].(string)
	ok(w.send("POST", "/api/application/"+appID, `{"application":{"name":"Sweep","jwtConfiguration":{"enabled":false},"loginConfiguration":{"generateRefreshTokens":true}}}`))
	role := ok(w.send("POST", "/api/application/"+appID+"/role", `{"role":{"name":"admin"}}`)).obj(t, "role")["id"].(string)
	ok(w.send("POST", "/api/user/"+userID, `{"user":{"email":"richard@piedpiper.com"}}`))
	ok(w.send("POST", "/api/user/registration/"+userID, `{"registration":{"applicationId":"`+appID+`","roles":["admin"]}}`))
	ok(w.send("POST", "/api/identity-provider", `{"identityProvider":{"type":"Twitter","buttonText":"b","consumerKey":"k","consumerSecret":"s","enabled":true,"applicationConfiguration":{"`+appID+`":{"enabled":true,"createRegistration":true}}}}`))
	ok(w.send("POST", "/api/tenant/"+sweepTenant, `{"tenant":{"name":"other"}}`))
	keyID := ok(w.send("POST", "/api/key/generate", `{"key":{"algorithm":"`+keyAlgorithm+`","name":"sweep"}}`)).obj(t, "key")["id"].(string)

	tenant, err := s.GetTenant(ctx, def)
	require.NoError(t, err)
	app, err := s.GetApplication(ctx, appID)
	require.NoError(t, err)
	user, err := s.GetUser(ctx, userID)
	require.NoError(t, err)
	reg, err := s.GetRegistration(ctx, userID, appID)
	require.NoError(t, err)
	_, rt, err := e.CreateRefreshToken(ctx, s, tenant, app, user, nil)
	require.NoError(t, err)
	w.jwt, _, err = e.IssueAccessToken(ctx, s, authcore.TokenRequest{Tenant: tenant, Application: app, User: user,
		Registration: reg, AuthenticationType: authcore.AuthenticationTypeTwitter, RefreshTokenID: rt.ID})
	require.NoError(t, err)
	_, w.locked, err = e.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: sweepTenant})
	require.NoError(t, err)
	_, w.lockDef, err = e.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: def})
	require.NoError(t, err)
	spare, _, err := e.CreateAPIKey(ctx, authcore.NewAPIKey{})
	require.NoError(t, err)

	w.ids = map[string]string{
		"applicationId": appID, "roleId": role, "userId": userID, "tenantId": def,
		"keyId": keyID, "tokenId": rt.ID, "id": twitterID, "apiKeyId": spare.ID,
	}
	return w
}

var wildcard = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// fill puts v (or the real id, for ""; its upper case, for "UPPER") in
// every wildcard.
func (w *sweepWorld) fill(path, v string) string {
	return wildcard.ReplaceAllStringFunc(path, func(m string) string {
		id := w.ids[m[1:len(m)-1]]
		switch v {
		case "":
			return id
		case "UPPER":
			return strings.ToUpper(id)
		}
		return v
	})
}

// snapshot is what the memstore holds, event and login records aside.
func (w *sweepWorld) snapshot() string {
	if w.mem == nil {
		return ""
	}
	ctx := context.Background()
	var parts []any
	add := func(v any, _ error) { parts = append(parts, v) }
	add(w.mem.ListTenants(ctx))
	add(w.mem.ListApplications(ctx, ""))
	add(w.mem.ListApplications(ctx, w.ids["tenantId"]))
	add(w.mem.GetUser(ctx, userID))
	add(w.mem.ListRegistrations(ctx, userID))
	add(w.mem.ListLinks(ctx, userID, ""))
	add(w.mem.ListIdentityProviders(ctx))
	add(w.mem.GetIntegrations(ctx))
	add(w.mem.ListAPIKeys(ctx))
	add(w.mem.ListRefreshTokens(ctx, userID))
	add(w.mem.ListKeys(ctx))
	st := w.mem.Stats()
	st.EventLogs, st.LoginRecords = 0, 0
	parts = append(parts, st)
	b, err := json.Marshal(parts)
	require.NoError(w.t, err)
	return string(b)
}

var sweepFields = []string{
	"application", "tenant", "user", "registration", "identityProvider", "integrations", "role", "key",
	"claims", "timeToLiveInSeconds", "keyId", "token", "refreshToken", "applicationId", "userId",
	"identityProviderId", "data", "request", "search", "sendSetPasswordEmail", "skipVerification",
	"skipRegistrationVerification", "noJWT", "encodedJWT", "identityProviderUserId", "displayName",
	"pendingIdPLinkId", "ipAddress", "metaData", "type", "length", "name", "issuer", "algorithm",
	"content", "moderation", "id", "ops", "userIds", "tenantId",
}

// sweepBodies gives the hostile bodies; perField adds a wrong value for each
// top-level field a route may read.
func sweepBodies(perField bool) []string {
	deepArr := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	deepObj := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)
	huge := `{"x":"` + strings.Repeat("a", 1<<20) + `"}`
	bodies := []string{
		`{`, `{"a":}`, `nul`, `null`, `[]`, `[{}]`, `[null]`, `"x"`, `5`, `true`, `{}`, `{}{}`, `{} x`,
		deepArr, deepObj, `1e400`, `-0`, `9007199254740993`, huge, "\xff\xfe", "\x00",
		`[{"op":"replace","path":"/user/email","value":1}]`, `[{"op":"remove","path":""}]`,
		`[{"op":"move","from":"/user","path":"/user/x"}]`, `[{"op":"add","path":"/-","value":1}]`,
		`[{"op":"copy","from":"/a","path":"/b"}]`, `[{"op":"test","path":"/x/0/~2","value":null}]`,
	}
	values := []string{`null`, `1`, `"s"`, `true`, `[]`, `{}`, `1e400`, `9007199254740993`,
		`-1`, `"a\u0000b"`, "\"\xff\"", `{"name":"\u0000","id":"x","email":1,"applicationId":[]}`,
		`{"a":1,"a":2}`, `["\u0000"]`}
	if !perField {
		return bodies
	}
	for _, f := range sweepFields {
		for _, v := range values {
			bodies = append(bodies, `{"`+f+`":`+v+`}`)
		}
		bodies = append(bodies, `{"`+f+`":{},"`+f+`":{}}`)
	}
	return bodies
}

var sweepQueries = []string{
	"?userId=", "?userId=x&userId=y", "?applicationId=null", "?applicationId=", "?kid=", "?kid=%00",
	"?message=*%25_%5C", "?orderBy=", "?orderBy=x%20DESC;--", "?numberOfResults=-1", "?numberOfResults=1e400",
	"?startRow=99999999999", "?startRow=-1", "?start=x&end=-1", "?tenantId=x", "?ids=x&ids=", "?userId=%00",
	"?applicationId=" + strings.Repeat("a", 5000), "?email=%ff", "?queryString=%00", "?token=", "?refreshToken=a&refreshToken=b",
	"?identityProviderId=null&userId=" + sweepUnknown, "?hardDelete=maybe", "?loginId=%00&applicationId=x",
	"?keyId=" + sweepUnknown, "?%zz", "?a=b;c=d", "?userId=" + strings.ToUpper(userID),
}

func sweepAuth(w *sweepWorld) [][]string {
	return [][]string{
		{"Authorization", w.locked},
		{"Authorization", w.lockDef},
		{"Authorization", w.locked, "X-FusionAuth-TenantId", w.ids["tenantId"]},
		{"X-FusionAuth-TenantId", sweepUnknown},
		{"X-FusionAuth-TenantId", "not-a-tenant"},
		{"X-FusionAuth-TenantId", sweepTenant, "X-FusionAuth-TenantId", sweepUnknown},
		{"Authorization", "Bearer " + w.jwt},
		{"Authorization", "Bearer " + w.jwt, "Authorization", testKey},
		{"Authorization", ""},
		{"Authorization", "JWT " + w.jwt},
		{"Authorization", "Basic eDp5"},
		{"Authorization", "\x00"},
	}
}

var sweepContentTypes = []string{
	"", "text/plain", "application/json; charset=utf-16", "application/json; charset=", ";;;",
	"application/merge-patch+json", "application/json-patch+json", "application/json-patch+json; charset=utf-16",
	"application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
}

// check fails on a 500 or a 400 without an Errors object.
func (w *sweepWorld) check(method, target, body string, headers ...string) {
	if w.last == nil {
		s := w.snapshot()
		w.last = &s
	}
	before := *w.last
	r := w.send(method, target, body, headers...)
	desc := fmt.Sprintf("%s %.200q body %.200q headers %q", method, target, body, headers)
	if r.Code >= 500 {
		w.t.Errorf("%d: %s", r.Code, desc)
		return
	}
	if method != "GET" {
		after := w.snapshot()
		if r.Code >= 400 && after != before {
			w.t.Errorf("%d stored something: %s", r.Code, desc)
		}
		w.last = &after
	}
	if r.Code == http.StatusBadRequest && r.Body != "" {
		var v map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.Body), &v); err != nil || (v["fieldErrors"] == nil && v["generalErrors"] == nil) {
			w.t.Errorf("400 without Errors object %q: %s", r.Body, desc)
		}
	}
}

// runSweep sweeps every route (SQLite without the per-field bodies, to keep
// it quick); world gives the world for the next route (a
// fresh one, or the same).
func runSweep(t *testing.T, perField bool, world func() *sweepWorld) {
	w := world()
	patterns := w.handler.Patterns()
	require.NotEmpty(t, patterns)
	// Deletions last: they remove the records the other requests aim at.
	sort.SliceStable(patterns, func(i, j int) bool {
		return !strings.HasPrefix(patterns[i], "DELETE ") && strings.HasPrefix(patterns[j], "DELETE ")
	})
	bodies := sweepBodies(perField)
	fills := []string{"", sweepUnknown, "UPPER", "not-a-uuid", "1", strings.Repeat("x", 4096), "%00", "%2F", ".."}
	n := 0
	for i, p := range patterns {
		if i > 0 {
			w = world()
		}
		auth := sweepAuth(w)
		method, path, _ := strings.Cut(p, " ")
		real := w.fill(path, "")
		for _, f := range fills[1:] {
			target := w.fill(path, f)
			if target == real {
				continue
			}
			w.check(method, target, "")
			w.check(method, target, `{}`)
			w.check(method, target, `{"x":1e400}`)
			n += 3
		}
		for _, q := range sweepQueries {
			w.check(method, real+q, "")
			n++
		}
		for _, h := range auth {
			w.check(method, real, "", h...)
			w.check(method, real, `{}`, h...)
			n += 2
		}
		for _, ct := range sweepContentTypes {
			w.check(method, real, `{"a":1}`, "Content-Type", ct)
			w.check(method, real, `[{"op":"add","path":"/a","value":1}]`, "Content-Type", ct)
			n += 2
		}
		w.check(method, real, "\xfe\xff\x00{\x00}", "Content-Type", "application/json; charset=utf-16")
		n++
		if method == "GET" {
			w.check(method, real, `{`)
			n++
			continue
		}
		for _, b := range bodies {
			w.check(method, real, b)
			n++
		}
	}
	t.Logf("%d routes, %d requests", len(patterns), n)
}

func TestSweepMemstore(t *testing.T) {
	runSweep(t, true, func() *sweepWorld {
		mem := memstore.New()
		w := newSweepWorld(t, mem)
		w.mem = mem
		return w
	})
}

func TestSweepSQLite(t *testing.T) {
	s, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "sweep.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	w := newSweepWorld(t, s)
	runSweep(t, false, func() *sweepWorld { return w })
}

// TestSweepPostgres sweeps on PostgreSQL, per-field bodies included, on one
// world: PostgreSQL refuses text that SQLite and memstore take (U+0000,
// bytes that are not UTF-8), even in a lookup, so a missing guard shows
// here as a 500.
func TestSweepPostgres(t *testing.T) {
	s, err := sqlstore.Open(context.Background(), pgtest.Fresh(t, ""))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	w := newSweepWorld(t, s)
	runSweep(t, true, func() *sweepWorld { return w })
}
