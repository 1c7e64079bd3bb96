package memstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/testclock"
	"github.com/authcore/authcore/store/memstore"
)

var errRollback = errors.New("roll back")

// seed stores a tenant, an application and a user.
func seed(t *testing.T, s *memstore.Store) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "t"}))
	require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: "a", TenantID: "t"}))
	require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: "u", TenantID: "t"}))
}

func token(id string, insert, exp int64) *authcore.RefreshToken {
	return &authcore.RefreshToken{ID: id, TokenHash: []byte("hash-" + id), UserID: "u", ApplicationID: "a", TenantID: "t",
		StartInstant: insert, InsertInstant: insert, ExpirationInstant: exp}
}

func has(t *testing.T, s *memstore.Store, id string) bool {
	t.Helper()
	_, err := s.GetRefreshToken(context.Background(), id)
	if errors.Is(err, authcore.ErrNotFound) {
		return false
	}
	require.NoError(t, err)
	return true
}

// With WithClock, a commit prunes the tokens expired by that clock; the
// engine's rule is that a token is expired from its ExpirationInstant on.
func TestExpiredRefreshTokensArePruned(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	now := t0.UnixMilli()
	cases := []struct {
		name   string
		exp    int64
		pruned bool
	}{
		{"expired an hour ago", now - 3_600_000, true},
		{"expires now", now, true},
		{"expires in a millisecond", now + 1, false},
		{"expires in a month", now + 30*24*3_600_000, false},
		{"has no expiry", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := testclock.New(t0.Add(-48 * time.Hour))
			s := memstore.New(memstore.WithClock(clk.Now))
			seed(t, s)
			ctx := context.Background()
			require.NoError(t, s.CreateRefreshToken(ctx, token("rt", now-48*3_600_000, c.exp)))
			require.True(t, has(t, s, "rt"), "not due when stored")
			clk.Advance(48 * time.Hour)
			// Any committed write prunes; a read does not.
			require.True(t, has(t, s, "rt"))
			require.NoError(t, s.CreateEventLog(ctx, &authcore.EventLog{Message: "tick", Type: authcore.EventLogDebug}))
			assert.Equal(t, !c.pruned, has(t, s, "rt"))
			if c.pruned {
				// Gone from every index: its hash is free again.
				_, err := s.GetRefreshTokenByHash(ctx, []byte("hash-rt"), false)
				assert.ErrorIs(t, err, authcore.ErrNotFound)
				again := token("rt2", now, now+1000)
				again.TokenHash = []byte("hash-rt")
				require.NoError(t, s.CreateRefreshToken(ctx, again), "the hash can be used again")
			}
		})
	}
}

// Without WithClock the store judges expiry by the engine's clock as the
// engine wrote it (the newest InsertInstant stored), never later than the
// wall clock.
func TestDefaultClockFollowsTheStoredInstants(t *testing.T) {
	ctx := context.Background()
	past := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	future := time.Now().Add(24 * time.Hour).UnixMilli()
	cases := []struct {
		name       string
		first      *authcore.RefreshToken
		then       *authcore.RefreshToken
		firstStays bool
	}{
		{"a later login passes its expiry", token("first", past, past+1000), token("then", past+1000, past+99_000), false},
		{"a later login before its expiry", token("first", past, past+1000), token("then", past+999, past+99_000), true},
		// The wall clock passed its expiry long ago, but no engine has
		// said so: a test or replay clock may still be before it.
		{"no later login", token("first", past, past+1000), nil, true},
		{"a login stamped in the future", token("first", time.Now().UnixMilli(), future-1000), token("then", future, future+99_000), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := memstore.New()
			seed(t, s)
			require.NoError(t, s.CreateRefreshToken(ctx, c.first))
			if c.then != nil {
				require.NoError(t, s.CreateRefreshToken(ctx, c.then))
			}
			require.NoError(t, s.CreateEventLog(ctx, &authcore.EventLog{Message: "tick", Type: authcore.EventLogDebug}))
			assert.Equal(t, c.firstStays, has(t, s, "first"))
		})
	}
}

// engineFixture is an engine on a memstore, both on the default clocks the
// way a test or server wires them: the engine's is settable, the store has
// none of its own.
type engineFixture struct {
	ctx    context.Context
	clk    *testclock.Clock
	store  *memstore.Store
	engine *authcore.Engine
	tenant *authcore.Tenant
	app    *authcore.Application
	user   *authcore.User
}

func newEngineFixture(t *testing.T) *engineFixture {
	t.Helper()
	ctx := context.Background()
	f := &engineFixture{ctx: ctx, clk: testclock.New(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)), store: memstore.New()}
	var err error
	f.engine, err = authcore.New(ctx, f.store, authcore.WithClock(f.clk.Now), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	tenants, err := f.store.ListTenants(ctx)
	require.NoError(t, err)
	require.Len(t, tenants, 1)
	f.tenant = tenants[0]
	f.app = &authcore.Application{ID: "6a2f1c3e-7d7e-4a5e-9a43-0a5b1c2d3e4f", TenantID: f.tenant.ID, Name: "app", Active: true,
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}}
	require.NoError(t, f.store.CreateApplication(ctx, f.app))
	f.user = &authcore.User{ID: "11111111-2222-4333-8444-555555555555", TenantID: f.tenant.ID, Email: "u@example.com", Active: true, Verified: true}
	require.NoError(t, f.store.CreateUser(ctx, f.user))
	require.NoError(t, f.store.CreateRegistration(ctx, &authcore.UserRegistration{ID: "aaaaaaaa-2222-4333-8444-555555555555",
		ApplicationID: f.app.ID, UserID: f.user.ID, Roles: []string{"user"}}))
	return f
}

func (f *engineFixture) login(t *testing.T) (string, *authcore.RefreshToken) {
	t.Helper()
	plain, rt, err := f.engine.CreateRefreshToken(f.ctx, f.store, f.tenant, f.app, f.user, nil)
	require.NoError(t, err)
	return plain, rt
}

// A pruned token is refused as an expired one is: ErrRefreshTokenInvalid and
// the same Errors object (the API's 400 [invalid]refreshToken). Only the
// reason, which the engine logs and never answers, differs.
func TestPrunedRefreshTokenIsRefusedAsAnExpiredOne(t *testing.T) {
	refuse := func(t *testing.T, f *engineFixture, plain string) (*authcore.RefreshTokenError, *authcore.ValidationError) {
		t.Helper()
		_, err := f.engine.RefreshAccessToken(f.ctx, authcore.RefreshRequest{RefreshToken: plain})
		require.ErrorIs(t, err, authcore.ErrRefreshTokenInvalid)
		var rte *authcore.RefreshTokenError
		require.ErrorAs(t, err, &rte)
		var verr *authcore.ValidationError
		require.ErrorAs(t, err, &verr)
		return rte, verr
	}

	// Expired and still stored: no login after its expiry.
	kept := newEngineFixture(t)
	plain, rt := kept.login(t)
	kept.clk.Advance(time.Duration(rt.ExpirationInstant-rt.InsertInstant) * time.Millisecond)
	require.NoError(t, kept.store.CreateEventLog(kept.ctx, &authcore.EventLog{Message: "tick", Type: authcore.EventLogDebug}))
	require.Equal(t, 1, kept.store.Stats().RefreshTokens, "still stored")
	expired, expiredErrs := refuse(t, kept, plain)

	// Expired and pruned: a login after its expiry.
	gone := newEngineFixture(t)
	plain, rt = gone.login(t)
	gone.clk.Advance(time.Duration(rt.ExpirationInstant-rt.InsertInstant) * time.Millisecond)
	_, next := gone.login(t)
	_, err := gone.store.GetRefreshToken(gone.ctx, rt.ID)
	require.ErrorIs(t, err, authcore.ErrNotFound, "pruned by the second login's commit")
	pruned, prunedErrs := refuse(t, gone, plain)

	assert.Equal(t, expiredErrs, prunedErrs, "the same answer")
	assert.Equal(t, []string{"[invalid]refreshToken"}, prunedErrs.Codes())
	assert.Equal(t, authcore.RefreshRefusedExpired, expired.Reason)
	assert.Equal(t, authcore.RefreshRefusedUnknown, pruned.Reason, "the engine cannot tell a pruned token from one that never was")
	_, err = gone.store.GetRefreshToken(gone.ctx, next.ID)
	assert.NoError(t, err, "the new login's token stays")
}

// Many writers, and the engine's clock moving past every token's expiry:
// the store ends with no expired token, and -race sees the upkeep.
func TestConcurrentLoginsPruneExpiredTokens(t *testing.T) {
	f := newEngineFixture(t)
	const workers, perWorker = 8, 40
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perWorker {
				if _, _, err := f.engine.CreateRefreshToken(f.ctx, f.store, f.tenant, f.app, f.user, nil); err != nil {
					t.Error(err)
					return
				}
				_, _ = f.store.ListRefreshTokens(f.ctx, f.user.ID)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, workers*perWorker, f.store.Stats().RefreshTokens)

	// Past every expiry; then logins, one per worker, in parallel.
	f.clk.Advance(24 * 365 * time.Hour)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perWorker / 8 {
				if _, _, err := f.engine.CreateRefreshToken(f.ctx, f.store, f.tenant, f.app, f.user, nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	tokens, err := f.store.ListRefreshTokens(f.ctx, f.user.ID)
	require.NoError(t, err)
	now := f.clk.Now().UnixMilli()
	for _, rt := range tokens {
		assert.Greater(t, rt.ExpirationInstant, now, "an expired token was left")
	}
	assert.Len(t, tokens, workers*(perWorker/8), "only the new logins' tokens")
}

func record(i int, user string) *authcore.LoginRecord {
	return &authcore.LoginRecord{ID: fmt.Sprint("lr-", i), UserID: user, ApplicationID: "a", TenantID: "t",
		IPAddress: fmt.Sprintf("192.0.2.%d", i), Instant: int64(1000 + i), Device: map[string]any{"n": json.Number(fmt.Sprint(i))}}
}

func ips(recs []authcore.LoginRecord) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, r.IPAddress)
	}
	return out
}

// The store keeps the most recent login records, store-wide.
func TestLoginRecordLimit(t *testing.T) {
	cases := []struct {
		name     string
		opts     []memstore.Option
		wantU    []string // user u's records, oldest first
		wantKept int
	}{
		{"default keeps them all here", nil, []string{"192.0.2.0", "192.0.2.2", "192.0.2.4", "192.0.2.6"}, 7},
		{"limit 3 keeps the last 3", []memstore.Option{memstore.WithLoginRecordLimit(3)}, []string{"192.0.2.4", "192.0.2.6"}, 3},
		{"limit 1", []memstore.Option{memstore.WithLoginRecordLimit(1)}, []string{"192.0.2.6"}, 1},
		{"limit 0 keeps none", []memstore.Option{memstore.WithLoginRecordLimit(0)}, []string{}, 0},
		{"no limit", []memstore.Option{memstore.WithLoginRecordLimit(-1)}, []string{"192.0.2.0", "192.0.2.2", "192.0.2.4", "192.0.2.6"}, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := memstore.New(c.opts...)
			ctx := context.Background()
			for i := range 7 {
				user := "u"
				if i%2 == 1 {
					user = "v"
				}
				require.NoError(t, s.CreateLoginRecord(ctx, record(i, user)))
			}
			assert.Equal(t, c.wantU, ips(s.LoginRecords("u")))
			assert.Equal(t, c.wantKept, s.Stats().LoginRecords)
			assert.Equal(t, c.wantKept, len(s.LoginRecords("u"))+len(s.LoginRecords("v")))
		})
	}
}

func TestLoginRecordsOrderedByInstant(t *testing.T) {
	s := memstore.New()
	ctx := context.Background()
	for _, i := range []int{3, 1, 2} {
		require.NoError(t, s.CreateLoginRecord(ctx, record(i, "u")))
	}
	assert.Equal(t, []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"}, ips(s.LoginRecords("u")))
}

// A rolled-back transaction takes its records back, and what a full ring
// overwrote comes back too.
func TestLoginRecordRollback(t *testing.T) {
	for _, limit := range []int{-1, 3, 5} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			s := memstore.New(memstore.WithLoginRecordLimit(limit))
			ctx := context.Background()
			for i := range 4 {
				require.NoError(t, s.CreateLoginRecord(ctx, record(i, "u")))
			}
			before := s.LoginRecords("u")
			err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				for i := 10; i < 13; i++ {
					if err := tx.CreateLoginRecord(ctx, record(i, "u")); err != nil {
						return err
					}
				}
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
			assert.Equal(t, before, s.LoginRecords("u"))
			// The ring goes on where it was.
			require.NoError(t, s.CreateLoginRecord(ctx, record(20, "u")))
			want := append(ips(before), "192.0.2.20")
			if limit > 0 && len(want) > limit {
				want = want[len(want)-limit:]
			}
			assert.Equal(t, want, ips(s.LoginRecords("u")))
		})
	}
}

func TestLoginRecordsAreCopies(t *testing.T) {
	s := memstore.New()
	ctx := context.Background()
	in := record(1, "u")
	require.NoError(t, s.CreateLoginRecord(ctx, in))
	in.Device["n"] = "changed in"
	out := s.LoginRecords("u")
	require.Len(t, out, 1)
	out[0].Device["n"] = "changed out"
	assert.Equal(t, map[string]any{"n": json.Number("1")}, s.LoginRecords("u")[0].Device)
}

// Deleting a user drops its records from the ring, full or not, in a
// transaction that also adds records before and after the delete: a
// rollback restores the ring as it was, a commit keeps the other users'
// records in order, and the ring then fills to its limit again.
func TestDeletedUserLoginRecordsLeaveTheRing(t *testing.T) {
	for _, limit := range []int{-1, 4, 6} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			s := memstore.New(memstore.WithLoginRecordLimit(limit))
			ctx := context.Background()
			require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "t"}))
			require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: "v", TenantID: "t", Email: "v@example.com"}))
			for i := range 5 {
				user := "u"
				if i%2 == 1 {
					user = "v"
				}
				require.NoError(t, s.CreateLoginRecord(ctx, record(i, user)))
			}
			beforeU, beforeV := ips(s.LoginRecords("u")), ips(s.LoginRecords("v"))
			require.NotEmpty(t, beforeV)
			deleteV := func(ctx context.Context, tx authcore.Store) error {
				if err := tx.CreateLoginRecord(ctx, record(10, "u")); err != nil {
					return err
				}
				if err := tx.DeleteUser(ctx, "v"); err != nil {
					return err
				}
				return tx.CreateLoginRecord(ctx, record(11, "u"))
			}
			err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				if err := deleteV(ctx, tx); err != nil {
					return err
				}
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
			assert.Equal(t, beforeU, ips(s.LoginRecords("u")), "rolled back")
			assert.Equal(t, beforeV, ips(s.LoginRecords("v")), "rolled back")

			require.NoError(t, s.InTx(ctx, deleteV))
			assert.Empty(t, s.LoginRecords("v"))
			want := append(append([]string{}, beforeU...), "192.0.2.10", "192.0.2.11")
			for i := 20; i < 24; i++ {
				require.NoError(t, s.CreateLoginRecord(ctx, record(i, "u")))
				want = append(want, fmt.Sprintf("192.0.2.%d", i))
			}
			if limit > 0 {
				want = want[len(want)-limit:]
			}
			assert.Equal(t, want, ips(s.LoginRecords("u")))
			assert.Equal(t, len(want), s.Stats().LoginRecords)
		})
	}
}
