package httpadapter_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/events/kafka"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/integration/cleanspeak/cleanspeaktest"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/internal/logtest"
)

// secretsAudit collects every secret a test hands out or is handed, and
// every text that must not hold one.
type secretsAudit struct {
	t       *testing.T
	secrets map[string]string // value -> what it is
	texts   []string          // "<where>: <text>"
}

func (a *secretsAudit) secret(what, value string) {
	a.t.Helper()
	require.NotEmpty(a.t, value, what)
	a.secrets[value] = what
}

func (a *secretsAudit) text(where, s string) { a.texts = append(a.texts, where+": "+s) }

// check reports each secret found in a text, in any of the forms a log
// line or a JSON body could give it.
func (a *secretsAudit) check() {
	a.t.Helper()
	for value, what := range a.secrets {
		forms := []string{value}
		if js, _ := json.Marshal(value); len(js) > 2 {
			forms = append(forms, string(js[1:len(js)-1]))
		}
		if q := url.QueryEscape(value); q != value {
			forms = append(forms, q)
		}
		for _, text := range a.texts {
			for _, form := range forms {
				if strings.Contains(text, form) {
					a.t.Errorf("%s leaked in %.2000s", what, text)
					break
				}
			}
		}
	}
}

// Every secret the flows handle (the consumer secrets, Twitter's tokens,
// secrets and verifiers, the access token kept on a link, API keys, the
// JWTs and refresh tokens issued, signing key material, the CleanSpeak API
// key, Kafka's SASL and SSL passwords) stays out of the logs of the engine,
// the adapter and the Kafka publisher (at Debug), out of every event, out
// of the event log, and out of every answer that is not one of those that
// FusionAuth documents as carrying the value (the login's and refresh's
// tokens, the provider's consumer secrets, the integrations' settings, the
// link's token). The flows include Twitter's failures, bad signatures,
// pending links, key imports that fail, and CleanSpeak and Kafka failing.
func TestSecretsNeverLeak(t *testing.T) {
	ctx := context.Background()
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	textLogs := &logtest.Buffer{}
	log = slog.New(teeHandler{log.Handler(), slog.NewTextHandler(textLogs, &slog.HandlerOptions{Level: slog.LevelDebug})})

	const csKey = "CLEANSPEAK-API-KEY-VALUE-1234"
	cs := cleanspeaktest.NewServer(csKey)
	t.Cleanup(cs.Close)
	csClient, err := cleanspeak.NewClient(cleanspeak.WithTimeout(5 * time.Second))
	require.NoError(t, err)
	pub := kafka.NewPublisher(kafka.WithLogger(log))
	collector := &eventstest.Collector{}
	f := newLoginFixture(t, providerOpts{debug: true},
		authcore.WithLogger(log), authcore.WithEventSubscriber(collector.Subscriber),
		authcore.WithRelay(eventstest.FastRelay), authcore.WithCleanSpeakClient(csClient),
		authcore.WithKafkaPublisher(pub))
	h, err := httpadapter.New(f.engine, httpadapter.WithLogger(log))
	require.NoError(t, err)
	f.handler = h
	runRelay(t, f.engine)

	a := &secretsAudit{t: t, secrets: map[string]string{}}
	a.secret("the API key", testKey)
	a.secret("the consumer secret", consumerSec)
	a.secret("the application's consumer secret", overrideSec)
	a.secret("the CleanSpeak API key", csKey)

	// allowed answers are those FusionAuth documents as carrying secrets;
	// every other answer is audited.
	call := func(allowed bool, method, path, body string, headers ...string) response {
		t.Helper()
		r := f.do(method, path, body, headers...)
		if !allowed || r.Code >= 300 {
			// The path without its query: a revocation by value names the token there.
			a.text(fmt.Sprintf("answer %d to %s %s", r.Code, method, strings.SplitN(path, "?", 2)[0]), r.Body)
		}
		return r
	}

	// The provider, written through every route with new secrets in the
	// top level and the application override, and refused with them.
	const newTop, newApp = "NEW-TOP-CONSUMER-SECRET-42", "NEW-APP-CONSUMER-SECRET-42"
	a.secret("a new consumer secret", newTop)
	a.secret("a new application consumer secret", newApp)
	r := call(true, "GET", "/api/identity-provider/"+twitterID, "")
	require.Equal(t, 200, r.Code, r.Body)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Body), &got))
	idp := got["identityProvider"].(map[string]any)
	r = call(false, "PATCH", "/api/identity-provider/"+twitterID,
		`{"identityProvider":{"consumerSecret":"`+newTop+`","linkingStrategy":"Nope","applicationConfiguration":{"`+overrideAppID+`":{"consumerSecret":"`+newApp+`"}}}}`)
	require.Equal(t, 400, r.Code, r.Body)
	r = call(false, "PUT", "/api/identity-provider/"+twitterID,
		`{"identityProvider":{"type":"Twitter","consumerSecret":"`+newTop+`","applicationConfiguration":{"`+overrideAppID+`":{"consumerSecret":"`+newApp+`"}}}}`)
	require.Equal(t, 400, r.Code, r.Body)
	r = call(false, "POST", "/api/identity-provider", `{"identityProvider":{"type":"Twitter","consumerSecret":"`+newTop+`"}}`)
	require.Equal(t, 400, r.Code, r.Body)
	r = call(false, "PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"consumerSecret":`+"\x01"+`}}`)
	require.Equal(t, 400, r.Code, r.Body)
	r = call(false, "PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"consumerSecret":["`+newTop+`"]}}`)
	require.Equal(t, 400, r.Code, r.Body)
	idp["consumerSecret"] = consumerSec
	b, _ := json.Marshal(map[string]any{"identityProvider": idp})
	r = call(true, "PUT", "/api/identity-provider/"+twitterID, string(b))
	require.Equal(t, 200, r.Code, r.Body)
	r = call(true, "PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"applicationConfiguration":{"`+overrideAppID+`":{"consumerSecret":"`+overrideSec+`"}}}}`)
	require.Equal(t, 200, r.Code, r.Body)
	call(true, "GET", "/api/identity-provider", "")
	call(true, "GET", "/api/identity-provider?type=Twitter", "")
	// The search answers the providers as GET does.
	call(true, "GET", "/api/identity-provider/search?name=*", "")

	// Logins: the full flow and the access-token form, through both
	// applications; each value the login took is a secret.
	f.account("1001", "ada", "ada@example.com")
	f.account("1002", "bo", "bo@example.com")
	f.account("1003", "cy", "cy@example.com")
	loginWith := func(appID, key, account string, verifier bool, mutate func(map[string]string)) response {
		t.Helper()
		var data map[string]string
		if verifier {
			tok, sec, ver := f.tw.IssueRequestToken(key, account)
			data = map[string]string{"oauth_token": tok, "oauth_token_secret": sec, "oauth_verifier": ver}
			a.secret("a verifier", ver)
		} else {
			tok, sec := f.tw.IssueAccessToken(key, account)
			data = map[string]string{"oauth_token": tok, "oauth_token_secret": sec}
		}
		a.secret("a Twitter token", data["oauth_token"])
		a.secret("a Twitter token secret", data["oauth_token_secret"])
		if mutate != nil {
			mutate(data)
		}
		body, _ := json.Marshal(map[string]any{"applicationId": appID, "identityProviderId": twitterID, "data": data})
		r := f.anon("POST", "/api/identity-provider/login", string(body))
		if r.Code >= 300 {
			a.text(fmt.Sprintf("login answer %d", r.Code), r.Body)
		}
		if r.Code == 200 {
			out := decodeLogin(t, r)
			a.secret("a JWT", out.Token)
			a.secret("a refresh token", out.RefreshToken)
		}
		return r
	}
	r = loginWith(loginAppID, consumerKey, "1001", true, nil)
	require.Equal(t, 200, r.Code, r.Body)
	first := decodeLogin(t, r)
	r = loginWith(overrideAppID, overrideKey, "1002", true, nil)
	require.Equal(t, 200, r.Code, r.Body)
	r = loginWith(loginAppID, consumerKey, "1001", false, nil)
	require.Equal(t, 200, r.Code, r.Body)
	// Bad signatures: a wrong token secret, a wrong verifier, the other
	// application's consumer.
	r = loginWith(loginAppID, consumerKey, "1001", true, func(d map[string]string) { d["oauth_token_secret"] = "WRONG-TOKEN-SECRET-VALUE" })
	require.Equal(t, 401, r.Code, r.Body)
	a.secret("a wrong token secret", "WRONG-TOKEN-SECRET-VALUE")
	r = loginWith(loginAppID, consumerKey, "1001", true, func(d map[string]string) { d["oauth_verifier"] = "WRONG-VERIFIER-VALUE" })
	require.Equal(t, 401, r.Code, r.Body)
	a.secret("a wrong verifier", "WRONG-VERIFIER-VALUE")
	r = loginWith(loginAppID, overrideKey, "1001", false, nil)
	require.Equal(t, 401, r.Code, r.Body)
	// Twitter failing every way the fake can.
	f.tw.SetFaultDelay(50 * time.Millisecond)
	for _, fault := range []twittertest.Fault{twittertest.FaultStatus500, twittertest.FaultHTML, twittertest.FaultMissingIDStr,
		twittertest.FaultGarbageTokenResponse, twittertest.FaultRateLimited} {
		f.tw.SetFault(fault)
		r = loginWith(loginAppID, consumerKey, "1001", true, nil)
		require.Equal(t, 401, r.Code, "fault %d: %s", fault, r.Body)
	}
	f.tw.SetFault(twittertest.FaultNone)
	// A validation failure with the credentials in the body.
	r = loginWith("not-a-uuid", consumerKey, "1001", true, nil)
	require.Equal(t, 400, r.Code, r.Body)

	// A pending link, read and completed through the Link API.
	r = call(true, "PATCH", "/api/identity-provider/"+twitterID, `{"identityProvider":{"linkingStrategy":"CreatePendingLink"}}`)
	require.Equal(t, 200, r.Code, r.Body)
	r = loginWith(loginAppID, consumerKey, "1003", true, nil)
	require.Equal(t, 232, r.Code, r.Body)
	var pending struct {
		PendingIdPLinkID string `json:"pendingIdPLinkId"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &pending))
	call(false, "GET", "/api/identity-provider/link/pending/"+pending.PendingIdPLinkID, "")
	r = call(true, "POST", "/api/identity-provider/link", `{"pendingIdPLinkId":"`+pending.PendingIdPLinkID+`","identityProviderLink":{"userId":"`+first.User.ID+`"}}`)
	require.Equal(t, 200, r.Code, r.Body)
	// The Link API with a token of the caller's.
	const linkToken = "LINK-API-TOKEN-VALUE-77"
	a.secret("a token given to the Link API", linkToken)
	r = call(true, "POST", "/api/identity-provider/link", `{"identityProviderLink":{"identityProviderId":"`+twitterID+`","identityProviderUserId":"55555","userId":"`+first.User.ID+`","token":"`+linkToken+`"}}`)
	require.Equal(t, 200, r.Code, r.Body)
	r = call(false, "POST", "/api/identity-provider/link", `{"identityProviderLink":{"identityProviderId":"`+twitterID+`","identityProviderUserId":"55555","userId":"`+first.User.ID+`","token":"`+linkToken+`"}}`)
	require.Equal(t, 400, r.Code, r.Body)
	call(true, "GET", "/api/identity-provider/link?userId="+first.User.ID, "")
	call(true, "DELETE", "/api/identity-provider/link?identityProviderId="+twitterID+"&identityProviderUserId=55555&userId="+first.User.ID, "")
	// The access tokens Twitter gave, kept on the links.
	links, err := f.engine.Store().ListLinks(ctx, first.User.ID, "")
	require.NoError(t, err)
	require.NotEmpty(t, links)
	for _, l := range links {
		a.secret("a Twitter access token on a link", l.Token)
		a.secret("a Twitter access token secret on a link", fmt.Sprint(l.Data["oauth_token_secret"]))
	}

	// Refresh, a refused refresh, validation, and revocation by value.
	r = f.anon("POST", "/api/jwt/refresh", `{"refreshToken":"`+first.RefreshToken+`"}`)
	require.Equal(t, 200, r.Code, r.Body)
	var refreshed loginOut
	require.NoError(t, json.Unmarshal([]byte(r.Body), &refreshed))
	a.secret("a refreshed JWT", refreshed.Token)
	const bogusRefresh = "BOGUS-REFRESH-TOKEN-VALUE-0123456789"
	a.secret("a refresh token that does not exist", bogusRefresh)
	r = f.anon("POST", "/api/jwt/refresh", `{"refreshToken":"`+bogusRefresh+`"}`)
	a.text(fmt.Sprintf("refresh answer %d", r.Code), r.Body)
	r = f.anon("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+first.Token)
	a.text("validate answer", r.Body) // FusionAuth answers the claims, not the token
	r = f.anon("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+first.Token+"x")
	a.text("validate answer", r.Body)
	r = call(false, "GET", "/api/jwt/refresh?userId="+first.User.ID, "")
	require.Equal(t, 200, r.Code, r.Body)
	r = call(false, "DELETE", "/api/jwt/refresh?token="+url.QueryEscape(first.RefreshToken), "")
	require.Equal(t, 200, r.Code, r.Body)
	r = f.anon("POST", "/api/jwt/refresh", `{"refreshToken":"`+first.RefreshToken+`"}`)
	a.text(fmt.Sprintf("refresh answer %d", r.Code), r.Body)
	// An application's route behind the adapter's middleware, with the
	// token in the header and in the cookie, refused for a tampered token,
	// a missing role and another application.
	tampered := first.Token[:len(first.Token)-2] + "xx"
	a.secret("a tampered JWT", tampered)
	a.secret("a JWT with a byte more", first.Token+"x")
	me := h.RequireToken("admin")(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	other := h.RequireTokenFor(overrideAppID)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	for _, tc := range []struct {
		h      http.Handler
		header string
		cookie string
		want   int
	}{
		{me, "Bearer " + first.Token, "", 403},
		{me, "Bearer " + tampered, "", 401},
		{me, "", first.Token + "x", 401},
		{other, "Bearer " + first.Token, "", 401},
	} {
		req := httptest.NewRequest("GET", "/me", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		if tc.cookie != "" {
			req.AddCookie(&http.Cookie{Name: httpadapter.AccessTokenCookie, Value: tc.cookie})
		}
		rec := httptest.NewRecorder()
		tc.h.ServeHTTP(rec, req)
		require.Equal(t, tc.want, rec.Code)
		a.text("middleware answer", rec.Body.String()+fmt.Sprint(rec.Header()))
	}
	// A wrong API key.
	const wrongKey = "WRONG-API-KEY-VALUE-0123456789"
	a.secret("a wrong API key", wrongKey)
	r = call(false, "GET", "/api/integration", "", "Authorization", wrongKey)
	require.Equal(t, 401, r.Code)

	// Keys: generated, imported (HMAC and RSA), refused imports.
	r = call(false, "POST", "/api/key/generate", `{"key":{"algorithm":"HS256","name":"gen hmac"}}`)
	require.Equal(t, 200, r.Code, r.Body)
	r = call(false, "POST", "/api/key/generate", `{"key":{"algorithm":"RS256","name":"gen rsa"}}`)
	require.Equal(t, 200, r.Code, r.Body)
	const hmacSecret = "IMPORTED-HMAC-SECRET-VALUE-0123456789abcdef"
	a.secret("an imported HMAC secret", hmacSecret)
	r = call(false, "POST", "/api/key/import", `{"key":{"algorithm":"HS256","name":"imp hmac","secret":"`+hmacSecret+`"}}`)
	require.Equal(t, 200, r.Code, r.Body)
	const shortSecret = "SHORT-HMAC-SECRET"
	a.secret("a refused HMAC secret", shortSecret)
	r = call(false, "POST", "/api/key/import", `{"key":{"algorithm":"HS256","name":"short","secret":"`+shortSecret+`"}}`)
	require.Equal(t, 400, r.Code, r.Body)
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(rk)
	require.NoError(t, err)
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	privBody := base64.StdEncoding.EncodeToString(der)[64:128] // a line of the PEM
	a.secret("an imported private key", privBody)
	pj, _ := json.Marshal(privPEM)
	r = call(false, "POST", "/api/key/import", `{"key":{"algorithm":"RS256","name":"imp rsa","privateKey":`+string(pj)+`}}`)
	require.Equal(t, 200, r.Code, r.Body)
	// A private key that does not parse, and one beside an HMAC secret.
	broken, _ := json.Marshal(strings.Replace(privPEM, privBody[:8], "AAAAAAAA", 1))
	r = call(false, "POST", "/api/key/import", `{"key":{"algorithm":"RS256","name":"broken","privateKey":`+string(broken)+`}}`)
	require.Equal(t, 400, r.Code, r.Body)
	r = call(false, "POST", "/api/key/import", `{"key":{"algorithm":"HS256","name":"both","secret":"`+hmacSecret+`","privateKey":`+string(pj)+`}}`)
	require.Equal(t, 400, r.Code, r.Body)
	call(false, "GET", "/api/key", "")
	call(false, "POST", "/api/key/search", `{"search":{"name":"*"}}`)
	keys, err := f.engine.Store().ListKeys(ctx)
	require.NoError(t, err)
	for _, k := range keys {
		if len(k.Secret) > 0 {
			a.secret("key material of "+k.Name, base64.StdEncoding.EncodeToString(k.Secret))
			a.secret("key material of "+k.Name, base64.RawURLEncoding.EncodeToString(k.Secret))
			a.secret("key material of "+k.Name, fmt.Sprintf("%x", k.Secret))
		}
	}

	// Integrations: CleanSpeak moderating usernames, and Kafka with SASL
	// settings on a broker that is not there; then a refused PUT, CleanSpeak
	// down and a Kafka configuration that fails.
	const saslPass, sslPass, plainPass = "KAFKA-SASL-JAAS-PASSWORD", "KAFKA-SSL-KEY-PASSWORD", "KAFKA-SASL-PASSWORD"
	a.secret("the SASL password", saslPass)
	a.secret("an SSL key password", sslPass)
	a.secret("a sasl.password", plainPass)
	integrations := func(mechanism string, csURL string) string {
		b, _ := json.Marshal(map[string]any{"integrations": map[string]any{
			"cleanspeak": map[string]any{"apiKey": csKey, "enabled": true, "url": csURL, "applicationIds": []string{loginAppID},
				"usernameModeration": map[string]any{"enabled": true, "applicationId": loginAppID}},
			"kafka": map[string]any{"enabled": true, "defaultTopic": "authcore-events", "producer": map[string]string{
				"bootstrap.servers": "127.0.0.1:1", "max.block.ms": "50", "security.protocol": "SASL_PLAINTEXT",
				"sasl.mechanism":   mechanism,
				"sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="` + saslPass + `";`,
				"sasl.password":    plainPass, "ssl.key.password": sslPass,
			}},
		}})
		return string(b)
	}
	r = call(true, "PUT", "/api/integration", integrations("PLAIN", cs.URL))
	require.Equal(t, 200, r.Code, r.Body)
	r = call(false, "PUT", "/api/integration", integrations("PLAIN", "not a url"))
	require.Equal(t, 400, r.Code, r.Body)
	r = call(true, "GET", "/api/integration", "")
	require.Equal(t, 200, r.Code, r.Body)
	r = call(false, "POST", "/api/user", `{"user":{"email":"mod@example.com","username":"moderated"}}`)
	require.Equal(t, 200, r.Code, r.Body)
	cs.SetDown(true)
	r = call(false, "POST", "/api/user", `{"user":{"email":"mod2@example.com","username":"moderated2"}}`)
	require.Equal(t, 200, r.Code, r.Body)
	cs.SetDown(false)
	waitForEventLog(t, call, "Event delivery failed")
	r = call(true, "PATCH", "/api/integration", `{"integrations":{"kafka":{"producer":{"sasl.mechanism":"BOGUS"}}}}`)
	require.Equal(t, 200, r.Code, r.Body)
	r = call(false, "POST", "/api/user", `{"user":{"email":"mod3@example.com"}}`)
	require.Equal(t, 200, r.Code, r.Body)
	waitForEventLog(t, call, "Kafka configuration failed")
	r = call(true, "PATCH", "/api/integration", `{"integrations":{"kafka":{"enabled":false}}}`)
	require.Equal(t, 200, r.Code, r.Body)

	// What was written: the event log (debug logins, Twitter's failures,
	// CleanSpeak's and Kafka's), every event, every log line.
	r = call(false, "GET", "/api/system/event-log/search?numberOfResults=1000", "")
	require.Equal(t, 200, r.Code, r.Body)
	var el struct {
		EventLogs []map[string]any `json:"eventLogs"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &el))
	for _, want := range []string{"Twitter login for application", "CleanSpeak could not moderate", "Kafka configuration failed", "Event delivery failed"} {
		require.Contains(t, r.Body, want, "the flows wrote no such event-log entry")
	}
	for _, ev := range collector.Events() {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		a.text("event "+ev.Type, string(b))
	}
	require.NotEmpty(t, collector.Events())
	a.text("JSON logs", logs.String())
	a.text("text logs", textLogs.String())
	for _, want := range []string{"kafka producer configured", "request refused", "CleanSpeak unavailable", "access token refused"} {
		require.Contains(t, logs.String(), want, "the flows logged no such line")
	}
	a.check()
}

// waitForEventLog waits until the event log holds msg: the relay writes it
// on its own goroutine, after the log line that says the same (so waiting
// for the line let the search run before the entry was written).
func waitForEventLog(t *testing.T, call func(allowed bool, method, path, body string, headers ...string) response, msg string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := call(false, "GET", "/api/system/event-log/search?numberOfResults=1000", "")
		require.Equal(t, 200, r.Code, r.Body)
		if strings.Contains(r.Body, msg) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no event-log entry %q in:\n%s", msg, r.Body)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// teeHandler sends each record to two handlers, so that one run is read
// both as JSON (which marshals structs through encoding/json) and as text
// (which formats them with fmt).
type teeHandler struct{ a, b slog.Handler }

func (h teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.a.Enabled(ctx, l) || h.b.Enabled(ctx, l)
}

func (h teeHandler) Handle(ctx context.Context, r slog.Record) error {
	return errorsJoin(h.a.Handle(ctx, r.Clone()), h.b.Handle(ctx, r.Clone()))
}

func (h teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return teeHandler{h.a.WithAttrs(as), h.b.WithAttrs(as)}
}

func (h teeHandler) WithGroup(name string) slog.Handler {
	return teeHandler{h.a.WithGroup(name), h.b.WithGroup(name)}
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
