package httpadapter

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// Cookie names FusionAuth writes and reads.
const (
	AccessTokenCookie  = "access_token"
	RefreshTokenCookie = "refresh_token"
)

func (h *Handler) jwtRoutes() {
	h.handle("POST /api/jwt/refresh", true, h.refreshJWT)
	h.handle("GET /api/jwt/refresh", false, h.getRefreshTokens)
	h.handle("GET /api/jwt/refresh/{tokenId}", false, h.getRefreshToken)
	// Anonymous to the router: revokeRefreshTokens takes an API key, or the
	// access token of the refresh token's owner (revokeAuth).
	h.handle("DELETE /api/jwt/refresh", true, h.revokeRefreshTokens)
	h.handle("DELETE /api/jwt/refresh/{tokenId}", true, h.revokeRefreshTokens)
	h.handle("GET /api/jwt/validate", true, h.validateJWT)
	h.handle("POST /api/jwt/vend", false, h.vendJWT)
	h.handle("GET /api/jwt/issue", true, h.issueJWT)
	h.handle("GET /api/jwt/public-key", true, h.getPublicKeys)
	h.handle("GET /.well-known/jwks.json", true, h.getJWKS)
	h.keyRoutes()
}

// refreshBody is POST /api/jwt/refresh's body. token (the old access token)
// is accepted and ignored; eventInfo goes to the jwt.refresh event.
type refreshBody struct {
	RefreshToken        string              `json:"refreshToken"`
	TimeToLiveInSeconds int                 `json:"timeToLiveInSeconds"`
	EventInfo           *authcore.EventInfo `json:"eventInfo"`
}

type refreshResponse struct {
	Token          string `json:"token"`
	RefreshToken   string `json:"refreshToken"`
	RefreshTokenID string `json:"refreshTokenId"`
}

func (h *Handler) refreshJWT(w http.ResponseWriter, r *http.Request) error {
	var body refreshBody
	if err := h.optionalBody(w, r, &body); err != nil {
		return err
	}
	token := body.RefreshToken
	// FusionAuth: "If both are provided, the cookie will take precedence."
	if c, err := r.Cookie(RefreshTokenCookie); err == nil && c.Value != "" {
		token = c.Value
	}
	// The refresh takes no key, but its docs let a tenant-locked one scope
	// it as the tenant header does, as for the login.
	ctx, err := h.loginKeyScope(r)
	if err != nil {
		return err
	}
	res, err := h.engine.RefreshAccessToken(ctx, authcore.RefreshRequest{RefreshToken: token, IPAddress: h.jwtPeerIP(r),
		TimeToLiveInSeconds: body.TimeToLiveInSeconds, EventInfo: body.EventInfo})
	if err != nil {
		return err
	}
	h.setTokenCookies(w, r, res.Token, res.RefreshToken, res.RefreshTokenMaxAge)
	writeJSON(w, http.StatusOK, refreshResponse{Token: res.Token, RefreshToken: res.RefreshToken, RefreshTokenID: res.RefreshTokenID})
	return nil
}

// vendJWT is POST /api/jwt/vend: a free-form token with the caller's
// claims (API key required).
func (h *Handler) vendJWT(w http.ResponseWriter, r *http.Request) error {
	var req authcore.JWTVendRequest
	if err := h.decode(w, r, &req); err != nil {
		return err
	}
	token, err := h.engine.VendJWT(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Token string `json:"token"`
	}{token})
	return nil
}

type refreshTokensResponse struct {
	RefreshTokens []authcore.RefreshTokenInfo `json:"refreshTokens"`
}

type refreshTokenResponse struct {
	RefreshToken authcore.RefreshTokenInfo `json:"refreshToken"`
}

func (h *Handler) getRefreshTokens(w http.ResponseWriter, r *http.Request) error {
	userID, err := jwtUUIDQuery(r, "userId")
	if err != nil {
		return err
	}
	if userID == "" {
		var v validation.Errors
		v.Field("userId", validation.KindMissing, "You must specify the [userId] parameter.")
		return &v
	}
	tokens, err := h.engine.RefreshTokens(r.Context(), userID)
	if err != nil {
		return err
	}
	out := refreshTokensResponse{RefreshTokens: make([]authcore.RefreshTokenInfo, 0, len(tokens))}
	for _, t := range tokens {
		out.RefreshTokens = append(out.RefreshTokens, t.Info())
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) getRefreshToken(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "tokenId", "tokenId")
	if err != nil {
		return err
	}
	rt, err := h.engine.RefreshToken(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, refreshTokenResponse{RefreshToken: rt.Info()})
	return nil
}

// revokeBody is the JSON form of the revoke request
// (revokeRefreshTokensWithRequest), which keeps the token out of URLs. Its
// eventInfo (RefreshTokenRevokeRequest extends BaseEventRequest) goes to
// the jwt.refresh-token.revoke events.
type revokeBody struct {
	ApplicationID string              `json:"applicationId"`
	Token         string              `json:"token"`
	UserID        string              `json:"userId"`
	EventInfo     *authcore.EventInfo `json:"eventInfo"`
}

// revokeRefreshTokens serves DELETE /api/jwt/refresh/{tokenId} and
// DELETE /api/jwt/refresh with ?tokenId, ?token, ?userId, ?applicationId
// (or the same in a JSON body). 200 with no body.
func (h *Handler) revokeRefreshTokens(w http.ResponseWriter, r *http.Request) error {
	var req authcore.RevokeRequest
	ctx, owner, err := h.revokeAuth(r)
	if err != nil {
		return err
	}
	r = r.WithContext(ctx)
	req.OwnerID = owner
	if req.TokenID, err = uuidParam(r, "tokenId", "tokenId"); err != nil {
		return err
	}
	if req.TokenID == "" {
		if req.TokenID, err = jwtUUIDQuery(r, "tokenId"); err != nil {
			return err
		}
	}
	if req.UserID, err = jwtUUIDQuery(r, "userId"); err != nil {
		return err
	}
	if req.ApplicationID, err = jwtUUIDQuery(r, "applicationId"); err != nil {
		return err
	}
	req.Token = jwtQuery(r, "token")
	var body revokeBody
	if isFormMediaType(r.Header.Get("Content-Type")) {
		err = h.revokeForm(w, r, &body)
	} else {
		err = h.optionalBody(w, r, &body)
	}
	if err != nil {
		return err
	}
	req.Token = jwtFirst(req.Token, body.Token)
	req.UserID = jwtFirst(req.UserID, body.UserID)
	req.ApplicationID = jwtFirst(req.ApplicationID, body.ApplicationID)
	ctx = authcore.WithRequestEventInfo(r.Context(), body.EventInfo)
	if _, err := h.engine.RevokeRefreshTokens(ctx, req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// revokeEndpoint is the endpoint name of the revocation's routes in an API
// key's permissions (endpointName of both patterns).
const revokeEndpoint = "/api/jwt/refresh"

// revokeAuth authenticates a revocation as FusionAuth's Revoke Refresh
// Tokens API does: by API key, as every API, or, for a single token, by the
// access token of that token's owner (Authorization: Bearer, or the
// access_token cookie). It returns the request's context with a key's
// tenant scope, and the owner's user id when an access token authenticated
// it.
func (h *Handler) revokeAuth(r *http.Request) (context.Context, string, error) {
	ctx := r.Context()
	if hdr := r.Header.Get("Authorization"); hdr != "" {
		key, err := h.engine.Authenticate(ctx, hdr)
		switch {
		case err == nil:
			// The route is registered as taking no key (an owner's access
			// token will do), so the adapter's auth step did not hold the
			// key to its endpoint permissions: a key limited to other
			// endpoints is an insufficient key here too.
			if !key.Allows(revokeEndpoint, r.Method) {
				return nil, "", fmt.Errorf("httpadapter: the API key has no permission for %s on %s: %w", r.Method, revokeEndpoint, authcore.ErrUnauthorized)
			}
			ctx, err := h.withKeyScope(ctx, key)
			return ctx, "", err
		case !errors.Is(err, authcore.ErrUnauthorized):
			return nil, "", err
		}
	}
	token := jwtFromRequest(r)
	if token == "" {
		return nil, "", authcore.ErrUnauthorized
	}
	// A login's token only: a vended one names any subject its API key
	// chose, of any tenant.
	sub, err := h.engine.LoginTokenSubject(ctx, token)
	if err != nil {
		if errors.Is(err, authcore.ErrUnauthorized) {
			return nil, "", fmt.Errorf("httpadapter: revoke: %w", authcore.ErrUnauthorized)
		}
		return nil, "", err
	}
	return ctx, sub, nil
}

// revokeForm reads the application/x-www-form-urlencoded body FusionAuth
// documents for a revocation by value (token=…, which keeps the token out
// of access logs). net/http's ParseForm reads no DELETE body, and readBody
// takes JSON only; bodyBytes holds it to the same charset and size rules.
func (h *Handler) revokeForm(w http.ResponseWriter, r *http.Request, body *revokeBody) error {
	b, err := h.bodyBytes(w, r, r.Header.Get("Content-Type"), "[invalid]")
	if err != nil {
		return err
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return badRequest("[invalid]", "The request body is not a valid application/x-www-form-urlencoded form.")
	}
	body.Token, body.UserID, body.ApplicationID = v.Get("token"), v.Get("userId"), v.Get("applicationId")
	return nil
}

// isFormMediaType reports whether a Content-Type names
// application/x-www-form-urlencoded, with or without parameters.
func isFormMediaType(ct string) bool {
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// validateResponse holds the verified token's own payload: the claims
// decoded into a map hold numbers as float64, and re-encoding them would
// change any integer beyond 2^53 (a vended claim keeps the caller's text).
type validateResponse struct {
	JWT json.RawMessage `json:"jwt"`
}

// tokenPayload is the decoded payload of a compact JWS that has verified
// (so it is one JSON object, which writeJSON checks again); ok is false if
// it cannot be read back.
func tokenPayload(token string) (json.RawMessage, bool) {
	_, rest, _ := strings.Cut(token, ".")
	seg, _, found := strings.Cut(rest, ".")
	if !found {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	return b, err == nil
}

// errNoAccessToken is a 401 (logged at Debug, as every 401's reason).
var errNoAccessToken = fmt.Errorf("httpadapter: no access token in the Authorization header (Bearer or JWT) or the access_token cookie: %w", authcore.ErrUnauthorized)

// validateJWT is GET /api/jwt/validate: 200 {"jwt": claims}, or 401 empty.
func (h *Handler) validateJWT(w http.ResponseWriter, r *http.Request) error {
	token := jwtFromRequest(r)
	if token == "" {
		return errNoAccessToken
	}
	claims, err := h.engine.ValidateAccessToken(r.Context(), token)
	if err != nil {
		return err
	}
	payload, ok := tokenPayload(token)
	if !ok {
		// Not expected of a token that verified; the decoded claims
		// are still right but for very large integers.
		if payload, err = json.Marshal(claims); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, validateResponse{JWT: payload})
	return nil
}

// issueJWT is GET /api/jwt/issue: the access token in the Authorization
// header (Bearer) or the access_token cookie, ?applicationId= and an optional
// ?refreshToken=. No API key: the token is the credential.
func (h *Handler) issueJWT(w http.ResponseWriter, r *http.Request) error {
	token := jwtFromRequest(r)
	if token == "" {
		return errNoAccessToken
	}
	// refreshToken is optional: the TypeScript client sends an omitted one
	// as "undefined" or "null" (jwtQuery), which is no refresh token.
	// FusionAuth: the refresh_token cookie takes precedence over it.
	refresh := jwtQuery(r, "refreshToken")
	if c, err := r.Cookie(RefreshTokenCookie); err == nil && c.Value != "" {
		refresh = c.Value
	}
	res, err := h.engine.IssueJWT(r.Context(), authcore.IssueRequest{
		// jwtQuery: issueJWT(null, …) sends applicationId=null, which is
		// no application ([missing]), not a malformed one.
		AccessToken: token, ApplicationID: jwtQuery(r, "applicationId"), RefreshToken: refresh,
	})
	if err != nil {
		return err
	}
	// FusionAuth: 202 when the user is authenticated but not registered
	// to the application (the token has no application claims).
	status := http.StatusOK
	if !res.Registered {
		status = http.StatusAccepted
	}
	writeJSON(w, status, res)
	return nil
}

type publicKeysResponse struct {
	PublicKey  string            `json:"publicKey,omitempty"`
	PublicKeys map[string]string `json:"publicKeys,omitempty"`
}

// getPublicKeys is FusionAuth's GET /api/jwt/public-key: all PEM public keys
// by kid, or one with ?kid= or ?applicationId= (the key that signs the
// application's access tokens); 404 when it is unknown or an HMAC key.
func (h *Handler) getPublicKeys(w http.ResponseWriter, r *http.Request) error {
	// No key needed, but FusionAuth's docs let a tenant-locked one scope
	// the request as the tenant header does, as for the login.
	ctx, err := h.loginKeyScope(r)
	if err != nil {
		return err
	}
	appID, err := jwtUUIDQuery(r, "applicationId")
	if err != nil {
		return err
	}
	if appID != "" {
		pk, err := h.engine.ApplicationPublicKey(ctx, appID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, publicKeysResponse{PublicKey: pk})
		return nil
	}
	keys, err := h.engine.PublicKeys(ctx)
	if err != nil {
		return err
	}
	if kid := jwtQuery(r, "kid"); kid != "" {
		// A kid is the key's own (imported keys keep theirs), compared
		// exactly; else the key's id, a UUID taken in any case as every
		// id is.
		pk, ok := keys[kid]
		if !ok && validation.IsUUID(kid) {
			pk, ok = keys[strings.ToLower(kid)]
		}
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return nil
		}
		writeJSON(w, http.StatusOK, publicKeysResponse{PublicKey: pk})
		return nil
	}
	writeJSON(w, http.StatusOK, struct {
		PublicKeys map[string]string `json:"publicKeys"`
	}{keys})
	return nil
}

// getJWKS is GET /.well-known/jwks.json.
func (h *Handler) getJWKS(w http.ResponseWriter, r *http.Request) error {
	set, err := h.engine.JSONWebKeySet(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set)
	return nil
}

// optionalBody decodes a JSON body into v when the request has one. The
// refresh token may come as a cookie and a revocation in the query, so a
// browser's fetch or a client may send no body, or an empty one, at all.
func (h *Handler) optionalBody(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return nil
	}
	b, err := h.readBody(w, r)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return err
	}
	return authcore.DecodeJSON(b, v)
}

// setTokenCookies writes the access_token (session) and refresh_token
// (Max-Age refreshMaxAgeSeconds) cookies as FusionAuth does: HttpOnly,
// SameSite=Lax, Path=/, and Secure when the request came over https. An
// empty token writes no cookie.
func (h *Handler) setTokenCookies(w http.ResponseWriter, r *http.Request, accessToken, refreshToken string, refreshMaxAgeSeconds int) {
	secure := h.jwtOverHTTPS(r)
	if accessToken != "" {
		w.Header().Add("Set-Cookie", tokenCookie(AccessTokenCookie, accessToken, 0, secure))
	}
	if refreshToken != "" {
		maxAge := refreshMaxAgeSeconds
		if maxAge <= 0 {
			// net/http omits Max-Age for 0, which would make the cookie
			// outlive the token; -1 sends Max-Age=0 (delete now).
			maxAge = -1
		}
		w.Header().Add("Set-Cookie", tokenCookie(RefreshTokenCookie, refreshToken, maxAge, secure))
	}
}

// tokenCookie is the Set-Cookie value of a token cookie: Path=/, HttpOnly,
// SameSite=Lax, Secure when asked, Max-Age when not 0 (negative: Max-Age=0).
// It is what http.Cookie.String writes, and it falls back to it; but a JWT
// or a refresh token is only base64url characters and dots, which need no
// sanitizing, and skipping net/http's byte-by-byte checks of a token of a
// kilobyte or so is measurable on every login.
func tokenCookie(name, value string, maxAge int, secure bool) string {
	if !isTokenText(value) {
		c := &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure}
		return c.String()
	}
	var b strings.Builder
	b.Grow(len(name) + len(value) + 64)
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(value)
	b.WriteString("; Path=/")
	switch {
	case maxAge > 0:
		b.WriteString("; Max-Age=")
		b.WriteString(strconv.Itoa(maxAge))
	case maxAge < 0:
		b.WriteString("; Max-Age=0")
	}
	b.WriteString("; HttpOnly")
	if secure {
		b.WriteString("; Secure")
	}
	b.WriteString("; SameSite=Lax")
	return b.String()
}

// isTokenText reports whether s is non-empty and only base64url characters
// and dots: the alphabet of JWTs and of authcore's refresh tokens.
func isTokenText(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenChars[s[i]] {
			return false
		}
	}
	return true
}

// tokenChars marks base64url's alphabet and the dot: one load a byte instead
// of a chain of range tests, over a kilobyte of JWT per login.
var tokenChars = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	return t
}()

// jwtOverHTTPS reports whether the client reached us over https: TLS on this
// connection, or a trusted proxy's X-Forwarded-Proto.
func (h *Handler) jwtOverHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !h.trustProxy {
		return false
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// jwtPeerIP is the client address for device metadata: a trusted proxy's
// X-Forwarded-For first address, else the connection's peer.
func (h *Handler) jwtPeerIP(r *http.Request) string {
	if h.trustProxy {
		if first, _, _ := strings.Cut(r.Header.Get("X-Forwarded-For"), ","); strings.TrimSpace(first) != "" {
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// jwtFromRequest reads the access token from "Authorization: Bearer <jwt>"
// or "Authorization: JWT <jwt>", or else from the access_token cookie.
// FusionAuth takes both schemes: its official clients sent JWT before they
// moved to Bearer (the Java client's issueAccessToken, the Python client's
// issue_jwt), and applications built on those versions still do.
func jwtFromRequest(r *http.Request) string {
	if scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " "); ok &&
		(strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "JWT")) {
		return strings.TrimSpace(token)
	}
	if c, err := r.Cookie(AccessTokenCookie); err == nil {
		return c.Value
	}
	return ""
}

// jwtQuery reads a query parameter. The TypeScript client sends omitted
// optional arguments literally as "null" or "undefined"
// (revokeRefreshToken(null, userId) sends ?token=null&userId=…), so those
// count as absent, like an empty value (SPEC §0).
func jwtQuery(r *http.Request, name string) string {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "null" || v == "undefined" {
		return ""
	}
	return v
}

// jwtUUIDQuery reads a UUID query parameter: absent is "", malformed is
// [couldNotConvert]<name>.
func jwtUUIDQuery(r *http.Request, name string) (string, error) {
	var e validation.Errors
	v := uuidQuery(r, &e, name)
	return v, e.Err()
}

func jwtFirst(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
