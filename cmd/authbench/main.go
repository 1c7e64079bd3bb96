// Command authbench measures authcore's "Complete the Twitter Login"
// (POST /api/identity-provider/login) under load, next to a floor: a bare
// net/http handler that makes the same two signed Twitter calls and nothing
// else. Everything runs in this one process on loopback: the authcore server
// (httpadapter on a real listener), the floor server, a fake Twitter
// (twittertest) and the load generator, which share the machine's cores.
//
//	go run ./cmd/authbench -c 32 -d 10s
//	go run ./cmd/authbench -c 32 -n 20000 -db sqlite:/tmp/bench.db -json
//	go run ./cmd/authbench -mem 1000000
//
// Each run has two phases, each measured against the floor first and then
// against authcore: "first" logs in accounts that authcore has never seen
// (user, registration and link are created), "repeat" logs the same accounts
// in again (the existing link wins). By default a first login carries a
// request token and verifier (two Twitter round trips) and a repeat login an
// access token (one round trip); -first and -repeat change that. Request
// tokens are single-use, so every one a phase may need is issued before its
// clock starts.
//
// -floor-client=authcore makes the floor call Twitter through idp/twitter's
// Client rather than dghubble/oauth1, so that the ratio is what the engine
// and the adapter add. docs/PERFORMANCE.md has the method and the figures.
//
// -cpuprofile covers every timed phase; with -floor=false it shows authcore
// alone.
//
// Every phase stops at -n logins or after -d, whichever comes first, and
// never sends a request anywhere but 127.0.0.1.
//
// -mem N skips the load test and instead reports how much memory the
// in-memory store needs for N users with one link and one registration each.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop() // os.Exit runs no deferred call
	os.Exit(exitStatus(err, os.Stderr))
}

// exitStatus reports err on stderr and returns the process's exit status,
// as a flag set with ExitOnError would: 0 for -h (the usage is printed), 2
// for a command line the parser refused (it printed why, and the usage),
// 1 for any other error.
func exitStatus(err error, stderr io.Writer) int {
	var usage *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		return 2
	}
	fmt.Fprintln(stderr, "authbench:", err)
	return 1
}

// usageError is a command line that the flag set refused, after it printed
// the reason and the usage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// Floors (-floor-client).
const (
	floorClientOAuth1   = "oauth1"
	floorClientAuthcore = "authcore"
)

// Login kinds (-first, -repeat).
const (
	kindVerifier = "verifier" // request token + verifier: access_token exchange, then verify_credentials
	kindAccess   = "access"   // access token: verify_credentials only
)

type config struct {
	concurrency int
	duration    time.Duration
	count       int
	accounts    int
	first       string
	repeat      string
	floor       bool
	floorClient string
	db          string
	json        bool
	refresh     bool
	warmup      int
	rounds      int

	mem        int
	memRecords bool

	cpuProfile, memProfile, mutexProfile string
}

func parse(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("authbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.IntVar(&c.concurrency, "c", 32, "concurrent clients")
	fs.DurationVar(&c.duration, "d", 10*time.Second, "longest a phase runs (0: until -n)")
	fs.IntVar(&c.count, "n", 0, "most logins a phase sends (0: until -d)")
	fs.IntVar(&c.accounts, "accounts", 20000, "Twitter accounts; the first-login phase logs each in at most once")
	fs.StringVar(&c.first, "first", kindVerifier, `first logins carry a request token and verifier ("verifier") or an access token ("access")`)
	fs.StringVar(&c.repeat, "repeat", kindAccess, `repeat logins carry an access token ("access") or a request token and verifier ("verifier")`)
	fs.BoolVar(&c.floor, "floor", true, "also measure the floor (bare handler, same two Twitter calls)")
	fs.StringVar(&c.floorClient, "floor-client", floorClientOAuth1, `how the floor calls Twitter: "oauth1" (github.com/dghubble/oauth1, the issue's floor) or "authcore" (idp/twitter's Client)`)
	fs.StringVar(&c.db, "db", "memory", `store: "memory", "sqlite:PATH" (PATH must not exist; "sqlite:" for a temporary file) or "postgres://…" (an empty database)`)
	fs.BoolVar(&c.json, "json", false, "print JSON instead of a table")
	fs.BoolVar(&c.refresh, "refresh", true, "the application generates refresh tokens (each login then stores one)")
	fs.IntVar(&c.warmup, "warmup", 200, "untimed logins against each server before the phases")
	fs.IntVar(&c.rounds, "rounds", 4, "interleaved rounds per phase (-d and -n are spread over them)")
	fs.IntVar(&c.mem, "mem", 0, "instead of a load test, fill an in-memory store with this many users (one link, one registration each) and report memory")
	fs.BoolVar(&c.memRecords, "mem-records", false, "with -mem, also store one login record and one refresh token per user, as a first login does")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the authcore phases to this file")
	fs.StringVar(&c.memProfile, "memprofile", "", "write an allocation profile (at exit; with -mem, a heap profile of the filled store) to this file")
	fs.StringVar(&c.mutexProfile, "mutexprofile", "", "write a mutex contention profile (at exit) to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, &usageError{err}
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case c.mem < 0:
		return c, errors.New("-mem must not be negative")
	case c.mem > 0:
		return c, nil
	case c.concurrency < 1:
		return c, errors.New("-c must be at least 1")
	case c.duration < 0 || c.count < 0:
		return c, errors.New("-d and -n must not be negative")
	case c.duration == 0 && c.count == 0:
		return c, errors.New("give -d or -n: every phase must be bounded")
	case c.accounts < 1:
		return c, errors.New("-accounts must be at least 1")
	case c.warmup < 0:
		return c, errors.New("-warmup must not be negative")
	case c.rounds < 1:
		return c, errors.New("-rounds must be at least 1")
	}
	for _, k := range []struct{ flag, v string }{{"-first", c.first}, {"-repeat", c.repeat}} {
		if k.v != kindVerifier && k.v != kindAccess {
			return c, fmt.Errorf("%s must be %q or %q, not %q", k.flag, kindVerifier, kindAccess, k.v)
		}
	}
	if c.floorClient != floorClientOAuth1 && c.floorClient != floorClientAuthcore {
		return c, fmt.Errorf("-floor-client must be %q or %q", floorClientOAuth1, floorClientAuthcore)
	}
	if c.db != "memory" && !strings.HasPrefix(c.db, "sqlite:") && !strings.HasPrefix(c.db, "postgres://") && !strings.HasPrefix(c.db, "postgresql://") {
		return c, fmt.Errorf(`-db must be "memory", "sqlite:PATH" or "postgres://…"`)
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parse(args, stderr)
	if err != nil {
		return err
	}
	if cfg.memProfile != "" && cfg.mem == 0 {
		defer writeProfile("allocs", cfg.memProfile, stderr)
	}
	if cfg.mutexProfile != "" {
		runtime.SetMutexProfileFraction(1)
		defer writeProfile("mutex", cfg.mutexProfile, stderr)
	}
	if cfg.mem > 0 {
		rep, err := measureMemory(ctx, cfg.mem, cfg.memRecords, cfg.memProfile, stderr)
		if err != nil {
			return err
		}
		return rep.print(stdout, cfg.json)
	}
	rep, err := loadTest(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	return rep.print(stdout, cfg.json)
}

func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func writeProfile(name, path string, stderr io.Writer) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "authbench: %s profile: %v\n", name, err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		fmt.Fprintf(stderr, "authbench: %s profile: %v\n", name, err)
	}
}
