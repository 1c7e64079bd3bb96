package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// go test -run '^$' -bench . ./store/sqlstore (PostgreSQL too under
// scripts/with-postgres).

func BenchmarkSQLite(b *testing.B)   { benchStore(b, open(b, freshSQLite(b))) }
func BenchmarkPostgres(b *testing.B) { benchStore(b, open(b, freshPostgres(b))) }

var benchSeq atomic.Int64

func benchUser(tenantID string) *authcore.User {
	n := benchSeq.Add(1)
	return &authcore.User{
		ID: uuid.NewString(), TenantID: tenantID, Email: fmt.Sprintf("bench-%d@example.com", n),
		FirstName: "Bench", Active: true, Data: map[string]any{"n": float64(n)}, InsertInstant: n,
	}
}

// benchTenantApp stores the tenant and application the benchmarks write
// under.
func benchTenantApp(b *testing.B, s *sqlstore.Store) (*authcore.Tenant, *authcore.Application) {
	ctx := context.Background()
	tn := &authcore.Tenant{ID: uuid.NewString(), Name: "Bench", InsertInstant: 1}
	require.NoError(b, s.CreateTenant(ctx, tn))
	app := &authcore.Application{ID: uuid.NewString(), TenantID: tn.ID, Name: "app", InsertInstant: 1}
	require.NoError(b, s.CreateApplication(ctx, app))
	// Links need their provider.
	require.NoError(b, s.CreateIdentityProvider(ctx, &authcore.IdentityProviderRecord{ID: "twitter", Type: "Twitter", Document: []byte(`{}`), InsertInstant: 1}))
	return tn, app
}

func benchStore(b *testing.B, s *sqlstore.Store) {
	ctx := context.Background()
	tn, app := benchTenantApp(b, s)

	b.Run("CreateUser", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := s.CreateUser(ctx, benchUser(tn.ID)); err != nil {
				b.Fatal(err)
			}
		}
	})

	// The read every login makes (authcore.ConfigVersioner), alone and 16
	// at a time.
	b.Run("ConfigVersion", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.ConfigVersion(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ConfigVersion-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.ConfigVersion(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})

	const known = 1000
	emails := make([]string, known)
	for i := range emails {
		u := benchUser(tn.ID)
		require.NoError(b, s.CreateUser(ctx, u))
		emails[i] = u.Email
	}
	b.Run("GetUserByEmail", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.GetUserByEmail(ctx, tn.ID, emails[i%known]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetUserByEmailParallel", func(b *testing.B) {
		b.ReportAllocs()
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.GetUserByEmail(ctx, tn.ID, emails[next.Add(1)%known]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})

	// The writes of a login that creates a user: user, registration, link.
	b.Run("LoginTx", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			u := benchUser(tn.ID)
			err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
				if err := tx.CreateRegistration(ctx, &authcore.UserRegistration{ID: uuid.NewString(), UserID: u.ID, ApplicationID: app.ID, Roles: []string{"user"}, InsertInstant: u.InsertInstant}); err != nil {
					return err
				}
				return tx.CreateLink(ctx, &authcore.IdentityProviderLink{
					IdentityProviderID: "twitter", IdentityProviderUserID: u.ID, TenantID: tn.ID, UserID: u.ID,
					DisplayName: "bench", InsertInstant: u.InsertInstant,
				})
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSQLiteLogin replays the store calls of a Twitter login
// (authcore/login.go) without the engine, Twitter or HTTP, so that the
// store's own cost per login can be measured and profiled: the
// configuration version read before the transaction, and the transaction.
// "cpu-µs/op"
// is the process's CPU time per login (getrusage), which moves less than
// ns/op on a shared machine.
func BenchmarkSQLiteLogin(b *testing.B)   { benchLogin(b, open(b, freshSQLite(b))) }
func BenchmarkPostgresLogin(b *testing.B) { benchLogin(b, open(b, freshPostgres(b))) }

func benchLogin(b *testing.B, s *sqlstore.Store) {
	ctx := context.Background()
	tn, app := benchTenantApp(b, s)
	var seq atomic.Int64
	l := &benchLoginer{s: s, tn: tn, app: app, seq: &seq}
	const accounts = 1000
	for i := 0; i < accounts; i++ {
		require.NoError(b, l.login(ctx, i))
	}
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for i := 0; i < b.N; i++ {
			if err := l.login(ctx, accounts+int(seq.Add(1))); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-start)/1e3/float64(b.N), "cpu-µs/op")
	})
	b.Run("repeat", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for i := 0; i < b.N; i++ {
			if err := l.login(ctx, i%accounts); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-start)/1e3/float64(b.N), "cpu-µs/op")
	})
	// 32 logins at a time, as a loaded server has them: they queue for the
	// one writer connection, and share commits (group.go). "tx/commit" is
	// how many transactions a commit carried on average.
	b.Run("repeat-c32", func(b *testing.B) {
		var next atomic.Int64
		benchParallel(b, s, func() error { return l.login(ctx, int(next.Add(1))%accounts) })
	})
	b.Run("first-c32", func(b *testing.B) {
		benchParallel(b, s, func() error { return l.login(ctx, accounts+int(seq.Add(1))) })
	})
}

func benchParallel(b *testing.B, s *sqlstore.Store, login func() error) {
	b.ReportAllocs()
	b.SetParallelism(16)
	groups0, members0 := sqlstore.GroupStats(s)
	start := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := login(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(cpuTime()-start)/1e3/float64(b.N), "cpu-µs/op")
	if groups, members := sqlstore.GroupStats(s); groups > groups0 {
		b.ReportMetric(float64(members-members0)/float64(groups-groups0), "tx/commit")
	}
}

type benchLoginer struct {
	s   *sqlstore.Store
	tn  *authcore.Tenant
	app *authcore.Application
	seq *atomic.Int64
}

// login makes the store calls the engine makes for a login of Twitter
// account n (authcore/login.go): a repeat login when the account is linked
// already, else a first one. The application, tenant, provider and signing
// key come from the engine's configuration cache, which costs one version
// read while the configuration does not change.
func (l *benchLoginer) login(ctx context.Context, n int) error {
	if _, err := l.s.ConfigVersion(ctx); err != nil {
		return err
	}
	now := l.seq.Add(1) + 1e12
	twitterID := fmt.Sprintf("%d", 1e9+n)
	return l.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		link, err := tx.GetLink(ctx, l.tn.ID, "twitter", twitterID)
		switch {
		case err == nil:
			user, err := tx.GetUser(ctx, link.UserID)
			if err != nil {
				return err
			}
			link.Token = "token-" + twitterID
			link.Data = map[string]any{"oauth_token_secret": "secret-secret-secret-" + twitterID}
			link.LastLoginInstant = now
			if err := tx.UpdateLink(ctx, link); err != nil {
				return err
			}
			regs, err := tx.ListRegistrations(ctx, user.ID)
			if err != nil || len(regs) != 1 {
				return fmt.Errorf("registrations: %d, %v", len(regs), err)
			}
			user.LastLoginInstant, user.LastUpdateInstant = now, now
			if err := tx.UpdateUser(ctx, user); err != nil {
				return err
			}
			regs[0].LastLoginInstant = now
			if err := tx.UpdateRegistration(ctx, regs[0]); err != nil {
				return err
			}
			return l.record(ctx, tx, user.ID, now)
		case errors.Is(err, authcore.ErrNotFound):
			email := "user" + twitterID + "@example.com"
			if _, err := tx.GetUserByEmail(ctx, l.tn.ID, email); !errors.Is(err, authcore.ErrNotFound) {
				return fmt.Errorf("user by email: %v", err)
			}
			user := &authcore.User{
				ID: uuid.NewString(), TenantID: l.tn.ID, Active: true, Email: email, Verified: true, VerifiedInstant: now,
				FullName: "Bench User " + twitterID, ImageURL: "https://pbs.twimg.com/profile_images/" + twitterID + "/normal.jpg",
				InsertInstant: now, LastUpdateInstant: now, LastLoginInstant: now,
			}
			if err := tx.CreateUser(ctx, user); err != nil {
				return err
			}
			if err := tx.CreateLink(ctx, &authcore.IdentityProviderLink{
				Data: map[string]any{"oauth_token_secret": "secret-secret-secret-" + twitterID}, DisplayName: "bench" + twitterID,
				IdentityProviderID: "twitter", IdentityProviderName: "Twitter", IdentityProviderType: "Twitter",
				IdentityProviderUserID: twitterID, InsertInstant: now, LastLoginInstant: now, TenantID: l.tn.ID,
				Token: "token-" + twitterID, UserID: user.ID,
			}); err != nil {
				return err
			}
			if err := tx.CreateRegistration(ctx, &authcore.UserRegistration{
				ID: uuid.NewString(), ApplicationID: l.app.ID, UserID: user.ID, Roles: []string{"user"},
				Username: "bench" + twitterID, UsernameStatus: "ACTIVE", Verified: true, VerifiedInstant: now,
				InsertInstant: now, LastUpdateInstant: now, LastLoginInstant: now,
			}); err != nil {
				return err
			}
			return l.record(ctx, tx, user.ID, now)
		default:
			return err
		}
	})
}

// record stores a login's login record and refresh token.
func (l *benchLoginer) record(ctx context.Context, tx authcore.Store, userID string, now int64) error {
	if err := tx.CreateLoginRecord(ctx, &authcore.LoginRecord{
		ID: uuid.NewString(), UserID: userID, ApplicationID: l.app.ID, TenantID: l.tn.ID, IPAddress: "127.0.0.1", Instant: now,
	}); err != nil {
		return err
	}
	hash := sha256.Sum256([]byte(uuid.NewString()))
	return tx.CreateRefreshToken(ctx, &authcore.RefreshToken{
		ID: uuid.NewString(), TokenHash: hash[:], UserID: userID, ApplicationID: l.app.ID, TenantID: l.tn.ID,
		StartInstant: now, InsertInstant: now, ExpirationInstant: now + 30*24*3600*1000,
	})
}

// cpuTime is the CPU time the process has used, user and system, in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
