// Package redact is how authcore's types print a secret (an API key, a
// token, a private key): never its value, only whether one is set.
package redact

import (
	"net/url"
	"strings"
)

// Mark stands where a secret's value would be.
const Mark = "[redacted]"

// IfSet is Mark for a set value and "" for an empty one: "no key was set"
// says something when debugging, where a key's value says too much.
func IfSet(s string) string {
	if s == "" {
		return ""
	}
	return Mark
}

// Quoted is IfSet for output that quotes the strings around it (%q): an
// empty value shows as "".
func Quoted(s string) string {
	if s == "" {
		return `""`
	}
	return Mark
}

// URL is s with the password of its user info (https://user:pw@host)
// replaced by Mark: an operator may put CleanSpeak's credentials there, and
// a printed configuration must not show them. A string that does not parse
// as a URL is returned whole only when it holds no "@": past that, any part
// of it may be a password.
func URL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if strings.Contains(s, "@") {
			return Mark
		}
		return s
	}
	if _, ok := u.User.Password(); !ok {
		return s
	}
	// Redacted writes the password as "xxxxx", which reads as a password;
	// the user info's first ':' is where it starts.
	return strings.Replace(u.Redacted(), ":xxxxx@", ":"+Mark+"@", 1)
}
