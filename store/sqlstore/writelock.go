package sqlstore

import (
	"context"
	"sync"
)

// writeLock serialises SQLite write transactions. Unlike a sync.Mutex, a
// caller may stop waiting for it when its context ends: under load dozens
// of transactions queue for the one writer, and a request whose client has
// gone should not keep its place in that queue. The zero value is unlocked.
type writeLock struct {
	once sync.Once
	ch   chan struct{} // holds a token while locked
}

func (l *writeLock) tokens() chan struct{} {
	l.once.Do(func() { l.ch = make(chan struct{}, 1) })
	return l.ch
}

// Lock waits for the lock whatever happens; for the store's own
// housekeeping (Close, a lingering group's commit), which must run.
func (l *writeLock) Lock() { l.tokens() <- struct{}{} }

// LockContext waits for the lock until ctx ends; it returns ctx's error
// without the lock then, and also when ctx had already ended.
func (l *writeLock) LockContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case l.tokens() <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *writeLock) Unlock() { <-l.tokens() }
