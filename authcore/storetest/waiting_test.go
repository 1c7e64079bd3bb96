package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// blockOn waits for mu in a frame of its own, which the watch names.
//
//go:noinline
func blockOn(mu *sync.Mutex, done chan<- struct{}) {
	mu.Lock()
	close(done) // once it has the lock
	mu.Unlock()
}

// WaitingIn returns once a goroutine waits where its frames say; before
// then the goroutine cannot have got there, as mu is held.
func TestWaitingInSeesAGoroutineWaitThere(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	done := make(chan struct{})
	go blockOn(&mu, done)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // a watch that never sees it fails
	defer cancel()
	waiting := WaitingIn("sync.(*Mutex).Lock", "github.com/authcore/authcore/authcore/storetest.blockOn")
	require.NoError(t, waiting(ctx, nil))
	mu.Unlock()
	<-done
}

// Frames that no goroutine has, or not one after the other, are never seen:
// the watch runs until its context ends and says so.
func TestWaitingInWaitsForItsFrames(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	done := make(chan struct{})
	go blockOn(&mu, done)
	// The goroutine waits in blockOn's Lock before the watches run.
	require.NoError(t, WaitingIn("sync.(*Mutex).Lock", "github.com/authcore/authcore/authcore/storetest.blockOn")(t.Context(), nil))
	for _, frames := range [][]string{
		{"github.com/authcore/authcore/authcore/storetest.noSuchFunction"},
		// Both are on the stack, but blockOn is not Lock's caller.
		{"sync.(*Mutex).Lock", "runtime.goexit"},
	} {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		require.ErrorIs(t, WaitingIn(frames...)(ctx, nil), context.Canceled, "%q", frames)
	}
	mu.Unlock()
	<-done
}
