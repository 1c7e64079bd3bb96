package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A JSON Patch of a user that copies a nested value into its own innermost
// member, ten times, nests the document 60 × 2^10 levels deep from a body of
// 120 KiB. It answered with a panic (evanphx/json-patch's decoder past
// 10,000 levels) after seconds of CPU and gigabytes of allocation, holding
// the store's write lock; now it is [invalidJSON] before anything is applied.
func TestPatchUserCannotNestWithoutBound(t *testing.T) {
	f := newFixture(t)
	id := str(f.do("POST", "/api/user", `{"user":{"email":"deep@example.com","data":{"k":"v"}}}`).obj(t, "user"), "id")
	chain := strings.Repeat(`{"x":`, 59) + `{}` + strings.Repeat(`}`, 59)
	ops := []map[string]any{{"op": "add", "path": "/user/data/d", "value": json.RawMessage(chain)}}
	depth := 59
	for range 10 {
		ops = append(ops, map[string]any{"op": "copy", "from": "/user/data/d", "path": "/user/data/d" + strings.Repeat("/x", depth+1)})
		depth = 2*depth + 1
	}
	body, err := json.Marshal(ops)
	require.NoError(t, err)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var r response
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("PATCH of %d bytes panicked: %v", len(body), p)
			}
		}()
		r = f.do("PATCH", "/api/user/"+id, string(body), "Content-Type", "application/json-patch+json")
	}()
	runtime.ReadMemStats(&after)
	r.codes(t, "[invalidJSON]")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "bytes allocated by a %d-byte PATCH", len(body))
	assert.Equal(t, http.StatusOK, f.do("GET", "/api/user/"+id, "").Code)
}
