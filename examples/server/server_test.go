package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/sqlstore"
)

// TestHTTPServerBoundsSlowClients: ReadHeaderTimeout alone lets a client
// that sent its headers trickle the body (or sit on a kept-alive
// connection) forever, holding a connection and a handler goroutine, and
// keeping Shutdown from finishing.
func TestHTTPServerBoundsSlowClients(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout <= 0 {
		t.Errorf("ReadHeaderTimeout = %v, want > 0", srv.ReadHeaderTimeout)
	}
	if srv.ReadTimeout <= 0 {
		t.Errorf("ReadTimeout = %v, want > 0: a slow request body holds the connection forever", srv.ReadTimeout)
	}
	if srv.WriteTimeout <= 0 {
		t.Errorf("WriteTimeout = %v, want > 0: a client that never reads holds the connection forever", srv.WriteTimeout)
	}
	if srv.IdleTimeout <= 0 {
		t.Errorf("IdleTimeout = %v, want > 0", srv.IdleTimeout)
	}
}

// TestCommandLine runs main in a child process (this test binary again) with
// a command line that never starts the server, and checks the exit status
// and what the user reads: -h is no error, and a refused command line is
// reported once, with the usage, and exits 2, as a Go command's flags do.
func TestCommandLine(t *testing.T) {
	if args, ok := os.LookupEnv("SERVER_TEST_MAIN_ARGS"); ok {
		os.Args = append([]string{"server"}, strings.Fields(args)...)
		main()
		return
	}
	tests := []struct {
		name, args string
		status     int
		stderr     []string // each exactly once
	}{
		{"help", "-h", 0, []string{"Usage of server:"}},
		{"unknown flag", "-nope", 2, []string{"flag provided but not defined: -nope", "Usage of server:"}},
		{"stray argument", "-db memory my-key", 2, []string{`unexpected argument "my-key"`, "Usage of server:"}},
		// net.Listen takes "" as ":0": every interface, a random port.
		{"empty address", "-addr= -db memory", 2, []string{"-addr is empty", "Usage of server:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A bound, in case a broken parse lets the child serve.
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCommandLine$")
			cmd.Env = append(os.Environ(), "SERVER_TEST_MAIN_ARGS="+tc.args)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			status := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				status = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tc.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tc.status, stderr.String())
			}
			for _, want := range tc.stderr {
				if n := strings.Count(stderr.String(), want); n != 1 {
					t.Errorf("stderr holds %q %d times, want once:\n%s", want, n, stderr.String())
				}
			}
			if strings.HasPrefix(stderr.String(), "server: ") || strings.Contains(stderr.String(), "\nserver: ") {
				t.Errorf("stderr repeats the parser's report as an error:\n%s", stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing (no key is created)", stdout.String())
			}
		})
	}
}

// TestAddressInUseWritesNothing: a second server started on a port already
// taken fails, and must do so before it creates an API key: the key it
// would print is for a server that never ran, and on a SQLite file it would
// stay valid for every later start.
func TestAddressInUseWritesNothing(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	db := "sqlite:" + filepath.Join(t.TempDir(), "auth.db")
	stdout, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()

	err = run(t.Context(), []string{"-addr", taken.Addr().String(), "-db", db}, stdout)
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("run on a taken port: %v, want the listen error", err)
	}
	if out, _ := os.ReadFile(stdout.Name()); len(out) != 0 {
		t.Errorf("stdout %q, want nothing: no key for a server that did not start", out)
	}
	if keys := storedKeys(t, db); len(keys) != 0 {
		t.Errorf("%d API keys stored by a start that failed, want 0", len(keys))
	}
}

// A -twitter-url the client refuses failed after the store was opened: a
// start that never served left a SQLite file with its default tenant.
func TestBadTwitterURLWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "auth.db")
	err := run(t.Context(), []string{"-addr", "127.0.0.1:0", "-db", "sqlite:" + path, "-twitter-url", "ftp://example.com"}, os.Stdout)
	if err == nil || !strings.HasPrefix(err.Error(), "-twitter-url: ") {
		t.Fatalf("run with a bad -twitter-url: %v, want an error naming the flag", err)
	}
	if _, statErr := os.Stat(path); !errors.Is(statErr, fs.ErrNotExist) {
		t.Errorf("the SQLite file exists after a start that failed on its flags (stat: %v)", statErr)
	}
}

// storedKeys opens the store at dsn and returns its API keys.
func storedKeys(t *testing.T, dsn string) []*authcore.APIKey {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	keys, err := s.ListAPIKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// startServer runs the server with args until the test stops it, and
// returns the API key it printed ("" when it printed none) and the stop
// function, which returns run's error.
func startServer(t *testing.T, args ...string) (key string, stop func() error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), w)
		w.Close() // the reader below sees the end if run fails before printing
		done <- err
	}()
	stop = func() error {
		cancel()
		return <-done
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("server printed %q, then %v; run: %v", line, err, <-done)
	}
	key, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "API key: ")
	if !ok {
		t.Fatalf("server printed %q, want the API key", line)
	}
	return key, stop
}

// TestRestartReplacesGeneratedKey: each start without -api-key prints a new
// key; on a SQLite file the key printed at the start before must stop
// working, or every key ever printed stays valid, one more per start. A key
// given with -api-key is the operator's and is kept.
func TestRestartReplacesGeneratedKey(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "auth.db")
	given := "operator-chosen-key-0123456789"
	first, stop := startServer(t, "-db", db)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// A start with a given key prints nothing: startServer's read ends at
	// the pipe's end, so this start is driven by hand.
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", db, "-api-key", given}, devnull) }()
	waitForKeys(t, db, 2)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	second, stop := startServer(t, "-db", db)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if first == second {
		t.Fatalf("two starts printed the same key %q", first)
	}

	s, err := sqlstore.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	engine, err := authcore.New(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Authenticate(t.Context(), first); !errors.Is(err, authcore.ErrUnauthorized) {
		t.Errorf("the key printed at the first start: %v, want ErrUnauthorized after a restart", err)
	}
	for name, key := range map[string]string{"the key printed last": second, "the -api-key key": given} {
		if _, err := engine.Authenticate(t.Context(), key); err != nil {
			t.Errorf("%s: %v, want it valid", name, err)
		}
	}
	if keys := storedKeys(t, db); len(keys) != 2 {
		t.Errorf("%d API keys stored after three starts, want 2 (the given one and the last generated)", len(keys))
	}
}

// waitForKeys waits until the store at dsn holds n API keys: a server
// started with -api-key prints nothing to say it is up.
func waitForKeys(t *testing.T, dsn string, n int) {
	t.Helper()
	for range 500 {
		if len(storedKeys(t, dsn)) >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the store never held %d API keys", n)
}

// TestRefusedAPIKeySaysWhy: a -api-key the engine refuses (too short, a
// space at an end) was reported as "api key: validation:
// [invalid]apiKey.key", which names neither the flag nor the rule. It was
// also refused only after the store was opened: each attempt left a SQLite
// file with its default tenant.
func TestRefusedAPIKeySaysWhy(t *testing.T) {
	for key, want := range map[string]string{
		"short":                  "-api-key: An API key must be at least 16 characters.",
		" my-long-api-key-12345": "-api-key: An API key must be printable ASCII and may not begin or end with a space.",
	} {
		path := filepath.Join(t.TempDir(), "auth.db")
		err := run(t.Context(), []string{"-addr", "127.0.0.1:0", "-db", "sqlite:" + path, "-api-key", key}, os.Stdout)
		if err == nil || err.Error() != want {
			t.Errorf("-api-key %q: %v, want %q", key, err, want)
		}
		if _, statErr := os.Stat(path); !errors.Is(statErr, fs.ErrNotExist) {
			t.Errorf("-api-key %q: the SQLite file exists after a start refused for its key (stat: %v)", key, statErr)
		}
	}
}

// TestSecondSignalStopsAtOnce: after the first SIGINT the server waits up
// to 10 seconds for requests in flight; a second one must end the process
// then, as it ends any Go program, instead of being caught and ignored.
// The child (this binary, through TestCommandLine's hook) is in a handler
// waiting for a request body, which keeps Shutdown waiting.
func TestSecondSignalStopsAtOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCommandLine$")
	cmd.Env = append(os.Environ(), "SERVER_TEST_MAIN_ARGS=-addr 127.0.0.1:0 -db memory -api-key second-signal-key-0123456789")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	waitFor := func(want string) string {
		t.Helper()
		for lines.Scan() {
			if strings.Contains(lines.Text(), want) {
				return lines.Text()
			}
		}
		t.Fatalf("the server's stderr ended before %q", want)
		return ""
	}
	_, addr, _ := strings.Cut(waitFor("authcore listening"), "addr=http://")
	addr, _, _ = strings.Cut(addr, " ")
	// A request whose handler is running when the signal comes: it waits
	// for a body that never arrives. The server's "100 Continue" says the
	// handler has begun to read it.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("PUT /api/integration HTTP/1.1\r\nHost: x\r\n" +
		"Authorization: second-signal-key-0123456789\r\nContent-Type: application/json\r\n" +
		"Content-Length: 100\r\nExpect: 100-continue\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 100 ") {
		t.Fatalf("the request got %q, %v; want 100 Continue", status, err)
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	waitFor("shutting down")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// The pipe ends when the process does; Wait closes it, so it is read
	// to its end first.
	if _, err := io.Copy(io.Discard, stderr); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("the server ended with %v after a second SIGINT, want killed by it", err)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Errorf("the server ended with %v after a second SIGINT, want killed by it", err)
	}
}

// TestUsageShowsNoSecretFromTheEnvironment: the environment's values were
// the flags' defaults, and the usage prints every default: -h, or any
// refused flag, wrote AUTHCORE_API_KEY and AUTHCORE_DB's password to
// stderr (a terminal, a CI log).
func TestUsageShowsNoSecretFromTheEnvironment(t *testing.T) {
	const key, password = "env-secret-api-key-0123456789", "env-db-password"
	for _, args := range []string{"-h", "-nope"} {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCommandLine$")
		cmd.Env = append(os.Environ(), "SERVER_TEST_MAIN_ARGS="+args,
			"AUTHCORE_API_KEY="+key, "AUTHCORE_DB=postgres://u:"+password+"@127.0.0.1:1/db")
		out, _ := cmd.CombinedOutput() // the status is TestCommandLine's concern
		cancel()
		if !strings.Contains(string(out), "Usage of server:") {
			t.Fatalf("%s: no usage printed:\n%s", args, out)
		}
		for _, secret := range []string{key, password} {
			if strings.Contains(string(out), secret) {
				t.Errorf("%s: the usage shows %q from the environment:\n%s", args, secret, out)
			}
		}
	}
}

// TestEnvironmentAndFlags: each setting is taken from its variable when
// its flag is absent, and a flag given wins.
func TestEnvironmentAndFlags(t *testing.T) {
	t.Setenv("AUTHCORE_ADDR", "127.0.0.1:1")
	t.Setenv("AUTHCORE_DB", "memory")
	t.Setenv("AUTHCORE_API_KEY", "env-api-key-0123456789")
	t.Setenv("AUTHCORE_TWITTER_URL", "http://127.0.0.1:2")
	got, err := parse([]string{"-addr", "127.0.0.1:0", "-api-key", "flag-api-key-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	want := config{addr: "127.0.0.1:0", db: "memory", apiKey: "flag-api-key-0123456789", twitterURL: "http://127.0.0.1:2"}
	if got != want {
		t.Errorf("parse = %+v, want %+v", got, want)
	}
}

// TestEmptyAddressFromTheEnvironment: an AUTHCORE_ADDR that is set but
// empty (a blank line of an env file) is refused like an empty -addr, not
// taken as ":0", which listens on every interface instead of loopback.
func TestEmptyAddressFromTheEnvironment(t *testing.T) {
	t.Setenv("AUTHCORE_ADDR", "")
	var usage *usageError
	if c, err := parse([]string{"-db", "memory"}); !errors.As(err, &usage) {
		t.Fatalf("parse = %+v, %v; want a usage error", c, err)
	}
	if c, err := parse([]string{"-db", "memory", "-addr", "127.0.0.1:0"}); err != nil || c.addr != "127.0.0.1:0" {
		t.Fatalf("parse with -addr = %+v, %v; want the flag's address", c, err)
	}
}

// TestShutdownWaitsForHandlers: past Shutdown's deadline the server closes
// the connections, and shutdown returns only once the handlers still
// running have returned: run closes the store right after it.
// http.Server's Shutdown alone returned at the deadline with the handler
// still in the store.
func TestShutdownWaitsForHandlers(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var returned atomic.Bool
	srv := newServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		// A handler that ends only with its request, or when told.
		select {
		case <-r.Context().Done():
		case <-release:
		}
		returned.Store(true)
	}))
	defer close(release)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-entered

	err = srv.shutdown(50 * time.Millisecond)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shutdown = %v, want the deadline passed", err)
	}
	if !returned.Load() {
		t.Fatal("shutdown returned while a handler was running")
	}

	// A request that reaches the handler after that is not served.
	rec := httptest.NewRecorder()
	srv.Handler.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a request after shutdown got %d, want 503", rec.Code)
	}
}
