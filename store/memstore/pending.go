package memstore

import (
	"time"

	"github.com/authcore/authcore/authcore"
)

// A pending link (the CreatePendingLink strategy's 232) was removed only by
// its completion or by a delete of its provider or tenant: one never
// completed stayed for good once expired, so every such login, repeated as
// often as Twitter answers, grew the store. Expired pending links are pruned
// as refresh tokens are (refresh.go): by the writers, at most pruneBudget per
// committed transaction, soonest expiry first, from a min-heap of (expiry,
// id).

// queuePendingExpiry puts p's expiry in the pruning queue when the
// transaction commits. A pending link without an expiry (0, hand-made: the
// engine always sets one) is never pruned.
func (t *txn) queuePendingExpiry(p *authcore.PendingLink) {
	t.maxPendingInsert = max(t.maxPendingInsert, p.InsertInstant)
	if p.ExpirationInstant > 0 {
		t.pendingDue = append(t.pendingDue, refreshDue{p.ExpirationInstant, p.ID})
	}
}

// pendingNow is the instant a pending link's expiry is judged at, by the
// rule of pruneNow: the WithClock clock, else the newest InsertInstant of a
// stored pending link (the engine's clock as the engine wrote it) but never
// later than the wall clock, so that the store never removes a pending link
// the engine would still complete.
func (d *data) pendingNow() int64 {
	if d.clock != nil {
		return d.clock().UnixMilli()
	}
	return min(d.pendingSeen, time.Now().UnixMilli())
}

// prunePending removes up to budget due entries' expired pending links and
// reports how many it removed. It runs after a commit and is not undoable:
// the engine refuses an expired pending link whether or not it is stored
// (GetPendingLink and TakePendingLink take the engine's now).
func (d *data) prunePending(budget int) int {
	if len(d.pendingDue) == 0 || d.clock == nil && d.pendingDue[0].exp > d.pendingSeen {
		return 0 // the common case, without reading a clock
	}
	now := d.pendingNow()
	n := 0
	for ; budget > 0 && len(d.pendingDue) > 0 && d.pendingDue[0].exp <= now; budget-- {
		e := d.pendingDue.pop()
		p, ok := d.pending[e.id]
		switch {
		case !ok: // completed or deleted since it was queued
		case p.ExpirationInstant <= now: // GetPendingLink's test: expired from ExpirationInstant on
			delete(d.pending, e.id)
			n++
		default: // stored again under this id with a later expiry
			d.pendingDue.push(refreshDue{p.ExpirationInstant, e.id})
		}
	}
	return n
}
