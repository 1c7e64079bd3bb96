// Command server runs authcore as a stand-alone FusionAuth-compatible API
// server: the program a newcomer runs first, and what the end-to-end tests
// drive with the official FusionAuth TypeScript client.
//
//	go run ./examples/server
//
// Flags (and environment variables): -addr (AUTHCORE_ADDR, default
// 127.0.0.1:9011, FusionAuth's port; never empty), -db (AUTHCORE_DB, default
// "sqlite:authcore.db"; also "sqlite:PATH", "sqlite::memory:",
// "postgres://…" and "memory"), -api-key (AUTHCORE_API_KEY; when absent a
// key is generated and printed once, and it replaces the key generated at
// an earlier start on the same store; a key given is kept across starts),
// -twitter-url (AUTHCORE_TWITTER_URL, default https://api.twitter.com). A
// flag given wins over its variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/events/kafka"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

func main() {
	os.Exit(exitStatus(run(context.Background(), os.Args[1:], os.Stdout), os.Stderr))
}

// exitStatus reports err on stderr and returns the process's exit status,
// as the flag package's ExitOnError would: 0 for -h (the usage is printed),
// 2 for a command line the parser refused (it printed why, and the usage),
// 1 for any other error.
func exitStatus(err error, stderr io.Writer) int {
	var usage *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		return 2
	}
	fmt.Fprintln(stderr, "server:", err)
	return 1
}

// usageError is a command line that parse refused, after the flag set
// printed the reason and the usage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

type config struct {
	addr, db, apiKey, twitterURL string
}

func parse(args []string) (config, error) {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	var c config
	// The defaults are the built-in ones, and the environment is applied
	// after parsing: a default is printed in the usage (-h, and after any
	// refused flag), and AUTHCORE_API_KEY is a secret, AUTHCORE_DB may hold
	// a password.
	fs.StringVar(&c.addr, "addr", "127.0.0.1:9011", "listen address ($AUTHCORE_ADDR)")
	fs.StringVar(&c.db, "db", "sqlite:authcore.db", `store: "sqlite:PATH", "sqlite::memory:", "postgres://…" or "memory" ($AUTHCORE_DB)`)
	fs.StringVar(&c.apiKey, "api-key", "", "API key to create (generated and printed when empty) ($AUTHCORE_API_KEY)")
	fs.StringVar(&c.twitterURL, "twitter-url", "https://api.twitter.com", "Twitter API base URL ($AUTHCORE_TWITTER_URL)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, &usageError{err}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, v := range map[string]*string{"addr": &c.addr, "db": &c.db, "api-key": &c.apiKey, "twitter-url": &c.twitterURL} {
		if !set[name] {
			*v = env("AUTHCORE_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_")), *v)
		}
	}
	if fs.NArg() > 0 {
		// Every setting is a flag: a stray word (a key or a DSN given
		// without its flag) would otherwise be ignored without a word.
		err := fmt.Errorf("unexpected argument %q", fs.Arg(0))
		fmt.Fprintln(fs.Output(), err)
		fs.Usage()
		return c, &usageError{err}
	}
	if c.addr == "" {
		// net.Listen reads "" as ":0": every interface on a random port,
		// the opposite of the loopback default. An empty value is most
		// likely a blank AUTHCORE_ADDR, so it is refused, not served.
		err := errors.New(`-addr is empty (or $AUTHCORE_ADDR is set but empty): give host:port, such as 127.0.0.1:9011`)
		fmt.Fprintln(fs.Output(), err)
		fs.Usage()
		return c, &usageError{err}
	}
	return c, nil
}

// checkAPIKeyFlag refuses a -api-key the engine would refuse, before the
// port is taken or the store opened (a SQLite file and its default tenant
// created for a start that cannot serve), and says why in the flag's
// words, not with the bare code ("[invalid]apiKey.key") the error prints.
func checkAPIKeyFlag(key string) error {
	if key == "" {
		return nil // generated
	}
	err := authcore.CheckAPIKey(key)
	var refused *authcore.ValidationError
	if errors.As(err, &refused) {
		for _, fe := range refused.FieldErrors["apiKey.key"] {
			return fmt.Errorf("-api-key: %s", fe.Message)
		}
	}
	return err
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func run(ctx context.Context, args []string, stdout *os.File) error {
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	if err := checkAPIKeyFlag(cfg.apiKey); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The address is taken first: a port in use or a bad -addr must fail
	// before anything is written, or each attempt would store (and print)
	// an API key for a server that never ran.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	defer ln.Close() // on an error before Serve, which otherwise closes it

	// As the address: a bad -twitter-url fails before the store is opened
	// (and a SQLite file created).
	tw, err := twitter.NewClient(twitter.WithBaseURL(cfg.twitterURL))
	if err != nil {
		return fmt.Errorf("-twitter-url: %w", err)
	}
	store, closeStore, err := openStore(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer func() {
		if err := closeStore(); err != nil {
			log.Error("close store", "err", err)
		}
	}()
	engine, err := authcore.New(ctx, store, authcore.WithLogger(log), authcore.WithTwitterClient(tw),
		authcore.WithKafkaPublisher(kafka.NewPublisher(kafka.WithLogger(log))))
	if err != nil {
		return err
	}
	// The relay publishes recorded events (Kafka, when the integration
	// enables it) until shutdown.
	relayCtx, stopRelay := context.WithCancel(context.WithoutCancel(ctx))
	relayDone := make(chan error, 1)
	go func() { relayDone <- engine.RunRelay(relayCtx) }()
	// Usernames kept PENDING while CleanSpeak was down go to it again; stopped with the relay.
	retryDone := make(chan struct{})
	go func() {
		defer close(retryDone)
		_ = engine.RunModerationRetry(relayCtx, time.Minute)
	}()
	defer func() {
		// Both loops end before the store closes under them (its Close is
		// deferred earlier, so it runs after this).
		stopRelay()
		<-relayDone
		<-retryDone
	}()
	key, err := apiKey(ctx, engine, cfg.apiKey)
	if err != nil {
		return fmt.Errorf("api key: %w", err)
	}
	if cfg.apiKey == "" {
		// Printed once, to stdout only: it is the only copy.
		fmt.Fprintf(stdout, "API key: %s\n", key)
	}
	handler, err := httpadapter.New(engine)
	if err != nil {
		return err
	}
	srv := newServer(handler)
	log.Info("authcore listening", "addr", "http://"+ln.Addr().String(), "db", dbForLog(cfg.db))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// A second Ctrl-C (or SIGTERM) ends the process at once, as a Go
	// program's default: without this the signal stays caught and the
	// user waits out Shutdown's 10 seconds with no way to stop it.
	stop()
	log.Info("shutting down (a second signal stops at once)")
	if err := srv.shutdown(10 * time.Second); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// generatedKeyDescription marks the keys apiKey generates, so that a later
// start finds them.
const generatedKeyDescription = "examples/server (generated)"

// apiKey creates the API key the server is started with and returns it. A
// key given on the command line is kept from an earlier start on the same
// store. A generated one replaces the key generated at the earlier start:
// otherwise every key ever printed (to a terminal, a CI log) would stay
// valid in a SQLite file for good, one more at each start.
func apiKey(ctx context.Context, engine *authcore.Engine, given string) (string, error) {
	// The server's key is its operator's, what FusionAuth's Kickstart
	// makes: a key manager, so that it can use the API Key API.
	if given != "" {
		_, _, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{Key: given, Description: "examples/server", KeyManager: true})
		if errors.Is(err, authcore.ErrDuplicate) {
			// A persistent store kept the key from an earlier start, made
			// before keys could be key managers perhaps: it becomes one.
			err = promoteToKeyManager(ctx, engine, given)
		}
		return given, err
	}
	// Created before the old ones go, so that a failure between leaves a
	// key that works; the next start revokes it.
	created, key, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{Description: generatedKeyDescription, KeyManager: true})
	if err != nil {
		return "", err
	}
	keys, err := engine.ListAPIKeys(ctx)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if k.Description == generatedKeyDescription && k.ID != created.ID {
			if err := engine.RevokeAPIKey(ctx, k.ID); err != nil && !errors.Is(err, authcore.ErrNotFound) {
				return "", err
			}
		}
	}
	return key, nil
}

// promoteToKeyManager makes the stored key a key manager, keeping the rest
// of it.
func promoteToKeyManager(ctx context.Context, engine *authcore.Engine, key string) error {
	k, err := engine.Authenticate(ctx, key)
	if err != nil || k.KeyManager {
		return err
	}
	_, err = engine.UpdateAPIKey(ctx, k.ID, authcore.APIKeyUpdate{KeyManager: true, Name: k.Name, Description: k.Description,
		Endpoints: k.Endpoints, ExpirationInstant: k.ExpirationInstant})
	return err
}

// newHTTPServer returns the server run serves the API with. Every phase of
// a connection is bounded, so a slow or silent client cannot hold one (and
// its goroutine) forever, nor keep Shutdown waiting for it.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
}

// server is the HTTP server run serves the API with, counting the handlers
// running so that the store, closed after it, is not closed under one.
type server struct {
	*http.Server
	mu      sync.Mutex
	running int
	closing bool
	idle    chan struct{} // closed once closing and no handler runs
}

func newServer(h http.Handler) *server {
	s := &server{idle: make(chan struct{})}
	s.Server = newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.enter() {
			// Only a request read just as the connections were closed.
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		defer s.leave()
		h.ServeHTTP(w, r)
	}))
	return s
}

func (s *server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.running++
	return true
}

func (s *server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	if s.closing && s.running == 0 {
		close(s.idle)
	}
}

// shutdown stops s, waiting up to timeout for the requests in flight. Past
// it, the connections are closed, which ends the requests' contexts, and
// shutdown still waits for their handlers to return: http.Server's
// Shutdown would return while they run, and the store, closed next, would
// close under them.
func (s *server) shutdown(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := s.Shutdown(ctx)
	if err != nil {
		_ = s.Close()
		err = fmt.Errorf("requests still running after %v were cut off: %w", timeout, err)
	}
	s.mu.Lock()
	s.closing = true
	if s.running == 0 {
		close(s.idle)
	}
	s.mu.Unlock()
	<-s.idle
	return err
}

// openStore opens the store -db names and returns how to close it.
func openStore(ctx context.Context, dsn string) (authcore.Store, func() error, error) {
	if dsn == "memory" {
		return memstore.New(), func() error { return nil }, nil
	}
	s, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("-db: %w", err)
	}
	return s, s.Close, nil
}

// dbForLog names the store in the start-up log, without a password.
func dbForLog(db string) string {
	if db == "memory" {
		return db
	}
	return sqlstore.RedactDSN(db)
}
