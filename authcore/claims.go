package authcore

import (
	"strconv"
	"sync"
	"unicode/utf8"
)

// appendJSON appends c as encoding/json marshals it (field order, omitempty,
// HTML-safe string escaping): every access token encodes one, and the
// reflection-driven encoder was a tenth of a token's cost. TestClaimsEncoding
// holds the two to the same bytes.
func (c *accessClaims) appendJSON(b []byte) []byte {
	b = append(b, `{"aud":`...)
	b = appendJSONString(b, c.Audience)
	b = append(b, `,"exp":`...)
	b = strconv.AppendInt(b, c.Expiry, 10)
	b = append(b, `,"iat":`...)
	b = strconv.AppendInt(b, c.IssuedAt, 10)
	b = append(b, `,"iss":`...)
	b = appendJSONString(b, c.Issuer)
	b = append(b, `,"sub":`...)
	b = appendJSONString(b, c.Subject)
	b = append(b, `,"jti":`...)
	b = appendJSONString(b, c.JTI)
	b = append(b, `,"authenticationType":`...)
	b = appendJSONString(b, c.AuthenticationType)
	if c.Email != "" {
		b = append(b, `,"email":`...)
		b = appendJSONString(b, c.Email)
	}
	if c.EmailVerified != nil {
		b = append(b, `,"email_verified":`...)
		b = strconv.AppendBool(b, *c.EmailVerified)
	}
	if c.PreferredUsername != "" {
		b = append(b, `,"preferred_username":`...)
		b = appendJSONString(b, c.PreferredUsername)
	}
	if c.ApplicationID != "" {
		b = append(b, `,"applicationId":`...)
		b = appendJSONString(b, c.ApplicationID)
	}
	if c.Roles != nil {
		b = append(b, `,"roles":`...)
		if *c.Roles == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for i, r := range *c.Roles {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, r)
			}
			b = append(b, ']')
		}
	}
	b = append(b, `,"auth_time":`...)
	b = strconv.AppendInt(b, c.AuthTime, 10)
	if c.SID != "" {
		b = append(b, `,"sid":`...)
		b = appendJSONString(b, c.SID)
	}
	b = append(b, `,"tid":`...)
	b = appendJSONString(b, c.TenantID)
	return append(b, '}')
}

// claimsBuffers holds payload buffers between tokens: go-jose copies the
// payload into its signing input, so the buffer is free once Sign returns.
var claimsBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

const hexDigits = "0123456789abcdef"

// htmlSafe marks the ASCII bytes a JSON string holds as they are, with
// encoding/json's default HTML escaping: a table load per byte is most of
// the cost of the kilobyte of token text in every login response.
var htmlSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it by default: quote, backslash and control characters; <, > and
// & (HTML-safe); U+2028 and U+2029; invalid UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if htmlSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
