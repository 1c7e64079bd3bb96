package storetest

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/authcore/authcore/authcore"
)

// Option changes how Run runs the suite.
type Option func(*options)

type options struct {
	waiting func(ctx context.Context, s authcore.Store) error
}

// WithWaiting tells the suite how to see that a transaction of a store
// waits for another transaction to end: waiting(ctx, s) returns nil once one
// of s's transactions does (on a lock, or on the writer of a store that runs
// one write transaction at a time), and ctx's error if ctx ends first.
//
// The races whose outcome depends on one transaction having reached
// another's lock before that one goes on need it, and fail without it: no
// wait of any length tells that a transaction has got there, so a suite
// that guessed passed on a broken store whenever the machine was slow.
func WithWaiting(waiting func(ctx context.Context, s authcore.Store) error) Option {
	return func(o *options) { o.waiting = waiting }
}

// WaitingIn is a waiting function for WithWaiting, for a store whose
// transactions wait inside this process (on a mutex or a channel), not in a
// server: it returns once some goroutine's stack holds frames, the functions
// named as runtime.Stack prints them, innermost first and each called by the
// next (say "sync.(*RWMutex).Lock" and "example.com/store.(*Store).InTx").
// Name the frames where a transaction waits for the store's writer and
// nowhere else. The store argument is not looked at.
func WaitingIn(frames ...string) func(ctx context.Context, s authcore.Store) error {
	return func(ctx context.Context, _ authcore.Store) error {
		if len(frames) == 0 {
			return errors.New("storetest: WaitingIn needs frames")
		}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		buf := make([]byte, 1<<20)
		for {
			n := runtime.Stack(buf, true)
			for n == len(buf) { // cut short: a dump that lost the goroutine would wait on
				buf = make([]byte, 2*len(buf))
				n = runtime.Stack(buf, true)
			}
			if stackHolds(string(buf[:n]), frames) {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
	}
}

// stackHolds reports whether a goroutine of dump (runtime.Stack's, of all
// goroutines) has frames one after the other. A frame is two lines: the
// function with its arguments, then its file and line, indented.
func stackHolds(dump string, frames []string) bool {
	for _, g := range strings.Split(dump, "\n\n") {
		var funcs []string
		for _, line := range strings.Split(g, "\n") {
			if line == "" || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "goroutine ") {
				continue
			}
			if i := strings.LastIndexByte(line, '('); i > 0 {
				line = line[:i]
			}
			funcs = append(funcs, line)
		}
	next:
		for i := 0; i+len(frames) <= len(funcs); i++ {
			for j, fr := range frames {
				if funcs[i+j] != fr {
					continue next
				}
			}
			return true
		}
	}
	return false
}

// waitedOrDone waits until done is closed, and reports false, or until a
// transaction of f's store waits for another, and reports true. It fails the
// test when the suite was given no way to see a wait, or after 30 seconds of
// neither (a transaction that neither waits nor ends is stuck).
func (f *fixture) waitedOrDone(done <-chan struct{}) bool {
	f.t.Helper()
	if f.opts.waiting == nil {
		f.t.Fatal("storetest: this case needs to see a transaction wait: pass storetest.WithWaiting to Run")
	}
	ctx, cancel := context.WithTimeout(f.ctx, 30*time.Second)
	defer cancel()
	waited := make(chan error, 1)
	go func() { waited <- f.opts.waiting(ctx, f.s) }()
	select {
	case <-done:
		return false
	case err := <-waited:
		if err != nil {
			// done may have closed as the watch ran out.
			select {
			case <-done:
				return false
			default:
			}
			f.t.Fatalf("storetest: no transaction ended or waited: %v", err)
		}
		return true
	}
}

// heldTx runs fn in a transaction of its own and returns once fn has, with
// the transaction still open: the side of a race that holds what the other
// side will wait for. release lets the transaction end; done then gives
// what InTx returned. They are apart because a store may end the held
// transaction only with the other side's (SQLite's group commit).
func (f *fixture) heldTx(fn func(ctx context.Context, tx authcore.Store) error) (release func(), done <-chan error) {
	f.t.Helper()
	ran, end := make(chan struct{}), make(chan struct{})
	result := make(chan error, 1)
	go func() {
		result <- f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
			err := fn(ctx, tx)
			close(ran)
			<-end
			return err
		})
	}()
	select {
	case <-ran:
	case err := <-result:
		f.t.Fatalf("storetest: the held transaction ended before its work did: %v", err)
	}
	return sync.OnceFunc(func() { close(end) }), result
}
