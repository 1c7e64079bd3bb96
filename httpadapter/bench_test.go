package httpadapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/authcoretest"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
)

// The login benchmarks put a full "Complete the Twitter Login" through the
// handler next to the floor: the same two signed calls to the same fake
// Twitter made with dghubble/oauth1 and nothing else. Both pay the loopback
// round trips and the fake's own OAuth checks, so authcore/floor is what
// authcore adds: decoding, store reads and the transaction, the JWT, the
// refresh token, the response.
//
//	go test ./httpadapter -run '^$' -bench 'Login|Integration' -benchmem -count 6

const (
	benchKey     = "bench-api-key-0123456789abcdef"
	benchCKey    = "bench-consumer"
	benchCSecret = "bench-consumer-secret-0123456789"
)

// loginBench is an engine on memstore behind the handler, a fake Twitter,
// and one application with the Twitter provider (LinkByEmail, refresh tokens
// on): the configuration cmd/authbench measures.
type loginBench struct {
	tw      *twittertest.Server
	engine  *authcore.Engine
	handler http.Handler
	appID   string
	next    int
}

func newLoginBench(b *testing.B) *loginBench {
	b.Helper()
	ctx := context.Background()
	tw := twittertest.NewServer()
	b.Cleanup(tw.Close)
	tw.AddConsumer(benchCKey, benchCSecret)
	client, err := twitter.NewClient(twitter.WithBaseURL(tw.URL))
	if err != nil {
		b.Fatal(err)
	}
	e, err := authcore.New(ctx, memstore.New(), authcore.WithLogger(quietLogger()), authcore.WithTwitterClient(client))
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := e.CreateAPIKey(ctx, authcore.NewAPIKey{Key: benchKey}); err != nil {
		b.Fatal(err)
	}
	app, err := authcoretest.TwitterLoginApp(ctx, e, "", benchCKey, benchCSecret)
	if err != nil {
		b.Fatal(err)
	}
	h, err := httpadapter.New(e)
	if err != nil {
		b.Fatal(err)
	}
	return &loginBench{tw: tw, engine: e, handler: h, appID: app.ID}
}

// accounts adds n Twitter accounts that authcore has not seen.
func (lb *loginBench) accounts(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		lb.next++
		id := fmt.Sprint(1_000_000_000 + lb.next)
		lb.tw.AddAccount(twittertest.Account{ID: id, ScreenName: "u" + id, Name: "User " + id,
			Email: "u" + id + "@example.com", ProfileImageURL: "https://img.example/" + id})
		ids[i] = id
	}
	return ids
}

func (lb *loginBench) body(token, secret, verifier string) string {
	data := map[string]string{"oauth_token": token, "oauth_token_secret": secret}
	if verifier != "" {
		data["oauth_verifier"] = verifier
	}
	b, _ := json.Marshal(map[string]any{"applicationId": lb.appID, "identityProviderId": twitter.ProviderID, "data": data})
	return string(b)
}

func (lb *loginBench) serve(b *testing.B, method, path, body, key string) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", key)
	}
	rec := httptest.NewRecorder()
	lb.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s %s: status %d, body %q", method, path, rec.Code, rec.Body.String())
	}
	return rec
}

// bareTwitter is the floor: the two calls with dghubble/oauth1 and a pooled
// transport, checking only that Twitter said yes.
type bareTwitter struct {
	config         *oauth1.Config
	ctx            context.Context
	accessTokenURL string
	verifyURL      string
}

func newBareTwitter(twitterURL string) *bareTwitter {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return &bareTwitter{
		config:         benchFloorConfig(benchCKey, benchCSecret),
		ctx:            context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: t, Timeout: 10 * time.Second}),
		accessTokenURL: twitterURL + "/oauth/access_token",
		verifyURL:      twitterURL + "/1.1/account/verify_credentials.json?include_email=true&skip_status=true",
	}
}

func (bt *bareTwitter) login(token, secret, verifier string) error {
	if verifier != "" {
		resp, err := bt.config.Client(bt.ctx, oauth1.NewToken(token, secret)).PostForm(bt.accessTokenURL, url.Values{"oauth_verifier": {verifier}})
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return fmt.Errorf("access_token: %d %v", resp.StatusCode, err)
		}
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return err
		}
		token, secret = v.Get("oauth_token"), v.Get("oauth_token_secret")
	}
	resp, err := bt.config.Client(bt.ctx, oauth1.NewToken(token, secret)).Get(bt.verifyURL)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var u struct {
		IDStr string `json:"id_str"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&u); err != nil || resp.StatusCode != http.StatusOK || u.IDStr == "" {
		return fmt.Errorf("verify_credentials: %d %v", resp.StatusCode, err)
	}
	return nil
}

// BenchmarkLogin: first is a verifier login of an account authcore has not
// seen (user, registration and link created); repeat is an access-token
// login of a linked account.
func BenchmarkLogin(b *testing.B) {
	b.Run("first/authcore", func(b *testing.B) {
		lb := newLoginBench(b)
		bodies := make([]string, b.N)
		for i, id := range lb.accounts(b.N) {
			tok, sec, ver := lb.tw.IssueRequestToken(benchCKey, id)
			bodies[i] = lb.body(tok, sec, ver)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			lb.serve(b, http.MethodPost, "/api/identity-provider/login", bodies[i], "")
		}
	})
	b.Run("first/floor", func(b *testing.B) {
		lb := newLoginBench(b)
		bt := newBareTwitter(lb.tw.URL)
		type issued struct{ tok, sec, ver string }
		tokens := make([]issued, b.N)
		for i, id := range lb.accounts(b.N) {
			tokens[i].tok, tokens[i].sec, tokens[i].ver = lb.tw.IssueRequestToken(benchCKey, id)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if err := bt.login(tokens[i].tok, tokens[i].sec, tokens[i].ver); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("repeat/authcore", func(b *testing.B) {
		lb := newLoginBench(b)
		id := lb.accounts(1)[0]
		tok, sec := lb.tw.IssueAccessToken(benchCKey, id)
		body := lb.body(tok, sec, "")
		lb.serve(b, http.MethodPost, "/api/identity-provider/login", body, "") // the first login
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			lb.serve(b, http.MethodPost, "/api/identity-provider/login", body, "")
		}
	})
	b.Run("repeat/floor", func(b *testing.B) {
		lb := newLoginBench(b)
		bt := newBareTwitter(lb.tw.URL)
		tok, sec := lb.tw.IssueAccessToken(benchCKey, lb.accounts(1)[0])
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if err := bt.login(tok, sec, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIntegration is the global configuration's read and replace
// through the handler (API key check included).
func BenchmarkIntegration(b *testing.B) {
	const put = `{"integrations":{"cleanspeak":{"enabled":false},"kafka":{"enabled":true,"defaultTopic":"authcore-events","producer":{"bootstrap.servers":"localhost:9092"}}}}`
	b.Run("GET", func(b *testing.B) {
		lb := newLoginBench(b)
		lb.serve(b, http.MethodPut, "/api/integration", put, benchKey)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			lb.serve(b, http.MethodGet, "/api/integration", "", benchKey)
		}
	})
	b.Run("PUT", func(b *testing.B) {
		lb := newLoginBench(b)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			lb.serve(b, http.MethodPut, "/api/integration", put, benchKey)
		}
	})
}

// benchFloorConfig is the floor's shared oauth1.Config. oauth1 writes a missing Noncer
// into the config each time a client is built from it, which would race
// between concurrent logins; set up front, the config is only read.
func benchFloorConfig(key, secret string) *oauth1.Config {
	c := oauth1.NewConfig(key, secret)
	c.Noncer = oauth1.Base64Noncer{}
	return c
}
