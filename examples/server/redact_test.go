package main

import (
	"strings"
	"testing"
)

// TestRedactDSNHidesEveryPassword: the DSN is logged at start; a password
// may sit in the user info or in a query parameter (pgx reads password and
// sslpassword there too).
func TestRedactDSNHidesEveryPassword(t *testing.T) {
	for _, dsn := range []string{
		"postgres://authcore:hunter2@db/authcore",
		"postgres://authcore@db/authcore?password=hunter2",
		"postgresql://db/authcore?sslmode=verify-full&password=hunter2",
		"postgres://authcore@db/authcore?sslkey=/k&sslpassword=hunter2",
		"postgres://authcore:hunter2@db/authcore?x=%zz", // not a URL net/url parses
	} {
		if got := redactDSN(dsn); strings.Contains(got, "hunter2") {
			t.Errorf("redactDSN(%q) = %q", dsn, got)
		}
	}
	for _, dsn := range []string{"sqlite:authcore.db", "sqlite::memory:", "memory", "postgres://authcore@db/authcore?sslmode=disable"} {
		if got := redactDSN(dsn); got != dsn {
			t.Errorf("redactDSN(%q) = %q, want it unchanged", dsn, got)
		}
	}
}
