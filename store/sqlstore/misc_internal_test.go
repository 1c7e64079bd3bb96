package sqlstore

import "testing"

// likePattern turns an event-log search pattern into LIKE over the
// message column: its wildcards escaped, a run of "*" one "%".
func TestLikePattern(t *testing.T) {
	for pattern, want := range map[string]string{
		"Twitter":     "twitter",
		"*call*":      "%call%",
		"a***b**":     "a%b%",
		"100%_done\\": `100\%\_done\\`,
		"nul\x00*":    "nul\uFFFD%",
		"***":         "%",
		"*%*":         `%\%%`,
		"ÜBER*":       "über%",
	} {
		if got := likePattern(pattern); got != want {
			t.Errorf("likePattern(%q) = %q, want %q", pattern, got, want)
		}
	}
}
