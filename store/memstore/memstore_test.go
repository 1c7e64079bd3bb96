package memstore_test

import (
	"context"
	"io"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/storetest"
	"github.com/authcore/authcore/store/memstore"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) authcore.Store { return memstore.New() })
}

// An app that picks memstore or sqlstore at start-up closes either the same
// way: both are an io.Closer. Closing memstore changes nothing.
func TestCloseIsANoOp(t *testing.T) {
	ctx := context.Background()
	var s interface {
		authcore.Store
		io.Closer
	} = memstore.New()
	if err := s.CreateTenant(ctx, &authcore.Tenant{ID: "t1", Name: "Tenant"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := s.GetTenant(ctx, "t1"); err != nil {
		t.Fatalf("the store after Close: %v", err)
	}
}
