package httpadapter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// DefaultMaxBodyBytes is the largest request body read unless
// WithMaxBodyBytes says otherwise (1 MiB); a larger one is answered 400.
const DefaultMaxBodyBytes = 1 << 20

// Handler serves FusionAuth's API for one engine. Create it with New.
type Handler struct {
	engine     *authcore.Engine
	mux        *http.ServeMux
	maxBody    int64
	log        *slog.Logger
	trustProxy bool
	patterns   []string // every route's "METHOD /path", for shadowedMethods
}

// Option configures a Handler.
type Option func(*Handler) error

// WithMaxBodyBytes sets the request body limit (default DefaultMaxBodyBytes).
// It must be positive.
func WithMaxBodyBytes(n int64) Option {
	return func(h *Handler) error {
		if n <= 0 {
			return fmt.Errorf("httpadapter: WithMaxBodyBytes(%d): must be positive", n)
		}
		h.maxBody = n
		return nil
	}
}

// WithLogger sets the logger (default: the engine's).
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) error {
		if l == nil {
			return errors.New("httpadapter: WithLogger(nil)")
		}
		h.log = l
		return nil
	}
}

// WithTrustedProxy makes the handler believe X-Forwarded-Proto, which
// decides the token cookies' Secure attribute, and X-Forwarded-For for the
// address in a refresh token's device metadata (default false: the
// connection's scheme and address). Turn it on only behind a proxy that sets
// them, or clients can claim any scheme and address.
//
// It does not govern the address of a login's record or of the events: those
// take X-Forwarded-For's first address in any case, as FusionAuth's docs
// describe for the login and as its default proxy trust policy ("All") does,
// and a login's body may name any address there anyway (ipAddress,
// eventInfo.ipAddress). Treat them as what the caller says, not as proof.
func WithTrustedProxy(trust bool) Option {
	return func(h *Handler) error {
		h.trustProxy = trust
		return nil
	}
}

// New returns the handler for e.
func New(e *authcore.Engine, opts ...Option) (*Handler, error) {
	if e == nil {
		return nil, errors.New("httpadapter: New needs an engine")
	}
	h := &Handler{engine: e, mux: http.NewServeMux(), maxBody: DefaultMaxBodyBytes, log: e.Logger()}
	for i, opt := range opts {
		if opt == nil {
			// As authcore.New: a nil Option is an error, not a panic.
			return nil, fmt.Errorf("httpadapter: New: option %d is nil", i)
		}
		if err := opt(h); err != nil {
			return nil, err
		}
	}
	h.routes()
	h.shadowedMethods()
	h.unsupported() // unsupported.go
	return h, nil
}

// implemented are the methods the API knows; anything else is 501.
var implemented = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// ServeHTTP serves FusionAuth's routes at their own paths (/api/…,
// /.well-known/jwks.json); mount it under a prefix with http.StripPrefix. A
// panic below it is answered with an empty 500 and logged.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer h.recoverPanic(w, r)
	if !implemented[r.Method] {
		w.WriteHeader(http.StatusNotImplemented)
		return
	}
	if p := r.URL.Path; p == "" || p[0] != '/' {
		// Mounted with http.StripPrefix("/auth/", h), the form
		// http.FileServer is usually mounted with, the path arrives
		// without its leading slash. It is taken as rooted, as
		// http.FileServer takes it, rather than answered 404 whatever
		// it names.
		r = rooted(r)
	}
	if p := r.URL.EscapedPath(); p != cleanPath(p) {
		// The mux would redirect to the cleaned path, with an HTML body
		// and a Location that drops any prefix the handler is mounted
		// under; no route has such a path.
		w.WriteHeader(http.StatusNotFound)
		return
	}
	handler, pattern := h.mux.Handler(r)
	if pattern == "" {
		// The mux answers 404, or 405 with Allow, with a text body; the API
		// sends these without a body.
		handler.ServeHTTP(bodyless{w}, r)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// recoverPanic turns a panic below the handler into an empty 500 and one
// log line, instead of net/http's dropped connection: the caller gets an
// answer, and the log the method, the path without its query (which may
// carry a token) and the panic's value and stack. http.ErrAbortHandler is
// net/http's own way to abort a response and is passed on.
func (h *Handler) recoverPanic(w http.ResponseWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	h.log.ErrorContext(r.Context(), "request panicked", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	w.WriteHeader(http.StatusInternalServerError)
}

// cleanPath is the path http.ServeMux routes p by: path.Clean, keeping a
// trailing slash.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// rooted returns r with "/" before its path (and raw path), as
// http.StripPrefix changes a request: a shallow copy with its own URL.
func rooted(r *http.Request) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path = "/" + u.Path
	if u.RawPath != "" {
		u.RawPath = "/" + u.RawPath
	}
	r2.URL = &u
	return r2
}

// bodyless keeps the status and headers of a response and drops its body.
type bodyless struct{ http.ResponseWriter }

func (b bodyless) WriteHeader(code int) {
	b.Header().Del("Content-Type")
	b.Header().Del("X-Content-Type-Options")
	b.ResponseWriter.WriteHeader(code)
}

func (b bodyless) Write(p []byte) (int, error) { return len(p), nil }

// endpoint is a route's handler; an error it returns is written through the
// error table.
type endpoint func(w http.ResponseWriter, r *http.Request) error

// handle registers an API route. Unless anonymous, the request must carry a
// valid API key; either way its tenant scope is checked and put in the
// context.
func (h *Handler) handle(pattern string, anonymous bool, fn endpoint) {
	h.patterns = append(h.patterns, pattern)
	// API answers carry tokens, secrets and per-caller data, and a request
	// authenticated by cookie has no Authorization header to keep a shared
	// cache from storing them: no cache stores any answer but the public
	// keys'.
	cacheable := publicKeyRoutes[pattern]
	global := globalRoutes[pattern]
	endpoint := endpointName(pattern)
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if !cacheable {
			w.Header()["Cache-Control"] = noStore
		}
		ctx := r.Context()
		scope := authcore.Scope{TenantID: r.Header.Get("X-FusionAuth-TenantId")}
		if !anonymous {
			hdr := r.Header.Get("Authorization")
			key, err := h.engine.Authenticate(ctx, hdr)
			if err != nil {
				if errors.Is(err, authcore.ErrUnauthorized) {
					err = fmt.Errorf("%s: %w", apiKeyRefusal(hdr), err)
				}
				h.writeError(w, r, err)
				return
			}
			// A key limited to some endpoints (FusionAuth's
			// permissions.endpoints) may call only those, with their
			// methods: anything else is an insufficient key, 401.
			if !key.Allows(endpoint, r.Method) {
				h.writeError(w, r, fmt.Errorf("the API key has no permission for %s on %s: %w", r.Method, endpoint, authcore.ErrUnauthorized))
				return
			}
			scope.KeyTenantID = key.TenantID
			scope.Key = key
		}
		if scope.TenantID != "" && !isUUID(scope.TenantID) {
			h.writeError(w, r, fmt.Errorf("X-FusionAuth-TenantId is not a UUID: %w", authcore.ErrUnauthorized))
			return
		}
		if err := h.engine.CheckScope(ctx, scope); err != nil {
			h.writeError(w, r, err)
			return
		}
		if global {
			// Before the URI, the query and the body are read: a request
			// the endpoint refuses for its scope is 401, not a 400 that
			// depends on what it sent (and shows the endpoint's checks).
			if err := scope.RequireGlobal(); err != nil {
				h.writeError(w, r, err)
				return
			}
		}
		if err := queryStorable(r); err != nil {
			h.writeError(w, r, err)
			return
		}
		ctx = authcore.WithEventInfo(ctx, authcore.EventInfo{IPAddress: clientIP(r), UserAgent: r.UserAgent()}) // events record the caller's address and user agent
		if err := fn(w, r.WithContext(authcore.WithScope(ctx, scope))); err != nil {
			h.writeError(w, r, err)
		}
	})
}

// endpointName is the FusionAuth endpoint a route pattern serves, the name
// an API key's permissions use: the path without the method and without
// its id segments, so "DELETE /api/user/registration/{userId}/{applicationId}"
// is "/api/user/registration".
func endpointName(pattern string) string {
	_, p, _ := strings.Cut(pattern, " ")
	segs := strings.Split(p, "/")
	out := segs[:0]
	for _, s := range segs {
		if !strings.HasPrefix(s, "{") {
			out = append(out, s)
		}
	}
	return strings.Join(out, "/")
}

// apiKeyRefusal says, for the debug log, why an Authorization header named no
// API key, without repeating the header.
func apiKeyRefusal(hdr string) string {
	switch {
	case hdr == "":
		return "no Authorization header (the API key goes there)"
	case len(hdr) > 7 && strings.EqualFold(hdr[:7], "Bearer "):
		return `no API key matches the Authorization header, which starts with "Bearer ": the API takes the key itself, with no scheme`
	case len(hdr) > 4 && strings.EqualFold(hdr[:4], "JWT "):
		return `no API key matches the Authorization header, which starts with "JWT ": the API takes the key itself, with no scheme`
	}
	return "no API key matches the Authorization header"
}

// noStore is shared by every response's header: net/http only reads it.
var noStore = []string{"no-store"}

// publicKeyRoutes answer public keys only, the same to every caller.
var publicKeyRoutes = map[string]bool{"GET /.well-known/jwks.json": true, "GET /api/jwt/public-key": true}

// globalRoutes act on global objects only: a request scoped to a tenant (a
// tenant-locked API key, or X-FusionAuth-TenantId) may not use them at all
// (SPEC §1, docs/DECISIONS.md), and is refused before anything it sent is
// read. The engine's calls check the same rule; the identity provider's
// reads, which a locked key may make, are not listed.
var globalRoutes = map[string]bool{
	"GET /api/integration": true, "PUT /api/integration": true, "PATCH /api/integration": true,

	"POST /api/identity-provider": true, "POST /api/identity-provider/{id}": true,
	"PUT /api/identity-provider": true, "PUT /api/identity-provider/{id}": true,
	"PATCH /api/identity-provider": true, "PATCH /api/identity-provider/{id}": true,
	"DELETE /api/identity-provider": true, "DELETE /api/identity-provider/{id}": true,

	"POST /api/tenant": true, "POST /api/tenant/{tenantId}": true, "DELETE /api/tenant/{tenantId}": true,

	"POST /api/key/generate": true, "POST /api/key/generate/{keyId}": true,
	"POST /api/key/import": true, "POST /api/key/import/{keyId}": true,
	"GET /api/key": true, "GET /api/key/{keyId}": true, "DELETE /api/key/{keyId}": true,
	"PUT /api/key/{keyId}": true, "POST /api/key/search": true, "GET /api/key/search": true,

	"POST /api/system/event-log/search": true, "GET /api/system/event-log/search": true,
	"GET /api/system/event-log/{id}": true,

	"POST /api/cleanspeak/notify": true,
}

// writeError is the one table from authcore's errors to status codes.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var verr *validation.Errors
	var lambdaErr *authcore.LambdaError
	switch {
	case errors.As(err, &lambdaErr):
		// FusionAuth's "lambda invocation failed"; the event log has
		// details. First: a reconcile function whose user the User API
		// would refuse failed (docs/DECISIONS.md), and the field errors it
		// wraps name properties the request never sent.
		w.WriteHeader(512)
	case errors.As(err, &verr):
		writeJSON(w, http.StatusBadRequest, verr)
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer. Before the 401s:
		// a login abandoned while Twitter was asked was not refused.
		w.WriteHeader(http.StatusServiceUnavailable)
	case errors.Is(err, authcore.ErrUnauthorized),
		errors.Is(err, authcore.ErrIdentityProviderRefused),
		errors.Is(err, authcore.ErrIdentityProviderUnavailable):
		// The body is empty, as FusionAuth's; the reason is for the
		// operator (a wrong key, a locked key on a global object, …).
		h.log.DebugContext(r.Context(), "request refused", "method", r.Method, "path", r.URL.Path, "status", http.StatusUnauthorized, "reason", err)
		w.WriteHeader(http.StatusUnauthorized)
	case errors.Is(err, authcore.ErrUserExpired):
		w.WriteHeader(http.StatusGone)
	case errors.Is(err, authcore.ErrLoginPrevented):
		w.WriteHeader(http.StatusConflict)
	case errors.Is(err, authcore.ErrNotFound):
		w.WriteHeader(http.StatusNotFound)
	case errors.Is(err, authcore.ErrConflict):
		var v validation.Errors
		v.General("[retryableConflict]", "The request conflicted with a concurrent change. Retry it.")
		writeJSON(w, http.StatusConflict, &v)
	case errors.Is(err, authcore.ErrDuplicate):
		var v validation.Errors
		v.General("[duplicate]", "The object conflicts with an existing one.")
		writeJSON(w, http.StatusBadRequest, &v)
	case errors.Is(err, context.DeadlineExceeded):
		// The request's own deadline (an embedding application's timeout)
		// ended a store call: the server was too slow, not broken, so a
		// warning rather than an error. Still 500: SPEC keeps 503 for a
		// rate limit. After the 401s, where a deadline during the Twitter
		// call is Twitter too slow to answer.
		h.log.WarnContext(r.Context(), "request ran out of time", "method", r.Method, "path", r.URL.Path, "error", err)
		w.WriteHeader(http.StatusInternalServerError)
	default:
		h.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		w.WriteHeader(http.StatusInternalServerError)
	}
}

// writeJSON marshals v before writing anything, so an encoding failure is a
// clean 500 rather than half a body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	// Encoded in full before anything is sent, so that a value that cannot
	// be encoded still gets a clean 500; the buffer is pooled because
	// json.Marshal's fresh copy of every response body is measurable garbage
	// on the login path.
	buf := responseBuffers.Get().(*bytes.Buffer)
	defer releaseResponseBuffer(buf)
	var err error
	if a, ok := v.(jsonAppender); ok {
		// Appended into buf's spare room, which Write then keeps (a copy
		// onto itself) so that the pooled buffer grows to the responses.
		var out []byte
		if out, err = a.AppendJSON(buf.AvailableBuffer()); err == nil {
			buf.Write(out)
		}
	} else if err = json.NewEncoder(buf).Encode(v); err == nil {
		buf.Truncate(buf.Len() - 1) // Encode's newline: keep the bytes json.Marshal wrote
	}
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// jsonAppender is a response with its own encoder, which must write what
// encoding/json would (authcore.LoginResponse).
type jsonAppender interface {
	AppendJSON(b []byte) ([]byte, error)
}

var responseBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// releaseResponseBuffer pools buf unless one unusually large response grew
// it: a pool of megabyte buffers would pin that memory for good.
func releaseResponseBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 64<<10 {
		return
	}
	buf.Reset()
	responseBuffers.Put(buf)
}

// queryStorable refuses a query parameter holding U+0000 or bytes that are
// not UTF-8, as a body's string holding either is refused ([invalidJSON]):
// no store keeps it as sent, and PostgreSQL fails the statement that
// compares with it.
func queryStorable(r *http.Request) error {
	if strings.Count(r.URL.RawQuery, "&") >= maxQueryParams {
		// net/url reads a query of more parameters as one of none
		// (urlmaxqueryparams): the handler would answer as if none were
		// sent, a search without its filters, and the check below would
		// see no U+0000.
		return badRequest("[RequestTooLarge]", fmt.Sprintf("The query string has more than %d parameters.", maxQueryParams))
	}
	if !suspiciousQuery(r.URL.RawQuery) {
		return nil
	}
	var v validation.Errors
	for name, values := range r.URL.Query() {
		for _, value := range values {
			if strings.ContainsRune(value, 0) || !utf8.ValidString(value) {
				v.Field(name, validation.KindInvalid, "The ["+name+"] parameter must be UTF-8 text without the character U+0000.")
				break
			}
		}
	}
	return v.Err()
}

// maxQueryParams is the most query parameters a request may send: net/url's
// default limit (the parameters are counted as it counts them, by "&").
const maxQueryParams = 10000

// suspiciousQuery reports whether a raw query may decode to U+0000 or to
// bytes that are not UTF-8: it holds "%00", an escaped byte of 0x80 or
// more, or an unescaped one. Most queries are plain ASCII, and this look
// keeps their decoding for the handler that needs it.
func suspiciousQuery(raw string) bool {
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c >= 0x80:
			return true
		case c == '%' && i+2 < len(raw):
			if h := raw[i+1]; (h >= '8' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F') || (h == '0' && raw[i+2] == '0') {
				return true
			}
		}
	}
	return false
}

func fieldError(path, kind, message string) error {
	var v validation.Errors
	v.Field(path, kind, message)
	return &v
}

func badRequest(code, message string) error {
	var v validation.Errors
	v.General(code, message)
	return &v
}

// readBody reads a JSON request body: the media type must be application/json
// (or, for PATCH, whatever authcore's PATCH forms accept: it decides), and the
// body must fit the limit.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	if r.Method == http.MethodPatch {
		// The engine picks the PATCH form from the media type alone, so a
		// header whose parameters do not parse ("application/json;charset")
		// was taken there and refused on POST and PUT: refused on both now.
		if strings.Contains(ct, ";") {
			if _, _, err := mime.ParseMediaType(ct); err != nil {
				return nil, badRequest("[InvalidContentType]", "The Content-Type header is not a well-formed media type.")
			}
		}
	} else if !isJSONMediaType(ct) {
		return nil, badRequest("[InvalidContentType]", "The request body must be JSON, sent with Content-Type: application/json.")
	}
	return h.bodyBytes(w, r, ct, "[invalidJSON]")
}

// bodyBytes reads a request body of any media type (ct, its Content-Type)
// whose charset is UTF-8 (or unnamed) and that fits the limit; unreadable
// is the code of a body that cannot be read.
func (h *Handler) bodyBytes(w http.ResponseWriter, r *http.Request, ct, unreadable string) ([]byte, error) {
	if !utf8Charset(ct) {
		return nil, badRequest("[InvalidContentType]", "The request body must be in UTF-8; the Content-Type names another charset.")
	}
	if r.ContentLength > h.maxBody {
		return nil, tooLarge(h.maxBody)
	}
	if r.ContentLength >= 0 && r.ContentLength <= exactBodyLimit {
		// The server reads no more than Content-Length: one buffer of
		// that size holds the body. Only for small bodies: a client that
		// announces a large one and sends nothing must not make the server
		// allocate all of it up front.
		b := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, b); err != nil {
			return nil, badRequest(unreadable, "The request body could not be read.")
		}
		return b, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(h.maxBody)
		}
		return nil, badRequest(unreadable, "The request body could not be read.")
	}
	return b, nil
}

// exactBodyLimit is the largest announced body read into a buffer of its
// exact size; larger ones grow as they arrive.
const exactBodyLimit = 64 << 10

// isJSONMediaType reports whether a Content-Type names application/json,
// with or without parameters. The two spellings clients send are matched
// without mime.ParseMediaType, which allocates its parameter map.
func isJSONMediaType(ct string) bool {
	if ct == "application/json" || ct == "application/json; charset=utf-8" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// utf8Charset reports whether the media type's charset, if it names one,
// is UTF-8 (or its subset US-ASCII): the body is read as UTF-8, and a body
// in UTF-16 or Latin-1 would be misread, or refused as malformed JSON with
// a message that hides the cause. A media type that does not parse is left
// to the other checks.
func utf8Charset(ct string) bool {
	if ct == "" || ct == "application/json" || ct == "application/json; charset=utf-8" {
		return true
	}
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return true
	}
	cs := params["charset"]
	return cs == "" || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8") || strings.EqualFold(cs, "us-ascii")
}

func tooLarge(limit int64) error {
	return badRequest("[RequestTooLarge]", fmt.Sprintf("The request body is larger than the limit of %d bytes.", limit))
}

// decode reads and decodes a JSON body into v.
func (h *Handler) decode(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := h.readBody(w, r)
	if err != nil {
		return err
	}
	return authcore.DecodeJSON(b, v)
}

// patchRequest reads a PATCH body with its media type.
func (h *Handler) patchRequest(w http.ResponseWriter, r *http.Request) (authcore.PatchRequest, error) {
	b, err := h.readBody(w, r)
	if err != nil {
		return authcore.PatchRequest{}, err
	}
	return authcore.PatchRequest{ContentType: r.Header.Get("Content-Type"), Body: b}, nil
}

func isUUID(s string) bool { return validation.IsUUID(s) }
