package memstore

import (
	"container/heap"
	"context"
	"slices"
	"sort"
	"time"

	"github.com/authcore/authcore/authcore"
)

// outboxData is the outbox, its relay lease and the moderation items. The
// maps are made on first use, so New needs no change.
type outboxData struct {
	events     map[int64]*authcore.OutboxEvent
	seq        int64
	leaseOwner string
	leaseUntil int64
	moderation map[string]*authcore.ModerationItem
}

func cloneOutboxEvent(e *authcore.OutboxEvent) *authcore.OutboxEvent {
	c := *e
	c.Payload = cloneBytes(e.Payload)
	return &c
}

func (t *txn) AppendOutbox(_ context.Context, events ...*authcore.OutboxEvent) error {
	ob := &t.d.outbox
	if ob.events == nil {
		ob.events = map[int64]*authcore.OutboxEvent{}
	}
	for _, e := range events {
		// Numbers are never reused, even when the transaction rolls back.
		ob.seq++
		seq := ob.seq
		e.Seq = seq
		ob.events[seq] = cloneOutboxEvent(e)
		t.onUndo(func() { delete(ob.events, seq) })
	}
	return nil
}

// ClaimOutbox reads the lease on now: memstore lives in one process, so the
// callers share one clock.
func (t *txn) ClaimOutbox(_ context.Context, owner string, now int64, lease time.Duration, limit int) ([]*authcore.OutboxEvent, error) {
	ob := &t.d.outbox
	if ob.leaseOwner != "" && ob.leaseOwner != owner && ob.leaseUntil > now {
		return nil, authcore.ErrLeaseHeld
	}
	prevOwner, prevUntil := ob.leaseOwner, ob.leaseUntil
	ob.leaseOwner, ob.leaseUntil = owner, now+lease.Milliseconds()
	t.onUndo(func() { ob.leaseOwner, ob.leaseUntil = prevOwner, prevUntil })
	seqs := make([]int64, 0, len(ob.events))
	for seq := range ob.events {
		seqs = append(seqs, seq)
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	if limit <= 0 {
		limit = 100 // as the SQL stores
	}
	if len(seqs) > limit {
		seqs = seqs[:limit]
	}
	out := make([]*authcore.OutboxEvent, 0, len(seqs))
	for _, seq := range seqs {
		out = append(out, cloneOutboxEvent(ob.events[seq]))
	}
	return out, nil
}

func (t *txn) AckOutbox(_ context.Context, seqs []int64) error {
	ob := &t.d.outbox
	for _, seq := range seqs {
		old, ok := ob.events[seq]
		if !ok {
			continue
		}
		delete(ob.events, seq)
		t.onUndo(func() { ob.events[seq] = old })
	}
	return nil
}

func (t *txn) ReleaseOutbox(_ context.Context, owner string) error {
	ob := &t.d.outbox
	if ob.leaseOwner != owner {
		return nil
	}
	prevOwner, prevUntil := ob.leaseOwner, ob.leaseUntil
	ob.leaseOwner, ob.leaseUntil = "", 0
	t.onUndo(func() { ob.leaseOwner, ob.leaseUntil = prevOwner, prevUntil })
	return nil
}

func (t *txn) PutModerationItem(_ context.Context, m *authcore.ModerationItem) error {
	ob := &t.d.outbox
	if ob.moderation == nil {
		ob.moderation = map[string]*authcore.ModerationItem{}
	}
	old := ob.moderation[m.ContentID]
	c := *m
	ob.moderation[m.ContentID] = &c
	t.onUndo(func() {
		if old == nil {
			delete(ob.moderation, c.ContentID)
		} else {
			ob.moderation[c.ContentID] = old
		}
	})
	return nil
}

// dropModerationItems deletes the items gone names, undone with the
// transaction: a user's, a registration's or an application's delete takes
// its pending usernames, as the SQL stores' do.
func (t *txn) dropModerationItems(gone func(m *authcore.ModerationItem) bool) {
	ob := &t.d.outbox
	for cid, m := range ob.moderation {
		if gone(m) {
			delete(ob.moderation, cid)
			t.onUndo(func() { ob.moderation[cid] = m })
		}
	}
}

func (t *txn) GetModerationItem(_ context.Context, contentID string) (*authcore.ModerationItem, error) {
	m, ok := t.d.outbox.moderation[contentID]
	if !ok {
		return nil, notFound("moderation item", contentID)
	}
	c := *m
	return &c, nil
}

func (t *txn) DeleteModerationItem(_ context.Context, contentID string) error {
	ob := &t.d.outbox
	old, ok := ob.moderation[contentID]
	if !ok {
		return notFound("moderation item", contentID)
	}
	delete(ob.moderation, contentID)
	t.onUndo(func() { ob.moderation[contentID] = old })
	return nil
}

func (t *txn) ListModerationItems(_ context.Context, after string, limit int) ([]*authcore.ModerationItem, error) {
	if limit <= 0 {
		limit = 100
	}
	ids := smallestAfter(t.d.outbox.moderation, after, limit)
	out := make([]*authcore.ModerationItem, 0, len(ids))
	for _, id := range ids {
		c := *t.d.outbox.moderation[id]
		out = append(out, &c)
	}
	return out, nil
}

// smallestAfter returns, in order, the limit smallest keys of m above
// after. A page costs O(n log limit), not the O(n log n) of sorting every
// key: the map is walked once and only the page so far is kept, as a
// max-heap, so that a resubmission run paging through many items does not
// sort them all for every page.
func smallestAfter[V any](m map[string]V, after string, limit int) []string {
	h := make(maxHeap, 0, min(limit, len(m)))
	for id := range m {
		switch {
		case id <= after:
		case len(h) < limit:
			heap.Push(&h, id)
		case id < h[0]:
			h[0] = id
			heap.Fix(&h, 0)
		}
	}
	slices.Sort(h)
	return h
}

// maxHeap is a container/heap of strings, largest first.
type maxHeap []string

func (h maxHeap) Len() int           { return len(h) }
func (h maxHeap) Less(i, j int) bool { return h[i] > h[j] }
func (h maxHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *maxHeap) Push(x any)        { *h = append(*h, x.(string)) }
func (h *maxHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// The same methods outside a transaction.

func (s *Store) AppendOutbox(ctx context.Context, events ...*authcore.OutboxEvent) error {
	return s.write(ctx, func(t *txn) error { return t.AppendOutbox(ctx, events...) })
}
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now int64, lease time.Duration, limit int) (out []*authcore.OutboxEvent, err error) {
	err = s.write(ctx, func(t *txn) error {
		out, err = t.ClaimOutbox(ctx, owner, now, lease, limit)
		return err
	})
	return out, err
}
func (s *Store) AckOutbox(ctx context.Context, seqs []int64) error {
	return s.write(ctx, func(t *txn) error { return t.AckOutbox(ctx, seqs) })
}
func (s *Store) ReleaseOutbox(ctx context.Context, owner string) error {
	return s.write(ctx, func(t *txn) error { return t.ReleaseOutbox(ctx, owner) })
}
func (s *Store) PutModerationItem(ctx context.Context, m *authcore.ModerationItem) error {
	return s.write(ctx, func(t *txn) error { return t.PutModerationItem(ctx, m) })
}
func (s *Store) GetModerationItem(ctx context.Context, contentID string) (*authcore.ModerationItem, error) {
	return read(s, ctx, func(t *txn) (*authcore.ModerationItem, error) { return t.GetModerationItem(ctx, contentID) })
}
func (s *Store) DeleteModerationItem(ctx context.Context, contentID string) error {
	return s.write(ctx, func(t *txn) error { return t.DeleteModerationItem(ctx, contentID) })
}
func (s *Store) ListModerationItems(ctx context.Context, after string, limit int) ([]*authcore.ModerationItem, error) {
	return read(s, ctx, func(t *txn) ([]*authcore.ModerationItem, error) { return t.ListModerationItems(ctx, after, limit) })
}

// OutboxLen counts the events waiting in the outbox (for tests and tools;
// not part of authcore.Store).
func (s *Store) OutboxLen() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.d.outbox.events)
}
