package twittertest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Fault makes the server misbehave the way Twitter sometimes does.
type Fault int32

const (
	// FaultNone: behave.
	FaultNone Fault = iota
	// FaultTimeout: hold every request for the fault delay (see
	// SetFaultDelay), or until the client gives up or the server closes,
	// then answer 504.
	FaultTimeout
	// FaultStatus500: answer every request with 500 and a JSON error.
	FaultStatus500
	// FaultHTML: answer every request with 200 and an HTML page, as a proxy
	// or captive portal would.
	FaultHTML
	// FaultMissingIDStr: verify_credentials answers without id_str (the
	// numeric id is still there).
	FaultMissingIDStr
	// FaultGarbageTokenResponse: access_token answers 200 with a body that
	// is not a token response.
	FaultGarbageTokenResponse
	// FaultRateLimited: answer every request with 429, Twitter's "Rate
	// limit exceeded" (code 88) and its x-rate-limit-limit, -remaining and
	// -reset headers; the reset is SetRateLimitReset's, else 15 minutes
	// (Twitter's window) from now.
	FaultRateLimited
	// FaultDuplicateTokenResponse: access_token issues the access token
	// as usual but answers it followed by a second oauth_token and
	// oauth_token_secret, as a proxy that merged two answers would.
	FaultDuplicateTokenResponse
	// FaultForeignUserID: access_token issues the access token as usual but
	// names another account in its user_id, so that the exchange and
	// verify_credentials disagree on who granted the token, as when one of
	// the two answers comes from a cache that served someone else.
	FaultForeignUserID
)

// DefaultFaultDelay is how long FaultTimeout holds a request: longer than
// twitter.DefaultTimeout, so that any client times out first, yet bounded.
const DefaultFaultDelay = 15 * time.Second

// timestampWindow is how far oauth_timestamp may be from the server's clock.
const timestampWindow = 5 * time.Minute

// maxRequestBody caps what the server reads of a request body.
const maxRequestBody = 1 << 20

// Account is a Twitter user. ID is the numeric id as a string (Twitter's
// id_str); when it is all digits (and no leading zero) the server also sends
// it as the number "id".
type Account struct {
	ID, ScreenName, Name, Email, ProfileImageURL string
	// OmitIDStr makes verify_credentials leave id_str out for this account.
	OmitIDStr bool
	// AccessToken and AccessTokenSecret, when set, replace the random
	// access token or secret that an exchange (or IssueAccessToken) hands
	// out for this account, so that a test drives a real signed exchange
	// whose answer carries a token of its choosing: U+0000, bytes that
	// are not UTF-8, an absurd length. verify_credentials takes it as any
	// token it issued.
	AccessToken, AccessTokenSecret string
}

type requestToken struct {
	consumer, secret, verifier, account string
}

type accessToken struct {
	consumer, secret, account string
}

// Server is a fake Twitter: POST /oauth/access_token and GET
// /1.1/account/verify_credentials.json, with the OAuth 1.0a checks Twitter
// makes. It is safe for concurrent use.
type Server struct {
	// URL is the base URL to give twitter.WithBaseURL.
	URL string

	srv       *httptest.Server
	closing   chan struct{}
	closeOnce sync.Once
	now       func() time.Time

	fault      atomic.Int32
	faultDelay atomic.Int64
	// rateLimitReset is FaultRateLimited's x-rate-limit-reset, epoch
	// seconds; 0: 15 minutes from now.
	rateLimitReset atomic.Int64
	nAccess        atomic.Int64
	nVerify        atomic.Int64

	mu            sync.Mutex
	consumers     map[string]string // key → secret
	accounts      map[string]Account
	requestTokens map[string]requestToken
	accessTokens  map[string]accessToken
	nonces        map[string]int64 // consumer, timestamp, nonce → timestamp
	pruneAt       int
}

// NewServer starts a fake Twitter on a loopback address. Close it when done.
func NewServer() *Server {
	s := &Server{
		closing:       make(chan struct{}),
		now:           time.Now,
		consumers:     make(map[string]string),
		accounts:      make(map[string]Account),
		requestTokens: make(map[string]requestToken),
		accessTokens:  make(map[string]accessToken),
		nonces:        make(map[string]int64),
		pruneAt:       minPrune,
	}
	s.faultDelay.Store(int64(DefaultFaultDelay))
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	return s
}

// Close releases any request held by FaultTimeout and shuts the server down.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.srv.Close()
}

// AddConsumer registers an application's consumer key and secret.
func (s *Server) AddConsumer(key, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.consumers[key] = secret
}

// AddAccount adds or replaces the account with a.ID.
func (s *Server) AddAccount(a Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[a.ID] = a
}

// IssueRequestToken returns what the browser leg of "Sign in with Twitter"
// hands the application once the user has approved it: a request token, its
// secret and the verifier. The token is good for one exchange. It panics when
// the consumer or the account is unknown, which is a mistake in the test.
func (s *Server) IssueRequestToken(consumerKey, accountID string) (token, secret, verifier string) {
	token, secret, verifier = randomString(20), randomString(30), randomString(24)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustKnow(consumerKey, accountID)
	s.requestTokens[token] = requestToken{consumer: consumerKey, secret: secret, verifier: verifier, account: accountID}
	return token, secret, verifier
}

// IssueAccessToken returns an access token and secret for the account, as an
// application that did the exchange itself would hold them. It panics when
// the consumer or the account is unknown.
func (s *Server) IssueAccessToken(consumerKey, accountID string) (token, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustKnow(consumerKey, accountID)
	return s.newAccessTokenLocked(consumerKey, accountID)
}

// SetFault makes every later request misbehave as f says; FaultNone restores
// normal service.
func (s *Server) SetFault(f Fault) { s.fault.Store(int32(f)) }

// SetFaultDelay sets how long FaultTimeout holds a request.
func (s *Server) SetFaultDelay(d time.Duration) { s.faultDelay.Store(int64(d)) }

// SetRateLimitReset sets the x-rate-limit-reset that FaultRateLimited
// sends (whole seconds); the zero time restores the default.
func (s *Server) SetRateLimitReset(t time.Time) {
	if t.IsZero() {
		s.rateLimitReset.Store(0)
		return
	}
	s.rateLimitReset.Store(t.Unix())
}

// Requests returns how many requests reached each endpoint, refused ones
// included.
func (s *Server) Requests() (accessToken, verifyCredentials int) {
	return int(s.nAccess.Load()), int(s.nVerify.Load())
}

func (s *Server) mustKnow(consumerKey, accountID string) {
	if _, ok := s.consumers[consumerKey]; !ok {
		panic("twittertest: unknown consumer key " + strconv.Quote(consumerKey))
	}
	if _, ok := s.accounts[accountID]; !ok {
		panic("twittertest: unknown account " + strconv.Quote(accountID))
	}
}

func (s *Server) newAccessTokenLocked(consumerKey, accountID string) (token, secret string) {
	// Twitter's access tokens start with the user id.
	token, secret = accountID+"-"+randomString(30), randomString(33)
	if a := s.accounts[accountID]; a.AccessToken != "" {
		token = a.AccessToken
	}
	if a := s.accounts[accountID]; a.AccessTokenSecret != "" {
		secret = a.AccessTokenSecret
	}
	s.accessTokens[token] = accessToken{consumer: consumerKey, secret: secret, account: accountID}
	return token, secret
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	var handle func(http.ResponseWriter, *http.Request, *signedRequest)
	switch r.URL.Path {
	case "/oauth/access_token":
		s.nAccess.Add(1)
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		handle = s.accessToken
	case "/1.1/account/verify_credentials.json":
		s.nVerify.Add(1)
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		handle = s.verifyCredentials
	default:
		writeError(w, http.StatusNotFound, 34, "Sorry, that page does not exist.")
		return
	}

	// The body is read before any fault so that the server notices a client
	// that gives up: net/http only watches the connection once the body is
	// consumed.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, 215, "Bad Authentication data.")
		return
	}

	switch Fault(s.fault.Load()) {
	case FaultTimeout:
		t := time.NewTimer(time.Duration(s.faultDelay.Load()))
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.closing:
		}
		writeError(w, http.StatusGatewayTimeout, 131, "Internal error")
		return
	case FaultStatus500:
		writeError(w, http.StatusInternalServerError, 131, "Internal error")
		return
	case FaultHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!DOCTYPE html><html><body><h1>Twitter is over capacity.</h1></body></html>")
		return
	case FaultRateLimited:
		reset := s.rateLimitReset.Load()
		if reset == 0 {
			reset = s.now().Add(15 * time.Minute).Unix()
		}
		w.Header().Set("x-rate-limit-limit", "75")
		w.Header().Set("x-rate-limit-remaining", "0")
		w.Header().Set("x-rate-limit-reset", strconv.FormatInt(reset, 10))
		writeError(w, http.StatusTooManyRequests, 88, "Rate limit exceeded")
		return
	}

	sr, err := parseSigned(r, body)
	if err != nil {
		writeError(w, http.StatusBadRequest, 215, "Bad Authentication data.")
		return
	}
	handle(w, r, sr)
}

// authenticate makes Twitter's checks of a signed request, given the secret
// of the token it names. It writes the refusal and returns false when one
// fails; when all pass, the nonce is spent.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, sr *signedRequest, consumerSecret, tokenSecret string) bool {
	o := sr.oauth
	if o["oauth_signature_method"] != "HMAC-SHA1" || (o["oauth_version"] != "" && o["oauth_version"] != "1.0") {
		writeError(w, http.StatusUnauthorized, 32, "Could not authenticate you.")
		return false
	}
	// §3.3: the timestamp is a positive integer, seconds since the epoch,
	// in decimal digits. ParseInt alone would also take "+1700000000": a
	// sign makes it malformed, not a time (zero is one, out of the window).
	ts, err := strconv.ParseInt(o["oauth_timestamp"], 10, 64)
	nonce := o["oauth_nonce"]
	if err != nil || !digits(o["oauth_timestamp"]) || nonce == "" {
		writeError(w, http.StatusBadRequest, 215, "Bad Authentication data.")
		return false
	}
	if !sr.validSignature(r, consumerSecret, tokenSecret) {
		writeError(w, http.StatusUnauthorized, 32, "Could not authenticate you.")
		return false
	}
	now := s.now()
	if d := now.Sub(time.Unix(ts, 0)); d > timestampWindow || d < -timestampWindow {
		writeError(w, http.StatusUnauthorized, 135, "Timestamp out of bounds.")
		return false
	}
	// Only signed requests reach the nonce store, so nobody without a secret
	// can grow it.
	key := o["oauth_consumer_key"] + "\x00" + o["oauth_timestamp"] + "\x00" + nonce
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, seen := s.nonces[key]; seen {
		writeError(w, http.StatusUnauthorized, 32, "Could not authenticate you.")
		return false
	}
	s.nonces[key] = ts
	if len(s.nonces) >= s.pruneAt {
		s.pruneNoncesLocked(now)
	}
	return true
}

const minPrune = 4096

// pruneNoncesLocked forgets nonces whose timestamp the window would refuse
// anyway; the threshold doubles with what survives, so pruning stays
// amortised O(1) per request.
func (s *Server) pruneNoncesLocked(now time.Time) {
	oldest := now.Add(-timestampWindow).Unix()
	for k, ts := range s.nonces {
		if ts < oldest {
			delete(s.nonces, k)
		}
	}
	s.pruneAt = max(minPrune, 2*len(s.nonces))
}

func (s *Server) lookupConsumer(key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, ok := s.consumers[key]
	return secret, ok
}

func (s *Server) accessToken(w http.ResponseWriter, r *http.Request, sr *signedRequest) {
	if Fault(s.fault.Load()) == FaultGarbageTokenResponse {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "%%%not&a=token%zz")
		return
	}
	consumer := sr.oauth["oauth_consumer_key"]
	consumerSecret, ok := s.lookupConsumer(consumer)
	if !ok {
		writeError(w, http.StatusUnauthorized, 32, "Could not authenticate you.")
		return
	}
	token := sr.oauth["oauth_token"]
	s.mu.Lock()
	rt, ok := s.requestTokens[token]
	s.mu.Unlock()
	if !ok || rt.consumer != consumer {
		writeError(w, http.StatusUnauthorized, 89, "Invalid or expired token.")
		return
	}
	if !s.authenticate(w, r, sr, consumerSecret, rt.secret) {
		return
	}
	// Twitter takes the verifier from the header or the body; accept either,
	// but not two different ones.
	verifier := sr.oauth["oauth_verifier"]
	for _, v := range []url.Values{sr.form, sr.query} {
		if list, found := v["oauth_verifier"]; found {
			if len(list) != 1 || (verifier != "" && list[0] != verifier) {
				writeError(w, http.StatusUnauthorized, 32, "Could not authenticate you.")
				return
			}
			verifier = list[0]
		}
	}
	if verifier == "" || verifier != rt.verifier {
		writeError(w, http.StatusUnauthorized, 32, "Could not authenticate you.")
		return
	}
	s.mu.Lock()
	if _, still := s.requestTokens[token]; !still {
		// Spent by a concurrent exchange since it was looked up.
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, 89, "Invalid or expired token.")
		return
	}
	delete(s.requestTokens, token)
	acct := s.accounts[rt.account]
	at, atSecret := s.newAccessTokenLocked(consumer, rt.account)
	s.mu.Unlock()

	answer := url.Values{
		"oauth_token":        {at},
		"oauth_token_secret": {atSecret},
		"user_id":            {acct.ID},
		"screen_name":        {acct.ScreenName},
	}
	switch Fault(s.fault.Load()) {
	case FaultDuplicateTokenResponse:
		answer["oauth_token"] = append(answer["oauth_token"], randomString(24))
		answer["oauth_token_secret"] = append(answer["oauth_token_secret"], randomString(24))
	case FaultForeignUserID:
		foreign := "783214" // Twitter's own account
		if acct.ID == foreign {
			foreign = "12"
		}
		answer.Set("user_id", foreign)
	}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	_, _ = io.WriteString(w, answer.Encode())
}

// userJSON is the subset of Twitter's user object that the fake returns.
type userJSON struct {
	ID                   json.Number `json:"id,omitempty"`
	IDStr                string      `json:"id_str,omitempty"`
	Name                 string      `json:"name"`
	ScreenName           string      `json:"screen_name"`
	Location             string      `json:"location"`
	Description          string      `json:"description"`
	URL                  *string     `json:"url"` // Twitter sends null
	Protected            bool        `json:"protected"`
	FollowersCount       int         `json:"followers_count"`
	CreatedAt            string      `json:"created_at"`
	Verified             bool        `json:"verified"`
	ProfileImageURLHTTPS string      `json:"profile_image_url_https,omitempty"`
	Email                string      `json:"email,omitempty"`
}

func (s *Server) verifyCredentials(w http.ResponseWriter, r *http.Request, sr *signedRequest) {
	consumer := sr.oauth["oauth_consumer_key"]
	consumerSecret, ok := s.lookupConsumer(consumer)
	if !ok {
		writeError(w, http.StatusUnauthorized, 32, "Could not authenticate you.")
		return
	}
	s.mu.Lock()
	at, ok := s.accessTokens[sr.oauth["oauth_token"]]
	acct := s.accounts[at.account]
	s.mu.Unlock()
	if !ok || at.consumer != consumer {
		writeError(w, http.StatusUnauthorized, 89, "Invalid or expired token.")
		return
	}
	if !s.authenticate(w, r, sr, consumerSecret, at.secret) {
		return
	}
	u := userJSON{
		IDStr:                acct.ID,
		Name:                 acct.Name,
		ScreenName:           acct.ScreenName,
		CreatedAt:            "Wed Mar 21 20:50:14 +0000 2006",
		ProfileImageURLHTTPS: acct.ProfileImageURL,
	}
	// A leading zero is no JSON number: such an id goes as id_str alone.
	if digits(acct.ID) && (acct.ID[0] != '0' || len(acct.ID) == 1) {
		u.ID = json.Number(acct.ID)
	}
	if acct.OmitIDStr || Fault(s.fault.Load()) == FaultMissingIDStr {
		u.IDStr = ""
	}
	if sr.query.Get("include_email") == "true" {
		u.Email = acct.Email
	}
	b, err := json.Marshal(u)
	if err != nil {
		writeError(w, http.StatusInternalServerError, 131, "Internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status, code int, message string) {
	b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"code": code, "message": message}}})
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("twittertest: crypto/rand failed"))
	}
	s := base64.RawURLEncoding.EncodeToString(b)
	return s[:n]
}
