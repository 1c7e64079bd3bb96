package twitter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/authcore/authcore/internal/redact"
	"github.com/authcore/authcore/validation"
)

// DefaultBaseURL is Twitter's API host.
const DefaultBaseURL = "https://api.twitter.com"

// DefaultTimeout bounds one call to Twitter (connect, send, read the whole
// answer) unless WithTimeout or WithHTTPClient says otherwise. A login waits
// on Twitter, so an unbounded call would hold a login request forever.
const DefaultTimeout = 10 * time.Second

// maxBody caps what is read of a successful answer; Twitter's are a few KiB.
const maxBody = 1 << 20

// maxErrorBody caps what is read of a failed answer: only enough to classify.
const maxErrorBody = 64 << 10

// maxHeader caps what is read of an answer's header (the shared transport's
// MaxResponseHeaderBytes). Twitter's are a few KiB; net/http's default
// of 10 MiB let each login to a broken Twitter hold ten times what the body
// may.
const maxHeader = 64 << 10

const (
	opAccessToken       = "access_token"
	opVerifyCredentials = "verify_credentials"
)

// Consumer is the application's OAuth consumer credentials (Twitter's "API
// key" and "API key secret").
type Consumer struct {
	Key    string
	Secret Secret
}

// LogValue keeps the secret out of slog's JSON handler.
func (c Consumer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("key", c.Key), slog.Any("secret", c.Secret))
}

// Token is an OAuth 1.0a token and its secret: the user's access token once
// Login returns it. Neither fmt nor slog prints the token or the secret; read
// the fields themselves.
type Token struct {
	Token  string
	Secret Secret
}

// LogValue keeps the token and its secret out of slog's output. The token is
// as much a credential as the secret: it names the user's grant, and with a
// leaked consumer secret it is half of what signs for the user.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token", redact.IfSet(t.Token)), slog.Any("secret", t.Secret))
}

// Format makes every fmt verb print the token and its secret redacted:
// without it %v would print the token field as it is.
func (t Token) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "{%s %s}", redact.IfSet(t.Token), redact.Mark)
}

// User is the part of Twitter's verify_credentials answer that a login uses.
// Every field is optional on the wire; Client only insists on IDStr. Id_str
// rather than id is the identity, as in FusionAuth: ids exceed 2^53.
type User struct {
	IDStr                string `json:"id_str"`
	ScreenName           string `json:"screen_name"`
	Name                 string `json:"name"`
	Email                string `json:"email"`
	ProfileImageURLHTTPS string `json:"profile_image_url_https"`
	Location             string `json:"location"`
	Description          string `json:"description"`
	URL                  string `json:"url"`
	Lang                 string `json:"lang"`
	CreatedAt            string `json:"created_at"`
	Protected            bool   `json:"protected"`
	// Verified is Twitter's account badge. It says nothing about Email.
	Verified bool `json:"verified"`
}

// Client calls Twitter's OAuth 1.0a endpoints for a login. It is safe for
// concurrent use; build one and share it.
type Client struct {
	accessTokenURL string
	verifyURL      string
	transport      http.RoundTripper
	timeout        time.Duration
	// oauthCtx carries the base client that dghubble/oauth1 takes its
	// transport from (oauth1.HTTPClient). It is read once, when a signing
	// client is built, never for the request itself, so one context serves
	// every call.
	oauthCtx context.Context
	// config is the oauth1.Config of the last consumer seen. A deployment
	// has one Twitter provider, so nearly every login signs for the same
	// consumer; application overrides with their own keys merely replace it.
	config atomic.Pointer[oauth1.Config]

	// set by options, resolved by NewClient
	base       string
	httpClient *http.Client
	timeoutSet bool
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL points the client at another Twitter, e.g. a twittertest.Server.
// It must be an absolute https URL without user info, query or fragment; plain
// http is accepted only for a loopback host (localhost, 127.0.0.0/8, ::1),
// where a fake Twitter runs.
func WithBaseURL(u string) Option {
	return func(c *Client) error {
		// The URL is quoted in an error only when it cannot hold a
		// password: "user:pass@host" parses as scheme "user", and
		// url.Error repeats its input whole.
		shown := strconv.Quote(u)
		if strings.Contains(u, "@") {
			shown = "(with user info)"
		}
		parsed, err := url.Parse(u)
		if err != nil {
			var uerr *url.Error
			if errors.As(err, &uerr) {
				err = uerr.Err
			}
			return fmt.Errorf("twitter: base URL %s does not parse: %w", shown, err)
		}
		if (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
			return fmt.Errorf("twitter: base URL %s is not an absolute http(s) URL", shown)
		}
		if parsed.User != nil || parsed.RawQuery != "" || parsed.Fragment != "" {
			// user info would end up in error messages; a query would be
			// signed into every request.
			return errors.New("twitter: base URL must not have user info, a query or a fragment")
		}
		if parsed.Scheme == "http" && !isLoopback(parsed.Hostname()) {
			// OAuth 1.0a signs the requests, not Twitter's answers: over
			// plain http anyone on the path could answer verify_credentials
			// for an account of their choosing and be logged in as it. A
			// fake Twitter on this machine (tests, twittertest) needs no TLS.
			return fmt.Errorf("twitter: base URL %s is plain http to a host that is not loopback; use https", shown)
		}
		c.base = strings.TrimRight(parsed.String(), "/")
		return nil
	}
}

// WithHTTPClient makes the client send through hc's Transport, with hc's
// Timeout unless WithTimeout is also given (a zero Timeout keeps
// DefaultTimeout: no call to Twitter is unbounded unless the transport makes
// it so), and with its MaxResponseHeaderBytes (the client's own transport
// caps a header at 64 KiB). hc's CheckRedirect and Jar are not
// used: a redirect is never followed, since the signature covers the URL, and
// Twitter sets no cookies worth keeping.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("twitter: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout bounds each call to Twitter. It must be positive.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("twitter: timeout %v is not positive", d)
		}
		c.timeout = d
		c.timeoutSet = true
		return nil
	}
}

// sharedTransport is the transport of every Client built without
// WithHTTPClient, so that connections to Twitter are pooled across clients
// and logins rather than dialled anew each time.
var sharedTransport = sync.OnceValue(func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// Every login goes to the same host; the default of 2 idle connections
	// per host would make a busy server re-dial Twitter constantly.
	t.MaxIdleConnsPerHost = 32
	t.MaxResponseHeaderBytes = maxHeader
	return t
})

// NewClient returns a client for DefaultBaseURL with DefaultTimeout, unless
// options say otherwise.
func NewClient(opts ...Option) (*Client, error) {
	c := &Client{base: DefaultBaseURL}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	c.transport = sharedTransport()
	if !c.timeoutSet {
		c.timeout = DefaultTimeout
	}
	if c.httpClient != nil {
		c.transport = c.httpClient.Transport // nil means http.DefaultTransport, as for http.Client
		if !c.timeoutSet && c.httpClient.Timeout > 0 {
			c.timeout = c.httpClient.Timeout
		}
	}
	c.accessTokenURL = c.base + "/oauth/access_token"
	c.verifyURL = c.base + "/1.1/account/verify_credentials.json?include_email=true&skip_status=true"
	c.httpClient = nil
	c.oauthCtx = context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: c.transport})
	return c, nil
}

// oauthConfig returns the oauth1.Config for consumer, reusing the last one
// when the credentials are the same. An oauth1.Config is only read once built.
func (c *Client) oauthConfig(consumer Consumer) *oauth1.Config {
	secret := consumer.Secret.Reveal()
	if cfg := c.config.Load(); cfg != nil && cfg.ConsumerKey == consumer.Key && cfg.ConsumerSecret == secret {
		return cfg
	}
	cfg := oauth1.NewConfig(consumer.Key, secret)
	// oauth1 fills in a missing Noncer each time a client is built from the
	// config; set up front, the shared config is only ever read.
	cfg.Noncer = oauth1.Base64Noncer{}
	c.config.Store(cfg)
	return cfg
}

// AccessToken exchanges an authorized request token for the user's access
// token (POST /oauth/access_token, RFC 5849 §2.3), signed with HMAC-SHA1
// using the consumer secret and the request-token secret.
//
// oauth_verifier travels in the form body, where FusionAuth documents sending
// it; dghubble/oauth1 signs body parameters, so it is covered by the
// signature all the same.
//
// An answer whose token or secret holds U+0000, bytes that are not UTF-8 or
// white space around it, or is longer than 512 bytes, is ErrUnavailable:
// such a pair is no Twitter credential, and cleaning it would change it.
func (c *Client) AccessToken(ctx context.Context, consumer Consumer, requestToken string, requestSecret Secret, verifier string) (Token, error) {
	tok, _, err := c.accessToken(ctx, consumer, requestToken, requestSecret, verifier)
	return tok, err
}

// accessToken is AccessToken that also returns the user_id of the answer
// ("" when Twitter left it out), the account that granted the token.
func (c *Client) accessToken(ctx context.Context, consumer Consumer, requestToken string, requestSecret Secret, verifier string) (Token, string, error) {
	if requestToken == "" || verifier == "" {
		return Token{}, "", refused(opAccessToken, 0, errors.New("request token or verifier is empty"))
	}
	form := url.Values{"oauth_verifier": {verifier}}.Encode()
	body, err := c.do(ctx, opAccessToken, consumer, Token{Token: requestToken, Secret: requestSecret}, http.MethodPost, c.accessTokenURL, form)
	if err != nil {
		return Token{}, "", err
	}
	return parseTokenAnswer(body)
}

// parseTokenAnswer reads the form-encoded answer of oauth/access_token: the
// token, its secret and the user_id of the account that granted it.
func parseTokenAnswer(body []byte) (Token, string, error) {
	values, perr := url.ParseQuery(strings.TrimSpace(string(body)))
	// Exactly one of each: with two, which token is the user's cannot be
	// told, and Get would quietly take the first.
	if perr != nil || len(values["oauth_token"]) != 1 || len(values["oauth_token_secret"]) != 1 || len(values["user_id"]) > 1 {
		return Token{}, "", unavailable(opAccessToken, http.StatusOK, errors.New("answer is not a token response"))
	}
	tok := Token{Token: values.Get("oauth_token"), Secret: Secret(values.Get("oauth_token_secret"))}
	if tok.Token == "" || tok.Secret == "" {
		return Token{}, "", unavailable(opAccessToken, http.StatusOK, errors.New("answer is not a token response"))
	}
	if CheckCredential(tok.Token) != CredentialOK || CheckCredential(string(tok.Secret)) != CredentialOK {
		// The pair is stored on the link as it came and returned by the
		// Link API. It is a credential, so it cannot be cleaned as a
		// display name is: a changed token no longer signs for the user.
		return Token{}, "", unavailable(opAccessToken, http.StatusOK, errors.New("answer holds a token or secret that is no Twitter credential"))
	}
	return tok, values.Get("user_id"), nil
}

// MaxCredentialLength bounds, in bytes, the access token and its secret of
// an exchange's answer, and those a login request brings itself. Twitter's
// are about 50 and 45 characters (the user id, a hyphen and 40 more; 45
// letters and digits): 512 leaves ten times that for a change of format,
// and keeps an answer of a megabyte from becoming one link's token,
// returned by every Link API read.
const MaxCredentialLength = 512

// CredentialProblem is why a text cannot be a Twitter access token or
// secret, or CredentialOK.
type CredentialProblem uint8

const (
	CredentialOK CredentialProblem = iota
	// CredentialNotStorable: U+0000 or bytes that are not UTF-8.
	// PostgreSQL's text refuses U+0000, the SQL stores turn bad bytes
	// into U+FFFD, and either way the stored token would no longer sign.
	CredentialNotStorable
	// CredentialPadded: white space around it. Twitter's are letters,
	// digits and hyphens; one a proxy padded is not the token it issued.
	CredentialPadded
	// CredentialTooLong: over MaxCredentialLength bytes.
	CredentialTooLong
)

// CheckCredential tells whether s can be a Twitter access token or secret
// as the stores keep it. The client holds an exchange's answer to it, and
// the engine a token a login request brings, so both refuse the same
// texts; the problems are checked in the order of the constants.
func CheckCredential(s string) CredentialProblem {
	switch {
	case !validation.IsStorable(s):
		return CredentialNotStorable
	case strings.TrimSpace(s) != s:
		return CredentialPadded
	case len(s) > MaxCredentialLength:
		return CredentialTooLong
	}
	return CredentialOK
}

// VerifyCredentials loads the user behind an access token (GET
// /1.1/account/verify_credentials.json?include_email=true&skip_status=true).
// It returns the decoded user and the raw JSON, which reconcile functions
// receive. An answer without id_str, or whose id_str is not the decimal form
// of a 64-bit id, is ErrUnavailable: without it there is no identity to
// link. So is one whose email the User API would refuse (Twitter returns
// only confirmed addresses), or whose screen_name has white space around
// it (the User API would store it trimmed).
func (c *Client) VerifyCredentials(ctx context.Context, consumer Consumer, tok Token) (User, []byte, error) {
	if tok.Token == "" {
		return User{}, nil, refused(opVerifyCredentials, 0, errors.New("access token is empty"))
	}
	body, err := c.do(ctx, opVerifyCredentials, consumer, tok, http.MethodGet, c.verifyURL, "")
	if err != nil {
		return User{}, nil, err
	}
	var u User
	if err := json.Unmarshal(body, &u); err != nil {
		return User{}, nil, unavailable(opVerifyCredentials, http.StatusOK, errors.New("answer is not a JSON object"))
	}
	if u.IDStr == "" {
		return User{}, nil, unavailable(opVerifyCredentials, http.StatusOK, errors.New("answer has no id_str"))
	}
	if !isTwitterID(u.IDStr) {
		// The id becomes the link's identity-provider user id. Twitter's is
		// the decimal form of a 64-bit number; anything else (letters, a
		// sign, white space, leading zeros that would make "7" and "007"
		// two accounts) is not Twitter's answer.
		return User{}, nil, unavailable(opVerifyCredentials, http.StatusOK, errors.New("answer has an id_str that is not a 64-bit decimal id"))
	}
	if len(u.ScreenName) > maxIdentityLength || len(u.Email) > maxIdentityLength {
		return User{}, nil, unavailable(opVerifyCredentials, http.StatusOK, errors.New("answer holds a screen name or email longer than Twitter's"))
	}
	if strings.ContainsRune(u.ScreenName, 0) || strings.ContainsRune(u.Email, 0) {
		// The stores index both, and PostgreSQL's text refuses U+0000.
		return User{}, nil, unavailable(opVerifyCredentials, http.StatusOK, errors.New("answer holds a screen name or email with U+0000"))
	}
	if strings.TrimSpace(u.ScreenName) != u.ScreenName {
		// Twitter's screen names are letters, digits and underscores. The
		// User and Registration APIs trim a username, so one stored with
		// white space around it was a second user beside the trimmed
		// name, found by no username lookup, and a PUT of it as GET
		// returned collided with that name.
		return User{}, nil, unavailable(opVerifyCredentials, http.StatusOK, errors.New("answer holds a screen name with white space around it"))
	}
	if u.Email != "" && !validation.IsEmail(u.Email) {
		// Twitter returns only confirmed addresses. A login stores the
		// email as it comes, marked verified; one the User API would
		// refuse made every later PUT of that user, as GET returned it,
		// fail with [notEmail]user.email.
		return User{}, nil, unavailable(opVerifyCredentials, http.StatusOK, errors.New("answer holds an email that is not an email address"))
	}
	return u, body, nil
}

// maxIdentityLength bounds, in bytes, the screen_name and email of an
// answer: Twitter's own are at most 15 and 254 characters, and the store
// indexes both (a user's username and email), so an answer beyond them is
// not Twitter's. The id_str is bounded tighter by isTwitterID.
const maxIdentityLength = 255

// isTwitterID reports whether s is the canonical decimal form of a 64-bit
// unsigned id: one to twenty digits, no sign, no leading zero. ParseUint
// alone would take "007", which names the same account as "7" but would be
// a second link key.
func isTwitterID(s string) bool {
	if s == "" || s[0] == '0' {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// Login does what FusionAuth's "Complete the Twitter Login" does with
// data.oauth_token, data.oauth_token_secret and data.oauth_verifier: with a
// verifier, the pair is a request token to exchange first; without one, it is
// already an access token (FusionAuth 1.25+). It returns the access token,
// the user and verify_credentials' raw JSON. When the exchange names the
// account that granted the token (its user_id), a verify_credentials answer
// for another account is ErrUnavailable.
func (c *Client) Login(ctx context.Context, consumer Consumer, oauthToken string, oauthTokenSecret Secret, verifier string) (Token, User, []byte, error) {
	tok := Token{Token: oauthToken, Secret: oauthTokenSecret}
	var grantedBy string
	if verifier != "" {
		var err error
		if tok, grantedBy, err = c.accessToken(ctx, consumer, oauthToken, oauthTokenSecret, verifier); err != nil {
			return Token{}, User{}, nil, err
		}
	}
	u, raw, err := c.VerifyCredentials(ctx, consumer, tok)
	if err != nil {
		return Token{}, User{}, nil, err
	}
	if grantedBy != "" && grantedBy != u.IDStr {
		// The exchange named the account that granted the token;
		// verify_credentials answered for another one (a cache or proxy
		// that served someone else's answer). Linking either would log
		// one person in as another.
		return Token{}, User{}, nil, unavailable(opVerifyCredentials, http.StatusOK, errors.New("answer is for another account than the access token's user_id"))
	}
	return tok, u, raw, nil
}

// do sends a request signed with consumer and tok, a POST of form when form
// is not empty, and returns the body of a 200. Any other outcome is an
// *Error.
func (c *Client) do(ctx context.Context, op string, consumer Consumer, tok Token, method, target, form string) ([]byte, error) {
	// The deadline bounds the whole exchange, the body included.
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rd io.Reader
	if form != "" {
		rd = strings.NewReader(form)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, unavailable(op, 0, errors.New("cannot build request"))
	}
	if form != "" {
		// Exactly this value: oauth1 only signs the body when it matches.
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	// The signing transport is used directly rather than through an
	// http.Client: a redirect must not be followed anyway (the signature
	// covers the URL, so a 3xx is reported as it is), and the context's
	// deadline costs less per call than http.Client's Timeout machinery.
	signing := c.oauthConfig(consumer).Client(c.oauthCtx, oauth1.NewToken(tok.Token, tok.Secret.Reveal())).Transport
	resp, err := signing.RoundTrip(req)
	if err != nil {
		return nil, unavailable(op, 0, transportCause(ctx, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		e := classify(op, resp.StatusCode, body)
		if resp.StatusCode == http.StatusTooManyRequests {
			e.RateLimitReset = rateLimitReset(resp.Header.Get("x-rate-limit-reset"), time.Now())
			if !e.RateLimitReset.IsZero() {
				// In the message, so that the event log says when
				// Twitter will take logins again.
				e.cause = fmt.Errorf("rate limit resets at %s", e.RateLimitReset.UTC().Format(time.RFC3339))
			}
		}
		return nil, e
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, unavailable(op, resp.StatusCode, transportCause(ctx, err))
	}
	if len(body) > maxBody {
		return nil, unavailable(op, resp.StatusCode, errors.New("answer is larger than 1 MiB"))
	}
	return body, nil
}

// transportCause picks what to report of a failed exchange. The context's own
// error comes first so that errors.Is(err, context.Canceled) holds; a
// *url.Error is unwrapped because its text repeats the URL, which carries
// nothing secret today but might if someone adds a query.
func transportCause(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

// refusalCodes are Twitter's error codes that mean "these credentials are no
// good", as opposed to "something is broken".
var refusalCodes = map[int]bool{
	32:  true, // Could not authenticate you.
	64:  true, // Your account is suspended.
	89:  true, // Invalid or expired token.
	99:  true, // Unable to verify your credentials.
	135: true, // Timestamp out of bounds.
	215: true, // Bad Authentication data.
	220: true, // Your credentials do not allow access to this resource.
	326: true, // To protect our users from spam… (account locked)
}

// refusalWords appear in the plain-text answers of /oauth/access_token, e.g.
// "Invalid request token." or "Error processing your OAuth request: Invalid
// oauth_verifier parameter".
var refusalWords = []string{"token", "verifier", "signature", "oauth", "authenticat", "credentials"}

func classify(op string, status int, body []byte) *Error {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return refused(op, status, nil)
	case status == http.StatusBadRequest && refusalBody(body):
		return refused(op, status, nil)
	case status >= 300 && status < 400:
		return unavailable(op, status, errors.New("unexpected redirect"))
	default:
		return unavailable(op, status, nil)
	}
}

// maxRateLimitWait bounds how far ahead an x-rate-limit-reset is believed.
// Twitter's windows are 15 minutes (some app limits 24 hours); a reset
// further off is not a rate-limit window, and is dropped.
const maxRateLimitWait = 24 * time.Hour

// rateLimitReset reads Twitter's x-rate-limit-reset (epoch seconds, decimal
// digits). An absent, malformed or implausibly distant one is the zero
// time. One in the past is kept: Twitter's clock and ours may differ.
func rateLimitReset(header string, now time.Time) time.Time {
	if header == "" || len(header) > 12 {
		return time.Time{}
	}
	for i := 0; i < len(header); i++ {
		if header[i] < '0' || header[i] > '9' {
			return time.Time{}
		}
	}
	secs, err := strconv.ParseInt(header, 10, 64)
	if err != nil || secs == 0 {
		return time.Time{}
	}
	reset := time.Unix(secs, 0)
	if reset.After(now.Add(maxRateLimitWait)) {
		return time.Time{}
	}
	return reset
}

func refusalBody(body []byte) bool {
	var tw struct {
		Errors []struct {
			Code int `json:"code"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &tw) == nil {
		for _, e := range tw.Errors {
			if refusalCodes[e.Code] {
				return true
			}
		}
	}
	lower := bytes.ToLower(body)
	for _, w := range refusalWords {
		if bytes.Contains(lower, []byte(w)) {
			return true
		}
	}
	return false
}

// isLoopback reports whether host (without port) names this machine: the
// name localhost or a loopback address. Other names are not resolved, so a
// name that happens to resolve to a loopback address is still refused.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
