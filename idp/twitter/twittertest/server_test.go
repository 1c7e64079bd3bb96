package twittertest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dghubble/oauth1"
)

const (
	ck      = "consumer-key"
	cs      = "consumer-secret"
	acctID  = "783214"
	verifyP = "/1.1/account/verify_credentials.json"
	accessP = "/oauth/access_token"
)

func newTestServer(t *testing.T) *Server {
	t.Helper()
	s := NewServer()
	t.Cleanup(s.Close)
	s.AddConsumer(ck, cs)
	s.AddAccount(Account{ID: acctID, ScreenName: "twitter", Name: "Twitter", Email: "t@example.com", ProfileImageURL: "https://pbs.twimg.com/x.png"})
	return s
}

// dghubbleClient signs with the client library, an implementation
// independent of the server's verifier; base sits below the signing, so it
// sees (and may tamper with) signed requests.
func dghubbleClient(consumerSecret, token, tokenSecret string, base http.RoundTripper) *http.Client {
	if base == nil {
		base = http.DefaultTransport
	}
	cfg := oauth1.NewConfig(ck, consumerSecret)
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: base})
	return cfg.Client(ctx, oauth1.NewToken(token, tokenSecret))
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func get(t *testing.T, c *http.Client, u string) (int, []byte) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func twitterCode(t *testing.T, body []byte) int {
	t.Helper()
	var e struct {
		Errors []struct {
			Code int `json:"code"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &e); err != nil || len(e.Errors) != 1 {
		t.Fatalf("not a Twitter error body: %s", body)
	}
	return e.Errors[0].Code
}

func TestVerifyCredentialsSignedByClientLibrary(t *testing.T) {
	s := newTestServer(t)
	at, as := s.IssueAccessToken(ck, acctID)
	status, body := get(t, dghubbleClient(cs, at, as, nil), s.URL+verifyP+"?include_email=true&skip_status=true")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var u map[string]any
	if err := json.Unmarshal(body, &u); err != nil {
		t.Fatal(err)
	}
	if u["id_str"] != acctID || u["id"] != float64(783214) || u["screen_name"] != "twitter" || u["email"] != "t@example.com" ||
		u["profile_image_url_https"] != "https://pbs.twimg.com/x.png" {
		t.Fatalf("user %s", body)
	}
	if v, present := u["url"]; !present || v != nil {
		t.Fatalf("url should be null, as Twitter sends it: %s", body)
	}

	// Without include_email, no email.
	status, body = get(t, dghubbleClient(cs, at, as, nil), s.URL+verifyP)
	if status != 200 || strings.Contains(string(body), "email") {
		t.Fatalf("status %d: %s", status, body)
	}
}

// TestAccessTokenVerifierInHeader: the client library's own AccessToken puts
// oauth_verifier in the Authorization header; Twitter accepts that.
func TestAccessTokenVerifierInHeader(t *testing.T) {
	s := newTestServer(t)
	rt, rs, v := s.IssueRequestToken(ck, acctID)
	cfg := oauth1.NewConfig(ck, cs)
	cfg.Endpoint.AccessTokenURL = s.URL + accessP
	at, as, err := cfg.AccessToken(rt, rs, v)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := get(t, dghubbleClient(cs, at, as, nil), s.URL+verifyP); status != 200 {
		t.Fatalf("issued access token refused: %d %s", status, body)
	}
	if a, vc := s.Requests(); a != 1 || vc != 1 {
		t.Fatalf("requests %d %d", a, vc)
	}
	// Spent.
	if _, _, err := cfg.AccessToken(rt, rs, v); err == nil {
		t.Fatal("request token reused")
	}
}

func TestTamperedParameterIsRejected(t *testing.T) {
	s := newTestServer(t)
	at, as := s.IssueAccessToken(ck, acctID)
	tamper := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = strings.Replace(r2.URL.RawQuery, "include_email=true", "include_email=false", 1)
		return http.DefaultTransport.RoundTrip(r2)
	})
	status, body := get(t, dghubbleClient(cs, at, as, tamper), s.URL+verifyP+"?include_email=true")
	if status != http.StatusUnauthorized || twitterCode(t, body) != 32 {
		t.Fatalf("tampered request: %d %s", status, body)
	}
	// The same request untampered passes, so the signature is what failed.
	if status, _ := get(t, dghubbleClient(cs, at, as, nil), s.URL+verifyP+"?include_email=true"); status != 200 {
		t.Fatalf("untampered: %d", status)
	}
}

func TestTamperedBodyIsRejected(t *testing.T) {
	s := newTestServer(t)
	rt, rs, v := s.IssueRequestToken(ck, acctID)
	tamper := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r2 := r.Clone(r.Context())
		b := "oauth_verifier=" + url.QueryEscape(v) + "&x_auth_mode=evil"
		r2.Body, r2.ContentLength = io.NopCloser(strings.NewReader(b)), int64(len(b))
		return http.DefaultTransport.RoundTrip(r2)
	})
	c := dghubbleClient(cs, rt, rs, tamper)
	resp, err := c.PostForm(s.URL+accessP, url.Values{"oauth_verifier": {v}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || twitterCode(t, body) != 32 {
		t.Fatalf("tampered body: %d %s", resp.StatusCode, body)
	}
}

func TestReplayedNonceIsRejected(t *testing.T) {
	s := newTestServer(t)
	at, as := s.IssueAccessToken(ck, acctID)
	var first int
	replay := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		first = resp.StatusCode
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return http.DefaultTransport.RoundTrip(r) // byte for byte the same request
	})
	status, body := get(t, dghubbleClient(cs, at, as, replay), s.URL+verifyP)
	if first != 200 {
		t.Fatalf("first request: %d", first)
	}
	if status != http.StatusUnauthorized || twitterCode(t, body) != 32 {
		t.Fatalf("replay: %d %s", status, body)
	}
}

// makeSigned builds a request signed with the server's own base string code,
// for the cases the client library cannot produce (bad methods, verifier
// placement, clock skew). Its correctness rests on the RFC vector tests.
func makeSigned(method, target, body string, oauth map[string]string, consumerSecret, tokenSecret string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.Header.Set("Authorization", authHeader(oauth))
	sr, err := parseSigned(r, []byte(body))
	if err != nil {
		panic(err)
	}
	oauth["oauth_signature"] = base64.StdEncoding.EncodeToString(hmacSHA1(sr.baseString(r), consumerSecret, tokenSecret))
	r.Header.Set("Authorization", authHeader(oauth))
	return r
}

func authHeader(oauth map[string]string) string {
	names := make([]string, 0, len(oauth))
	for n := range oauth {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = percentEncode(n) + `="` + percentEncode(oauth[n]) + `"`
	}
	return "OAuth " + strings.Join(parts, ", ")
}

func oauthParams(token string) map[string]string {
	return map[string]string{
		"oauth_consumer_key":     ck,
		"oauth_token":            token,
		"oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp":        strconv.FormatInt(time.Now().Unix(), 10),
		"oauth_nonce":            randomString(16),
		"oauth_version":          "1.0",
	}
}

func serve(s *Server, r *http.Request) (int, []byte) {
	w := httptest.NewRecorder()
	s.serveHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

func TestVerifierPlacement(t *testing.T) {
	cases := []struct {
		name   string
		header string // verifier in the Authorization header, "" for none
		body   string // verifier in the form body, "" for none
		ok     bool
	}{
		{"body", "", "V", true},
		{"header", "V", "", true},
		{"both, equal", "V", "V", true},
		{"both, different", "V", "W", false},
		// The body's verifier is the right one here: only the check that
		// the two agree can refuse it.
		{"both, different, header wrong", "W", "V", false},
		{"body twice", "", "V&oauth_verifier=V", false},
		{"wrong", "", "W", false},
		{"missing", "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			rt, rs, v := s.IssueRequestToken(ck, acctID)
			sub := func(x string) string {
				if x == "V" {
					return v
				}
				return x
			}
			o := oauthParams(rt)
			if tc.header != "" {
				o["oauth_verifier"] = sub(tc.header)
			}
			body := ""
			if tc.body != "" {
				for i, b := range strings.Split(tc.body, "&oauth_verifier=") {
					if i > 0 {
						body += "&"
					}
					body += "oauth_verifier=" + url.QueryEscape(sub(b))
				}
			}
			status, resp := serve(s, makeSigned("POST", "http://api.example.com"+accessP, body, o, cs, rs))
			if tc.ok {
				vals, err := url.ParseQuery(string(resp))
				if status != 200 || err != nil || vals.Get("oauth_token") == "" || vals.Get("oauth_token_secret") == "" ||
					vals.Get("user_id") != acctID || vals.Get("screen_name") != "twitter" {
					t.Fatalf("%d %s", status, resp)
				}
				return
			}
			if status != http.StatusUnauthorized || twitterCode(t, resp) != 32 {
				t.Fatalf("%d %s", status, resp)
			}
			// Refused for the verifier alone: the same request token still
			// exchanges with the right one.
			ok := oauthParams(rt)
			ok["oauth_verifier"] = v
			if status, resp := serve(s, makeSigned("POST", "http://api.example.com"+accessP, "", ok, cs, rs)); status != 200 {
				t.Fatalf("the request token was spent by a refused exchange: %d %s", status, resp)
			}
		})
	}
}

// TestRequestTokenOfAnotherConsumerIsRefused: a request token is bound to
// the consumer it was issued to. Another consumer that holds the token, its
// secret and the verifier, and signs correctly with its own consumer secret,
// gets Twitter's "Invalid or expired token", as at verify_credentials.
func TestRequestTokenOfAnotherConsumerIsRefused(t *testing.T) {
	s := newTestServer(t)
	s.AddConsumer("other", "other-secret")
	rt, rs, v := s.IssueRequestToken(ck, acctID)
	o := oauthParams(rt)
	o["oauth_consumer_key"] = "other"
	o["oauth_verifier"] = v
	status, body := serve(s, makeSigned("POST", "http://api.example.com"+accessP, "", o, "other-secret", rs))
	if status != http.StatusUnauthorized || twitterCode(t, body) != 89 {
		t.Fatalf("%d %s", status, body)
	}
	// Its own consumer can still exchange it: the refusal did not spend it.
	o = oauthParams(rt)
	o["oauth_verifier"] = v
	if status, body := serve(s, makeSigned("POST", "http://api.example.com"+accessP, "", o, cs, rs)); status != 200 {
		t.Fatalf("own consumer: %d %s", status, body)
	}
}

func TestProtocolChecks(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(o map[string]string)
		clock  time.Duration // server clock offset
		status int
		code   int
	}{
		{"valid", func(map[string]string) {}, 0, 200, 0},
		{"no version is fine", func(o map[string]string) { delete(o, "oauth_version") }, 0, 200, 0},
		{"PLAINTEXT", func(o map[string]string) { o["oauth_signature_method"] = "PLAINTEXT" }, 0, 401, 32},
		{"HMAC-SHA256", func(o map[string]string) { o["oauth_signature_method"] = "HMAC-SHA256" }, 0, 401, 32},
		{"version 2.0", func(o map[string]string) { o["oauth_version"] = "2.0" }, 0, 401, 32},
		{"unknown consumer", func(o map[string]string) { o["oauth_consumer_key"] = "nobody" }, 0, 401, 32},
		{"unknown token", func(o map[string]string) { o["oauth_token"] = "nope" }, 0, 401, 89},
		{"no nonce", func(o map[string]string) { delete(o, "oauth_nonce") }, 0, 400, 215},
		{"bad timestamp", func(o map[string]string) { o["oauth_timestamp"] = "yesterday" }, 0, 400, 215},
		{"signed timestamp", func(o map[string]string) { o["oauth_timestamp"] = "+" + o["oauth_timestamp"] }, 0, 400, 215},
		{"zero timestamp", func(o map[string]string) { o["oauth_timestamp"] = "0" }, 0, 401, 135},
		{"negative timestamp", func(o map[string]string) { o["oauth_timestamp"] = "-1" }, 0, 400, 215},
		{"server clock 10 minutes ahead", func(map[string]string) {}, 10 * time.Minute, 401, 135},
		{"server clock 10 minutes behind", func(map[string]string) {}, -10 * time.Minute, 401, 135},
		{"server clock 4 minutes ahead", func(map[string]string) {}, 4 * time.Minute, 200, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			s.now = func() time.Time { return time.Now().Add(tc.clock) }
			at, as := s.IssueAccessToken(ck, acctID)
			o := oauthParams(at)
			tc.mutate(o)
			status, body := serve(s, makeSigned("GET", "http://api.example.com"+verifyP, "", o, cs, as))
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			if tc.code != 0 && twitterCode(t, body) != tc.code {
				t.Fatalf("body %s, want code %d", body, tc.code)
			}
		})
	}
}

func TestTokenOfAnotherConsumerIsRefused(t *testing.T) {
	s := newTestServer(t)
	s.AddConsumer("other", "other-secret")
	at, as := s.IssueAccessToken("other", acctID)
	status, body := get(t, dghubbleClient(cs, at, as, nil), s.URL+verifyP)
	if status != 401 || twitterCode(t, body) != 89 {
		t.Fatalf("%d %s", status, body)
	}
}

func TestRequestTokenIsNotAnAccessToken(t *testing.T) {
	s := newTestServer(t)
	rt, rs, _ := s.IssueRequestToken(ck, acctID)
	if status, _ := get(t, dghubbleClient(cs, rt, rs, nil), s.URL+verifyP); status != 401 {
		t.Fatalf("request token accepted by verify_credentials: %d", status)
	}
	at, as := s.IssueAccessToken(ck, acctID)
	resp, err := dghubbleClient(cs, at, as, nil).PostForm(s.URL+accessP, url.Values{"oauth_verifier": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("access token exchanged as a request token: %d", resp.StatusCode)
	}
}

func TestRoutingAndMissingAuthorization(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/nope", 404},
		{"GET", accessP, 405},
		{"POST", verifyP, 405},
		{"GET", verifyP, 400},
		{"POST", accessP, 400},
	} {
		req, _ := http.NewRequest(tc.method, s.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
	}
	if a, v := s.Requests(); a != 2 || v != 2 {
		t.Errorf("requests %d %d", a, v)
	}
}

func TestIssueForUnknownPanics(t *testing.T) {
	s := newTestServer(t)
	for name, f := range map[string]func(){
		"request token, unknown consumer": func() { s.IssueRequestToken("nobody", acctID) },
		"request token, unknown account":  func() { s.IssueRequestToken(ck, "0") },
		"access token, unknown consumer":  func() { s.IssueAccessToken("nobody", acctID) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestNoncePruning(t *testing.T) {
	s := newTestServer(t)
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nonces["old"] = now.Add(-timestampWindow - time.Minute).Unix()
	s.nonces["recent"] = now.Unix()
	s.pruneNoncesLocked(now)
	if _, ok := s.nonces["old"]; ok {
		t.Error("expired nonce kept")
	}
	if _, ok := s.nonces["recent"]; !ok {
		t.Error("live nonce dropped: a replay inside the window would pass")
	}
	if s.pruneAt < minPrune {
		t.Errorf("pruneAt %d", s.pruneAt)
	}
}

// TestCloseReleasesHeldRequest: Close must not wait out FaultTimeout's delay.
func TestCloseReleasesHeldRequest(t *testing.T) {
	s := NewServer()
	s.SetFaultDelay(time.Hour)
	s.SetFault(FaultTimeout)
	done := make(chan int)
	go func() {
		resp, err := http.Get(s.URL + verifyP)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, v := s.Requests(); v == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the fake did not count the request within 10s")
		}
	}
	s.Close()
	if status := <-done; status != http.StatusGatewayTimeout && status != 0 {
		t.Fatalf("status %d", status)
	}
}

// TestUnencodedAuthorizationIsRefused: a request whose signature is right
// for its values, but whose Authorization header writes them unencoded (a
// base64 nonce and signature with raw "+", "/" and "="), is refused as
// Twitter refuses malformed OAuth data; the same request encoded passes.
// The fake decoded such a header leniently and let a client that encodes
// wrongly pass.
func TestUnencodedAuthorizationIsRefused(t *testing.T) {
	s := newTestServer(t)
	at, as := s.IssueAccessToken(ck, acctID)
	send := func(encode bool) (int, []byte) {
		o := oauthParams(at)
		o["oauth_nonce"] = "n+/=" + randomString(12)
		r := makeSigned("GET", "http://api.example.com"+verifyP, "", o, cs, as)
		if !encode {
			names := make([]string, 0, len(o))
			for n := range o {
				names = append(names, n)
			}
			sort.Strings(names)
			parts := make([]string, len(names))
			for i, n := range names {
				parts[i] = n + `="` + o[n] + `"`
			}
			r.Header.Set("Authorization", "OAuth "+strings.Join(parts, ", "))
		}
		return serve(s, r)
	}
	if status, body := send(false); status != http.StatusBadRequest || twitterCode(t, body) != 215 {
		t.Fatalf("unencoded: %d %s", status, body)
	}
	if status, body := send(true); status != http.StatusOK {
		t.Fatalf("encoded: %d %s", status, body)
	}
}

// TestAccountAccessTokenIsIssued: an account's AccessToken and
// AccessTokenSecret are what the exchange answers, byte for byte, and
// verify_credentials takes them as any token the server issued.
func TestAccountAccessTokenIsIssued(t *testing.T) {
	s := newTestServer(t)
	const tok, sec = "tok\x00en", "\xffsecret "
	s.AddAccount(Account{ID: "12", ScreenName: "jack", AccessToken: tok, AccessTokenSecret: sec})
	rt, rs, v := s.IssueRequestToken(ck, "12")
	resp, err := dghubbleClient(cs, rt, rs, nil).PostForm(s.URL+accessP, url.Values{"oauth_verifier": {v}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	answer, err := url.ParseQuery(string(body))
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if answer.Get("oauth_token") != tok || answer.Get("oauth_token_secret") != sec {
		t.Fatalf("answer %q", body)
	}
	if status, body := get(t, dghubbleClient(cs, tok, sec, nil), s.URL+verifyP); status != 200 {
		t.Fatalf("issued access token refused: %d %s", status, body)
	}
	if at, as := s.IssueAccessToken(ck, "12"); at != tok || as != sec {
		t.Fatalf("IssueAccessToken gave %q %q", at, as)
	}
}
