package multistore_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/authcoretest"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

// The Twitter login and the Link API as random sequences of steps, checked
// after each step against a small model of the tenant: which user each
// Twitter account is linked to, which users exist, what each is registered
// for, which pending links are still usable, and the provider's
// configuration. The rules the model predicts are SPEC §5 and §6 and the
// "The login" and "Links" sections of docs/DECISIONS.md.
//
// AUTHCORE_MODEL_SEED=<n> replays one seed (the failure message names it);
// AUTHCORE_MODEL_RUNS sets how many seeds each store runs (default 4) and
// AUTHCORE_MODEL_STEPS how many steps each takes (default 40).
func TestLoginModel(t *testing.T) {
	runs := 4
	if s := os.Getenv("AUTHCORE_MODEL_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err)
		runs = n
	}
	var seeds []uint64
	if s := os.Getenv("AUTHCORE_MODEL_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
		seeds = []uint64{n}
	} else {
		base := uint64(time.Now().UnixNano())
		for i := range runs {
			seeds = append(seeds, base+uint64(i))
		}
	}
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			for _, seed := range seeds {
				t.Run(fmt.Sprint(seed), func(t *testing.T) {
					t.Logf("seed %d (replay with AUTHCORE_MODEL_SEED=%d)", seed, seed)
					runLoginModel(t, k, seed, modelSteps(t))
				})
			}
		})
	}
}

const (
	modelKey  = "model-api-key-0123456789abcdef"
	modelCK2  = "override-consumer-key"
	modelCS2  = "override-consumer-secret"
	modelRole = "user" // authcoretest's application's default role
)

var modelStrategies = []string{
	"LinkByEmail", "LinkByEmailForExistingUser", "LinkByUsername",
	"LinkByUsernameForExistingUser", "LinkAnonymously", "CreatePendingLink", "Disabled",
}

// modelUser is what the model knows of one user.
type modelUser struct {
	email, username string
	registered      bool
	role            string // the default role when it was registered
	active          bool
}

// modelConfig is the provider's configuration as the last PATCH left it.
type modelConfig struct {
	strategy           string
	appEnabled         bool
	createRegistration bool
	override           bool // the application's own consumer key
	limitOn            bool
	maxLinks           int
	noTenantConfig     bool // no tenantConfiguration for the tenant
}

type loginModel struct {
	t      *testing.T
	rng    *rand.Rand
	ctx    context.Context
	tw     *twittertest.Server
	inner  authcore.Store
	fs     []*faultStore // one per engine, noting the users it creates
	es     []*authcore.Engine
	hs     []http.Handler
	tenant string

	accounts []twittertest.Account
	users    map[string]*modelUser // by id
	links    map[string]string     // Twitter id → user id
	pending  map[string]string     // usable pending link id → Twitter id
	used     []string              // pending link ids taken or gone
	cfg      modelConfig
	gone     bool     // the provider was deleted and not created again
	made     int      // users made by stepNewUser
	role     string   // the application's default role
	log      []string // the steps so far, for the failure message

	beforeRecords, beforeTokens int // of the user a login resolves, before it
}

func runLoginModel(t *testing.T, k storeKind, seed uint64, steps int) {
	ctx := context.Background()
	m := &loginModel{
		t: t, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), ctx: ctx,
		tw: twittertest.NewServer(), users: map[string]*modelUser{},
		links: map[string]string{}, pending: map[string]string{},
	}
	t.Cleanup(m.tw.Close)
	m.tw.AddConsumer(ck, cs)
	m.tw.AddConsumer(modelCK2, modelCS2)
	// Two engines on one database, as two instances of an app: each step
	// goes to either, so that one's configuration cache must see what the
	// other changed.
	open := k.open(t)
	m.inner = open(t)
	for i := range 2 {
		f := &faultStore{Store: open(t), seen: map[string]map[string]bool{}}
		client, err := twitter.NewClient(twitter.WithBaseURL(m.tw.URL), twitter.WithTimeout(10*time.Second))
		require.NoError(t, err)
		e, err := authcore.New(ctx, f, authcore.WithTwitterClient(client),
			authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		require.NoError(t, err)
		h, err := httpadapter.New(e)
		require.NoError(t, err)
		m.fs, m.es, m.hs = append(m.fs, f), append(m.es, e), append(m.hs, h)
		if i == 0 {
			_, err = authcoretest.TwitterLoginApp(ctx, e, appID, ck, cs)
			require.NoError(t, err)
			_, _, err = e.CreateAPIKey(ctx, authcore.NewAPIKey{Key: modelKey})
			require.NoError(t, err)
		}
	}
	tenants, err := m.inner.ListTenants(ctx)
	require.NoError(t, err)
	m.tenant = tenants[0].ID
	m.role = modelRole
	m.cfg = modelConfig{strategy: "LinkByEmail", appEnabled: true, createRegistration: true, maxLinks: 42, noTenantConfig: true}

	// Two users made through the User API, and Twitter accounts that share
	// an email or a username with them, have no email, or both.
	m.apiUser("shared@example.com", "alice")
	m.apiUser("bob@example.com", "bobscreen")
	m.accounts = []twittertest.Account{
		{ID: "101", ScreenName: "tw101", Name: "One", Email: "shared@example.com"},
		{ID: "102", ScreenName: "bobscreen", Name: "Two"},
		{ID: "103", ScreenName: "tw103", Name: "Three", Email: "three@example.com"},
		{ID: "104", ScreenName: "tw104", Name: "Four"},
		{ID: "105", ScreenName: "alice", Name: "Five", Email: "five@example.com"},
		{ID: "106", ScreenName: "BobScreen2", Name: "Six", Email: "BOB@example.com"},
	}
	for _, a := range m.accounts {
		m.tw.AddAccount(a)
	}
	m.log = append(m.log, "setup: "+m.patchProvider())
	m.check("setup")

	for i := range steps {
		var name string
		switch n := m.rng.IntN(100); {
		case n < 45:
			name = m.stepLogin()
		case n < 55:
			name = m.stepCompletePending()
		case n < 65:
			name = m.stepCreateLink()
		case n < 72:
			name = m.stepDeleteLink()
		case n < 75:
			name = m.stepDeleteUser()
		case n < 78:
			name = m.stepNewUser()
		case n < 81:
			name = m.stepDeleteRegistration()
		case n < 85:
			name = m.stepActivation()
		case n < 89:
			name = m.stepChangeUser()
		case n < 91:
			name = m.stepDeleteProvider()
		case n < 93:
			name = m.stepDefaultRole()
		default:
			name = m.patchProvider()
		}
		m.log = append(m.log, fmt.Sprintf("%d: %s", i, name))
		m.check(name)
	}
}

func (m *loginModel) fail(format string, args ...any) {
	m.t.Helper()
	m.t.Fatalf("%s\nsteps so far:\n  %s", fmt.Sprintf(format, args...), strings.Join(m.log, "\n  "))
}

func (m *loginModel) do(method, path, body string, auth bool, contentType string) (int, string) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if auth {
		req.Header.Set("Authorization", modelKey)
	}
	if body != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	m.hs[m.rng.IntN(len(m.hs))].ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// stepNewUser creates a user through the User API, with no email or
// username that a Twitter account has (stepChangeUser gives it one).
func (m *loginModel) stepNewUser() string {
	m.made++
	m.apiUser(fmt.Sprintf("made%d@example.com", m.made), fmt.Sprintf("made%d", m.made))
	return fmt.Sprintf("new user made%d", m.made)
}

func (m *loginModel) apiUser(email, username string) {
	code, body := m.do("POST", "/api/user", fmt.Sprintf(`{"user":{"email":%q,"username":%q}}`, email, username), true, "application/json")
	require.Equal(m.t, 200, code, body)
	var out struct{ User struct{ ID string } }
	require.NoError(m.t, json.Unmarshal([]byte(body), &out))
	m.users[out.User.ID] = &modelUser{email: email, username: username, active: true}
}

// errorCodes lists every code of an Errors object.
func errorCodes(body string) []string {
	var e struct {
		FieldErrors   map[string][]struct{ Code string }
		GeneralErrors []struct{ Code string }
	}
	_ = json.Unmarshal([]byte(body), &e)
	var out []string
	for _, l := range e.FieldErrors {
		for _, x := range l {
			out = append(out, x.Code)
		}
	}
	for _, x := range e.GeneralErrors {
		out = append(out, x.Code)
	}
	sort.Strings(out)
	return out
}

// expectation is what one request must answer: a status and, for 400, the
// error codes (nil: nothing else is checked).
type expectation struct {
	status int
	codes  []string
}

func (m *loginModel) expect(step string, want expectation, code int, body string) {
	m.t.Helper()
	if code != want.status {
		m.fail("%s: status %d, want %d: %s", step, code, want.status, body)
	}
	if want.codes != nil && !slices.Equal(errorCodes(body), want.codes) {
		m.fail("%s: errors %v, want %v: %s", step, errorCodes(body), want.codes, body)
	}
}

func (m *loginModel) patchProvider() string {
	c := modelConfig{
		strategy:           modelStrategies[m.rng.IntN(len(modelStrategies))],
		appEnabled:         m.rng.IntN(6) != 0,
		createRegistration: m.rng.IntN(3) != 0,
		override:           m.rng.IntN(3) == 0,
		limitOn:            m.rng.IntN(2) == 0,
		maxLinks:           1 + m.rng.IntN(3),
	}
	key, secret := "null", "null"
	if c.override {
		key, secret = strconv.Quote(modelCK2), strconv.Quote(modelCS2)
	}
	body := fmt.Sprintf(`{"identityProvider":{"linkingStrategy":%q,
		"applicationConfiguration":{%q:{"enabled":%t,"createRegistration":%t,"consumerKey":%s,"consumerSecret":%s}},
		"tenantConfiguration":{%q:{"limitUserLinkCount":{"enabled":%t,"maximumLinks":%d}}}}}`,
		c.strategy, m.anyCase(appID), c.appEnabled, c.createRegistration, key, secret, m.anyCase(m.tenant), c.limitOn, c.maxLinks)
	// FusionAuth's merge and RFC 7396 read this body alike: maps merge
	// key by key and null removes.
	ct := []string{"application/json", "application/merge-patch+json"}[m.rng.IntN(2)]
	switch m.rng.IntN(5) {
	case 0:
		// No tenant configuration: no limit (FusionAuth's default one).
		body = body[:strings.Index(body, `,
		"tenantConfiguration"`)] + "}}"
		if !m.gone {
			body = strings.TrimSuffix(body, "}}") + `,"tenantConfiguration":null}}`
		}
		c.limitOn, c.maxLinks, c.noTenantConfig = false, 42, true
	case 1:
		// The maximum left out: it stays, or is 42 on a new provider.
		body = strings.Replace(body, fmt.Sprintf(`,"maximumLinks":%d`, c.maxLinks), "", 1)
		c.maxLinks = m.cfg.maxLinks
		if m.gone {
			c.maxLinks = 42
		}
	}
	if m.gone {
		// Created again with the configuration the PATCH would give.
		body = strings.Replace(body, `{"identityProvider":{`, fmt.Sprintf(
			`{"identityProvider":{"type":"Twitter","enabled":true,"buttonText":"Login with Twitter","consumerKey":%q,"consumerSecret":%q,`, ck, cs), 1)
		code, resp := m.do("POST", "/api/identity-provider", body, true, "application/json")
		if code != 200 {
			m.fail("POST provider: %d %s", code, resp)
		}
		m.cfg, m.gone = c, false
		return fmt.Sprintf("create provider %+v", c)
	}
	code, resp := m.do("PATCH", "/api/identity-provider/"+twitter.ProviderID, body, true, ct)
	if code != 200 {
		m.fail("PATCH provider: %d %s", code, resp)
	}
	m.cfg = c
	return fmt.Sprintf("patch %+v", c)
}

// userBy finds a user of the model by email or username, compared as the
// stores compare them.
func (m *loginModel) userBy(email, username string) string {
	for id, u := range m.users {
		if email != "" && strings.EqualFold(u.email, email) || username != "" && strings.EqualFold(u.username, username) {
			return id
		}
	}
	return ""
}

func (m *loginModel) linkCount(userID string) int {
	n := 0
	for _, u := range m.links {
		if u == userID {
			n++
		}
	}
	return n
}

func (m *loginModel) stepLogin() string {
	a := m.accounts[m.rng.IntN(len(m.accounts))]
	noLink, noJWT := m.rng.IntN(5) == 0, m.rng.IntN(4) == 0
	verifier := m.rng.IntN(2) == 0
	wrongConsumer := m.rng.IntN(12) == 0
	consumer := ck
	if m.cfg.override != wrongConsumer {
		consumer = modelCK2
	}
	data := map[string]string{}
	if verifier {
		tok, sec, v := m.tw.IssueRequestToken(consumer, a.ID)
		data["oauth_token"], data["oauth_token_secret"], data["oauth_verifier"] = tok, sec, v
	} else {
		data["oauth_token"], data["oauth_token_secret"] = m.tw.IssueAccessToken(consumer, a.ID)
	}
	req, err := json.Marshal(map[string]any{
		"applicationId": m.anyCase(appID), "identityProviderId": m.anyCase(twitter.ProviderID),
		"data": data, "noLink": noLink, "noJWT": noJWT,
	})
	require.NoError(m.t, err)
	name := fmt.Sprintf("login %s noLink=%t noJWT=%t verifier=%t wrongConsumer=%t", a.ID, noLink, noJWT, verifier, wrongConsumer)

	// What the model expects, and what the login then changes.
	want, userID, newUser := m.predictLogin(a, noLink, wrongConsumer)
	before := m.snapshot()
	if userID != "" {
		m.beforeRecords, m.beforeTokens = m.loginRecords(userID), m.refreshTokens(userID)
	}
	code, body := m.do("POST", "/api/identity-provider/login", string(req), false, "application/json")
	if want.status == 200 && code == 202 {
		want.status = 202 // told apart below, by the registration
	}
	m.expect(name, want, code, body)
	switch code {
	case 200, 202:
	case 232:
		var out struct{ PendingIdPLinkID string }
		require.NoError(m.t, json.Unmarshal([]byte(body), &out))
		if out.PendingIdPLinkID == "" {
			m.fail("%s: 232 without pendingIdPLinkId: %s", name, body)
		}
		m.pending[strings.ToLower(out.PendingIdPLinkID)] = a.ID
		// A pending link is no user, registration, link or login.
		m.sameAs(name, before)
		return name
	default:
		if code == 401 && body != "" || code == 409 && body != "" || code == 404 && body != "" {
			m.fail("%s: %d with a body: %s", name, code, body)
		}
		m.sameAs(name, before)
		return name
	}

	var out struct {
		Token, RefreshToken    string
		TokenExpirationInstant int64
		User                   struct {
			ID, Email, Username string
			Registrations       []struct {
				ApplicationID string
				Roles         []string
			}
		}
	}
	require.NoError(m.t, json.Unmarshal([]byte(body), &out))
	if newUser != nil {
		userID = out.User.ID
		if _, ok := m.users[userID]; ok || userID == "" {
			m.fail("%s: a new user was expected, got %q", name, userID)
		}
		m.users[userID] = newUser
	} else if out.User.ID != userID {
		m.fail("%s: logged in as %s, want %s", name, out.User.ID, userID)
	}
	u := m.users[userID]
	m.links[a.ID] = userID
	m.checkLoginWrites(name, a, userID, before, newUser != nil, newUser != nil && m.cfg.strategy != "LinkAnonymously", data["oauth_token"], verifier)
	if !u.registered && m.cfg.createRegistration {
		u.registered, u.role = true, m.role
	}
	if wantCode := map[bool]int{true: 200, false: 202}[u.registered]; code != wantCode {
		m.fail("%s: status %d, want %d (registered %t)", name, code, wantCode, u.registered)
	}
	// The body's user is the user as stored, with its registrations.
	if !strings.EqualFold(out.User.Email, u.email) || !strings.EqualFold(out.User.Username, u.username) {
		m.fail("%s: body's user is %q/%q, model %+v", name, out.User.Email, out.User.Username, *u)
	}
	if len(out.User.Registrations) != btoi(u.registered) {
		m.fail("%s: body's user has %d registrations, registered %t: %s", name, len(out.User.Registrations), u.registered, body)
	}
	for _, r := range out.User.Registrations {
		if r.ApplicationID != appID || !slices.Equal(r.Roles, []string{u.role}) {
			m.fail("%s: body's registration %+v, want role %s", name, r, u.role)
		}
	}
	if (out.Token != "") != (out.TokenExpirationInstant != 0) {
		m.fail("%s: token %q with expiration %d", name, out.Token, out.TokenExpirationInstant)
	}
	switch {
	case noJWT:
		if out.Token != "" || out.RefreshToken != "" {
			m.fail("%s: noJWT gave a token: %s", name, body)
		}
	default:
		claims, err := m.es[m.rng.IntN(len(m.es))].ValidateLoginToken(m.ctx, out.Token)
		if err != nil {
			m.fail("%s: token does not verify: %v", name, err)
		}
		if claims["sub"] != userID {
			m.fail("%s: token names %v, want %s", name, claims["sub"], userID)
		}
		roles, _ := claims["roles"].([]any)
		if u.registered != slices.Contains(roles, any(u.role)) || len(roles) > 1 {
			m.fail("%s: token roles %v, registered %t", name, roles, u.registered)
		}
		if (out.RefreshToken != "") != u.registered {
			m.fail("%s: refresh token %q, registered %t", name, out.RefreshToken, u.registered)
		}
		if n, was := m.refreshTokens(userID), m.beforeTokens*btoi(newUser == nil); out.RefreshToken != "" && n != was+1 {
			m.fail("%s: %d refresh tokens, %d before", name, n, was)
		}
	}
	return name
}

// predictLogin answers what a login of a must answer. For a login that
// resolves a user it returns 200 (the caller tells 200 from 202) and the
// user's id, or the model of the user it creates.
func (m *loginModel) predictLogin(a twittertest.Account, noLink, wrongConsumer bool) (expectation, string, *modelUser) {
	if m.gone || !m.cfg.appEnabled {
		return expectation{400, []string{"[InvalidIdentityProviderId]"}}, "", nil
	}
	if wrongConsumer {
		return expectation{401, nil}, "", nil
	}
	refused := func(reason string) expectation {
		return expectation{400, []string{"[ExternalAuthenticationException]" + reason}}
	}
	resolved := func(id string) (expectation, string, *modelUser) {
		if !m.users[id].active {
			return expectation{409, nil}, "", nil
		}
		return expectation{200, nil}, id, nil
	}
	if id, ok := m.links[a.ID]; ok {
		return resolved(id)
	}
	if noLink {
		return expectation{404, nil}, "", nil
	}
	var match string
	switch m.cfg.strategy {
	case "Disabled":
		return expectation{404, nil}, "", nil
	case "CreatePendingLink":
		return expectation{232, nil}, "", nil
	case "LinkAnonymously":
		return expectation{200, nil}, "", &modelUser{active: true}
	case "LinkByEmail", "LinkByEmailForExistingUser":
		if a.Email == "" {
			return refused("MissingEmail"), "", nil
		}
		match = m.userBy(a.Email, "")
	default:
		match = m.userBy("", a.ScreenName)
	}
	if match != "" {
		if m.linkCount(match) > 0 {
			return refused("ExistingUserAlreadyLinked"), "", nil
		}
		return resolved(match)
	}
	if strings.HasSuffix(m.cfg.strategy, "ForExistingUser") {
		return expectation{404, nil}, "", nil
	}
	nu := &modelUser{email: a.Email, active: true}
	if strings.HasPrefix(m.cfg.strategy, "LinkByUsername") {
		nu.username = a.ScreenName
		if a.Email != "" && m.userBy(a.Email, "") != "" {
			// Another user holds the Twitter account's email.
			return expectation{400, []string{"[duplicate]user.email"}}, "", nil
		}
	}
	return expectation{200, nil}, "", nu
}

// someUser picks a user of the model, or now and then an unknown id.
func (m *loginModel) someUser() string {
	ids := make([]string, 0, len(m.users))
	for id := range m.users {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if len(ids) == 0 || m.rng.IntN(10) == 0 {
		return "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
	}
	return ids[m.rng.IntN(len(ids))]
}

// limitRefuses tells whether the tenant's limit refuses one more link for
// user.
func (m *loginModel) limitRefuses(user string) bool {
	return m.cfg.limitOn && m.linkCount(user) >= m.cfg.maxLinks
}

func (m *loginModel) stepCompletePending() string {
	ids := make([]string, 0, len(m.pending))
	for id := range m.pending {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ids = append(ids, m.used...)
	if len(ids) == 0 {
		return m.stepLogin()
	}
	id := ids[m.rng.IntN(len(ids))]
	user := m.someUser()
	name := fmt.Sprintf("complete pending %s for %s", id, user)
	acct, usable := m.pending[id]
	var want expectation
	switch {
	case !usable:
		want = expectation{400, []string{"[InvalidPendingIdPLinkId]"}}
	case m.users[user] == nil:
		want = expectation{400, []string{"[invalid]identityProviderLink.userId"}}
	case m.links[acct] != "":
		want = expectation{400, []string{"[duplicate]identityProviderLink.identityProviderUserId"}}
	case m.limitRefuses(user):
		want = expectation{400, []string{"[LinkCountExceeded]"}}
	default:
		want = expectation{200, nil}
	}
	if usable && m.users[user] != nil {
		// The retrieve counts the user's links, for the app to tell
		// whether the completion would pass the limit.
		code, body := m.do("GET", "/api/identity-provider/link/pending/"+m.anyCase(id)+"?userId="+m.anyCase(user), "", true, "")
		var out struct {
			LinkCount                           *int
			PendingIdPLink                      struct{ IdentityProviderUserID string }
			IdentityProviderTenantConfiguration *struct {
				LimitUserLinkCount struct {
					Enabled      bool
					MaximumLinks int
				}
			}
		}
		_ = json.Unmarshal([]byte(body), &out)
		if code != 200 || out.LinkCount == nil || *out.LinkCount != m.linkCount(user) || out.PendingIdPLink.IdentityProviderUserID != acct {
			m.fail("%s: retrieve: %d %s, want linkCount %d for account %s", name, code, body, m.linkCount(user), acct)
		}
		// The tenant's policy is shown only when the provider has one for
		// it (PendingLink's rule).
		switch tc := out.IdentityProviderTenantConfiguration; {
		case (tc == nil) != m.cfg.noTenantConfig:
			m.fail("%s: retrieve: tenant configuration %v, model %+v: %s", name, tc != nil, m.cfg, body)
		case tc != nil && (tc.LimitUserLinkCount.Enabled != m.cfg.limitOn || tc.LimitUserLinkCount.MaximumLinks != m.cfg.maxLinks):
			m.fail("%s: retrieve: tenant configuration %+v, model %+v: %s", name, tc.LimitUserLinkCount, m.cfg, body)
		}
	}
	before := m.snapshot()
	code, body := m.do("POST", "/api/identity-provider/link",
		fmt.Sprintf(`{"pendingIdPLinkId":%q,"identityProviderLink":{"userId":%q}}`, m.anyCase(id), m.anyCase(user)), true, "application/json")
	m.expect(name, want, code, body)
	if code == 200 {
		m.links[acct] = user
		delete(m.pending, id)
		m.used = append(m.used, id)
	} else {
		// A refused completion leaves the pending link usable.
		m.sameAs(name, before)
	}
	return name
}

func (m *loginModel) stepCreateLink() string {
	a := m.accounts[m.rng.IntN(len(m.accounts))]
	user := m.someUser()
	if m.rng.IntN(2) == 0 {
		// The user with the most links, to reach the limit often.
		for id := range m.users {
			if n, best := m.linkCount(id), m.linkCount(user); n > best || n == best && id < user {
				user = id
			}
		}
	}
	name := fmt.Sprintf("link %s to %s", a.ID, user)
	var want expectation
	switch {
	case m.users[user] == nil:
		want = expectation{400, []string{"[invalid]identityProviderLink.userId"}}
	case m.gone:
		want = expectation{400, []string{"[invalid]identityProviderLink.identityProviderId"}}
	case m.links[a.ID] != "":
		want = expectation{400, []string{"[duplicate]identityProviderLink.identityProviderUserId"}}
	case m.limitRefuses(user):
		want = expectation{400, []string{"[LinkCountExceeded]"}}
	default:
		want = expectation{200, nil}
	}
	before := m.snapshot()
	code, body := m.do("POST", "/api/identity-provider/link", fmt.Sprintf(
		`{"identityProviderLink":{"identityProviderId":%q,"identityProviderUserId":%q,"userId":%q,"displayName":"made by the API"}}`,
		m.anyCase(twitter.ProviderID), a.ID, m.anyCase(user)), true, "application/json")
	m.expect(name, want, code, body)
	if code == 200 {
		m.links[a.ID] = user
	} else {
		m.sameAs(name, before)
	}
	return name
}

func (m *loginModel) stepDeleteLink() string {
	a := m.accounts[m.rng.IntN(len(m.accounts))]
	user := m.links[a.ID]
	if user == "" || m.rng.IntN(4) == 0 {
		user = m.someUser()
	}
	name := fmt.Sprintf("unlink %s from %s", a.ID, user)
	code, body := m.do("DELETE", fmt.Sprintf("/api/identity-provider/link?identityProviderId=%s&identityProviderUserId=%s&userId=%s",
		m.anyCase(twitter.ProviderID), a.ID, m.anyCase(user)), "", true, "")
	want := 404
	if m.links[a.ID] == user && user != "" {
		want = 200
	}
	m.expect(name, expectation{want, nil}, code, body)
	if code == 200 {
		var out struct {
			IdentityProviderLink struct{ IdentityProviderUserID, UserID string }
		}
		require.NoError(m.t, json.Unmarshal([]byte(body), &out))
		if out.IdentityProviderLink.IdentityProviderUserID != a.ID || out.IdentityProviderLink.UserID != user {
			m.fail("%s: answered another link: %s", name, body)
		}
		delete(m.links, a.ID)
	}
	return name
}

func (m *loginModel) stepDeleteUser() string {
	user := m.someUser()
	name := "delete user " + user
	code, body := m.do("DELETE", "/api/user/"+m.anyCase(user)+"?hardDelete=true", "", true, "")
	want := 404
	if m.users[user] != nil {
		want = 200
	}
	m.expect(name, expectation{want, nil}, code, body)
	if code == 200 {
		delete(m.users, user)
		for acct, u := range m.links {
			if u == user {
				delete(m.links, acct)
			}
		}
	}
	return name
}

func (m *loginModel) stepDeleteRegistration() string {
	user := m.someUser()
	name := "delete registration of " + user
	code, body := m.do("DELETE", "/api/user/registration/"+user+"/"+appID, "", true, "")
	want := 404
	if u := m.users[user]; u != nil && u.registered {
		want = 200
	}
	m.expect(name, expectation{want, nil}, code, body)
	if code == 200 {
		m.users[user].registered = false
	}
	return name
}

// stepActivation deactivates an active user or reactivates an inactive
// one: an inactive user's login is 409 and writes nothing.
func (m *loginModel) stepActivation() string {
	user := m.someUser()
	u := m.users[user]
	if u == nil {
		return "activation of an unknown user (skipped)"
	}
	var code int
	var body string
	if u.active {
		code, body = m.do("DELETE", "/api/user/"+user, "", true, "")
	} else {
		code, body = m.do("PUT", "/api/user/"+user+"?reactivate=true", "", true, "")
	}
	name := fmt.Sprintf("activation of %s (was active %t)", user, u.active)
	m.expect(name, expectation{200, nil}, code, body)
	u.active = !u.active
	return name
}

// snapshot is everything of the tenant's users a login could write: each
// user ever created (the store wrapper notes every id a transaction
// created, kept or rolled back), with its registrations, links, refresh
// tokens and login records, and every Twitter account's link.
func (m *loginModel) snapshot() string {
	var b strings.Builder
	users := m.notedUsers()
	for _, id := range users {
		u, err := m.inner.GetUser(m.ctx, id)
		if errors.Is(err, authcore.ErrNotFound) {
			continue // rolled back, or deleted
		}
		require.NoError(m.t, err)
		j, _ := json.Marshal(u)
		fmt.Fprintf(&b, "user %s\n", j)
		regs, err := m.inner.ListRegistrations(m.ctx, id)
		require.NoError(m.t, err)
		j, _ = json.Marshal(regs)
		fmt.Fprintf(&b, "  registrations %s\n", j)
		links, err := m.inner.ListLinks(m.ctx, id, "")
		require.NoError(m.t, err)
		j, _ = json.Marshal(links)
		fmt.Fprintf(&b, "  links %s\n", j)
		rts, err := m.inner.ListRefreshTokens(m.ctx, id)
		require.NoError(m.t, err)
		fmt.Fprintf(&b, "  refresh tokens %d\n", len(rts))
		fmt.Fprintf(&b, "  login records %d\n", m.loginRecords(id))
	}
	for _, a := range m.accounts {
		l, err := m.inner.GetLink(m.ctx, m.tenant, twitter.ProviderID, a.ID)
		if err == nil {
			fmt.Fprintf(&b, "account %s → %s\n", a.ID, l.UserID)
		}
	}
	return b.String()
}

func (m *loginModel) loginRecords(userID string) int {
	switch s := m.inner.(type) {
	case *memstore.Store:
		return len(s.LoginRecords(userID))
	case *sqlstore.Store:
		r, err := s.LoginRecords(m.ctx, userID)
		require.NoError(m.t, err)
		return len(r)
	}
	m.t.Fatalf("no login records on %T", m.inner)
	return 0
}

func (m *loginModel) sameAs(step, before string) {
	m.t.Helper()
	if after := m.snapshot(); after != before {
		b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
		var diff []string
		for _, l := range b {
			if !slices.Contains(a, l) {
				diff = append(diff, "- "+l)
			}
		}
		for _, l := range a {
			if !slices.Contains(b, l) {
				diff = append(diff, "+ "+l)
			}
		}
		m.fail("%s: a refused step wrote:\n%s", step, strings.Join(diff, "\n"))
	}
}

// check compares the store with the model.
func (m *loginModel) check(step string) {
	m.t.Helper()
	// Users: exactly the model's, with its email, username and state.
	for _, id := range m.notedUsers() {
		_, err := m.inner.GetUser(m.ctx, id)
		if (err == nil) != (m.users[id] != nil) {
			m.fail("%s: user %s in store: %v, in model: %t", step, id, err, m.users[id] != nil)
		}
	}
	for id, mu := range m.users {
		u, err := m.inner.GetUser(m.ctx, id)
		if err != nil {
			m.fail("%s: user %s of the model: %v", step, id, err)
		}
		if !strings.EqualFold(u.Email, mu.email) || !strings.EqualFold(u.Username, mu.username) || u.Active != mu.active {
			m.fail("%s: user %s is %q/%q active %t, model %+v", step, id, u.Email, u.Username, u.Active, *mu)
		}
		regs, err := m.inner.ListRegistrations(m.ctx, id)
		require.NoError(m.t, err)
		if (len(regs) == 1) != mu.registered || len(regs) > 1 {
			m.fail("%s: user %s has %d registrations, model registered %t", step, id, len(regs), mu.registered)
		}
		for _, r := range regs {
			if r.ApplicationID != appID || !slices.Equal(r.Roles, []string{mu.role}) {
				m.fail("%s: user %s registration %+v, want role %s", step, id, r, mu.role)
			}
		}
		links, err := m.inner.ListLinks(m.ctx, id, twitter.ProviderID)
		require.NoError(m.t, err)
		if len(links) != m.linkCount(id) {
			m.fail("%s: user %s has %d links, model %d", step, id, len(links), m.linkCount(id))
		}
		code, body := m.do("GET", "/api/identity-provider/link?identityProviderId="+m.anyCase(twitter.ProviderID)+"&userId="+m.anyCase(id), "", true, "")
		var got struct {
			IdentityProviderLinks []struct{ IdentityProviderUserID, UserID string }
		}
		_ = json.Unmarshal([]byte(body), &got)
		if code != 200 || len(got.IdentityProviderLinks) != m.linkCount(id) {
			m.fail("%s: GET links of %s: %d %s, model %d", step, id, code, body, m.linkCount(id))
		}
		// The limit holds for whatever the store has, as the model was
		// built: only a lowered limit may leave a user above it.
		for _, l := range links {
			if m.links[l.IdentityProviderUserID] != id {
				m.fail("%s: user %s has a link to %s, model says %q", step, id, l.IdentityProviderUserID, m.links[l.IdentityProviderUserID])
			}
		}
	}
	// At most one link per Twitter account, the model's, and the Link API
	// finds it, for its user only.
	for _, a := range m.accounts {
		q := "/api/identity-provider/link?identityProviderId=" + twitter.ProviderID + "&identityProviderUserId=" + a.ID
		code, body := m.do("GET", q, "", true, "")
		var got struct{ IdentityProviderLink struct{ UserID string } }
		_ = json.Unmarshal([]byte(body), &got)
		if want := m.links[a.ID]; (want == "") != (code == 404) || want != "" && (code != 200 || got.IdentityProviderLink.UserID != want) {
			m.fail("%s: GET link of %s: %d %s, model %q", step, a.ID, code, body, want)
		}
		if other := m.someUser(); other != m.links[a.ID] {
			if code, body := m.do("GET", q+"&userId="+m.anyCase(other), "", true, ""); code != 404 || body != "" {
				m.fail("%s: GET link of %s for another user %s: %d %s", step, a.ID, other, code, body)
			}
		}
		l, err := m.inner.GetLink(m.ctx, m.tenant, twitter.ProviderID, a.ID)
		switch {
		case err == nil && l.UserID != m.links[a.ID]:
			m.fail("%s: account %s linked to %s, model %q", step, a.ID, l.UserID, m.links[a.ID])
		case err != nil && m.links[a.ID] != "":
			m.fail("%s: account %s not linked (%v), model %s", step, a.ID, err, m.links[a.ID])
		}
	}
}

// modelSteps is the number of steps of one run: AUTHCORE_MODEL_STEPS, or
// 40, few enough for CI.
func modelSteps(t *testing.T) int {
	if s := os.Getenv("AUTHCORE_MODEL_STEPS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err)
		return n
	}
	return 40
}

func (m *loginModel) refreshTokens(userID string) int {
	rts, err := m.inner.ListRefreshTokens(m.ctx, userID)
	require.NoError(m.t, err)
	return len(rts)
}

// checkLoginWrites checks what a successful login of a as userID wrote:
// one login record, a refresh token when one was returned, the link's
// token, display name and last login, and, for a user it created under
// a strategy other than LinkAnonymously, the screen name on the
// registration.
func (m *loginModel) checkLoginWrites(step string, a twittertest.Account, userID, before string, isNew, created bool, requestToken string, verifier bool) {
	m.t.Helper()
	if !isNew { // an existing user: compare with before
		if n := m.loginRecords(userID); n != m.beforeRecords+1 {
			m.fail("%s: %d login records, %d before", step, n, m.beforeRecords)
		}
	} else if n := m.loginRecords(userID); n != 1 {
		m.fail("%s: a new user with %d login records", step, n)
	}
	l, err := m.inner.GetLink(m.ctx, m.tenant, twitter.ProviderID, a.ID)
	if err != nil {
		m.fail("%s: no link after the login: %v", step, err)
	}
	wantName := cmp.Or(a.Email, a.ScreenName)
	if !strings.Contains(before, `"identityProviderUserId":"`+a.ID+`"`) && l.DisplayName != wantName {
		m.fail("%s: new link's displayName %q, want %q", step, l.DisplayName, wantName)
	}
	if l.Token == "" || (!verifier && l.Token != requestToken) || l.LastLoginInstant == 0 {
		m.fail("%s: link token %q (sent %q, verifier %t), lastLoginInstant %d", step, l.Token, requestToken, verifier, l.LastLoginInstant)
	}
	if created {
		regs, err := m.inner.ListRegistrations(m.ctx, userID)
		require.NoError(m.t, err)
		for _, r := range regs {
			if r.Username != a.ScreenName {
				m.fail("%s: registration username %q, want %q", step, r.Username, a.ScreenName)
			}
		}
	}
}

// notedUsers lists every user id an engine's transaction created.
func (m *loginModel) notedUsers() []string {
	var ids []string
	for _, f := range m.fs {
		ids = append(ids, f.noted("user")...)
	}
	sort.Strings(ids)
	return slices.Compact(ids)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// stepDeleteProvider deletes the provider, which takes its links and
// pending links with it; the next configuration step creates it again.
func (m *loginModel) stepDeleteProvider() string {
	if m.gone {
		return m.patchProvider()
	}
	code, body := m.do("DELETE", "/api/identity-provider/"+twitter.ProviderID, "", true, "")
	m.expect("delete provider", expectation{200, nil}, code, body)
	m.gone = true
	clear(m.links)
	for id := range m.pending {
		m.used = append(m.used, id)
	}
	clear(m.pending)
	return "delete provider"
}

// flipCase changes the case of s at random: the stores compare emails and
// usernames in any case.
func (m *loginModel) flipCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		if m.rng.IntN(3) == 0 {
			switch {
			case 'a' <= c && c <= 'z':
				b[i] = c - 32
			case 'A' <= c && c <= 'Z':
				b[i] = c + 32
			}
		}
	}
	return string(b)
}

// stepChangeUser gives a user a Twitter account's email or screen name (as
// its username) through the User API, so that a later login finds the user
// by it.
func (m *loginModel) stepChangeUser() string {
	user := m.someUser()
	mu := m.users[user]
	a := m.accounts[m.rng.IntN(len(m.accounts))]
	field, value := "email", a.Email
	if value == "" || m.rng.IntN(2) == 0 {
		field, value = "username", a.ScreenName
	}
	value = m.flipCase(value)
	name := fmt.Sprintf("set %s of %s to %q", field, user, value)
	if mu == nil {
		return name + " (unknown user, skipped)"
	}
	holder := m.userBy(value, "")
	if field == "username" {
		holder = m.userBy("", value)
	}
	want := expectation{200, nil}
	if holder != "" && holder != user {
		want = expectation{400, []string{"[duplicate]user." + field}}
	}
	code, body := m.do("PATCH", "/api/user/"+user, fmt.Sprintf(`{"user":{%q:%q}}`, field, value), true, "application/json")
	m.expect(name, want, code, body)
	if code == 200 {
		if field == "email" {
			mu.email = value
		} else {
			mu.username = value
		}
	}
	return name
}

// stepDefaultRole makes the application's other role its default: a
// registration a login creates afterwards has that one, and those made
// before keep theirs.
func (m *loginModel) stepDefaultRole() string {
	next := map[string]string{modelRole: "member", "member": modelRole}[m.role]
	body := fmt.Sprintf(`{"application":{"name":"twitter login","loginConfiguration":{"generateRefreshTokens":true},
		"roles":[{"name":%q,"isDefault":true},{"name":%q}]}}`, next, m.role)
	code, resp := m.do("PUT", "/api/application/"+appID, body, true, "application/json")
	m.expect("default role "+next, expectation{200, nil}, code, resp)
	m.role = next
	return "default role " + next
}

// anyCase upper-cases an id now and then: ids are taken in any case
// (docs/DECISIONS.md), and a client may print them so.
func (m *loginModel) anyCase(id string) string {
	if m.rng.IntN(3) == 0 {
		return strings.ToUpper(id)
	}
	return id
}
