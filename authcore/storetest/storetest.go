// Package storetest is the conformance suite for authcore.Store: every store
// (memstore, sqlstore on SQLite and on PostgreSQL) runs it, so that all of
// them keep the contract written in authcore/store.go the same way.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) authcore.Store { return memstore.New() },
//			storetest.WithWaiting(storetest.WaitingIn("sync.(*RWMutex).Lock", ".../memstore.(*Store).InTx")))
//	}
//
// Each case gets a fresh, empty store from newStore; a factory that needs
// cleaning up registers it with t.Cleanup. The suite checks CRUD of each
// aggregate, the uniqueness rules (case-insensitive e-mail and username per
// tenant, links, registrations, key and token hashes, signing key ids, kids
// and case-insensitive names, case-insensitive API key names), cascades, that values
// are copied in and out, transactions (commit, rollback on error and on
// panic, reads of own writes, nesting, a failure injected after each write of
// a multi-write transaction), and races of 64 goroutines (one unique e-mail,
// one link created after a read-check, read-modify-write counters, one
// pending link taken once, one signing key name, one API key name).
//
// Values are compared after a JSON-like round trip: numbers in
// map[string]any come back as json.Number (their JSON text, so that 64-bit
// integers survive), and a store may return nil for an empty slice or map,
// so the fixtures write numbers as json.Number and use no empty collection.
package storetest

import (
	"errors"
	"testing"

	"github.com/authcore/authcore/authcore"
)

// testCase is one check, run on a fresh store.
type testCase struct {
	name string
	run  func(t *testing.T, f *fixture)
}

// Run runs every case as a subtest of t, each on a store from newStore.
// The races that need to see a transaction wait (WithWaiting) fail without
// that option.
func Run(t *testing.T, newStore func(t *testing.T) authcore.Store, opts ...Option) {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var cases []testCase
	for _, group := range [][]testCase{
		tenantCases, applicationCases, userCases, registrationCases, linkCases,
		pendingLinkCases, identityProviderCases, integrationCases, apiKeyCases,
		refreshTokenCases, keyCases, eventLogCases, cascadeCases, copyCases,
		txCases, concurrencyCases,
		outboxCases,         // outbox.go
		moderationListCases, // moderation.go
		configVersionCases,  // configversion.go
		orderingCases,       // ordering.go
		integrityCases,      // integrity.go
		unstorableCases,     // unstorable.go
	} {
		cases = append(cases, group...)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("storetest: newStore returned nil")
			}
			c.run(t, newFixture(t, s, o))
		})
	}
	t.Logf("storetest: %d cases", len(cases))
}

// errInjected is the failure the crash-safety case injects.
var errInjected = errors.New("storetest: injected failure")
