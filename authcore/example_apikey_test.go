package authcore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// A key manager made through the Go API (FusionAuth makes them in its admin
// UI or Kickstart) creates a key limited to reading users, as a request of
// the API Key API authenticated by it would; the limited key may not create
// keys of its own.
func ExampleEngine_CreateAPIKey_permissions() {
	ctx := context.Background()
	engine, err := authcore.New(ctx, memstore.New(), quiet())
	if err != nil {
		panic(err)
	}
	manager, _, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{KeyManager: true, Description: "manager"})
	if err != nil {
		panic(err)
	}
	asManager := authcore.WithScope(ctx, authcore.Scope{Key: manager})
	reader, _, err := engine.CreateAPIKey(asManager, authcore.NewAPIKey{
		Description: "reads users",
		Endpoints:   map[string][]string{"/api/user": {"GET"}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("GET /api/user:", reader.Allows("/api/user", "GET"))
	fmt.Println("DELETE /api/user:", reader.Allows("/api/user", "DELETE"))

	_, _, err = engine.CreateAPIKey(authcore.WithScope(ctx, authcore.Scope{Key: reader}), authcore.NewAPIKey{})
	fmt.Println("the reader creates a key:", errors.Is(err, authcore.ErrUnauthorized))
	// Output:
	// GET /api/user: true
	// DELETE /api/user: false
	// the reader creates a key: true
}
