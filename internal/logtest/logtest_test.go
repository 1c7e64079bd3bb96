package logtest_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/authcore/authcore/internal/logtest"
)

func TestBufferSharedByGoroutines(t *testing.T) {
	var b logtest.Buffer
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { fmt.Fprintf(&b, "line %d\n", i) })
	}
	wg.Wait()
	if got := len(b.String()); got != 8*len("line 0\n") {
		t.Fatalf("%d bytes written, want %d", got, 8*len("line 0\n"))
	}
	if got := b.Take(); len(got) != 8*len("line 0\n") {
		t.Fatalf("Take returned %q", got)
	}
	if got := b.Take(); got != "" {
		t.Fatalf("second Take returned %q, want nothing", got)
	}
}
