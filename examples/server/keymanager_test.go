package main

import (
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// TestServerKeyIsAKeyManager: the server's key is its operator's, so it can
// use the API Key API; a -api-key stored by a start made before keys could
// be key managers becomes one, keeping its description, and a generated key
// is one.
func TestServerKeyIsAKeyManager(t *testing.T) {
	ctx := t.Context()
	engine, err := authcore.New(ctx, memstore.New())
	if err != nil {
		t.Fatal(err)
	}
	const given = "operator-chosen-key-0123456789"
	if _, _, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{Key: given, Description: "examples/server"}); err != nil {
		t.Fatal(err)
	}
	for range 2 { // promoted once, then found a key manager
		if _, err := apiKey(ctx, engine, given); err != nil {
			t.Fatal(err)
		}
		k, err := engine.Authenticate(ctx, given)
		if err != nil {
			t.Fatal(err)
		}
		if !k.KeyManager || k.Description != "examples/server" {
			t.Fatalf("the given key after a start: KeyManager %v, Description %q; want a key manager, description kept", k.KeyManager, k.Description)
		}
	}
	generated, err := apiKey(ctx, engine, "")
	if err != nil {
		t.Fatal(err)
	}
	k, err := engine.Authenticate(ctx, generated)
	if err != nil {
		t.Fatal(err)
	}
	if !k.KeyManager {
		t.Fatal("a generated key is not a key manager")
	}
}
