package sqlstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
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

func benchStore(b *testing.B, s *sqlstore.Store) {
	ctx := context.Background()
	tn := &authcore.Tenant{ID: uuid.NewString(), Name: "Bench", InsertInstant: 1}
	require.NoError(b, s.CreateTenant(ctx, tn))
	app := &authcore.Application{ID: uuid.NewString(), TenantID: tn.ID, Name: "app", InsertInstant: 1}
	require.NoError(b, s.CreateApplication(ctx, app))

	b.Run("CreateUser", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := s.CreateUser(ctx, benchUser(tn.ID)); err != nil {
				b.Fatal(err)
			}
		}
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
