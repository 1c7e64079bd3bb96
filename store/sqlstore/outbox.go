package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/authcore/authcore/authcore"
)

// ---- outbox (migration 0002)

func (t *tx) AppendOutbox(ctx context.Context, events ...*authcore.OutboxEvent) error {
	if len(events) == 0 {
		return nil
	}
	write := t.atomic
	if len(events) == 1 {
		write = t.atomic1
	}
	return write(ctx, func() error {
		for _, e := range events {
			var seq int64
			err := t.queryRow(ctx, `INSERT INTO outbox_events (id, type, event_key, insert_instant, payload) VALUES (?, ?, ?, ?, ?) RETURNING seq`,
				e.ID, e.Type, e.Key, e.InsertInstant, string(e.Payload)).Scan(&seq)
			if err != nil {
				return t.s.mapErr(ctx, err)
			}
			e.Seq = seq
		}
		return nil
	})
}

// ClaimOutbox locks the lease row. On PostgreSQL it does so with SKIP
// LOCKED: a relay that finds another relay mid-claim answers ErrLeaseHeld
// at once instead of queueing behind it. On SQLite the write transaction
// already holds the database's one write lock.
//
// On PostgreSQL the present is the server's clock, read with the lease row
// (clock_timestamp, not the transaction's start: a claim inside a longer
// transaction would otherwise compare against an instant already past),
// and now is ignored: engines on hosts whose clocks disagree by more than
// a lease overlapped, or locked one another out, when each compared and
// set the lease on its own. SQLite lives on one host, whose clock now is.
func (t *tx) ClaimOutbox(ctx context.Context, owner string, now int64, lease time.Duration, limit int) ([]*authcore.OutboxEvent, error) {
	var out []*authcore.OutboxEvent
	err := t.atomic1(ctx, func() error {
		var holder string
		var until int64
		present := now
		var err error
		if t.s.dialect == Postgres {
			err = t.queryRow(ctx, `SELECT owner, lease_until, CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) FROM outbox_lease WHERE id = 1 FOR UPDATE SKIP LOCKED`).Scan(&holder, &until, &present)
		} else {
			err = t.queryRow(ctx, `SELECT owner, lease_until FROM outbox_lease WHERE id = 1`).Scan(&holder, &until)
		}
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return authcore.ErrLeaseHeld
			}
			return t.s.mapErr(ctx, err)
		}
		if holder != "" && holder != owner && until > present {
			return authcore.ErrLeaseHeld
		}
		if limit <= 0 {
			limit = 100
		}
		rows, err := t.query(ctx, `SELECT seq, id, type, event_key, insert_instant, payload FROM outbox_events ORDER BY seq LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = []*authcore.OutboxEvent{}
		for rows.Next() {
			e := new(authcore.OutboxEvent)
			var payload string
			if err := rows.Scan(&e.Seq, &e.ID, &e.Type, &e.Key, &e.InsertInstant, &payload); err != nil {
				return t.s.mapErr(ctx, err)
			}
			e.Payload = []byte(payload)
			out = append(out, e)
		}
		if err := rows.Err(); err != nil {
			return t.s.mapErr(ctx, t.note(err))
		}
		// The lease is taken last, once the events are read: the one
		// statement that changes data, as atomic1 needs, so that a claim
		// failing on its reads leaves the lease as it was.
		_, err = t.exec(ctx, `UPDATE outbox_lease SET owner = ?, lease_until = ? WHERE id = 1`, owner, present+lease.Milliseconds())
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ackChunk is the most events one DELETE of AckOutbox names.
const ackChunk = 500

// ackSizes are the lengths an AckOutbox statement's IN list is padded to
// (by repeating its last number, which changes nothing), so that the
// statement caches hold a few texts rather than one per batch size.
var ackSizes = [...]int{1, 8, 32, 128, ackChunk}

func (t *tx) AckOutbox(ctx context.Context, seqs []int64) error {
	if len(seqs) == 0 {
		return nil
	}
	write := t.atomic
	if len(seqs) <= ackChunk {
		write = t.atomic1
	}
	return write(ctx, func() error {
		// Chunks keep each statement well under the databases' parameter
		// limits (SQLite: 32766).
		for len(seqs) > 0 {
			n := min(len(seqs), ackChunk)
			size := ackChunk
			for _, sz := range ackSizes {
				if sz >= n {
					size = sz
					break
				}
			}
			args := make([]any, size)
			for i := range args {
				args[i] = seqs[min(i, n-1)]
			}
			if _, err := t.exec(ctx, `DELETE FROM outbox_events WHERE seq IN (?`+strings.Repeat(", ?", size-1)+`)`, args...); err != nil {
				return err
			}
			seqs = seqs[n:]
		}
		return nil
	})
}

func (t *tx) ReleaseOutbox(ctx context.Context, owner string) error {
	return t.atomic1(ctx, func() error {
		_, err := t.exec(ctx, `UPDATE outbox_lease SET owner = '', lease_until = 0 WHERE id = 1 AND owner = ?`, owner)
		return err
	})
}

// ---- moderation items (migration 0002; user_id: SQLite 0011, PostgreSQL
// 0012; application_id: SQLite 0012, PostgreSQL 0013)

func (t *tx) PutModerationItem(ctx context.Context, m *authcore.ModerationItem) error {
	doc, err := encode("moderation item", m)
	if err != nil {
		return err
	}
	// A user's own username has no application: NULL, as the migration
	// fills it, so that no application's delete matches it.
	var appID any
	if m.ApplicationID != "" {
		appID = m.ApplicationID
	}
	return t.atomic1(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO moderation_items (content_id, user_id, application_id, doc) VALUES (?, ?, ?, ?)
ON CONFLICT (content_id) DO UPDATE SET user_id = excluded.user_id, application_id = excluded.application_id, doc = excluded.doc`,
			m.ContentID, m.UserID, appID, doc)
		return err
	})
}

func (t *tx) GetModerationItem(ctx context.Context, contentID string) (*authcore.ModerationItem, error) {
	return getOne[authcore.ModerationItem](ctx, t, "moderation item", contentID,
		`SELECT doc FROM moderation_items WHERE content_id = ?`+t.lock(), contentID)
}

func (t *tx) DeleteModerationItem(ctx context.Context, contentID string) error {
	// PostgreSQL refuses such text (a data exception, not "no row"): no
	// item holds it, as on memstore and SQLite.
	if !t.canMatch([]any{contentID}) {
		return notFound("moderation item", contentID)
	}
	return t.atomic1(ctx, func() error {
		n, err := t.execN(ctx, `DELETE FROM moderation_items WHERE content_id = ?`, contentID)
		if err == nil && n == 0 {
			return notFound("moderation item", contentID)
		}
		return err
	})
}

// ListModerationItems pages by content_id, which both dialects compare
// byte-wise (PostgreSQL: COLLATE "C"; SQLite: BINARY), the order memstore
// and the callers' cursors use.
func (t *tx) ListModerationItems(ctx context.Context, after string, limit int) ([]*authcore.ModerationItem, error) {
	if limit <= 0 {
		limit = 100
	}
	if t.s.dialect == Postgres && !pgText([]any{after}) {
		// canMatch's "finds nothing" holds for equality, not for a range:
		// stored ids sort after such a cursor too ("ab" after "a\x00").
		// PostgreSQL cannot take it as text, so the ids are compared as
		// their bytes, the order COLLATE "C" sorts them in. Only such a
		// cursor pays for the scan the index no longer serves.
		return getList[authcore.ModerationItem](ctx, t, "moderation item",
			`SELECT doc FROM moderation_items WHERE convert_to(content_id, 'UTF8') > ? ORDER BY content_id LIMIT ?`, []byte(after), limit)
	}
	return getList[authcore.ModerationItem](ctx, t, "moderation item",
		`SELECT doc FROM moderation_items WHERE content_id > ? ORDER BY content_id LIMIT ?`, after, limit)
}

// The same methods outside a transaction.

func (s *Store) AppendOutbox(ctx context.Context, events ...*authcore.OutboxEvent) error {
	return s.write(ctx, func(t *tx) error { return t.AppendOutbox(ctx, events...) })
}
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now int64, lease time.Duration, limit int) (out []*authcore.OutboxEvent, err error) {
	err = s.write(ctx, func(t *tx) error {
		out, err = t.ClaimOutbox(ctx, owner, now, lease, limit)
		return err
	})
	return out, err
}
func (s *Store) AckOutbox(ctx context.Context, seqs []int64) error {
	return s.write(ctx, func(t *tx) error { return t.AckOutbox(ctx, seqs) })
}
func (s *Store) ReleaseOutbox(ctx context.Context, owner string) error {
	return s.write(ctx, func(t *tx) error { return t.ReleaseOutbox(ctx, owner) })
}
func (s *Store) PutModerationItem(ctx context.Context, m *authcore.ModerationItem) error {
	return s.write(ctx, func(t *tx) error { return t.PutModerationItem(ctx, m) })
}
func (s *Store) GetModerationItem(ctx context.Context, contentID string) (*authcore.ModerationItem, error) {
	return read(s, ctx, func(t *tx) (*authcore.ModerationItem, error) { return t.GetModerationItem(ctx, contentID) })
}
func (s *Store) DeleteModerationItem(ctx context.Context, contentID string) error {
	return s.write(ctx, func(t *tx) error { return t.DeleteModerationItem(ctx, contentID) })
}
func (s *Store) ListModerationItems(ctx context.Context, after string, limit int) ([]*authcore.ModerationItem, error) {
	return read(s, ctx, func(t *tx) ([]*authcore.ModerationItem, error) { return t.ListModerationItems(ctx, after, limit) })
}

// OutboxLen counts the events waiting in the outbox (for tests and tools;
// not part of authcore.Store).
func (s *Store) OutboxLen(ctx context.Context) (int, error) {
	var n int
	if err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM outbox_events`).Scan(&n); err != nil {
		return 0, s.mapErr(ctx, err)
	}
	return n, nil
}
