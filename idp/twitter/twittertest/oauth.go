package twittertest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// This file is the fake's own OAuth 1.0a verifier, written from RFC 5849
// rather than borrowed from the client library, so that the client's signing
// is checked by an independent reading of the RFC.

type param struct{ name, value string }

// signedRequest is what the server learns from a request's OAuth parts.
type signedRequest struct {
	// oauth holds the Authorization header's parameters, decoded, except
	// realm. oauth_signature is among them.
	oauth map[string]string
	// form holds the form body's parameters; query the URL's.
	form, query url.Values
}

var (
	errNoAuthorization  = errors.New("no OAuth Authorization header")
	errBadAuthorization = errors.New("malformed OAuth Authorization header")
	errBadParameters    = errors.New("malformed query or form body")
)

// parseSigned reads the protocol parameters from the Authorization header
// (RFC 5849 §3.5.1) and the request parameters from the query and, for a
// single-part form body, the body (§3.4.1.3.1). body is the already-read
// request body.
func parseSigned(r *http.Request, body []byte) (*signedRequest, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, errNoAuthorization
	}
	oauth, err := parseAuthorization(h)
	if err != nil {
		return nil, err
	}
	sr := &signedRequest{oauth: oauth}
	if sr.query, err = url.ParseQuery(r.URL.RawQuery); err != nil {
		return nil, errBadParameters
	}
	if isForm(r.Header.Get("Content-Type")) {
		if sr.form, err = url.ParseQuery(string(body)); err != nil {
			return nil, errBadParameters
		}
	}
	return sr, nil
}

// isForm reports whether a Content-Type is application/x-www-form-urlencoded,
// parameters such as charset allowed.
func isForm(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded")
}

// parseAuthorization parses `OAuth name="value", ...` (RFC 5849 §3.5.1):
// names and values percent-decoded, realm dropped, a repeated name or a name
// or value not encoded exactly as §3.6 says refused.
func parseAuthorization(h string) (map[string]string, error) {
	const scheme = "oauth "
	if len(h) < len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return nil, errNoAuthorization
	}
	rest := h[len(scheme):]
	out := make(map[string]string, 8)
	for {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			return out, nil
		}
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return nil, errBadAuthorization
		}
		rawName := strings.TrimSpace(rest[:eq])
		rest = rest[eq+1:]
		if len(rest) == 0 || rest[0] != '"' {
			return nil, errBadAuthorization
		}
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return nil, errBadAuthorization
		}
		rawValue := rest[1 : 1+end]
		rest = rest[end+2:]
		if rest != "" && rest[0] != ',' && rest[0] != ' ' && rest[0] != '\t' {
			return nil, errBadAuthorization
		}
		name, err1 := url.PathUnescape(rawName)
		value, err2 := url.PathUnescape(rawValue)
		if err1 != nil || err2 != nil {
			return nil, errBadAuthorization
		}
		if name == "realm" {
			// realm is an RFC 2617 quoted-string, not a §3.6 encoding.
			continue
		}
		// §3.5.1 sends names and values encoded as §3.6 says, and there is
		// one way to do that: a raw "+" or "/" (a base64 signature or nonce
		// left unencoded), a raw non-ASCII byte, a lower-case escape or an
		// escaped unreserved character is a client that encodes wrongly,
		// which Twitter need not decode as this fake would.
		if !wellEncoded(rawName) || !wellEncoded(rawValue) {
			return nil, errBadAuthorization
		}
		if _, dup := out[name]; dup {
			return nil, errBadAuthorization
		}
		out[name] = value
	}
}

// baseString is the signature base string of RFC 5849 §3.4.1: the method,
// the base string URI and the normalized parameters (query, form body and
// protocol parameters except oauth_signature), each percent-encoded and
// joined with "&".
func (sr *signedRequest) baseString(r *http.Request) string {
	params := make([]param, 0, len(sr.oauth)+len(sr.query)+len(sr.form))
	for name, v := range sr.oauth {
		if name != "oauth_signature" {
			params = append(params, param{percentEncode(name), percentEncode(v)})
		}
	}
	for _, vals := range []url.Values{sr.query, sr.form} {
		for name, list := range vals {
			for _, v := range list {
				params = append(params, param{percentEncode(name), percentEncode(v)})
			}
		}
	}
	// §3.4.1.3.2: sort by encoded name, then by encoded value.
	sort.Slice(params, func(i, j int) bool {
		if params[i].name != params[j].name {
			return params[i].name < params[j].name
		}
		return params[i].value < params[j].value
	})
	var norm strings.Builder
	for i, p := range params {
		if i > 0 {
			norm.WriteByte('&')
		}
		norm.WriteString(p.name)
		norm.WriteByte('=')
		norm.WriteString(p.value)
	}
	return strings.ToUpper(r.Method) + "&" + percentEncode(baseStringURI(r)) + "&" + percentEncode(norm.String())
}

// baseStringURI is §3.4.1.2: scheme and host in lower case, the port only
// when it is not the scheme's default, the path as sent, no query.
func baseStringURI(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	if scheme == "http" {
		host = strings.TrimSuffix(host, ":80")
	} else {
		host = strings.TrimSuffix(host, ":443")
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// hmacSHA1 is §3.4.2: the key is the encoded consumer secret and the encoded
// token secret joined with "&", even when the token secret is empty.
func hmacSHA1(base, consumerSecret, tokenSecret string) []byte {
	mac := hmac.New(sha1.New, []byte(percentEncode(consumerSecret)+"&"+percentEncode(tokenSecret)))
	mac.Write([]byte(base))
	return mac.Sum(nil)
}

// validSignature compares in constant time the decoded oauth_signature with
// the expected MAC.
func (sr *signedRequest) validSignature(r *http.Request, consumerSecret, tokenSecret string) bool {
	got, err := base64.StdEncoding.DecodeString(sr.oauth["oauth_signature"])
	if err != nil {
		return false
	}
	return hmac.Equal(got, hmacSHA1(sr.baseString(r), consumerSecret, tokenSecret))
}

// percentEncode is §3.6: every byte but ALPHA, DIGIT, "-", ".", "_" and "~"
// becomes %XX with upper-case hex. (url.QueryEscape differs: it writes a
// space as "+" and leaves nothing else out, so it cannot be used.)
func percentEncode(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}

// wellEncoded reports whether raw is what percentEncode gives for some
// string: every byte unreserved, or "%" and two upper-case hex digits that
// encode a byte that is not. It checks in place, allocating nothing, as the
// fake runs inside the login benchmarks.
func wellEncoded(raw string) bool {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if unreserved(c) {
			continue
		}
		if c != '%' || i+2 >= len(raw) {
			return false
		}
		hi, ok1 := upperHex(raw[i+1])
		lo, ok2 := upperHex(raw[i+2])
		if !ok1 || !ok2 || unreserved(hi<<4|lo) {
			return false
		}
		i += 2
	}
	return true
}

func upperHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
