package twitter

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// This file signs requests with OAuth 1.0a HMAC-SHA1 (RFC 5849 §3.1-3.5.1,
// and Twitter's "Authorizing a request"). The client only ever sends two
// requests, so the parts of the signature base string that do not change
// (method, base string URI, query parameters) are encoded once per Client;
// each call then encodes only its nonce, timestamp, token and verifier. That
// is most of what a login spends on its own (see docs/PERFORMANCE.md).

// param is one request parameter, already percent-encoded (§3.6).
type param struct{ name, value string }

// endpoint is what a signature needs of one of the client's URLs.
type endpoint struct {
	method string
	url    string
	// base is the percent-encoded "METHOD&" + encoded base string URI + "&"
	// prefix of the signature base string.
	base string
	// query holds the URL's query parameters, encoded.
	query []param
}

func newEndpoint(method, rawURL string) (endpoint, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return endpoint{}, fmt.Errorf("twitter: %s: %w", rawURL, err)
	}
	e := endpoint{method: method, url: rawURL}
	e.base = strings.ToUpper(method) + "&" + percentEncode(baseStringURI(u)) + "&"
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return endpoint{}, fmt.Errorf("twitter: %s: %w", rawURL, err)
	}
	for name, values := range q {
		for _, v := range values {
			e.query = append(e.query, param{percentEncode(name), percentEncode(v)})
		}
	}
	return e, nil
}

// baseStringURI is §3.4.1.2: scheme and host in lower case, the port only
// when it is not the scheme's default, the path, no query or fragment.
func baseStringURI(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	if port := u.Port(); (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		host = strings.ToLower(u.Hostname())
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// nonceBytes is the entropy of oauth_nonce: 128 bits. Base64url of it is
// made of unreserved characters only, so the nonce needs no encoding.
const nonceBytes = 16

func newNonce() (string, error) {
	var b [nonceBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// authorization returns the Authorization header value for a request to e
// with the given form-body parameters (already encoded), signed with the
// consumer's and the token's secrets.
func (e *endpoint) authorization(consumer Consumer, tok Token, nonce string, timestamp int64, form []param) string {
	ts := strconv.FormatInt(timestamp, 10)
	consumerKey := percentEncode(consumer.Key)
	token := percentEncode(tok.Token)
	oauth := [...]param{
		{"oauth_consumer_key", consumerKey},
		{"oauth_nonce", percentEncode(nonce)},
		{"oauth_signature_method", "HMAC-SHA1"},
		{"oauth_timestamp", ts},
		{"oauth_token", token},
		{"oauth_version", "1.0"},
	}

	// §3.4.1.3: every parameter, sorted by encoded name, then value; the
	// normalized string is encoded once more into the base string.
	var stack [16]param
	params := append(stack[:0], e.query...)
	params = append(params, form...)
	params = append(params, oauth[:]...)
	slices.SortFunc(params, func(a, b param) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	n := len(e.base)
	for _, p := range params {
		n += 3*(len(p.name)+len(p.value)) + 6
	}
	base := make([]byte, 0, n)
	base = append(base, e.base...)
	for i, p := range params {
		if i > 0 {
			base = append(base, "%26"...) // "&"
		}
		base = appendEncoded(base, p.name)
		base = append(base, "%3D"...) // "="
		base = appendEncoded(base, p.value)
	}

	// §3.4.2: the key is the encoded consumer secret and the encoded token
	// secret joined with "&".
	mac := hmac.New(sha1.New, []byte(percentEncode(consumer.Secret.Reveal())+"&"+percentEncode(tok.Secret.Reveal())))
	mac.Write(base)
	var sum [sha1.Size]byte
	signature := base64.StdEncoding.EncodeToString(mac.Sum(sum[:0]))

	// §3.5.1: the protocol parameters in the header, encoded and quoted, in
	// the same order dghubble/oauth1 uses (sorted by name).
	var h strings.Builder
	h.Grow(256)
	h.WriteString("OAuth ")
	for i, p := range [...]param{
		oauth[0], oauth[1], {"oauth_signature", percentEncode(signature)}, oauth[2], oauth[3], oauth[4], oauth[5],
	} {
		if i > 0 {
			h.WriteString(", ")
		}
		h.WriteString(p.name)
		h.WriteString(`="`)
		h.WriteString(p.value)
		h.WriteByte('"')
	}
	return h.String()
}

// percentEncode is §3.6: every byte but ALPHA, DIGIT, "-", ".", "_" and "~"
// becomes %XX with upper-case hex. (url.QueryEscape differs: it writes a
// space as "+".)
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
	return string(appendEncoded(make([]byte, 0, len(s)+2*n), s))
}

func appendEncoded(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
