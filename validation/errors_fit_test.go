package validation

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FitIndexed cuts the middle part by characters, not bytes, so that the
// whole passes TooLong at MaxIndexedLength; short parts are left whole.
func TestFitIndexed(t *testing.T) {
	if got := FitIndexed("p ", "name", " (id)"); got != "p name (id)" {
		t.Fatalf("short: %q", got)
	}
	long := strings.Repeat("ä", 300)
	got := FitIndexed("Key for ", long, " (x)")
	if n := utf8.RuneCountInString(got); n != MaxIndexedLength || !utf8.ValidString(got) {
		t.Fatalf("cut to %d characters (valid UTF-8: %t)", n, utf8.ValidString(got))
	}
	if !strings.HasPrefix(got, "Key for ää") || !strings.HasSuffix(got, "ä (x)") {
		t.Fatalf("prefix and suffix kept: %q…", got[:20])
	}
	var e Errors
	if e.TooLong("name", got, MaxIndexedLength) {
		t.Fatal("the fitted name is too long")
	}
	if got := FitIndexed(strings.Repeat("p", 300), "s", ""); got != strings.Repeat("p", 300) {
		t.Fatalf("no room left: the middle goes, the rest stays: %d", len(got))
	}
}
