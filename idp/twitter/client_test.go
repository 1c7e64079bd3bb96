package twitter_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

const (
	consumerKey    = "24iuleLRKIZUNhxuuUK6yDZwb"
	consumerSecret = "CONSUMER-SECRET-e2ZpAaAfxv2j9eeh6JTe"
	accountID      = "1179659262"
)

var consumer = twitter.Consumer{Key: consumerKey, Secret: consumerSecret}

type fixture struct {
	fake   *twittertest.Server
	client *twitter.Client
}

func newFixture(t testing.TB, opts ...twitter.Option) *fixture {
	t.Helper()
	fake := twittertest.NewServer()
	t.Cleanup(fake.Close)
	fake.AddConsumer(consumerKey, consumerSecret)
	fake.AddAccount(twittertest.Account{
		ID: accountID, ScreenName: "jack", Name: "Jack Dorsey",
		Email: "jack@example.com", ProfileImageURL: "https://pbs.twimg.com/profile_images/1/jack.jpg",
	})
	client, err := twitter.NewClient(append([]twitter.Option{twitter.WithBaseURL(fake.URL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{fake: fake, client: client}
}

// assertKind checks the error's kind and that its message carries none of
// the secrets involved.
func assertKind(t *testing.T, err, kind error, secrets ...string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("want %v, got %v", kind, err)
	}
	other := twitter.ErrRefused
	if kind == twitter.ErrRefused {
		other = twitter.ErrUnavailable
	}
	if errors.Is(err, other) {
		t.Fatalf("error is both kinds: %v", err)
	}
	var te *twitter.Error
	if !errors.As(err, &te) {
		t.Fatalf("want *twitter.Error, got %T", err)
	}
	msg := err.Error()
	for _, s := range append(secrets, consumerSecret) {
		if s != "" && strings.Contains(msg, s) {
			t.Fatalf("error message %q contains a secret", msg)
		}
	}
}

func TestLoginWithVerifier(t *testing.T) {
	f := newFixture(t)
	rt, rs, verifier := f.fake.IssueRequestToken(consumerKey, accountID)
	tok, user, raw, err := f.client.Login(context.Background(), consumer, rt, twitter.Secret(rs), verifier)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token == "" || tok.Token == rt || tok.Secret == "" {
		t.Fatalf("access token not exchanged: %q", tok.Token)
	}
	want := twitter.User{IDStr: accountID, ScreenName: "jack", Name: "Jack Dorsey", Email: "jack@example.com",
		ProfileImageURLHTTPS: "https://pbs.twimg.com/profile_images/1/jack.jpg", CreatedAt: "Wed Mar 21 20:50:14 +0000 2006"}
	if user != want {
		t.Fatalf("user %+v", user)
	}
	if !strings.Contains(string(raw), `"id_str":"1179659262"`) || !strings.Contains(string(raw), `"id":1179659262`) {
		t.Fatalf("raw %s", raw)
	}
	if a, v := f.fake.Requests(); a != 1 || v != 1 {
		t.Fatalf("requests %d %d", a, v)
	}
	// The access token it returned works on its own.
	if _, _, err := f.client.VerifyCredentials(context.Background(), consumer, tok); err != nil {
		t.Fatalf("returned access token does not work: %v", err)
	}
}

func TestLoginWithAccessTokenSkipsExchange(t *testing.T) {
	f := newFixture(t)
	at, as := f.fake.IssueAccessToken(consumerKey, accountID)
	tok, user, _, err := f.client.Login(context.Background(), consumer, at, twitter.Secret(as), "")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token != at || tok.Secret.Reveal() != as || user.IDStr != accountID {
		t.Fatalf("got %q %+v", tok.Token, user)
	}
	if a, v := f.fake.Requests(); a != 0 || v != 1 {
		t.Fatalf("requests %d %d: the exchange must be skipped", a, v)
	}
}

func TestLoginRefused(t *testing.T) {
	cases := []struct {
		name  string
		login func(f *fixture) ([]string, error)
	}{
		{"wrong consumer secret", func(f *fixture) ([]string, error) {
			rt, rs, v := f.fake.IssueRequestToken(consumerKey, accountID)
			bad := twitter.Consumer{Key: consumerKey, Secret: "WRONG-CONSUMER-SECRET"}
			_, _, _, err := f.client.Login(context.Background(), bad, rt, twitter.Secret(rs), v)
			return []string{"WRONG-CONSUMER-SECRET", rs, v}, err
		}},
		{"unknown consumer key", func(f *fixture) ([]string, error) {
			rt, rs, v := f.fake.IssueRequestToken(consumerKey, accountID)
			bad := twitter.Consumer{Key: "nobody", Secret: consumerSecret}
			_, _, _, err := f.client.Login(context.Background(), bad, rt, twitter.Secret(rs), v)
			return []string{rs, v}, err
		}},
		{"wrong request token secret", func(f *fixture) ([]string, error) {
			rt, _, v := f.fake.IssueRequestToken(consumerKey, accountID)
			_, _, _, err := f.client.Login(context.Background(), consumer, rt, "WRONG-TOKEN-SECRET", v)
			return []string{"WRONG-TOKEN-SECRET", v}, err
		}},
		{"wrong access token secret", func(f *fixture) ([]string, error) {
			at, _ := f.fake.IssueAccessToken(consumerKey, accountID)
			_, _, _, err := f.client.Login(context.Background(), consumer, at, "WRONG-TOKEN-SECRET", "")
			return []string{"WRONG-TOKEN-SECRET"}, err
		}},
		{"wrong verifier", func(f *fixture) ([]string, error) {
			rt, rs, _ := f.fake.IssueRequestToken(consumerKey, accountID)
			_, _, _, err := f.client.Login(context.Background(), consumer, rt, twitter.Secret(rs), "WRONG-VERIFIER")
			return []string{rs, "WRONG-VERIFIER"}, err
		}},
		{"reused request token", func(f *fixture) ([]string, error) {
			rt, rs, v := f.fake.IssueRequestToken(consumerKey, accountID)
			if _, _, _, err := f.client.Login(context.Background(), consumer, rt, twitter.Secret(rs), v); err != nil {
				return nil, errors.New("first use failed: " + err.Error())
			}
			_, _, _, err := f.client.Login(context.Background(), consumer, rt, twitter.Secret(rs), v)
			return []string{rs, v}, err
		}},
		{"request token used as access token", func(f *fixture) ([]string, error) {
			rt, rs, _ := f.fake.IssueRequestToken(consumerKey, accountID)
			_, _, _, err := f.client.Login(context.Background(), consumer, rt, twitter.Secret(rs), "")
			return []string{rs}, err
		}},
		{"empty token", func(f *fixture) ([]string, error) {
			_, _, _, err := f.client.Login(context.Background(), consumer, "", "", "")
			return nil, err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			secrets, err := tc.login(f)
			assertKind(t, err, twitter.ErrRefused, secrets...)
		})
	}
}

func TestLoginUnavailable(t *testing.T) {
	cases := []struct {
		name     string
		fault    twittertest.Fault
		omitID   bool
		verifier bool
		wantOp   string
	}{
		{"timeout", twittertest.FaultTimeout, false, true, "access_token"},
		{"timeout on verify_credentials", twittertest.FaultTimeout, false, false, "verify_credentials"},
		{"status 500", twittertest.FaultStatus500, false, true, "access_token"},
		{"html", twittertest.FaultHTML, false, true, "access_token"},
		{"html on verify_credentials", twittertest.FaultHTML, false, false, "verify_credentials"},
		{"missing id_str", twittertest.FaultMissingIDStr, false, true, "verify_credentials"},
		{"account without id_str", twittertest.FaultNone, true, false, "verify_credentials"},
		{"garbage token response", twittertest.FaultGarbageTokenResponse, false, true, "access_token"},
		// Two tokens: which is the user's cannot be told. The first was
		// taken.
		{"duplicate token response", twittertest.FaultDuplicateTokenResponse, false, true, "access_token"},
		// The exchange says one account granted the token and
		// verify_credentials answers for another: it was linked.
		{"foreign user_id", twittertest.FaultForeignUserID, false, true, "verify_credentials"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Only a held request needs the client to give up quickly; the
			// other faults are answered at once, and a short timeout there
			// would let a slow machine fail the call before the fault is
			// reached (the access_token exchange before a missing id_str).
			timeout := twitter.DefaultTimeout
			if tc.fault == twittertest.FaultTimeout {
				timeout = 100 * time.Millisecond
			}
			f := newFixture(t, twitter.WithTimeout(timeout))
			// Bounded, and long enough that only the client's timeout can end
			// the call first.
			f.fake.SetFaultDelay(5 * time.Second)
			f.fake.SetFault(tc.fault)
			if tc.omitID {
				f.fake.AddAccount(twittertest.Account{ID: accountID, ScreenName: "jack", OmitIDStr: true})
			}
			var err error
			var secrets []string
			if tc.verifier {
				rt, rs, v := f.fake.IssueRequestToken(consumerKey, accountID)
				_, _, _, err = f.client.Login(context.Background(), consumer, rt, twitter.Secret(rs), v)
				secrets = []string{rs, v}
			} else {
				at, as := f.fake.IssueAccessToken(consumerKey, accountID)
				_, _, _, err = f.client.Login(context.Background(), consumer, at, twitter.Secret(as), "")
				secrets = []string{as}
			}
			assertKind(t, err, twitter.ErrUnavailable, secrets...)
			// The fake answers a held request with a 504 once its delay
			// is over, also unavailable: only the deadline shows that the
			// client's timeout ended the call.
			if tc.fault == twittertest.FaultTimeout && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("the client's timeout did not end the call: %v", err)
			}
			var te *twitter.Error
			errors.As(err, &te)
			if te.Op != tc.wantOp {
				t.Fatalf("op %q, want %q (%v)", te.Op, tc.wantOp, err)
			}
		})
	}
}

func TestStatus500CarriesStatus(t *testing.T) {
	f := newFixture(t)
	f.fake.SetFault(twittertest.FaultStatus500)
	at, as := f.fake.IssueAccessToken(consumerKey, accountID)
	_, _, err := f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
	var te *twitter.Error
	if !errors.As(err, &te) || te.Status != 500 || te.Op != "verify_credentials" {
		t.Fatalf("got %#v", err)
	}
	if te.Error() != "twitter: verify_credentials: HTTP 500: Twitter is unavailable" {
		t.Fatalf("message %q", te.Error())
	}
}

func TestFaultNoneRestoresService(t *testing.T) {
	f := newFixture(t)
	f.fake.SetFault(twittertest.FaultStatus500)
	f.fake.SetFault(twittertest.FaultNone)
	at, as := f.fake.IssueAccessToken(consumerKey, accountID)
	if _, _, _, err := f.client.Login(context.Background(), consumer, at, twitter.Secret(as), ""); err != nil {
		t.Fatal(err)
	}
}

func TestContextCancelledDuringCall(t *testing.T) {
	// The client's own timeout is long: only the context can end the call.
	f := newFixture(t, twitter.WithTimeout(time.Minute))
	f.fake.SetFaultDelay(30 * time.Second)
	f.fake.SetFault(twittertest.FaultTimeout)
	rt, rs, v := f.fake.IssueRequestToken(consumerKey, accountID)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancelled once the fake holds the request, so during the call: a
	// timer could fire before the request is sent on a slow machine, and
	// test the cancelled context's check before a call instead. A request
	// that never arrives is not cancelled here, and the call then ends
	// with the fake's 504 at the latest, which fails the test.
	go func() {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if a, _ := f.fake.Requests(); a > 0 {
				cancel()
				return
			}
		}
	}()
	_, _, _, err := f.client.Login(ctx, consumer, rt, twitter.Secret(rs), v)
	assertKind(t, err, twitter.ErrUnavailable, rs, v)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled in the chain, got %v", err)
	}
}

func TestContextAlreadyCancelled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	at, as := f.fake.IssueAccessToken(consumerKey, accountID)
	_, _, _, err := f.client.Login(ctx, consumer, at, twitter.Secret(as), "")
	assertKind(t, err, twitter.ErrUnavailable, as)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

func TestContextDeadline(t *testing.T) {
	f := newFixture(t, twitter.WithTimeout(time.Minute))
	f.fake.SetFaultDelay(30 * time.Second)
	f.fake.SetFault(twittertest.FaultTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	at, as := f.fake.IssueAccessToken(consumerKey, accountID)
	_, _, _, err := f.client.Login(ctx, consumer, at, twitter.Secret(as), "")
	assertKind(t, err, twitter.ErrUnavailable, as)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

// TestClassification covers answers the fake does not give, from a bare
// handler.
func TestClassification(t *testing.T) {
	big := strings.Repeat("x", 1<<20+1)
	cases := []struct {
		name   string
		status int
		body   string
		kind   error
	}{
		{"403", 403, `{"errors":[{"code":220,"message":"Your credentials do not allow access to this resource."}]}`, twitter.ErrRefused},
		{"400 bad authentication data", 400, `{"errors":[{"code":215,"message":"Bad Authentication data."}]}`, twitter.ErrRefused},
		{"400 plain text about the verifier", 400, `Error processing your OAuth request: Invalid oauth_verifier parameter`, twitter.ErrRefused},
		{"400 about something else", 400, `{"errors":[{"code":44,"message":"attachment_url parameter is invalid."}]}`, twitter.ErrUnavailable},
		{"429", 429, `{"errors":[{"code":88,"message":"Rate limit exceeded"}]}`, twitter.ErrUnavailable},
		{"503", 503, `Over capacity`, twitter.ErrUnavailable},
		{"302", 302, ``, twitter.ErrUnavailable},
		{"404", 404, `{"errors":[{"code":34,"message":"Sorry, that page does not exist."}]}`, twitter.ErrUnavailable},
		{"200 JSON array", 200, `[1,2,3]`, twitter.ErrUnavailable},
		{"200 null", 200, `null`, twitter.ErrUnavailable},
		{"200 too large", 200, `{"id_str":"1","x":"` + big + `"}`, twitter.ErrUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.status == 302 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := twitter.NewClient(twitter.WithBaseURL(srv.URL), twitter.WithHTTPClient(srv.Client()))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = c.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: "t", Secret: "TOKEN-SECRET"})
			assertKind(t, err, tc.kind, "TOKEN-SECRET")
			var te *twitter.Error
			errors.As(err, &te)
			if te.Status != tc.status {
				t.Fatalf("status %d, want %d", te.Status, tc.status)
			}
		})
	}
}

func TestNetworkErrorIsUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	c, err := twitter.NewClient(twitter.WithBaseURL(url))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = c.Login(context.Background(), consumer, "rt", "REQUEST-SECRET", "VERIFIER-1")
	assertKind(t, err, twitter.ErrUnavailable, "REQUEST-SECRET", "VERIFIER-1")
	var te *twitter.Error
	if !errors.As(err, &te) || te.Status != 0 {
		t.Fatalf("status %d for a network error", te.Status)
	}
}

func TestNewClientOptions(t *testing.T) {
	bad := []struct {
		name string
		opt  twitter.Option
	}{
		{"relative URL", twitter.WithBaseURL("/oauth")},
		{"ftp URL", twitter.WithBaseURL("ftp://api.twitter.com")},
		{"no host", twitter.WithBaseURL("https://")},
		{"user info", twitter.WithBaseURL("https://user:pass@api.twitter.com")},
		{"query", twitter.WithBaseURL("https://api.twitter.com?x=1")},
		{"unparseable", twitter.WithBaseURL("http://[::1")},
		{"plain http to another host", twitter.WithBaseURL("http://api.twitter.com")},
		{"plain http to a private address", twitter.WithBaseURL("http://10.0.0.5:8080")},
		{"plain http to a name that ends like localhost", twitter.WithBaseURL("http://localhost.example.com")},
		{"nil http client", twitter.WithHTTPClient(nil)},
		{"zero timeout", twitter.WithTimeout(0)},
		{"negative timeout", twitter.WithTimeout(-time.Second)},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if c, err := twitter.NewClient(tc.opt); err == nil || c != nil {
				t.Fatalf("accepted: %v", c)
			}
		})
	}
	for _, u := range []string{"https://api.twitter.com", "https://api.twitter.com/", "http://127.0.0.1:8080/prefix", "http://localhost:9000", "http://[::1]:9000"} {
		if _, err := twitter.NewClient(twitter.WithBaseURL(u)); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
}

// TestBaseURLWithPathAndTrailingSlash: the endpoints hang off the base URL's
// path, and a trailing slash does not double.
func TestBaseURLWithPathAndTrailingSlash(t *testing.T) {
	var seen string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.URL.Path
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer proxy.Close()
	c, err := twitter.NewClient(twitter.WithBaseURL(proxy.URL + "/twitter/"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, _ = c.Login(context.Background(), consumer, "t", "s", "")
	if seen != "/twitter/1.1/account/verify_credentials.json" {
		t.Fatalf("path %q", seen)
	}
}

// TestUserHTTPClientTransportIsUsed: WithHTTPClient's transport carries the
// calls, and its Timeout applies.
func TestUserHTTPClientTransportIsUsed(t *testing.T) {
	f := newFixture(t)
	var calls int
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls++
		return http.DefaultTransport.RoundTrip(r)
	})}
	c, err := twitter.NewClient(twitter.WithBaseURL(f.fake.URL), twitter.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	rt, rs, v := f.fake.IssueRequestToken(consumerKey, accountID)
	if _, _, _, err := c.Login(context.Background(), consumer, rt, twitter.Secret(rs), v); err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Fatalf("transport saw %d calls, want 2", calls)
	}

	f.fake.SetFaultDelay(5 * time.Second)
	f.fake.SetFault(twittertest.FaultTimeout)
	c, _ = twitter.NewClient(twitter.WithBaseURL(f.fake.URL), twitter.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	at, as := f.fake.IssueAccessToken(consumerKey, accountID)
	_, _, _, err = c.Login(context.Background(), consumer, at, twitter.Secret(as), "")
	assertKind(t, err, twitter.ErrUnavailable)
	// Not the fake's 504 after its delay: the 50 ms ended the call.
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the HTTP client's Timeout did not end the call: %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestConcurrentLogins(t *testing.T) {
	f := newFixture(t)
	const n = 16
	errs := make(chan error, n)
	for range n {
		rt, rs, v := f.fake.IssueRequestToken(consumerKey, accountID)
		go func() {
			_, u, _, err := f.client.Login(context.Background(), consumer, rt, twitter.Secret(rs), v)
			if err == nil && u.IDStr != accountID {
				err = errors.New("wrong user " + u.IDStr)
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestConcurrentReuseOfOneRequestToken: two exchanges of the same request
// token race; exactly one wins.
func TestConcurrentReuseOfOneRequestToken(t *testing.T) {
	f := newFixture(t)
	rt, rs, v := f.fake.IssueRequestToken(consumerKey, accountID)
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := f.client.AccessToken(context.Background(), consumer, rt, twitter.Secret(rs), v)
			errs <- err
		}()
	}
	ok := 0
	for range n {
		err := <-errs
		if err == nil {
			ok++
		} else if !errors.Is(err, twitter.ErrRefused) {
			t.Errorf("loser got %v, want ErrRefused", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d exchanges succeeded, want 1", ok)
	}
}

// A redirect is reported, never followed: the signature covers the URL, and
// following would send the signed Authorization header somewhere else.
func TestRedirectIsNotFollowed(t *testing.T) {
	var followed int
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		followed++
		_, _ = w.Write([]byte(`{"id_str":"1"}`))
	}))
	defer target.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/1.1/account/verify_credentials.json", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c, err := twitter.NewClient(twitter.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: "t", Secret: "TOKEN-SECRET"})
	assertKind(t, err, twitter.ErrUnavailable, "TOKEN-SECRET")
	if followed != 0 {
		t.Fatalf("the redirect was followed %d times", followed)
	}
}

// The client keeps the last consumer's oauth1 configuration; logins that
// alternate between two consumers (an application override with its own
// keys) must each be signed with their own secret, which the fake checks.
func TestAlternatingConsumersSignWithTheirOwnSecret(t *testing.T) {
	f := newFixture(t)
	other := twitter.Consumer{Key: "other-consumer", Secret: "OTHER-CONSUMER-SECRET"}
	f.fake.AddConsumer(other.Key, other.Secret.Reveal())
	wrongSecret := twitter.Consumer{Key: consumerKey, Secret: "NOT-THE-SECRET"}
	for i := range 6 {
		c := consumer
		if i%2 == 1 {
			c = other
		}
		at, as := f.fake.IssueAccessToken(c.Key, accountID)
		u, _, err := f.client.VerifyCredentials(context.Background(), c, twitter.Token{Token: at, Secret: twitter.Secret(as)})
		if err != nil {
			t.Fatalf("login %d with consumer %s: %v", i, c.Key, err)
		}
		if u.IDStr != accountID {
			t.Fatalf("id_str %q", u.IDStr)
		}
		// Same key, other secret: a cache keyed by the key alone would sign
		// this with the right secret and pass.
		_, _, err = f.client.VerifyCredentials(context.Background(), wrongSecret, twitter.Token{Token: at, Secret: twitter.Secret(as)})
		assertKind(t, err, twitter.ErrRefused, "NOT-THE-SECRET", as)
	}
}

// An answer whose id, screen name or email is longer than any Twitter
// gives is not taken for a user: the store indexes all three.
func TestVerifyCredentialsRefusesOverlongIdentity(t *testing.T) {
	long := strings.Repeat("x", 256)
	for name, acct := range map[string]twittertest.Account{
		"id":          {ID: strings.Repeat("7", 256), ScreenName: "ok"},
		"screen name": {ID: "42", ScreenName: long},
		"email":       {ID: "43", ScreenName: "ok", Email: long + "@example.com"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.fake.AddAccount(acct)
			at, as := f.fake.IssueAccessToken(consumerKey, acct.ID)
			_, _, err := f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
			assertKind(t, err, twitter.ErrUnavailable, as)
		})
	}
	// At the bound, it is taken.
	f := newFixture(t)
	acct := twittertest.Account{ID: "44", ScreenName: strings.Repeat("y", 255)}
	f.fake.AddAccount(acct)
	at, as := f.fake.IssueAccessToken(consumerKey, acct.ID)
	u, _, err := f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
	if err != nil || u.ScreenName != acct.ScreenName {
		t.Fatalf("got %+v, %v", u, err)
	}
}

// An answer whose id_str is not the decimal form of a 64-bit id is not
// Twitter's: the id becomes the link's key, so "abc", " 42" or "007" (a
// second key for account 7) must not create a user or a link. It is
// treated as a missing id_str is: Twitter unavailable.
func TestVerifyCredentialsRefusesNonNumericID(t *testing.T) {
	for _, id := range []string{
		"abc", "12a", "-42", "+42", " 42", "42 ", "4 2", "007", "0", "4.2", "1e9", "0x2a",
		"\u0664\u0662",         // Arabic-Indic digits: digits to unicode, not to Twitter
		"18446744073709551616", // 2^64: past 64 bits
		strings.Repeat("9", 21),
	} {
		t.Run(id, func(t *testing.T) {
			f := newFixture(t)
			f.fake.AddAccount(twittertest.Account{ID: id, ScreenName: "jack"})
			at, as := f.fake.IssueAccessToken(consumerKey, id)
			_, _, err := f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
			assertKind(t, err, twitter.ErrUnavailable, as)
			var te *twitter.Error
			if !errors.As(err, &te) || te.Op != "verify_credentials" || te.Status != 200 {
				t.Fatalf("got %#v", err)
			}
		})
	}
	// Every 64-bit id is taken, the largest included.
	for _, id := range []string{"1", "1179659262", "9223372036854775807", "18446744073709551615"} {
		f := newFixture(t)
		f.fake.AddAccount(twittertest.Account{ID: id, ScreenName: "jack"})
		at, as := f.fake.IssueAccessToken(consumerKey, id)
		u, _, err := f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
		if err != nil || u.IDStr != id {
			t.Errorf("%s: got %q, %v", id, u.IDStr, err)
		}
	}
}

// An answer whose id, screen name or email holds U+0000 is not taken for a
// user either: the stores index all three, and PostgreSQL refuses the
// character in text (the login answered 500 there).
func TestVerifyCredentialsRefusesNULInIdentity(t *testing.T) {
	for name, acct := range map[string]twittertest.Account{
		"id":          {ID: "4\x005", ScreenName: "ok"},
		"screen name": {ID: "46", ScreenName: "a\x00b"},
		"email":       {ID: "47", ScreenName: "ok", Email: "a\x00b@example.com"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.fake.AddAccount(acct)
			at, as := f.fake.IssueAccessToken(consumerKey, acct.ID)
			_, _, err := f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
			assertKind(t, err, twitter.ErrUnavailable, as)
		})
	}
}

// TestBaseURLErrorHidesPassword: a refused base URL's error never repeats
// the password its user info holds, whichever rule refused it (the error of
// New ends up in logs and in a panic's message).
func TestBaseURLErrorHidesPassword(t *testing.T) {
	for _, u := range []string{
		"ftp://user:hunter2@api.twitter.com",     // the scheme
		"https://user:hunter2@api.twitter.com",   // the user info itself
		"http://user:hunter2@api.twitter.com:xx", // does not parse
		"user:hunter2@api.twitter.com",           // not absolute
	} {
		_, err := twitter.NewClient(twitter.WithBaseURL(u))
		if err == nil {
			t.Fatalf("%s accepted", u)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error names the password: %v", err)
		}
	}
}

// TestTokenNeverPrints: an oauth_token is a credential like its secret, so
// neither fmt nor slog shows it (Token.LogValue printed it in clear, and %v
// of a Token printed its Token field).
func TestTokenNeverPrints(t *testing.T) {
	const token, secret = "1179659262-ACCESS-TOKEN-VALUE", "ACCESS-TOKEN-SECRET"
	values := map[string]any{
		"value":   twitter.Token{Token: token, Secret: secret},
		"pointer": &twitter.Token{Token: token, Secret: secret},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%s", "%#v", "%q", "%x", "%d"} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, token) || strings.Contains(out, secret) ||
				!strings.Contains(out, "[redacted]") {
				t.Errorf("%s with %s: %s", name, verb, out)
			}
		}
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("login", "tok", v)
		slog.New(slog.NewJSONHandler(&js, nil)).Info("login", "tok", v)
		for handler, out := range map[string]string{"text": text.String(), "json": js.String()} {
			if strings.Contains(out, token) || strings.Contains(out, secret) || !strings.Contains(out, "[redacted]") {
				t.Errorf("%s in slog %s: %s", name, handler, out)
			}
		}
	}
	// An absent token stays visibly absent: "no token" is worth knowing.
	var js bytes.Buffer
	slog.New(slog.NewJSONHandler(&js, nil)).Info("login", "tok", twitter.Token{})
	if !strings.Contains(js.String(), `"tok":{"token":"","secret":"[redacted]"}`) {
		t.Errorf("empty token: %s", js.String())
	}
}

// TestVerifyCredentialsRefusesImplausibleEmail: Twitter returns confirmed
// addresses only, so an answer whose email the User API would refuse is
// not Twitter's. Stored by a login (as verified), it made every later PUT
// of the user as GET returned it fail.
func TestVerifyCredentialsRefusesImplausibleEmail(t *testing.T) {
	for i, email := range []string{
		"not-an-email", " jack@example.com", "jack@example.com\n", "ja ck@example.com",
		"a@b@example.com", "@example.com", "jack@localhost", "jack@example..com", "jack@.example.com",
	} {
		t.Run(email, func(t *testing.T) {
			f := newFixture(t)
			id := strconv.Itoa(50 + i)
			f.fake.AddAccount(twittertest.Account{ID: id, ScreenName: "jack", Email: email})
			at, as := f.fake.IssueAccessToken(consumerKey, id)
			_, _, err := f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
			assertKind(t, err, twitter.ErrUnavailable, as)
		})
	}
	// Addresses the User API takes are taken.
	for i, email := range []string{"a+b@example.com", "jäck@exämple.com", "JACK@EXAMPLE.COM"} {
		f := newFixture(t)
		id := strconv.Itoa(70 + i)
		f.fake.AddAccount(twittertest.Account{ID: id, ScreenName: "jack", Email: email})
		at, as := f.fake.IssueAccessToken(consumerKey, id)
		u, _, err := f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
		if err != nil || u.Email != email {
			t.Errorf("%q: got %q, %v", email, u.Email, err)
		}
	}
}

// TestVerifyCredentialsRefusesScreenNameWithSurroundingSpace: Twitter's
// screen names are letters, digits and underscores, and the User API trims
// a username; an answer whose screen_name has white space around it is not
// Twitter's. A login stored it as it came, a username no lookup finds.
func TestVerifyCredentialsRefusesScreenNameWithSurroundingSpace(t *testing.T) {
	for i, sn := range []string{" jack", "jack ", "\tjack", "jack\r\n", " ", "\u00a0jack", "jack\u2003"} {
		t.Run(sn, func(t *testing.T) {
			f := newFixture(t)
			id := strconv.Itoa(80 + i)
			f.fake.AddAccount(twittertest.Account{ID: id, ScreenName: sn})
			at, as := f.fake.IssueAccessToken(consumerKey, id)
			_, _, err := f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
			assertKind(t, err, twitter.ErrUnavailable, as)
		})
	}
	// White space inside, which the User API keeps, and no screen name at
	// all are taken.
	for i, sn := range []string{"ja ck", ""} {
		f := newFixture(t)
		id := strconv.Itoa(90 + i)
		f.fake.AddAccount(twittertest.Account{ID: id, ScreenName: sn})
		at, as := f.fake.IssueAccessToken(consumerKey, id)
		u, _, err := f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
		if err != nil || u.ScreenName != sn {
			t.Errorf("%q: got %q, %v", sn, u.ScreenName, err)
		}
	}
}

// A 429 is Twitter unavailable, and the error says when Twitter's rate-limit
// window ends (its x-rate-limit-reset, epoch seconds), in RateLimitReset and
// in the message that the event log records. It had been dropped.
func TestRateLimitedCarriesReset(t *testing.T) {
	f := newFixture(t)
	reset := time.Now().Add(10 * time.Minute).Truncate(time.Second)
	f.fake.SetRateLimitReset(reset)
	f.fake.SetFault(twittertest.FaultRateLimited)
	rt, rs, v := f.fake.IssueRequestToken(consumerKey, accountID)
	_, _, _, err := f.client.Login(context.Background(), consumer, rt, twitter.Secret(rs), v)
	assertKind(t, err, twitter.ErrUnavailable, rs, v)
	var te *twitter.Error
	errors.As(err, &te)
	if te.Status != http.StatusTooManyRequests || te.Op != "access_token" || !te.RateLimitReset.Equal(reset) {
		t.Fatalf("got status %d, op %q, reset %v; want 429, access_token, %v", te.Status, te.Op, te.RateLimitReset, reset)
	}
	want := "twitter: access_token: HTTP 429: Twitter is unavailable: rate limit resets at " + reset.UTC().Format(time.RFC3339)
	if te.Error() != want {
		t.Fatalf("message %q, want %q", te.Error(), want)
	}

	// Without the fault's reset set, the fake's own (15 minutes ahead) is
	// read too, on verify_credentials.
	f.fake.SetRateLimitReset(time.Time{})
	at, as := f.fake.IssueAccessToken(consumerKey, accountID)
	_, _, err = f.client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: at, Secret: twitter.Secret(as)})
	if !errors.As(err, &te) || te.Op != "verify_credentials" || te.RateLimitReset.IsZero() {
		t.Fatalf("got %v", err)
	}
}

// An x-rate-limit-reset that is not epoch seconds in digits, or that lies
// further ahead than any rate-limit window (a day), is no reset: the zero
// time, and nothing about it in the message. One in the past is kept
// (Twitter's clock and ours may differ).
func TestRateLimitResetHeaderChecked(t *testing.T) {
	var header atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if h := header.Load().(string); h != "-" {
			w.Header().Set("x-rate-limit-reset", h)
		}
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	client, err := twitter.NewClient(twitter.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	for _, h := range []string{
		"-", "", "soon", "-60", "+" + strconv.FormatInt(now+60, 10), "0", "1e10",
		strconv.FormatInt(now+60, 10) + ".5", strconv.FormatInt(now+60, 10) + "s",
		strconv.FormatInt(now+3*86400, 10), "99999999999999999999",
	} {
		header.Store(h)
		_, _, err := client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: "t", Secret: "s"})
		var te *twitter.Error
		if !errors.As(err, &te) || te.Status != http.StatusTooManyRequests {
			t.Fatalf("%q: got %v", h, err)
		}
		if !te.RateLimitReset.IsZero() || strings.Contains(te.Error(), "resets") {
			t.Errorf("%q: reset %v, message %q", h, te.RateLimitReset, te.Error())
		}
	}
	for _, secs := range []int64{now - 30, now + 60, now + 86400 - 60} {
		header.Store(strconv.FormatInt(secs, 10))
		_, _, err := client.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: "t", Secret: "s"})
		var te *twitter.Error
		if !errors.As(err, &te) || !te.RateLimitReset.Equal(time.Unix(secs, 0)) {
			t.Errorf("%d: got %v (reset %v)", secs, err, te.RateLimitReset)
		}
	}
}

// TestHugeResponseHeaderIsUnavailable: what is read of Twitter's answer is
// bounded, its header as its body. Twitter's headers are a few KiB; net/http's
// default allows 10 MiB of them, each login to a broken or hostile Twitter
// holding that much memory while the body was capped at 1 MiB.
func TestHugeResponseHeaderIsUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		filler := strings.Repeat("x", 1000)
		for i := range 2000 { // 2 MB
			w.Header().Set("X-Filler-"+strconv.Itoa(i), filler)
		}
		_, _ = w.Write([]byte(`{"id_str":"1"}`))
	}))
	defer srv.Close()
	c, err := twitter.NewClient(twitter.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: "t", Secret: "TOKEN-SECRET"})
	assertKind(t, err, twitter.ErrUnavailable, "TOKEN-SECRET")

	// A header of Twitter's size is read.
	small := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Filler", strings.Repeat("x", 8000))
		_, _ = w.Write([]byte(`{"id_str":"1"}`))
	}))
	defer small.Close()
	c, err = twitter.NewClient(twitter.WithBaseURL(small.URL))
	if err != nil {
		t.Fatal(err)
	}
	if u, _, err := c.VerifyCredentials(context.Background(), consumer, twitter.Token{Token: "t", Secret: "TOKEN-SECRET"}); err != nil || u.IDStr != "1" {
		t.Fatalf("got %+v, %v", u, err)
	}
}
