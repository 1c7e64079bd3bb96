package patch_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/patch"
)

// Members a document leaves out because they are empty are found empty by
// the RFC 6902 operations that go through them, and only by those.
func TestJSONPatchFindsOmittedEmptyMembers(t *testing.T) {
	omitted := map[string]string{"/a/m": "{}", "/a/l": "[]", "/a/m/n": "[]", "/a/x~1y": "{}"}
	for name, tc := range map[string]struct{ patch, want string }{
		"add into a map":             {`[{"op":"add","path":"/a/m/k","value":1}]`, `{"a":{"v":1,"m":{"k":1}}}`},
		"append to a list":           {`[{"op":"add","path":"/a/l/-","value":"r"}]`, `{"a":{"v":1,"l":["r"]}}`},
		"a list inside an empty map": {`[{"op":"add","path":"/a/m/n/-","value":2}]`, `{"a":{"v":1,"m":{"n":[2]}}}`},
		"an escaped member name":     {`[{"op":"add","path":"/a/x~1y/k","value":true}]`, `{"a":{"v":1,"x/y":{"k":true}}}`},
		"test that it is empty":      {`[{"op":"test","path":"/a/m","value":{}},{"op":"replace","path":"/a/v","value":2}]`, `{"a":{"v":2,"m":{}}}`},
		"copy from it":               {`[{"op":"copy","from":"/a/l","path":"/a/c"}]`, `{"a":{"v":1,"l":[],"c":[]}}`},
		// A test of the parent as it was shown does not go through the
		// omitted member, so it still sees the document as rendered.
		"test of the parent as shown": {`[{"op":"test","path":"/a","value":{"v":1}},{"op":"replace","path":"/a/v","value":3}]`, `{"a":{"v":3}}`},
		// Nor when a later operation goes through the omitted member: the
		// member is found empty for that operation, and the test, which
		// runs first, still compares with the parent as it was shown.
		"test of the parent as shown, then add into it":    {`[{"op":"test","path":"/a","value":{"v":1}},{"op":"add","path":"/a/m/k","value":1}]`, `{"a":{"v":1,"m":{"k":1}}}`},
		"test of the whole document as shown, then append": {`[{"op":"test","path":"","value":{"a":{"v":1}}},{"op":"add","path":"/a/l/-","value":"r"}]`, `{"a":{"v":1,"l":["r"]}}`},
		// A member found empty and still empty may also be named, as
		// "test that it is empty" names it.
		"test of the parent with the member": {`[{"op":"test","path":"/a","value":{"v":1,"m":{}}},{"op":"add","path":"/a/l/-","value":"r"}]`, `{"a":{"v":1,"l":["r"]}}`},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := patch.JSONPatch([]byte(`{"a":{"v":1}}`), []byte(tc.patch), patch.Options{OmittedEmpty: omitted})
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(out))
		})
	}

	// Without the list the same operation fails, as RFC 6902 has it, and a
	// member that is not listed stays missing.
	_, err := patch.JSONPatch([]byte(`{"a":{"v":1}}`), []byte(`[{"op":"add","path":"/a/m/k","value":1}]`), patch.Options{})
	require.ErrorIs(t, err, patch.ErrInvalidPatch)
	_, err = patch.JSONPatch([]byte(`{"a":{"v":1}}`), []byte(`[{"op":"add","path":"/a/other/k","value":1}]`), patch.Options{OmittedEmpty: omitted})
	require.ErrorIs(t, err, patch.ErrInvalidPatch)
	// A test still fails where the value differs in anything else: a
	// member found empty that an operation filled is no longer empty, and
	// the test's own members must all be there.
	for _, p := range []string{
		`[{"op":"add","path":"/a/m/k","value":1},{"op":"test","path":"/a","value":{"v":1}}]`,
		`[{"op":"test","path":"/a","value":{"v":1,"w":2}},{"op":"add","path":"/a/m/k","value":1}]`,
		`[{"op":"test","path":"/a","value":{"v":2}},{"op":"add","path":"/a/m/k","value":1}]`,
		`[{"op":"test","path":"/a","value":{}},{"op":"add","path":"/a/m/k","value":1}]`,
	} {
		_, err = patch.JSONPatch([]byte(`{"a":{"v":1}}`), []byte(p), patch.Options{OmittedEmpty: omitted})
		require.ErrorIs(t, err, patch.ErrTestFailed, p)
	}
	// A member the document does have is left as it is.
	out, err := patch.JSONPatch([]byte(`{"a":{"m":{"old":0}}}`), []byte(`[{"op":"add","path":"/a/m/k","value":1}]`), patch.Options{OmittedEmpty: omitted})
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":{"m":{"old":0,"k":1}}}`, string(out))
}

func TestEscapeToken(t *testing.T) {
	assert.Equal(t, "plain", patch.EscapeToken("plain"))
	assert.Equal(t, "a~1b~0c", patch.EscapeToken("a/b~c"))
}
