package httpadapter_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A JSON Patch "copy" of 100 bytes duplicated up to 1 MiB of a stored user,
// and nothing bounded the document a PATCH left: request after request, a
// user grew by 1 MiB each (8 MiB after 8), beyond anything a PUT could
// store. A patched document may now be no larger than the body limit, or
// than it already was.
func TestPatchCannotGrowADocumentWithoutBound(t *testing.T) {
	f := newFixture(t)
	big := strings.Repeat("x", 700<<10)
	r := f.do("POST", "/api/user", `{"user":{"email":"big@example.com","data":{"a":"`+big+`"}}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	id := str(r.obj(t, "user"), "id")

	sent := 0
	for i := range 8 {
		body := fmt.Sprintf(`[{"op":"copy","from":"/user/data/a","path":"/user/data/b%d"}]`, i)
		sent += len(body)
		f.do("PATCH", "/api/user/"+id, body, "Content-Type", "application/json-patch+json")
	}
	stored := len(f.do("GET", "/api/user/"+id, "").Body)
	assert.LessOrEqual(t, stored, 1<<20+4096, "a user of 700 KiB grew to %d KiB through %d bytes of PATCH", stored>>10, sent)

	// The refusal names the limit; the stored user is unchanged.
	r = f.do("PATCH", "/api/user/"+id, `[{"op":"copy","from":"/user/data/a","path":"/user/data/c"}]`, "Content-Type", "application/json-patch+json")
	r.codes(t, "[tooLarge]")
	assert.Equal(t, stored, len(f.do("GET", "/api/user/"+id, "").Body))
}

// A JSON Patch of 20,000 inserts at the front of a stored array of 400,000
// elements (both fit the body limit) moved 8·10^9 elements: 4.8 s of CPU
// for one request, answered 200. It is [invalidJSON] now, with nothing
// stored (patch's maxArrayShift).
func TestPatchArrayInsertsAreBounded(t *testing.T) {
	f := newFixture(t)
	zeros := "[" + strings.Repeat("0,", 400_000) + "0]"
	r := f.do("POST", "/api/user", `{"user":{"email":"arr@example.com","data":{"a":`+zeros+`}}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	id := str(r.obj(t, "user"), "id")
	before := f.do("GET", "/api/user/"+id, "").Body

	body := "[" + strings.TrimSuffix(strings.Repeat(`{"op":"add","path":"/user/data/a/0","value":1},`, 20_000), ",") + "]"
	r = f.do("PATCH", "/api/user/"+id, body, "Content-Type", "application/json-patch+json")
	r.codes(t, "[invalidJSON]")
	assert.Contains(t, r.Body, "array elements")
	assert.Equal(t, before, f.do("GET", "/api/user/"+id, "").Body)
}
