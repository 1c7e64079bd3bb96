package memstore_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/storetest"
	"github.com/authcore/authcore/store/memstore"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) authcore.Store { return memstore.New() }, storetest.WithWaiting(waitingForWriter))
}

// waitingForWriter returns once a transaction waits for memstore's writer:
// InTx holds the store's RWMutex for the whole transaction, so a second one
// stops in its Lock until the first ends.
var waitingForWriter = storetest.WaitingIn("sync.(*RWMutex).Lock", "github.com/authcore/authcore/store/memstore.(*Store).InTx")

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

// memstore lives in one process, so the caller's now is the present of the
// outbox lease (authcore.OutboxStore.ClaimOutbox), and a test clock works.
func TestOutboxLeaseOnTheCallersClock(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	const t0 = int64(1_700_000_000_000)
	if _, err := s.ClaimOutbox(ctx, "relay-a", t0, time.Second, 10); err != nil {
		t.Fatalf("claim: %v", err)
	}
	if _, err := s.ClaimOutbox(ctx, "relay-b", t0+999, time.Second, 10); !errors.Is(err, authcore.ErrLeaseHeld) {
		t.Fatalf("claim within the lease: %v, want ErrLeaseHeld", err)
	}
	if _, err := s.ClaimOutbox(ctx, "relay-b", t0+1000, time.Second, 10); err != nil {
		t.Fatalf("claim once the lease ended by the caller's clock: %v", err)
	}
}
