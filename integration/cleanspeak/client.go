package cleanspeak

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authcore/authcore/internal/redact"
)

// DefaultTimeout bounds one call to CleanSpeak. A login or a user create
// waits on it, so it is short; past it the username is kept PENDING.
const DefaultTimeout = 2 * time.Second

// maxBody caps what is read of an answer; CleanSpeak's are small.
const maxBody = 1 << 20

// Status is a username's moderation status (FusionAuth's ContentStatus).
type Status string

// Username statuses: allowed, waiting for CleanSpeak or a moderator, refused.
const (
	StatusActive   Status = "ACTIVE"
	StatusPending  Status = "PENDING"
	StatusRejected Status = "REJECTED"
)

// Content actions CleanSpeak answers with.
const (
	ActionAllow             = "allow"
	ActionAuthorOnly        = "authorOnly"
	ActionReplace           = "replace"
	ActionQueuedForApproval = "queuedForApproval"
	ActionReject            = "reject"
)

// ErrUnavailable means CleanSpeak could not be asked or gave no usable answer.
var ErrUnavailable = errors.New("cleanspeak: unavailable")

// Client calls CleanSpeak. It is safe for concurrent use.
type Client struct {
	http *http.Client
	// timeout is WithTimeout's, applied once every option has run so that
	// the options' order does not matter; 0 when it was not given.
	timeout time.Duration
}

// Option configures a Client.
type Option func(*Client) error

// WithHTTPClient sets the HTTP client (its transport, and its timeout
// unless WithTimeout is given). One without a timeout gets DefaultTimeout: a
// login waits on CleanSpeak and must not wait for ever. The client is copied,
// never changed.
func WithHTTPClient(c *http.Client) Option {
	return func(cl *Client) error {
		if c == nil {
			return errors.New("cleanspeak: WithHTTPClient(nil)")
		}
		cl.http = c
		return nil
	}
}

// WithTimeout sets the timeout of one call (default DefaultTimeout), whether
// it comes before or after WithHTTPClient.
func WithTimeout(d time.Duration) Option {
	return func(cl *Client) error {
		if d <= 0 {
			return fmt.Errorf("cleanspeak: WithTimeout(%v): must be positive", d)
		}
		cl.timeout = d
		return nil
	}
}

// NewClient returns a client.
func NewClient(opts ...Option) (*Client, error) {
	c := &Client{http: &http.Client{}}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	hc := *c.http
	switch {
	case c.timeout > 0:
		hc.Timeout = c.timeout
	case hc.Timeout <= 0:
		hc.Timeout = DefaultTimeout
	}
	c.http = &hc
	return c, nil
}

// Config is where usernames go: integrations.cleanspeak.
type Config struct {
	// URL is CleanSpeak's base URL, e.g. https://cleanspeak.example.com.
	URL    string
	APIKey string
	// ApplicationID is the CleanSpeak application for usernames
	// (usernameModeration.applicationId).
	ApplicationID string
}

// String describes c with its API key redacted, and the password of its
// URL's user info.
func (c Config) String() string {
	return fmt.Sprintf("{URL:%q APIKey:%s ApplicationID:%q}", redact.URL(c.URL), redact.IfSet(c.APIKey), c.ApplicationID)
}

// Format makes every fmt verb, %#v included, print String: LogValue keeps
// the key out of slog only, and a Config printed into an error or a debug
// line would otherwise show it.
func (c Config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue keeps the API key out of logs, and the password of the URL's
// user info.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", redact.URL(c.URL)), slog.String("applicationId", c.ApplicationID), slog.String("apiKey", redact.Mark))
}

// Request is one username to moderate.
type Request struct {
	// ContentID is the content item's id: the username's cleanSpeakId.
	ContentID string
	// SenderID is the user's id.
	SenderID string
	Username string
	// CreateInstant is when the username was set (epoch ms).
	CreateInstant int64
	// Update sends a changed username of an existing content item (PUT).
	Update bool
}

// Result is CleanSpeak's decision.
type Result struct {
	ContentAction string
	Status        Status
}

type part struct {
	Content string `json:"content"`
	Name    string `json:"name,omitempty"`
	Type    string `json:"type"`
}

type content struct {
	ApplicationID     string `json:"applicationId"`
	CreateInstant     int64  `json:"createInstant"`
	Parts             []part `json:"parts"`
	SenderDisplayName string `json:"senderDisplayName,omitempty"`
	SenderID          string `json:"senderId"`
}

// ModerateRequest is the body of the Moderate Content API.
type ModerateRequest struct {
	Content content `json:"content"`
}

// ModerateResponse is its answer (the fields used here).
type ModerateResponse struct {
	Content struct {
		ID string `json:"id,omitempty"`
	} `json:"content"`
	ContentAction    string `json:"contentAction"`
	ModerationAction string `json:"moderationAction,omitempty"`
	Stored           bool   `json:"stored"`
}

// Moderate sends a username to CleanSpeak and returns its decision.
func (c *Client) Moderate(ctx context.Context, cfg Config, req Request) (Result, error) {
	base, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
	// The host name, not the authority: Go dials "http://:8001" on the
	// local machine, which is not the CleanSpeak configured.
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Hostname() == "" {
		return Result{}, fmt.Errorf("%w: the URL is not an absolute http(s) URL", ErrUnavailable)
	}
	body, err := json.Marshal(ModerateRequest{Content: content{
		ApplicationID: cfg.ApplicationID, CreateInstant: req.CreateInstant,
		Parts:             []part{{Content: req.Username, Name: "username", Type: "text"}},
		SenderDisplayName: req.Username, SenderID: req.SenderID,
	}})
	if err != nil {
		return Result{}, fmt.Errorf("cleanspeak: encode request: %w", err)
	}
	method := http.MethodPost
	if req.Update {
		method = http.MethodPut
	}
	endpoint := base.JoinPath("content", "item", "moderate", url.PathEscape(req.ContentID))
	hreq, err := http.NewRequestWithContext(ctx, method, endpoint.String(), bytes.NewReader(body))
	if err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	if cfg.APIKey != "" {
		hreq.Header.Set("Authorization", cfg.APIKey)
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		// The URL error names the URL, never the key.
		return Result{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Result{}, fmt.Errorf("%w: read answer: %v", ErrUnavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		return Result{}, fmt.Errorf("%w: %s %s answered %d", ErrUnavailable, method, endpoint.Path, resp.StatusCode)
	}
	var out ModerateResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		return Result{}, fmt.Errorf("%w: answer is not JSON: %v", ErrUnavailable, err)
	}
	status, ok := StatusOf(out.ContentAction)
	if !ok {
		return Result{}, fmt.Errorf("%w: unknown contentAction %q", ErrUnavailable, out.ContentAction)
	}
	return Result{ContentAction: out.ContentAction, Status: status}, nil
}

// StatusOf maps a contentAction to a username status.
func StatusOf(contentAction string) (Status, bool) {
	switch contentAction {
	case ActionAllow:
		return StatusActive, true
	case ActionQueuedForApproval:
		return StatusPending, true
	case ActionReject, ActionReplace, ActionAuthorOnly:
		return StatusRejected, true
	}
	return "", false
}
