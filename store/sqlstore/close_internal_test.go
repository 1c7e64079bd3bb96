package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoWriterAfterClose: a transaction that gets the writer after Close
// released it, but before Close closed the pools, must not connect a new
// pinned writer connection. One that did was never closed, and every later
// transaction wrote through it: the closed store kept writing to the file.
//
// Close is held in that gap deterministically: the store's anchor (unused by
// a file store) is set to a connection the test keeps busy, so Close blocks
// on closing it after it has released the writer.
func TestNoWriterAfterClose(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "close.db"))
	require.NoError(t, err)
	require.NoError(t, s.CreateTenant(ctx, tenant("before")))

	adb, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	anchor, err := adb.Conn(ctx)
	require.NoError(t, err)
	s.anchor, s.owned = anchor, append(s.owned, adb)
	entered, release := make(chan struct{}), make(chan struct{})
	go func() {
		_ = anchor.Raw(func(any) error {
			close(entered)
			<-release
			return nil
		})
	}()
	<-entered
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	for !inStack("database/sql.(*Conn).close") {
		runtime.Gosched()
	}

	// Close is between releasing the writer and closing the pools.
	assert.Error(t, s.CreateTenant(context.Background(), tenant("during")), "a write during Close")
	close(release)
	require.NoError(t, <-closed)
	assert.Error(t, s.CreateTenant(context.Background(), tenant("after")), "a write after Close")
	assert.Zero(t, s.wdb.Stats().OpenConnections, "Close leaves no writer connection open")
}

// inStack reports whether a goroutine is in fn.
func inStack(fn string) bool {
	buf := make([]byte, 1<<20)
	return strings.Contains(string(buf[:runtime.Stack(buf, true)]), fn)
}
