package sqlstore

import (
	"context"
	"database/sql"
	"time"
)

// Checkpoints (a SQLite file opened by Open).
//
// In WAL mode a commit appends pages to the WAL, and a checkpoint copies
// them back into the database file, syncing the WAL before and the file
// after (synchronous=NORMAL). By default SQLite checkpoints inside the commit
// that takes the WAL past 1000 pages: with every write queued for one
// connection, each such commit stalled all writers for two fsyncs and the
// copy, and with a login changing a dozen pages it came every few dozen
// logins. Here a goroutine with a connection of its own checkpoints instead
// (PASSIVE: it never blocks readers or the writer), at most every
// checkpointInterval and only after commits. Copying less often also copies
// a page that many commits changed (the end of a table) once. The writer keeps
// SQLite's automatic checkpoint as a backstop, at checkpointBackstop pages,
// for when the goroutine falls behind.
//
// Durability is unchanged: what a commit returned after is in the WAL (and
// survives a crash of the process; synchronous=NORMAL may lose the last
// commits on a power loss, as before), whenever the checkpoint runs.

const (
	checkpointInterval = 200 * time.Millisecond
	checkpointBackstop = 8000 // pages (4 KiB): 32 MiB of WAL
)

// startCheckpointer opens the checkpointing connection on dsn and starts its
// goroutine; Close stops it.
func (s *Store) startCheckpointer(ctx context.Context, dsn string) error {
	cdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	cdb.SetMaxOpenConns(1)
	cdb.SetMaxIdleConns(1)
	cdb.SetConnMaxLifetime(0)
	cdb.SetConnMaxIdleTime(0)
	if err := cdb.PingContext(ctx); err != nil {
		cdb.Close()
		return err
	}
	s.owned = append(s.owned, cdb)
	s.ckptKick = make(chan struct{}, 1)
	s.ckptDone = make(chan struct{})
	var cctx context.Context
	cctx, s.ckptStop = context.WithCancel(context.Background())
	go s.checkpointer(cctx, cdb)
	return nil
}

func (s *Store) checkpointer(ctx context.Context, cdb *sql.DB) {
	defer close(s.ckptDone)
	timer := time.NewTimer(checkpointInterval)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.ckptKick:
		}
		// A failure (the database busy with another process's checkpoint, a
		// full disk) is left to the next round and the writer's backstop:
		// nothing is lost by a checkpoint that did not run.
		_, _ = cdb.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		timer.Reset(checkpointInterval)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
	}
}

// kickCheckpointer asks for a checkpoint after a commit.
func (s *Store) kickCheckpointer() {
	if s.ckptKick == nil {
		return
	}
	select {
	case s.ckptKick <- struct{}{}:
	default:
	}
}

// stopCheckpointer stops the goroutine and waits for it.
func (s *Store) stopCheckpointer() {
	if s.ckptStop == nil {
		return
	}
	s.ckptStop()
	<-s.ckptDone
	s.ckptStop = nil
}
