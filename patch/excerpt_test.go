package patch

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An error quotes at most an excerpt of a pointer, a token or an op name
// (internal/excerpt): a refused patch of a 400 KB pointer repeated it twice
// in its message, and the adapter sent the message back whole.
func TestErrorsQuoteExcerptsOfInput(t *testing.T) {
	big := strings.Repeat("a", 400_000)
	doc := `{"identityProvider":{"debug":false,"list":[1,2]}}`
	for _, tc := range []struct {
		name, patch string
		sentinel    error
	}{
		{"remove a missing member", `[{"op":"remove","path":"/identityProvider/` + big + `"}]`, ErrInvalidPatch},
		{"replace a missing member", `[{"op":"replace","path":"/identityProvider/` + big + `","value":1}]`, ErrInvalidPatch},
		{"add under a missing member", `[{"op":"add","path":"/` + big + `/x","value":1}]`, ErrInvalidPatch},
		{"copy from a missing member", `[{"op":"copy","from":"/` + big + `","path":"/` + big + `"}]`, ErrInvalidPatch},
		{"an array index that is not one", `[{"op":"remove","path":"/identityProvider/list/` + big + `"}]`, ErrInvalidPatch},
		{"an index out of range", `[{"op":"remove","path":"/identityProvider/list/1` + strings.Repeat("0", 400_000) + `"}]`, ErrInvalidPatch},
		{"a test of a missing member", `[{"op":"test","path":"/identityProvider/` + big + `","value":1}]`, ErrTestFailed},
		{"an unknown op", `[{"op":"` + big + `","path":"/identityProvider/debug"}]`, ErrInvalidPatch},
		{"a bad escape", `[{"op":"remove","path":"/` + big + `~2"}]`, ErrInvalidPatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := JSONPatch([]byte(doc), []byte(tc.patch), Options{})
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.sentinel), err)
			assert.Less(t, len(err.Error()), 2000)
			assert.Contains(t, err.Error(), "…")
		})
	}
	_, err := Apply("application/"+big, []byte(doc), []byte(`{}`), Options{})
	require.ErrorIs(t, err, ErrUnsupportedType)
	assert.Less(t, len(err.Error()), 2000)
}

// Ordinary pointers are quoted whole.
func TestErrorsQuoteOrdinaryPointersWhole(t *testing.T) {
	_, err := JSONPatch([]byte(`{"a":{}}`), []byte(`[{"op":"remove","path":"/a/b~1c"}]`), Options{})
	require.ErrorIs(t, err, ErrInvalidPatch)
	assert.Equal(t, `patch: invalid patch: op[0] (remove "/a/b~1c"): no member "b/c": no value at that location`, err.Error())
}
