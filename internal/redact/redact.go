// Package redact is how authcore's types print a secret (an API key, a
// token, a private key): never its value, only whether one is set.
package redact

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
