package multistore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// A deleted user's login records (addresses, devices) go with the user, on
// every store, whether the user or the user's tenant is deleted; a rolled-back
// delete keeps them, and the other users' records stay. FusionAuth's delete
// "permanently deletes all information, metrics, reports and data associated
// with the user"; login records have no foreign key in the SQL stores, and
// every store kept them.
func TestDeletedUsersLeaveNoLoginRecords(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			s := k.open(t)(t)
			tenant := func(name string) string {
				id := uuid.NewString()
				require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: id, Name: name, InsertInstant: 1}))
				return id
			}
			user := func(tenantID, email string) string {
				id := uuid.NewString()
				require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: id, TenantID: tenantID, Email: email, Active: true, InsertInstant: 1}))
				for i := range 2 {
					require.NoError(t, s.CreateLoginRecord(ctx, &authcore.LoginRecord{
						ID: uuid.NewString(), UserID: id, TenantID: tenantID, IPAddress: "192.0.2.1",
						Instant: int64(1000 + i), Device: map[string]any{"name": "phone"},
					}))
				}
				return id
			}
			t1, t2 := tenant("one"), tenant("two")
			gone, kept := user(t1, "gone@example.com"), user(t1, "kept@example.com")
			inTenant, other := user(t2, "a@example.com"), user(t1, "b@example.com")

			errUndo := errors.New("undo")
			rolledBack := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				if err := tx.DeleteUser(ctx, gone); err != nil {
					return err
				}
				return errUndo
			})
			require.ErrorIs(t, rolledBack, errUndo)
			require.Len(t, loginRecords(t, s, gone), 2, "a rolled-back delete keeps them")

			require.NoError(t, s.DeleteUser(ctx, gone))
			require.Empty(t, loginRecords(t, s, gone), "the deleted user's records")
			require.Len(t, loginRecords(t, s, kept), 2, "another user's records stay")

			require.NoError(t, s.DeleteTenant(ctx, t2))
			require.Empty(t, loginRecords(t, s, inTenant), "the records of a deleted tenant's user")
			require.Len(t, loginRecords(t, s, kept), 2, "another tenant's users keep theirs")
			require.Len(t, loginRecords(t, s, other), 2)
		})
	}
}
