package multistore_test

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/store/memstore"
)

// fatalRecorder is a testing.TB whose Fatalf ends the calling goroutine
// and keeps the message, without failing the test it wraps.
type fatalRecorder struct {
	testing.TB
	msg chan string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg <- fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// A side that ends before its pause point (it failed early, or the engine
// no longer goes that way) never pauses: pauseAround and raceAround waited
// for it until go test's timeout (ten minutes) instead of failing.
func TestPauseAroundFailsWhenHeldNeverPauses(t *testing.T) {
	ps := newPausingStore(memstore.New(), "Commit")
	rec := &fatalRecorder{TB: t, msg: make(chan string, 1)}
	otherRan := make(chan struct{}, 1)
	go pauseAround(rec, ps,
		func() error { return errors.New("refused before the pause point") },
		func() error { otherRan <- struct{}{}; return nil })
	select {
	case msg := <-rec.msg:
		require.Contains(t, msg, "refused before the pause point")
	case <-time.After(10 * time.Second):
		t.Fatal("pauseAround still waits 10s after the held side ended without pausing")
	}
	require.Empty(t, otherRan, "the other side ran although the held one never paused")
	require.False(t, ps.armed.Load(), "the store is left armed")
}
