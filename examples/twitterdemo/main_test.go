package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// The demo's output is what the README shows; this keeps the two true.
func TestDemoOutput(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	want := `1. CreatePendingLink: Twitter says who @ada is; authcore links nobody yet.
   status 232, a pending link is waiting: true
   the app completes it for its own user "Ada (existing account)": linked Twitter id 783214
   next login: status 200 as "Ada (existing account)", roles [member], JWT issued: true
2. LinkByEmail, after the app removed that link: the Twitter e-mail decides.
   status 200: nobody had ada@example.com, so authcore created "Ada Lovelace" <ada@example.com>, registered as [member]
   refresh token issued: true; the Twitter access token is kept on the link: true
3. Disabled: no automatic linking for new accounts, but existing links still log in.
   @ada (already linked): status 200 as <ada@example.com>
   @newcomer (no link): refused, not found: true
`
	if out.String() != want {
		t.Fatalf("output changed:\n%s", out.String())
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```\n"+want+"```\n") {
		t.Errorf("README.md does not show the demo's output as a block of its own:\n%s", want)
	}
}
