package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

type userPeeker interface {
	GetUserUnlocked(ctx context.Context, id string) (*authcore.User, error)
	GetUserByEmailUnlocked(ctx context.Context, tenantID, email string) (*authcore.User, error)
	GetUserByUsernameUnlocked(ctx context.Context, tenantID, username string) (*authcore.User, error)
}

// The unlocked user reads (authcore's clash check before asking CleanSpeak)
// find what the locking ones find, and on PostgreSQL do not wait for a
// transaction that holds the user: they returned at once while it still
// held it.
func TestUnlockedUserReads(t *testing.T) {
	for _, tc := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", freshSQLite}, {"postgres", freshPostgres}} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, tc.dsn(t))
			ctx := context.Background()
			require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
			require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: "u", TenantID: "t", Email: "A@example.com", Username: "Ann", Active: true}))

			var first *heldTx
			if tc.name == "postgres" {
				// SQLite has one writer: nothing to hold beside the reads.
				first = holdTx(t, s, func(ctx context.Context, tx authcore.Store) error {
					_, err := tx.GetUser(ctx, "u")
					return err
				})
			}
			read := inTx(s, checkUnlockedReads)
			requireDone(t, read, "an unlocked read waited for the transaction holding the user")
			if first != nil {
				require.NoError(t, first.end())
			}
		})
	}
}

// checkUnlockedReads runs in the transaction's goroutine: it reports what
// is wrong as its error.
func checkUnlockedReads(ctx context.Context, tx authcore.Store) error {
	p, ok := tx.(userPeeker)
	if !ok {
		return fmt.Errorf("%T has no unlocked reads", tx)
	}
	for _, get := range []func() (*authcore.User, error){
		func() (*authcore.User, error) { return p.GetUserUnlocked(ctx, "u") },
		func() (*authcore.User, error) { return p.GetUserByEmailUnlocked(ctx, "t", "a@EXAMPLE.com") },
		func() (*authcore.User, error) { return p.GetUserByUsernameUnlocked(ctx, "t", "ANN") },
	} {
		u, err := get()
		if err != nil {
			return err
		}
		if u.ID != "u" {
			return fmt.Errorf("found user %q", u.ID)
		}
	}
	for _, get := range []func() (*authcore.User, error){
		func() (*authcore.User, error) { return p.GetUserUnlocked(ctx, "nobody") },
		func() (*authcore.User, error) { return p.GetUserByEmailUnlocked(ctx, "other", "a@example.com") },
		func() (*authcore.User, error) { return p.GetUserByUsernameUnlocked(ctx, "t", "") },
		func() (*authcore.User, error) { return p.GetUserByEmailUnlocked(ctx, "t", "a\x00@example.com") },
	} {
		if _, err := get(); !errors.Is(err, authcore.ErrNotFound) {
			return fmt.Errorf("a read of no user: %v", err)
		}
	}
	return nil
}
