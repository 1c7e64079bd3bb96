package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

const (
	consumerKey    = "authbench-consumer"
	consumerSecret = "authbench-consumer-secret-0123456789"
)

// bench is everything a load test runs: the fake Twitter, the authcore
// server, the floor server and the accounts.
type bench struct {
	cfg   config
	tw    *twittertest.Server
	store authcore.Store
	mem   *memstore.Store // nil unless -db memory
	appID string
	// runID keeps this run's Twitter ids and e-mails apart from an earlier
	// run's in a reused PostgreSQL database.
	runID     string
	runNumber int
	accounts  []string // Twitter account ids

	authcoreURL, floorURL string
	servers               []*http.Server
	closers               []func() error
}

func (b *bench) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range b.servers {
		_ = s.Shutdown(ctx)
	}
	if b.tw != nil {
		b.tw.Close()
	}
	for i := len(b.closers) - 1; i >= 0; i-- {
		_ = b.closers[i]()
	}
}

// twitterTransport is how both servers reach the fake Twitter: pooled, with
// room for every concurrent login, so neither server re-dials under load.
func twitterTransport(concurrency int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2*concurrency + 16
	t.MaxIdleConnsPerHost = 2*concurrency + 16
	t.DisableCompression = true
	return t
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func newBench(ctx context.Context, cfg config, stderr io.Writer) (_ *bench, err error) {
	b := &bench{cfg: cfg, runID: randomHex(4), runNumber: 1_000_000 + mrand.IntN(9_000_000)}
	defer func() {
		if err != nil {
			b.close()
		}
	}()
	b.tw = twittertest.NewServer()
	b.tw.AddConsumer(consumerKey, consumerSecret)

	if b.store, err = b.openStore(ctx); err != nil {
		return nil, err
	}
	tw, err := twitter.NewClient(twitter.WithBaseURL(b.tw.URL),
		twitter.WithHTTPClient(&http.Client{Transport: twitterTransport(cfg.concurrency)}))
	if err != nil {
		return nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine, err := authcore.New(ctx, b.store, authcore.WithLogger(quiet), authcore.WithTwitterClient(tw))
	if err != nil {
		return nil, err
	}
	app, err := engine.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		Name:               "authbench " + b.runID,
		Roles:              []authcore.ApplicationRole{{Name: "user", IsDefault: true}, {Name: "admin"}},
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: cfg.refresh},
	}})
	if err != nil {
		return nil, fmt.Errorf("create application: %w", err)
	}
	b.appID = app.ID
	// An existing provider (a reused database) is replaced by this run's.
	if _, err := engine.IdentityProvider(ctx, twitter.ProviderID); err == nil {
		if err := engine.DeleteIdentityProvider(ctx, twitter.ProviderID); err != nil {
			return nil, err
		}
	}
	_, err = engine.CreateIdentityProvider(ctx, "", twitter.Provider{
		Type: twitter.TypeName, ButtonText: "Login with Twitter", Enabled: true,
		ConsumerKey: consumerKey, ConsumerSecret: consumerSecret,
		LinkingStrategy: twitter.LinkByEmail,
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{
			app.ID: {Enabled: true},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("create identity provider: %w", err)
	}
	handler, err := httpadapter.New(engine)
	if err != nil {
		return nil, err
	}
	if b.authcoreURL, err = b.serve(handler); err != nil {
		return nil, err
	}
	var floor http.Handler
	if cfg.floorClient == floorClientAuthcore {
		// The same Twitter client authcore uses, its own instance.
		ftw, err := twitter.NewClient(twitter.WithBaseURL(b.tw.URL),
			twitter.WithHTTPClient(&http.Client{Transport: twitterTransport(cfg.concurrency)}))
		if err != nil {
			return nil, err
		}
		floor = &clientFloor{client: ftw}
	} else if floor, err = newFloor(b.tw.URL, cfg.concurrency); err != nil {
		return nil, err
	}
	if b.floorURL, err = b.serve(floor); err != nil {
		return nil, err
	}

	// accounts[0] is the warm-up account; the phases use the rest.
	b.accounts = make([]string, cfg.accounts+1)
	for i := range b.accounts {
		// Numeric ids, as Twitter's are; the run id keeps them unique across
		// runs on one database.
		id := fmt.Sprintf("%d%08d", b.runNumber, i)
		b.accounts[i] = id
		b.tw.AddAccount(twittertest.Account{
			ID: id, ScreenName: "user" + id, Name: "User " + id,
			Email:           "user" + id + "@example.com",
			ProfileImageURL: "https://pbs.twimg.com/profile_images/" + id + "/avatar_normal.jpg",
		})
	}
	return b, nil
}

func (b *bench) openStore(ctx context.Context) (authcore.Store, error) {
	dsn := b.cfg.db
	switch {
	case dsn == "memory":
		b.mem = memstore.New()
		return b.mem, nil
	case dsn == "sqlite:":
		dir, err := os.MkdirTemp("", "authbench-")
		if err != nil {
			return nil, err
		}
		b.closers = append(b.closers, func() error { return os.RemoveAll(dir) })
		dsn = "sqlite:" + filepath.Join(dir, "authbench.db")
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		// A benchmark measures a fresh database; never write into someone's.
		if _, err := os.Stat(path); err == nil {
			return nil, fmt.Errorf("-db: %s exists; remove it or name another file", path)
		}
	}
	s, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	b.closers = append(b.closers, s.Close)
	return s, nil
}

// serve starts h on a loopback port and returns its base URL.
func (b *bench) serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	b.servers = append(b.servers, srv)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// floorHandler is the least a server can do for this request: decode the JSON
// body, make the two signed Twitter calls, answer a small fixed body. It
// checks Twitter's answers only as far as telling success from failure.
type floorHandler struct {
	config            *oauth1.Config
	base              *http.Client
	accessTokenURL    string
	verifyCredentials string
}

func newFloor(twitterURL string, concurrency int) (*floorHandler, error) {
	if twitterURL == "" {
		return nil, errors.New("floor: no Twitter URL")
	}
	return &floorHandler{
		config:            floorConfig(consumerKey, consumerSecret),
		base:              &http.Client{Transport: twitterTransport(concurrency), Timeout: 10 * time.Second},
		accessTokenURL:    twitterURL + "/oauth/access_token",
		verifyCredentials: twitterURL + "/1.1/account/verify_credentials.json?include_email=true&skip_status=true",
	}, nil
}

type floorRequest struct {
	Data struct {
		Token    string `json:"oauth_token"`
		Secret   string `json:"oauth_token_secret"`
		Verifier string `json:"oauth_verifier"`
	} `json:"data"`
}

var floorBody = []byte(`{"token":"floor"}`)

func (f *floorHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req floorRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	ctx := context.WithValue(r.Context(), oauth1.HTTPClient, f.base)
	token, secret := req.Data.Token, req.Data.Secret
	if req.Data.Verifier != "" {
		client := f.config.Client(ctx, oauth1.NewToken(token, secret))
		resp, err := client.PostForm(f.accessTokenURL, map[string][]string{"oauth_verifier": {req.Data.Verifier}})
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		vals, err := url.ParseQuery(string(body))
		if err != nil || vals.Get("oauth_token") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		token, secret = vals.Get("oauth_token"), vals.Get("oauth_token_secret")
	}
	client := f.config.Client(ctx, oauth1.NewToken(token, secret))
	resp, err := client.Get(f.verifyCredentials)
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var user struct {
		IDStr string `json:"id_str"`
	}
	err = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&user)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || user.IDStr == "" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(floorBody)
}

// clientFloor is the floor with -floor-client=authcore: the same bare
// handler, but the two calls made by idp/twitter's Client, so that the ratio
// to it is what the engine and the adapter add, without the difference
// between two OAuth signers.
type clientFloor struct{ client *twitter.Client }

func (f *clientFloor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req floorRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	consumer := twitter.Consumer{Key: consumerKey, Secret: consumerSecret}
	if _, _, _, err := f.client.Login(r.Context(), consumer, req.Data.Token, twitter.Secret(req.Data.Secret), req.Data.Verifier); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(floorBody)
}

// floorConfig is the floor's shared oauth1.Config. oauth1 writes a missing Noncer
// into the config each time a client is built from it, which would race
// between concurrent logins; set up front, the config is only read.
func floorConfig(key, secret string) *oauth1.Config {
	c := oauth1.NewConfig(key, secret)
	c.Noncer = oauth1.Base64Noncer{}
	return c
}
