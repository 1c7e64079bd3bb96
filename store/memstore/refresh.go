package memstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/authcore/authcore/authcore"
)

// Every login stores a refresh token, and nothing but a use or a revocation
// ever removed one, so a long-running store grew without bound. Expired
// tokens are now pruned by the writers: each committed transaction removes
// at most pruneBudget of them, oldest expiry first. The tokens wait in
// refreshDue, a min-heap of (expiry, id): an entry costs 24 bytes, and no
// scan of the tokens is ever needed.
//
// An entry is checked against the store when it comes due: a token that was
// revoked or deleted earlier leaves its entry behind until then (it is
// dropped unread). A token whose expiry an update moved later (a sliding
// window) keeps its entry, which is queued again for the new expiry when it
// comes due; so a token has one entry however often it is extended. Only a
// move to an earlier expiry queues a second entry.

// pruneBudget is how many due entries one commit handles at most. A login
// stores one token, so writers remove expired tokens faster than logins add
// them, and a backlog (a restart of the clock, a bulk import) drains at
// about this rate per write.
const pruneBudget = 16

type dueEntry struct {
	exp int64 // ExpirationInstant, epoch ms
	id  string
}

// dueHeap is a min-heap on exp. It is not container/heap: that one boxes
// each pushed value in an interface, an allocation per login.
type dueHeap []dueEntry

func (h *dueHeap) push(e dueEntry) {
	s := append(*h, e)
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if s[p].exp <= s[i].exp {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
	*h = s
}

func (h *dueHeap) pop() dueEntry {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s[last] = dueEntry{} // the id is no longer referenced from here
	s = s[:last]
	for i := 0; ; {
		m := 2*i + 1
		if m >= len(s) {
			break
		}
		if r := m + 1; r < len(s) && s[r].exp < s[m].exp {
			m = r
		}
		if s[i].exp <= s[m].exp {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	// Give memory back after a mass expiry rather than keep the high-water
	// mark for good.
	if cap(s) > 4096 && len(s) < cap(s)/4 {
		s = append(make(dueHeap, 0, 2*len(s)), s...)
	}
	*h = s
	return top
}

// expiryQueue is how data prunes one kind of record by its expiry: the due
// entries, and seen, the newest InsertInstant of a committed record (the
// engine's clock, as the engine wrote it).
type expiryQueue struct {
	due  dueHeap
	seen int64
}

// add queues a committed transaction's entries.
func (q *expiryQueue) add(entries []dueEntry, maxInsert int64) {
	for _, e := range entries {
		q.due.push(e)
	}
	q.seen = max(q.seen, maxInsert)
}

// now is the instant expiry is judged at. With WithClock it is that clock.
// Without, it is seen but never later than the wall clock: so a store
// behind an engine with a clock of its own (tests, a replay) never removes
// a record the engine still accepts, and a record stamped in the future
// cannot make the store prune early.
func (q *expiryQueue) now(clock func() time.Time) int64 {
	if clock != nil {
		return clock().UnixMilli()
	}
	return min(q.seen, time.Now().UnixMilli())
}

// prune handles up to budget due entries and reports how many records it
// removed. expiry reads an entry's record's expiry now (false: gone since
// it was queued, and the entry is dropped unread); a record expired by then
// is removed, and one whose expiry moved later is queued again for it. It
// is not undoable: it runs after a commit, and the engine refuses an
// expired record whether or not it is still here.
func (q *expiryQueue) prune(clock func() time.Time, budget int, expiry func(id string) (int64, bool), remove func(id string)) int {
	if len(q.due) == 0 || clock == nil && q.due[0].exp > q.seen {
		return 0 // the common case, without reading a clock
	}
	now := q.now(clock)
	n := 0
	for ; budget > 0 && len(q.due) > 0 && q.due[0].exp <= now; budget-- {
		e := q.due.pop()
		exp, ok := expiry(e.id)
		switch {
		case !ok:
		case exp <= now: // the engine's test: now >= ExpirationInstant is expired
			remove(e.id)
			n++
		default:
			q.due.push(dueEntry{exp, e.id})
		}
	}
	return n
}

// afterCommit queues the committed transaction's refresh tokens and
// pending links, and prunes both.
func (d *data) afterCommit(tx *txn) {
	d.refreshDue.add(tx.due, tx.maxInsert)
	d.pruneRefresh(pruneBudget)
	d.pendingDue.add(tx.pendingDue, tx.maxPendingInsert)
	d.prunePending(pruneBudget)
}

// pruneRefresh removes up to budget due entries' expired refresh tokens.
func (d *data) pruneRefresh(budget int) int {
	return d.refreshDue.prune(d.clock, budget,
		func(id string) (int64, bool) {
			rt, ok := d.refresh[id]
			if !ok {
				return 0, false
			}
			return rt.ExpirationInstant, true
		},
		func(id string) { d.putRefresh(id, nil) })
}

// putRefresh sets (r != nil) or removes the token id and keeps its hash
// indexes in step.
func (d *data) putRefresh(id string, r *authcore.RefreshToken) {
	if cur, ok := d.refresh[id]; ok {
		delete(d.refreshHash, string(cur.TokenHash))
		if cur.PreviousTokenHash != nil {
			delete(d.refreshPrev, string(cur.PreviousTokenHash))
		}
		delete(d.refresh, id)
	}
	if r != nil {
		d.refresh[id] = r
		d.refreshHash[string(r.TokenHash)] = id
		if r.PreviousTokenHash != nil {
			d.refreshPrev[string(r.PreviousTokenHash)] = id
		}
	}
}

func (t *txn) setRefresh(id string, v *authcore.RefreshToken) {
	old := t.d.refresh[id]
	t.d.putRefresh(id, v)
	t.onUndo(func() { t.d.putRefresh(id, old) })
}

// queueExpiry puts r's expiry in the pruning queue when the transaction
// commits. A token without an expiry (0: a hand-made one, the engine always
// sets it) is never pruned.
func (t *txn) queueExpiry(r *authcore.RefreshToken) {
	t.maxInsert = max(t.maxInsert, r.InsertInstant)
	if r.ExpirationInstant > 0 {
		t.due = append(t.due, dueEntry{r.ExpirationInstant, r.ID})
	}
}

func (t *txn) CreateRefreshToken(_ context.Context, r *authcore.RefreshToken) error {
	if err := authcore.CheckStorable("id", r.ID); err != nil {
		return err
	}
	if err := checkData("refresh token", r.MetaData); err != nil {
		return err
	}
	// As the SQL stores: no token of an application that is gone (a token
	// exchange reads its application before its transaction). Checked
	// first, as they do: their insert writes nothing, so meets no unique
	// index, when the application is gone.
	if _, ok := t.d.apps[r.ApplicationID]; !ok {
		return notFound("application", r.ApplicationID)
	}
	if _, ok := t.d.refresh[r.ID]; ok {
		return authcore.Duplicate("id")
	}
	if _, ok := t.d.refreshHash[string(r.TokenHash)]; ok {
		return authcore.Duplicate("token")
	}
	if _, ok := t.d.users[r.UserID]; !ok {
		return notFound("user", r.UserID)
	}
	t.setRefresh(r.ID, cloneRefreshToken(r))
	t.queueExpiry(r)
	return nil
}

func (t *txn) GetRefreshToken(_ context.Context, id string) (*authcore.RefreshToken, error) {
	r, ok := t.d.refresh[id]
	if !ok {
		return nil, notFound("refresh token", id)
	}
	return cloneRefreshToken(r), nil
}

func (t *txn) GetRefreshTokenByHash(ctx context.Context, hash []byte, previous bool) (*authcore.RefreshToken, error) {
	index := t.d.refreshHash
	if previous {
		index = t.d.refreshPrev
	}
	id, ok := index[string(hash)]
	if !ok {
		return nil, notFound("refresh token", "")
	}
	return t.GetRefreshToken(ctx, id)
}

func (t *txn) ListRefreshTokens(_ context.Context, userID string) ([]*authcore.RefreshToken, error) {
	out := []*authcore.RefreshToken{}
	for _, r := range t.d.refresh {
		if r.UserID == userID {
			out = append(out, cloneRefreshToken(r))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return lessByInstant(out[i].InsertInstant, out[j].InsertInstant, out[i].ID, out[j].ID)
	})
	return out, nil
}

func (t *txn) UpdateRefreshToken(_ context.Context, r *authcore.RefreshToken) error {
	if err := checkData("refresh token", r.MetaData); err != nil {
		return err
	}
	old, ok := t.d.refresh[r.ID]
	if !ok {
		return notFound("refresh token", r.ID)
	}
	if id, ok := t.d.refreshHash[string(r.TokenHash)]; ok && id != r.ID {
		return authcore.Duplicate("token")
	}
	if r.UserID != old.UserID {
		// As the SQL stores' foreign key: a token of no user would outlive
		// every user delete. (A rotation keeps the user: no lookup.)
		if _, ok := t.d.users[r.UserID]; !ok {
			return notFound("user", r.UserID)
		}
	}
	t.setRefresh(r.ID, cloneRefreshToken(r))
	if r.ExpirationInstant > 0 && (old.ExpirationInstant <= 0 || r.ExpirationInstant < old.ExpirationInstant) {
		// Earlier than its entry says, or it had none. A later expiry
		// needs nothing: the entry is queued again when it comes due.
		t.queueExpiry(r)
	}
	return nil
}

func (t *txn) DeleteRefreshTokens(_ context.Context, id, userID, applicationID string) (int, error) {
	if id == "" && userID == "" && applicationID == "" {
		return 0, fmt.Errorf("memstore: DeleteRefreshTokens needs a filter")
	}
	if id != "" {
		// One token: no scan.
		r, ok := t.d.refresh[id]
		if !ok || (userID != "" && r.UserID != userID) || (applicationID != "" && r.ApplicationID != applicationID) {
			return 0, nil
		}
		t.setRefresh(id, nil)
		return 1, nil
	}
	n := 0
	for rid, r := range t.d.refresh {
		if (userID == "" || r.UserID == userID) && (applicationID == "" || r.ApplicationID == applicationID) {
			t.setRefresh(rid, nil)
			n++
		}
	}
	return n, nil
}
