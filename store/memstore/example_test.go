package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// A failed transaction leaves nothing behind.
func ExampleStore_InTx() {
	ctx := context.Background()
	s := memstore.New()
	_ = s.CreateTenant(ctx, &authcore.Tenant{ID: "t1", Name: "Tenant"})
	err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		if err := tx.CreateUser(ctx, &authcore.User{ID: "u1", TenantID: "t1", Email: "a@example.com"}); err != nil {
			return err
		}
		return errors.New("something later failed")
	})
	_, getErr := s.GetUser(ctx, "u1")
	fmt.Println(err, errors.Is(getErr, authcore.ErrNotFound))
	// Output: something later failed true
}
