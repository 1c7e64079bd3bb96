package memstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/testclock"
)

var errRollback = errors.New("roll back")

func TestDueHeapPopsInExpiryOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h dueHeap
	var want []int64
	for i := range 10_000 {
		exp := r.Int64N(1000)
		h.push(dueEntry{exp: exp, id: fmt.Sprint(i)})
		want = append(want, exp)
	}
	slices.Sort(want)
	got := make([]int64, 0, len(want))
	for len(h) > 0 {
		got = append(got, h.pop().exp)
	}
	assert.Equal(t, want, got)
	assert.LessOrEqual(t, cap(h), 4096, "the backing array shrinks as the heap empties")
}

// pruneFixture is a store on a settable clock with one tenant, application
// and user, at a clock of t0.
type pruneFixture struct {
	t     *testing.T
	ctx   context.Context
	clock *testclock.Clock
	s     *Store
	t0    int64
	seq   int
}

func newPruneFixture(t *testing.T, opts ...Option) *pruneFixture {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f := &pruneFixture{t: t, ctx: context.Background(), clock: testclock.New(t0), t0: t0.UnixMilli()}
	f.s = New(append([]Option{WithClock(f.clock.Now)}, opts...)...)
	require.NoError(t, f.s.CreateTenant(f.ctx, &authcore.Tenant{ID: "t", Name: "t"}))
	require.NoError(t, f.s.CreateApplication(f.ctx, &authcore.Application{ID: "a", TenantID: "t"}))
	require.NoError(t, f.s.CreateUser(f.ctx, &authcore.User{ID: "u", TenantID: "t"}))
	return f
}

// token stores a refresh token inserted at insert that expires at exp.
func (f *pruneFixture) token(insert, exp int64) string {
	f.t.Helper()
	f.seq++
	id := fmt.Sprintf("rt-%d", f.seq)
	require.NoError(f.t, f.s.CreateRefreshToken(f.ctx, f.newToken(id, insert, exp)))
	return id
}

func (f *pruneFixture) newToken(id string, insert, exp int64) *authcore.RefreshToken {
	return &authcore.RefreshToken{ID: id, TokenHash: []byte("hash-" + id), UserID: "u", ApplicationID: "a", TenantID: "t",
		StartInstant: insert, InsertInstant: insert, ExpirationInstant: exp}
}

// write commits a transaction that changes nothing about tokens.
func (f *pruneFixture) write() {
	f.t.Helper()
	require.NoError(f.t, f.s.CreateEventLog(f.ctx, &authcore.EventLog{InsertInstant: f.t0, Message: "tick", Type: authcore.EventLogDebug}))
}

func (f *pruneFixture) tokens() int { return f.s.Stats().RefreshTokens }

func (f *pruneFixture) has(id string) bool {
	f.t.Helper()
	_, err := f.s.GetRefreshToken(f.ctx, id)
	if errors.Is(err, authcore.ErrNotFound) {
		return false
	}
	require.NoError(f.t, err)
	return true
}

func TestPruneRemovesAtMostABudgetPerCommit(t *testing.T) {
	f := newPruneFixture(t)
	const n = 5*pruneBudget + 3
	require.NoError(t, f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
		for i := range n {
			if err := tx.CreateRefreshToken(ctx, f.newToken(fmt.Sprint("bulk-", i), f.t0, f.t0+1000+int64(i))); err != nil {
				return err
			}
		}
		return nil
	}))
	require.Equal(t, n, f.tokens(), "nothing is due yet")

	f.clock.Set(time.UnixMilli(f.t0 + 1000 + n))
	f.write()
	assert.Equal(t, n-pruneBudget, f.tokens(), "one commit prunes one budget")
	writes := 1
	for f.tokens() > 0 {
		f.write()
		writes++
		require.LessOrEqual(t, writes, n, "pruning does not progress")
	}
	assert.Equal(t, (n+pruneBudget-1)/pruneBudget, writes, "each commit prunes a full budget while a backlog lasts")
	assert.Empty(t, f.s.d.refreshDue.due)
}

func TestPruneLeavesRevokedTokensEntriesHarmless(t *testing.T) {
	f := newPruneFixture(t)
	revoked := f.token(f.t0, f.t0+1000)
	kept := f.token(f.t0, f.t0+5000)
	_, err := f.s.DeleteRefreshTokens(f.ctx, revoked, "", "")
	require.NoError(t, err)
	// A new token reusing nothing of the revoked one, due at the same time.
	later := f.token(f.t0, f.t0+1000)
	f.clock.Set(time.UnixMilli(f.t0 + 1000))
	f.write()
	_, err = f.s.GetRefreshToken(f.ctx, later)
	assert.ErrorIs(t, err, authcore.ErrNotFound, "due: pruned")
	_, err = f.s.GetRefreshToken(f.ctx, kept)
	assert.NoError(t, err, "not due: kept")
	assert.Len(t, f.s.d.refreshDue.due, 1, "the revoked token's entry is gone too")
}

// An update may move a token's expiry (a sliding window moves it on every
// refresh): the token is pruned at its last expiry, and keeps one queue
// entry however often it is extended.
func TestPruneFollowsAnExpiryMovedByAnUpdate(t *testing.T) {
	cases := []struct {
		name    string
		first   int64   // expiry when stored, after t0
		updates []int64 // expiries set by updates
		entries int     // queue entries after the updates
	}{
		{"extended once", 1000, []int64{9000}, 1},
		{"extended on every refresh", 1000, []int64{2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000}, 1},
		{"shortened", 20_000, []int64{9000}, 2},
		{"given an expiry", 0, []int64{9000}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newPruneFixture(t)
			exp := int64(0)
			if c.first > 0 {
				exp = f.t0 + c.first
			}
			id := f.token(f.t0, exp)
			for _, u := range c.updates {
				rt, err := f.s.GetRefreshToken(f.ctx, id)
				require.NoError(t, err)
				rt.ExpirationInstant = f.t0 + u
				require.NoError(t, f.s.UpdateRefreshToken(f.ctx, rt))
			}
			require.Len(t, f.s.d.refreshDue.due, c.entries)
			last := f.t0 + c.updates[len(c.updates)-1]
			// Every expiry it once had passes, then its last one.
			for ms := f.t0 + 1000; ms < last; ms += 1000 {
				f.clock.Set(time.UnixMilli(ms))
				f.write()
				require.True(t, f.has(id), "pruned at %d, before its expiry %d", ms-f.t0, last-f.t0)
			}
			f.clock.Set(time.UnixMilli(last))
			f.write()
			assert.False(t, f.has(id), "its last expiry applies")
			assert.LessOrEqual(t, len(f.s.d.refreshDue.due), c.entries-1, "its entry went with it")
		})
	}
}

// A transaction that rolls back queues nothing: neither its tokens nor, on
// the default clock, the instants they carry.
func TestPruneIgnoresRolledBackTransactions(t *testing.T) {
	ctx := context.Background()
	s := New()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "t"}))
	require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: "a", TenantID: "t"}))
	require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: "u", TenantID: "t"}))
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC).UnixMilli()
	tok := func(id string, insert, exp int64) *authcore.RefreshToken {
		return &authcore.RefreshToken{ID: id, TokenHash: []byte(id), UserID: "u", ApplicationID: "a", TenantID: "t", InsertInstant: insert, ExpirationInstant: exp}
	}
	require.NoError(t, s.CreateRefreshToken(ctx, tok("old", t0, t0+1000)))
	err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		if err := tx.CreateRefreshToken(ctx, tok("newer", t0+5000, t0+9000)); err != nil {
			return err
		}
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	require.NoError(t, s.CreateEventLog(ctx, &authcore.EventLog{Message: "tick"}))
	_, err = s.GetRefreshToken(ctx, "old")
	require.NoError(t, err, "the engine's clock, as stored, has not passed its expiry")
	assert.Len(t, s.d.refreshDue.due, 1, "the rolled-back token was never queued")
}

// checkInvariants checks what users.go keeps in step: the records, their
// indexes, the provider names' counts, and the refresh tokens' queue.
func checkInvariants(t *testing.T, d *data) {
	t.Helper()
	var emails, names, links, regs int
	refs := map[*linkMeta]int{}
	for id, rec := range d.users {
		require.Equal(t, id, rec.ID)
		if rec.Email != "" {
			require.Same(t, rec, d.userEmail[rec.TenantID][lower(rec.Email)], "email index of %s", id)
			emails++
		}
		if rec.Username != "" {
			require.Same(t, rec, d.userName[rec.TenantID][lower(rec.Username)], "username index of %s", id)
			names++
		}
		for i := range rec.links {
			l := &rec.links[i]
			require.Same(t, rec, d.links[linkGroup{rec.TenantID, l.meta.key.provider}][l.IdentityProviderUserID], "link index of %s", id)
			require.Same(t, l.meta, d.linkMetas[l.meta.key], "a link's names are the shared ones")
			refs[l.meta]++
			links++
		}
		apps := map[string]bool{}
		for _, r := range rec.regs {
			require.False(t, apps[r.ApplicationID], "one registration per application")
			apps[r.ApplicationID] = true
			require.Same(t, rec, d.regIDs[r.ID], "registration id index of %s", r.ID)
			regs++
		}
	}
	require.Len(t, d.regIDs, regs, "one registration per id, and no id of a registration gone")
	count := func(idx map[string]map[string]*userRec) (n int) {
		for _, m := range idx {
			require.NotEmpty(t, m, "an empty tenant map is dropped")
			n += len(m)
		}
		return n
	}
	require.Equal(t, emails, count(d.userEmail))
	require.Equal(t, names, count(d.userName))
	n := 0
	for _, m := range d.links {
		require.NotEmpty(t, m, "an empty provider map is dropped")
		n += len(m)
	}
	require.Equal(t, links, n)
	require.Len(t, d.linkMetas, len(refs), "names no link uses are dropped")
	for m, c := range refs {
		require.Equal(t, c, m.refs, "refs of %v", m.key)
	}
	// Every token with an expiry is queued, no later than it expires.
	first := map[string]int64{}
	for _, e := range d.refreshDue.due {
		if cur, ok := first[e.id]; !ok || e.exp < cur {
			first[e.id] = e.exp
		}
	}
	for id, rt := range d.refresh {
		require.Equal(t, id, d.refreshHash[string(rt.TokenHash)])
		if rt.ExpirationInstant > 0 {
			exp, ok := first[id]
			require.True(t, ok, "token %s is queued", id)
			require.LessOrEqual(t, exp, rt.ExpirationInstant, "token %s is queued by its expiry", id)
		}
	}
	require.Len(t, d.refreshHash, len(d.refresh))
}

// snapshot is everything a reader can see of users, registrations and
// links, in a fixed order.
func snapshot(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for id := range s.d.users {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := ""
	for _, id := range ids {
		u, err := s.GetUser(ctx, id)
		require.NoError(t, err)
		regs, err := s.ListRegistrations(ctx, id)
		require.NoError(t, err)
		links, err := s.ListLinks(ctx, id, "")
		require.NoError(t, err)
		out += fmt.Sprintf("%+v\n", u)
		for _, r := range regs {
			out += fmt.Sprintf("  %+v\n", *r)
		}
		for _, l := range links {
			out += fmt.Sprintf("  %+v\n", *l)
		}
	}
	return out
}

// Random transactions over users, registrations, links and tokens, a third
// of them rolled back: after each, the indexes agree with the records, and a
// rolled-back one leaves what readers see exactly as it was.
func TestRandomTransactionsKeepIndexesInStep(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 11))
	s := New()
	for _, tn := range []string{"t1", "t2"} {
		require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: tn, Name: tn}))
		for _, a := range []string{"a1", "a2"} {
			require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: tn + a, TenantID: tn}))
		}
	}
	createProviders(t, s, "p1", "p2")
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	userIDs := []string{"u0", "u1", "u2", "u3", "u4", "u5"}
	tenantOf := func(u string) string {
		if u < "u3" {
			return "t1"
		}
		return "t2"
	}
	ops := []func(tx authcore.Store) error{
		func(tx authcore.Store) error {
			u := pick(userIDs...)
			return tx.CreateUser(ctx, &authcore.User{ID: u, TenantID: tenantOf(u), Email: pick("", "A@x.io", "b@x.io"), Username: pick("", "Al", "bo"),
				FullName: "F " + u, Data: map[string]any{"k": u}, Active: true})
		},
		func(tx authcore.Store) error {
			u := pick(userIDs...)
			return tx.UpdateUser(ctx, &authcore.User{ID: u, TenantID: tenantOf(u), Email: pick("", "a@x.io", "c@x.io"), Username: pick("", "al", "cy"),
				MiddleName: pick("", "m"), LastLoginInstant: r.Int64N(100)})
		},
		func(tx authcore.Store) error { return tx.DeleteUser(ctx, pick(userIDs...)) },
		func(tx authcore.Store) error {
			u := pick(userIDs...)
			return tx.CreateRegistration(ctx, &authcore.UserRegistration{ID: pick("r1", "r2", "r3", "r4", "r5", "r6"), UserID: u, ApplicationID: tenantOf(u) + pick("a1", "a2"),
				Roles: []string{"user"}, Username: pick("", "s"), UsernameStatus: "ACTIVE", InsertInstant: r.Int64N(10)})
		},
		func(tx authcore.Store) error {
			u := pick(userIDs...)
			return tx.UpdateRegistration(ctx, &authcore.UserRegistration{ID: pick("r1", "r2", "r3", "r4", "r5", "r6"), UserID: u, ApplicationID: tenantOf(u) + pick("a1", "a2"),
				Timezone: pick("", "UTC"), LastLoginInstant: r.Int64N(100)})
		},
		func(tx authcore.Store) error {
			u := pick(userIDs...)
			return tx.DeleteRegistration(ctx, u, tenantOf(u)+pick("a1", "a2"))
		},
		func(tx authcore.Store) error {
			u := pick(userIDs...)
			return tx.CreateLink(ctx, &authcore.IdentityProviderLink{UserID: u, TenantID: tenantOf(u), IdentityProviderID: pick("p1", "p2"),
				IdentityProviderName: pick("Twitter", "X"), IdentityProviderType: "Twitter", IdentityProviderUserID: pick("1", "2", "3"),
				Data: map[string]any{"s": "secret"}, Token: "tok", InsertInstant: r.Int64N(10)})
		},
		func(tx authcore.Store) error {
			u := pick(userIDs...)
			return tx.UpdateLink(ctx, &authcore.IdentityProviderLink{UserID: u, TenantID: tenantOf(u), IdentityProviderID: pick("p1", "p2"),
				IdentityProviderName: pick("Twitter", "X", "Renamed"), IdentityProviderType: "Twitter", IdentityProviderUserID: pick("1", "2", "3"),
				DisplayName: pick("", "d"), LastLoginInstant: r.Int64N(100)})
		},
		func(tx authcore.Store) error {
			return tx.DeleteLink(ctx, pick("t1", "t2"), pick("p1", "p2"), pick("1", "2", "3"))
		},
		func(tx authcore.Store) error { return tx.DeleteProviderLinks(ctx, pick("p1", "p2")) },
		func(tx authcore.Store) error {
			u := pick(userIDs...)
			id := fmt.Sprint("rt", r.IntN(20))
			return tx.CreateRefreshToken(ctx, &authcore.RefreshToken{ID: id, TokenHash: []byte(id), UserID: u, ApplicationID: tenantOf(u) + "a1",
				TenantID: tenantOf(u), InsertInstant: 1 + r.Int64N(4), ExpirationInstant: r.Int64N(10)})
		},
		func(tx authcore.Store) error {
			rt, err := tx.GetRefreshToken(ctx, fmt.Sprint("rt", r.IntN(20)))
			if err != nil {
				return err
			}
			rt.ExpirationInstant = r.Int64N(10)
			return tx.UpdateRefreshToken(ctx, rt)
		},
		func(tx authcore.Store) error {
			_, err := tx.DeleteRefreshTokens(ctx, "", pick(userIDs...), "")
			return err
		},
		func(tx authcore.Store) error { return tx.DeleteApplication(ctx, pick("t1a1", "t2a2")) },
	}
	for i := range 3000 {
		before := snapshot(t, s)
		fail := r.IntN(3) == 0
		err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			for range 1 + r.IntN(4) {
				// Refusals (duplicates, missing rows) are part of the mix;
				// they change nothing.
				_ = ops[r.IntN(len(ops))](tx)
			}
			if fail {
				return errRollback
			}
			return nil
		})
		if fail {
			require.ErrorIs(t, err, errRollback)
			require.Equal(t, before, snapshot(t, s), "transaction %d rolled back", i)
		} else {
			require.NoError(t, err)
		}
		checkInvariants(t, &s.d)
	}
	st := s.Stats()
	assert.Positive(t, st.Users+st.Links+st.Registrations, "the mix leaves something to check")
}

// smallestAfter must page exactly as sorting every key would: same keys,
// same order, whatever the map's size against the limit and wherever the
// cursor falls, including on a key and past the last one.
func TestSmallestAfterPagesAsSortingWould(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 7, 100, 1000} {
		m := map[string]int{}
		for len(m) < n {
			m[fmt.Sprintf("%08x", r.Uint32())] = 0
		}
		all := slices.Sorted(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
		cursors := []string{"", "zzzzzzzz"}
		for i := 0; i < len(all); i += 1 + len(all)/5 {
			cursors = append(cursors, all[i], all[i]+"0")
		}
		for _, after := range cursors {
			for _, limit := range []int{1, 3, 100, 2000} {
				want := []string{}
				for _, k := range all {
					if k > after && len(want) < limit {
						want = append(want, k)
					}
				}
				got := smallestAfter(m, after, limit)
				assert.Equal(t, want, append([]string{}, got...), "n=%d after=%q limit=%d", n, after, limit)
			}
		}
	}
}
