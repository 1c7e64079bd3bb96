package memstore

import "github.com/authcore/authcore/authcore"

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
		t.pendingDue = append(t.pendingDue, dueEntry{p.ExpirationInstant, p.ID})
	}
}

// prunePending removes up to budget due entries' expired pending links
// (expired from ExpirationInstant on, GetPendingLink's test; the engine
// refuses one whether or not it is stored).
func (d *data) prunePending(budget int) int {
	return d.pendingDue.prune(d.clock, budget,
		func(id string) (int64, bool) {
			p, ok := d.pending[id]
			if !ok {
				return 0, false
			}
			return p.ExpirationInstant, true
		},
		func(id string) { delete(d.pending, id) })
}
