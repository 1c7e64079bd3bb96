package authcore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/authcoretest"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
)

// Benchmarks of the engine's hot paths without the HTTP adapter: the login,
// and the reads every login (or every API request) makes. The adapter's
// share is httpadapter's BenchmarkLogin minus BenchmarkEngineLogin.
//
//	go test ./authcore -run '^$' -bench 'EngineLogin|IdentityProviderLookup|UserByUsername' -benchmem

const (
	engineBenchKey    = "engine-bench-consumer"
	engineBenchSecret = "engine-bench-consumer-secret-0123"
)

// engineLoginBench is an engine on memstore with the Twitter provider
// (LinkByEmail, refresh tokens on) and a fake Twitter.
type engineLoginBench struct {
	ctx    context.Context
	tw     *twittertest.Server
	engine *authcore.Engine
	appID  string
	next   int
}

func newEngineLoginBench(b *testing.B) *engineLoginBench {
	b.Helper()
	ctx := context.Background()
	tw := twittertest.NewServer()
	b.Cleanup(tw.Close)
	tw.AddConsumer(engineBenchKey, engineBenchSecret)
	client, err := twitter.NewClient(twitter.WithBaseURL(tw.URL))
	if err != nil {
		b.Fatal(err)
	}
	e, err := authcore.New(ctx, memstore.New(), authcore.WithTwitterClient(client),
		authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	app, err := authcoretest.TwitterLoginApp(ctx, e, "", engineBenchKey, engineBenchSecret)
	if err != nil {
		b.Fatal(err)
	}
	return &engineLoginBench{ctx: ctx, tw: tw, engine: e, appID: app.ID}
}

func (lb *engineLoginBench) account() string {
	lb.next++
	id := fmt.Sprint(2_000_000_000 + lb.next)
	lb.tw.AddAccount(twittertest.Account{ID: id, ScreenName: "u" + id, Name: "User " + id,
		Email: "u" + id + "@example.com", ProfileImageURL: "https://img.example/" + id})
	return id
}

func (lb *engineLoginBench) request(token, secret, verifier string) authcore.IdentityProviderLoginRequest {
	data := map[string]string{"oauth_token": token, "oauth_token_secret": secret}
	if verifier != "" {
		data["oauth_verifier"] = verifier
	}
	return authcore.IdentityProviderLoginRequest{ApplicationID: lb.appID, IdentityProviderID: twitter.ProviderID,
		Data: data, IPAddress: "192.0.2.1"}
}

func (lb *engineLoginBench) login(b *testing.B, req authcore.IdentityProviderLoginRequest) {
	resp, err := lb.engine.IdentityProviderLogin(lb.ctx, req)
	if err != nil {
		b.Fatal(err)
	}
	if resp.Status != authcore.LoginOK || resp.Token == "" || resp.RefreshToken == "" {
		b.Fatalf("status %d, token %t, refresh token %t", resp.Status, resp.Token != "", resp.RefreshToken != "")
	}
}

// BenchmarkEngineLogin is IdentityProviderLogin: first (a verifier login of a
// new account: user, registration, link created) and repeat (an
// access-token login of a linked account). Both include the loopback calls
// to the fake Twitter; httpadapter's BenchmarkLogin has the floor for them.
func BenchmarkEngineLogin(b *testing.B) {
	b.Run("first", func(b *testing.B) {
		lb := newEngineLoginBench(b)
		reqs := make([]authcore.IdentityProviderLoginRequest, b.N)
		for i := range reqs {
			tok, sec, ver := lb.tw.IssueRequestToken(engineBenchKey, lb.account())
			reqs[i] = lb.request(tok, sec, ver)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			lb.login(b, reqs[i])
		}
	})
	b.Run("repeat", func(b *testing.B) {
		lb := newEngineLoginBench(b)
		tok, sec := lb.tw.IssueAccessToken(engineBenchKey, lb.account())
		req := lb.request(tok, sec, "")
		lb.login(b, req)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			lb.login(b, req)
		}
	})
}

// BenchmarkIdentityProviderLookup is engine.IdentityProvider: what every
// login and every identity-provider API read does first.
func BenchmarkIdentityProviderLookup(b *testing.B) {
	lb := newEngineLoginBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		p, err := lb.engine.IdentityProvider(lb.ctx, twitter.ProviderID)
		if err != nil {
			b.Fatal(err)
		}
		if !p.Enabled {
			b.Fatal("provider not enabled")
		}
	}
}

// BenchmarkUserByUsername is the username lookup of the LinkByUsername
// strategies, among 1000 users (BenchmarkUserByEmail, in user_test.go, is
// the e-mail one).
func BenchmarkUserByUsername(b *testing.B) {
	f := newDomFixture(b)
	for i := 0; i < 1000; i++ {
		if _, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Username: fmt.Sprintf("user%d", i)})); err != nil {
			b.Fatal(err)
		}
	}
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("user%d", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.e.UserByUsername(f.ctx, names[i%len(names)]); err != nil {
			b.Fatal(err)
		}
	}
}
