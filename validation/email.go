package validation

import (
	"strings"
	"unicode"
)

// IsEmail reports whether s passes the User API's rule for user.email, a
// deliberately simple one: at most 254 bytes, one "@", a non-empty local
// part, a dotted domain without empty labels, no white space or control
// characters. Deliverability is the verification e-mail's job. The Twitter
// login applies the same rule to the address Twitter gives, so that a user
// it creates can be sent back through the User API as GET shows it. It
// does not allocate: it runs on every first login.
func IsEmail(s string) bool {
	if len(s) > 254 || strings.Count(s, "@") != 1 {
		return false
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return false
	}
	local, domain, _ := strings.Cut(s, "@")
	return local != "" && strings.Contains(domain, ".") &&
		domain[0] != '.' && domain[len(domain)-1] != '.' && !strings.Contains(domain, "..")
}
