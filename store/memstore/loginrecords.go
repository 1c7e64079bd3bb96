package memstore

import (
	"context"
	"slices"

	"github.com/authcore/authcore/authcore"
)

// loginRing keeps the most recent login records, store-wide: up to limit
// (WithLoginRecordLimit) in a ring, the oldest replaced by each new one.
// Nothing in authcore.Store reads login records back, so the ring needs no
// index; LoginRecords scans it.
type loginRing struct {
	recs []authcore.LoginRecord
	// next is, once the ring is full, the slot of the oldest record: the
	// one the next record replaces.
	next  int
	limit int // < 0: no limit
}

// add stores r and returns how to take it back.
func (g *loginRing) add(r authcore.LoginRecord) (undo func()) {
	if g.limit == 0 {
		return func() {}
	}
	if g.limit < 0 || len(g.recs) < g.limit {
		if len(g.recs) == cap(g.recs) {
			// Grow by doubling, but never past the limit: append's own
			// growth would overshoot it.
			n := max(16, 2*cap(g.recs))
			if g.limit > 0 {
				n = min(n, g.limit)
			}
			g.recs = append(make([]authcore.LoginRecord, 0, n), g.recs...)
		}
		g.recs = append(g.recs, r)
		return func() {
			last := len(g.recs) - 1
			g.recs[last] = authcore.LoginRecord{}
			g.recs = g.recs[:last]
		}
	}
	i := g.next
	old := g.recs[i]
	g.recs[i] = r
	g.next = (i + 1) % len(g.recs)
	return func() {
		g.recs[i] = old
		g.next = i
	}
}

func (t *txn) CreateLoginRecord(_ context.Context, r *authcore.LoginRecord) error {
	if err := checkData("login record", r.Device); err != nil {
		return err
	}
	c := *r
	c.Device = cloneMap(r.Device)
	t.onUndo(t.d.logins.add(c))
	return nil
}

// LoginRecords returns the login records of a user the store still keeps
// (see WithLoginRecordLimit), oldest first, for tests and tools; it is not
// part of authcore.Store.
func (s *Store) LoginRecords(userID string) []authcore.LoginRecord {
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := &s.d.logins
	var out []authcore.LoginRecord
	// In the order they were stored: from the oldest slot round the ring.
	for i := range g.recs {
		r := &g.recs[(g.next+i)%len(g.recs)]
		if r.UserID == userID {
			c := *r
			c.Device = cloneMap(r.Device)
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b authcore.LoginRecord) int {
		switch {
		case a.Instant < b.Instant:
			return -1
		case a.Instant > b.Instant:
			return 1
		}
		return 0
	})
	return out
}

// dropLoginRecords removes the records of the users gone reports, keeping the
// others in their order: a deleted user's login records (addresses, devices)
// go with the user, as they do on the SQL stores. The ring is rebuilt in a
// new slice, never changed in place, so that the undo of an add made earlier
// in the transaction finds the ring it changed once this undo has run.
func (t *txn) dropLoginRecords(gone func(userID string) bool) {
	g := &t.d.logins
	n := 0
	for i := range g.recs {
		if gone(g.recs[i].UserID) {
			n++
		}
	}
	if n == 0 {
		return
	}
	keep := make([]authcore.LoginRecord, 0, len(g.recs)-n)
	for i := range g.recs {
		if r := g.recs[(g.next+i)%len(g.recs)]; !gone(r.UserID) {
			keep = append(keep, r)
		}
	}
	oldRecs, oldNext := g.recs, g.next
	// Fewer records than the limit: the ring appends again, so next is
	// unused until it is full.
	g.recs, g.next = keep, 0
	t.onUndo(func() { g.recs, g.next = oldRecs, oldNext })
}
