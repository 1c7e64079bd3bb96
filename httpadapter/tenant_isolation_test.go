package httpadapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// isolationWorld is a deployment of two tenants: A (the default, the
// attacker's) and B (the victim's), with B holding an application with a
// role, a user registered to it through a Twitter login (so a link and a
// refresh token), and an API key locked to B. B's values have twins that
// name nothing: a request aimed at B's object from A's scope must be
// answered exactly as the same request aimed at the twin, or it shows B's
// object, or at least that it exists.
type isolationWorld struct {
	*loginFixture
	b, twin map[string]string // placeholder → B's value, the twin's value
	scopes  map[string][]string
	control []string // a key for every tenant, with B's header
}

func newIsolationWorld(t *testing.T) *isolationWorld {
	f := newLoginFixture(t, providerOpts{})
	ctx := context.Background()
	tenantB := f.newTenant("Victim")
	signer := f.do("POST", "/api/key/generate", `{"key":{"algorithm":"ES256","name":"victim signer"}}`).obj(t, "key")
	appB := f.do("POST", "/api/application", `{"application":{"name":"victim app","roles":[{"name":"secret-role"}],"loginConfiguration":{"generateRefreshTokens":true}}}`,
		"X-FusionAuth-TenantId", tenantB).obj(t, "application")
	f.do("PATCH", "/api/application/"+str(appB, "id"), `{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"`+str(signer, "id")+`"}}}`).obj(t, "application")
	f.do("PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"applicationConfiguration":{"`+str(appB, "id")+`":{"enabled":true}}}}`).obj(t, "identityProvider")
	f.account("7001", "victim", "victim@example.com")
	f.account("7002", "attacker", "attacker@example.com")
	in := decodeLogin(t, f.anon("POST", "/api/identity-provider/login", f.loginBody(str(appB, "id"), "7001", nil)))
	require.NotEmpty(t, in.RefreshToken)
	require.Equal(t, tenantB, in.User.TenantID)
	f.do("PATCH", "/api/user/"+in.User.ID, `{"user":{"username":"victim"}}`).obj(t, "user")
	keyB, _, err := f.engine.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: tenantB})
	require.NoError(t, err)
	a := decodeLogin(t, f.login("7002", nil))
	require.NotEmpty(t, a.Token)
	require.Equal(t, f.tenant, a.User.TenantID)

	_, lockedA, err := f.engine.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: f.tenant, KeyManager: true})
	require.NoError(t, err)
	_, global, err := f.engine.CreateAPIKey(ctx, authcore.NewAPIKey{KeyManager: true})
	require.NoError(t, err)
	role := appB["roles"].([]any)[0].(map[string]any)
	return &isolationWorld{
		loginFixture: f,
		b: map[string]string{
			"{userA}": a.User.ID, "{accessA}": a.Token,
			"{tenant}": tenantB, "{app}": str(appB, "id"), "{role}": str(role, "id"), "{roleName}": "secret-role",
			"{user}": in.User.ID, "{email}": "victim@example.com", "{username}": "victim", "{twUser}": "7001",
			"{tokenId}": in.RefreshTokenID, "{refresh}": in.RefreshToken, "{apiKey}": keyB.ID, "{access}": in.Token,
		},
		twin: map[string]string{
			"{userA}": a.User.ID, "{accessA}": a.Token,
			"{tenant}": "5e1f0c3a-7d2b-4c9e-8a6f-1b2c3d4e5f60", "{app}": "6e1f0c3a-7d2b-4c9e-8a6f-1b2c3d4e5f61",
			"{role}": "7e1f0c3a-7d2b-4c9e-8a6f-1b2c3d4e5f62", "{roleName}": "no-such-role",
			"{user}": "8e1f0c3a-7d2b-4c9e-8a6f-1b2c3d4e5f63", "{email}": "nobody@example.com", "{username}": "nobody",
			"{twUser}": "7999", "{tokenId}": "9e1f0c3a-7d2b-4c9e-8a6f-1b2c3d4e5f64",
			"{refresh}": strings.Repeat("x", len(in.RefreshToken)), "{apiKey}": "ae1f0c3a-7d2b-4c9e-8a6f-1b2c3d4e5f65",
			"{access}": in.Token[:len(in.Token)-4] + "AAAA",
		},
		scopes: map[string][]string{
			"key locked to A": {"Authorization", lockedA},
			"tenant header A": {"Authorization", global, "X-FusionAuth-TenantId", f.tenant},
		},
		control: []string{"Authorization", global, "X-FusionAuth-TenantId", tenantB},
	}
}

func fillPlaceholders(s string, values map[string]string) string {
	for k, v := range values {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

// unfill puts the placeholders back in an answer, so that the answers about
// B's objects and about their twins compare.
func unfill(s string, values map[string]string) string {
	for k, v := range values {
		s = strings.ReplaceAll(s, v, k)
	}
	return s
}

// snapshot is the state a request from A's scope must leave alone (event
// and login records aside).
func (w *isolationWorld) snapshot(t *testing.T) string {
	ctx := context.Background()
	var parts []any
	add := func(v any, err error) {
		require.NoError(t, err)
		parts = append(parts, v)
	}
	add(w.store.ListTenants(ctx))
	add(w.store.ListApplications(ctx, ""))
	add(w.store.GetUser(ctx, w.b["{user}"]))
	add(w.store.ListRegistrations(ctx, w.b["{user}"]))
	add(w.store.ListLinks(ctx, w.b["{user}"], ""))
	add(w.store.ListRefreshTokens(ctx, w.b["{user}"]))
	add(w.store.ListAPIKeys(ctx))
	add(w.store.ListIdentityProviders(ctx))
	st := w.store.Stats()
	st.EventLogs, st.LoginRecords = 0, 0
	parts = append(parts, st)
	b, err := json.Marshal(parts)
	require.NoError(t, err)
	return string(b)
}

// isolationCase is a request from A's scope at B's objects; the
// placeholders are B's values, or their twins'.
type isolationCase struct {
	method, path, body string
	headers            []string // more headers, after the scope's
	// undo is a request the global key sends after each, taking back what
	// it rightly did in A.
	undo string
	// headerOnly: the case replaces the Authorization header, so only the
	// tenant header scopes it.
	headerOnly bool
}

var isolationCases = []isolationCase{
	// Users.
	{method: "GET", path: "/api/user/{user}"},
	{method: "GET", path: "/api/user?email={email}"},
	{method: "GET", path: "/api/user?username={username}"},
	{method: "GET", path: "/api/user?loginId={email}"},
	{method: "GET", path: "/api/user?loginId={username}"},
	{method: "PUT", path: "/api/user/{user}", body: `{"user":{"email":"taken@example.com"}}`},
	{method: "PATCH", path: "/api/user/{user}", body: `{"user":{"fullName":"owned"}}`},
	{method: "PATCH", path: "/api/user/{user}", body: `[{"op":"test","path":"/user/email","value":"{email}"}]`, headers: []string{"Content-Type", "application/json-patch+json"}},
	{method: "DELETE", path: "/api/user/{user}"},
	{method: "DELETE", path: "/api/user/{user}?hardDelete=true"},
	// Registrations.
	{method: "GET", path: "/api/user/registration/{user}/{app}"},
	{method: "POST", path: "/api/user/registration/{user}", body: `{"registration":{"applicationId":"` + loginAppID + `"}}`},
	{method: "POST", path: "/api/user/registration/{user}/" + loginAppID, body: `{"registration":{}}`},
	{method: "POST", path: "/api/user/registration", body: `{"user":{"email":"new@example.com"},"registration":{"applicationId":"{app}"}}`},
	{method: "PUT", path: "/api/user/registration/{user}", body: `{"registration":{"applicationId":"{app}","roles":["{roleName}"]}}`},
	{method: "PATCH", path: "/api/user/registration/{user}/{app}", body: `{"registration":{"roles":["{roleName}"]}}`},
	{method: "DELETE", path: "/api/user/registration/{user}/{app}"},
	// A's own user at B's application.
	{method: "POST", path: "/api/user/registration/{userA}", body: `{"registration":{"applicationId":"{app}","roles":["{roleName}"]}}`},
	{method: "POST", path: "/api/user/registration/{userA}/{app}", body: `{"registration":{}}`},
	{method: "GET", path: "/api/user/registration/{userA}/{app}"},
	// Applications and their roles.
	{method: "GET", path: "/api/application/{app}"},
	{method: "GET", path: "/api/application/{app}?inactive=true"},
	{method: "PUT", path: "/api/application/{app}", body: `{"application":{"name":"owned"}}`},
	{method: "PATCH", path: "/api/application/{app}", body: `{"application":{"name":"owned"}}`},
	{method: "DELETE", path: "/api/application/{app}"},
	{method: "POST", path: "/api/application", body: `{"sourceApplicationId":"{app}","application":{"name":"copy"}}`},
	{method: "POST", path: "/api/application/{app}/role", body: `{"role":{"name":"intruder"}}`},
	{method: "PUT", path: "/api/application/{app}/role/{role}", body: `{"role":{"name":"{roleName}","description":"owned"}}`},
	{method: "PATCH", path: "/api/application/{app}/role/{role}", body: `{"role":{"description":"owned"}}`},
	{method: "DELETE", path: "/api/application/{app}/role/{role}"},
	{method: "DELETE", path: "/api/application/{app}/role?name={roleName}"},
	// Tenants.
	{method: "GET", path: "/api/tenant/{tenant}"},
	{method: "PUT", path: "/api/tenant/{tenant}", body: `{"tenant":{"name":"owned"}}`},
	{method: "PATCH", path: "/api/tenant/{tenant}", body: `{"tenant":{"name":"owned"}}`},
	// Links.
	{method: "GET", path: "/api/identity-provider/link?identityProviderId=" + twitterID + "&identityProviderUserId={twUser}"},
	{method: "GET", path: "/api/identity-provider/link?userId={user}"},
	{method: "DELETE", path: "/api/identity-provider/link?identityProviderId=" + twitterID + "&identityProviderUserId={twUser}&userId={user}"},
	{method: "POST", path: "/api/identity-provider/link", body: `{"identityProviderLink":{"identityProviderId":"` + twitterID + `","identityProviderUserId":"7999","userId":"{user}"}}`},
	// Links are per tenant: B's Twitter account may be linked to a user of
	// A, as if B had no link.
	{method: "POST", path: "/api/identity-provider/link", body: `{"identityProviderLink":{"identityProviderId":"` + twitterID + `","identityProviderUserId":"{twUser}","userId":"{userA}"}}`,
		undo: "DELETE /api/identity-provider/link?identityProviderId=" + twitterID + "&identityProviderUserId={twUser}&userId={userA}"},
	// The login into B's application, and the identity provider as A sees it.
	{method: "POST", path: "/api/identity-provider/login", body: `{"applicationId":"{app}","identityProviderId":"` + twitterID + `","data":{"oauth_token":"t","oauth_token_secret":"s"}}`},
	{method: "GET", path: "/api/identity-provider/" + twitterID},
	{method: "GET", path: "/api/identity-provider"},
	{method: "GET", path: "/api/identity-provider?type=Twitter"},
	{method: "POST", path: "/api/identity-provider/search", body: `{"search":{}}`},
	{method: "GET", path: "/api/identity-provider/search?type=Twitter"},
	// Lists.
	{method: "GET", path: "/api/application"},
	{method: "GET", path: "/api/application?inactive=true"},
	{method: "GET", path: "/api/tenant"},
	// Refresh tokens.
	{method: "GET", path: "/api/jwt/refresh?userId={user}"},
	{method: "GET", path: "/api/jwt/refresh/{tokenId}"},
	{method: "POST", path: "/api/jwt/refresh", body: `{"refreshToken":"{refresh}"}`},
	{method: "DELETE", path: "/api/jwt/refresh/{tokenId}"},
	{method: "DELETE", path: "/api/jwt/refresh?userId={user}"},
	{method: "DELETE", path: "/api/jwt/refresh?applicationId={app}"},
	{method: "DELETE", path: "/api/jwt/refresh?token={refresh}"},
	{method: "DELETE", path: "/api/jwt/refresh", body: `{"token":"{refresh}"}`},
	// A user of A, with its own access token, at B's refresh token.
	{method: "DELETE", path: "/api/jwt/refresh/{tokenId}", headers: []string{"Authorization", "Bearer {accessA}"}},
	{method: "DELETE", path: "/api/jwt/refresh?token={refresh}", headers: []string{"Authorization", "Bearer {accessA}"}},
	{method: "GET", path: "/api/jwt/issue?applicationId={app}", headers: []string{"Authorization", "Bearer {accessA}"}},
	{method: "GET", path: "/api/jwt/issue?applicationId=" + loginAppID + "&refreshToken={refresh}", headers: []string{"Authorization", "Bearer {accessA}"}},
	// B's user's own token, with A's tenant header (the token takes the
	// Authorization header, so no key scopes the request).
	{method: "GET", path: "/api/jwt/validate", headers: []string{"Authorization", "Bearer {access}"}, headerOnly: true},
	// Tokens and keys.
	{method: "GET", path: "/api/jwt/public-key?applicationId={app}"},
	// API keys.
	{method: "GET", path: "/api/api-key/{apiKey}"},
	{method: "PUT", path: "/api/api-key/{apiKey}", body: `{"apiKey":{"description":"owned"}}`},
	{method: "PATCH", path: "/api/api-key/{apiKey}", body: `{"apiKey":{"description":"owned"}}`},
	{method: "DELETE", path: "/api/api-key/{apiKey}"},
	{method: "POST", path: "/api/api-key", body: `{"apiKey":{"tenantId":"{tenant}"}}`},
}

// Every route that names an object of another tenant answers a request
// from tenant A's scope (a key locked to A, or A's tenant header) as it
// answers the same request naming nothing, status and body alike, and
// changes nothing: no object of B can be read, changed, deleted, linked or
// logged into, and none shows that it exists.
func TestTenantIsolationAnswersAsForNothing(t *testing.T) {
	w := newIsolationWorld(t)
	for scopeName, scope := range w.scopes {
		for _, c := range isolationCases {
			if c.headerOnly && scopeName != "tenant header A" {
				continue
			}
			t.Run(scopeName+" "+c.method+" "+c.path, func(t *testing.T) {
				before := w.snapshot(t)
				atB := w.send(c, scope, w.b)
				require.Equal(t, before, w.snapshot(t), "a request at B's objects changed something: %d %s", atB.Code, atB.Body)
				w.assertShowsNothingOfB(t, c, atB.Body)
				atTwin := w.send(c, scope, w.twin)
				assert.Equal(t, comparable(atTwin, w.twin), comparable(atB, w.b),
					"B's objects answered otherwise than objects that do not exist")
			})
		}
	}
}

// send sends c from scope with the values in its placeholders, then its
// undo with the global key.
func (w *isolationWorld) send(c isolationCase, scope []string, values map[string]string) response {
	headers := append([]string{}, scope...)
	for _, h := range c.headers {
		headers = append(headers, fillPlaceholders(h, values))
	}
	r := w.do(c.method, fillPlaceholders(c.path, values), fillPlaceholders(c.body, values), headers...)
	if c.undo != "" {
		method, path, _ := strings.Cut(fillPlaceholders(c.undo, values), " ")
		u := w.do(method, path, "")
		require.Equal(w.t, 200, u.Code, u.Body)
	}
	return r
}

var instants = regexp.MustCompile(`"(insertInstant|lastUpdateInstant)":[0-9]+`)

// comparable is an answer's status and body with the placeholders put back
// and the instants (the clock steps between two requests) left out.
func comparable(r response, values map[string]string) string {
	return fmt.Sprint(r.Code, " ", instants.ReplaceAllString(unfill(r.Body, values), `"$1":0`))
}

// assertShowsNothingOfB fails when an answer holds one of B's values that
// the request did not send.
func (w *isolationWorld) assertShowsNothingOfB(t *testing.T, c isolationCase, body string) {
	t.Helper()
	sent := c.path + c.body + strings.Join(c.headers, " ")
	for k, v := range w.b {
		if w.twin[k] != v && !strings.Contains(sent, k) {
			assert.NotContains(t, body, v, "the answer shows B's %s", k)
		}
	}
}

// The control: a global key does reach B's objects through the reading
// cases above, so their answers at A's scope are refusals, not requests
// that name nothing in any scope.
func TestTenantIsolationCasesReachB(t *testing.T) {
	w := newIsolationWorld(t)
	reached := 0
	for _, c := range isolationCases {
		if c.method != "GET" || !strings.Contains(c.path, "{") || strings.Contains(c.path, "{userA}") || len(c.headers) > 0 {
			continue
		}
		atB := w.send(c, w.control, w.b)
		atTwin := w.send(c, w.control, w.twin)
		assert.NotEqual(t, comparable(atTwin, w.twin), comparable(atB, w.b), "%s %s", c.method, c.path)
		reached++
	}
	assert.Greater(t, reached, 10)
}

// The Twitter account linked in B, whose email is B's user's, logs into
// A's application as a stranger: the login looks for links and users in the
// application's tenant only, so it makes A a user of its own (and then
// finds that one) and leaves B's user, link and tokens alone.
func TestTenantIsolationLoginFindsOnlyTheApplicationsTenant(t *testing.T) {
	w := newIsolationWorld(t)
	before := w.snapshot(t)
	var first string
	for _, scope := range [][]string{{"Authorization", ""}, w.scopes["key locked to A"], {"Authorization", "", "X-FusionAuth-TenantId", w.tenant}} {
		r := w.do("POST", "/api/identity-provider/login", w.loginBody(loginAppID, "7001", nil), scope...)
		require.Equal(t, 200, r.Code, "%q: %s", scope, r.Body)
		out := decodeLogin(t, r)
		assert.Equal(t, w.tenant, out.User.TenantID)
		assert.NotEqual(t, w.b["{user}"], out.User.ID)
		if first == "" {
			first = out.User.ID
		}
		assert.Equal(t, first, out.User.ID)
	}
	// The snapshot's parts about B's user are as they were.
	var was, is []json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(before), &was))
	require.NoError(t, json.Unmarshal([]byte(w.snapshot(t)), &is))
	assert.Equal(t, was[2:6], is[2:6])
}

// Tenant names are unique among all tenants, so a request scoped to A that
// renames A learnt from a [duplicate]tenant.name which names B's tenants
// hold, guessable as names are. Such a request may not rename its tenant
// (a change of case aside, which no other tenant can clash with): a taken
// name and a free one are refused alike. A key for every tenant may.
func TestTenantIsolationScopedRequestCannotRenameItsTenant(t *testing.T) {
	w := newIsolationWorld(t)
	name := func() string {
		ten, err := w.engine.Tenant(context.Background(), w.tenant)
		require.NoError(t, err)
		return ten.Name
	}
	was := name()
	for scopeName, scope := range w.scopes {
		for _, to := range []string{"Victim", "victim", "Free Name"} {
			r := w.do("PATCH", "/api/tenant/"+w.tenant, `{"tenant":{"name":"`+to+`"}}`, scope...)
			r.codes(t, "[invalid]tenant.name")
			assert.Equal(t, was, name(), "%s renamed its tenant to %q", scopeName, to)
		}
		put := w.do("GET", "/api/tenant/"+w.tenant, "", scope...).body(t)
		put["tenant"].(map[string]any)["name"] = strings.ToUpper(was)
		b, err := json.Marshal(put)
		require.NoError(t, err)
		require.Equal(t, 200, w.do("PUT", "/api/tenant/"+w.tenant, string(b), scope...).Code, "%s: the name sent back, in another case", scopeName)
		assert.Equal(t, strings.ToUpper(was), name())
		require.Equal(t, 200, w.do("PATCH", "/api/tenant/"+w.tenant, `{"tenant":{"name":"`+was+`"}}`, scope...).Code)
	}
	w.do("PATCH", "/api/tenant/"+w.tenant, `{"tenant":{"name":"Victim"}}`, w.control[:2]...).codes(t, "[duplicate]tenant.name")
	w.do("PATCH", "/api/tenant/"+w.tenant, `{"tenant":{"name":"Free Name"}}`, w.control[:2]...).obj(t, "tenant")
}
