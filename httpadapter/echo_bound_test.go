package httpadapter_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An error answer repeats at most an excerpt (a few hundred bytes) of each
// input it names (internal/excerpt): a 400 KB JSON Pointer or content type
// came back whole, some twice, in a 400 answer.
const maxEchoAnswer = 4 << 10

func TestPatchErrorsEchoExcerpts(t *testing.T) {
	f := newIdPFixture(t)
	require.Equal(t, http.StatusOK, f.do("POST", "/api/identity-provider", seedIdPRequest).Code)
	big := strings.Repeat("a", 400_000)
	jp := []string{"Content-Type", "application/json-patch+json"}
	for _, tc := range []struct {
		name, body, code string
		headers          []string
	}{
		{"pointer", `[{"op":"remove","path":"/identityProvider/` + big + `"}]`, "[invalidJSON]", jp},
		{"op", `[{"op":"` + big + `","path":"/identityProvider/debug"}]`, "[invalidJSON]", jp},
		{"test", `[{"op":"test","path":"/identityProvider/` + big + `","value":1}]`, "[JSONPatchTestFailed]", jp},
		{"content type", `{"identityProvider":{"debug":true}}`, "[PatchNotSupported]", []string{"Content-Type", "application/" + big}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("PATCH", "/api/identity-provider/"+twitterID, tc.body, tc.headers...)
			r.codes(t, tc.code)
			assert.Less(t, len(r.Body), maxEchoAnswer)
			assert.Contains(t, r.Body, "aaaa…")
		})
	}
}
