package redact_test

import (
	"fmt"
	"testing"

	"github.com/authcore/authcore/internal/redact"
)

func TestIfSet(t *testing.T) {
	for in, want := range map[string]string{"": "", "s3cret": redact.Mark, " ": redact.Mark} {
		if got := redact.IfSet(in); got != want {
			t.Errorf("IfSet(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"": `""`, "s3cret": redact.Mark} {
		if got := redact.Quoted(in); got != want {
			t.Errorf("Quoted(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://cs.example.com:8001/api":    "https://cs.example.com:8001/api",
		"https://svc@cs.example.com":         "https://svc@cs.example.com",
		"https://svc:s3cret@cs.example.com/": "https://svc:[redacted]@cs.example.com/",
		"https://:s3cret@cs.example.com":     "https://:[redacted]@cs.example.com",
		"http://svc:s3cret@cs:bad-port":      redact.Mark,
		"":                                   "",
	} {
		if got := redact.URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func ExampleIfSet() {
	fmt.Printf("apiKey=%s token=%s\n", redact.IfSet("k-1234"), redact.IfSet(""))
	// Output: apiKey=[redacted] token=
}
