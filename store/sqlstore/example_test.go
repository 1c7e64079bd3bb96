package sqlstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/sqlstore"
)

// An engine on a SQLite file. The store holds connections and, for a file, a
// checkpointing goroutine: close it when the engine is done. A second Open of
// the same file finds what the first wrote.
func ExampleOpen() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "authcore-example")
	defer os.RemoveAll(dir)
	dsn := "sqlite:" + filepath.Join(dir, "auth.db")
	quiet := authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

	store, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		panic(err)
	}
	engine, err := authcore.New(ctx, store, quiet)
	if err != nil {
		panic(err)
	}
	_, err = engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "ada@example.com"}})
	fmt.Println(err)
	fmt.Println(store.Close())

	store, err = sqlstore.Open(ctx, dsn)
	if err != nil {
		panic(err)
	}
	defer store.Close()
	engine, _ = authcore.New(ctx, store, quiet)
	user, err := engine.UserByEmail(ctx, "ada@example.com")
	fmt.Println(user.Email, err)
	tenants, _ := engine.Tenants(ctx)
	fmt.Println(len(tenants), tenants[0].Name) // New made the default tenant once
	// Output:
	// <nil>
	// <nil>
	// ada@example.com <nil>
	// 1 Default
}

// "sqlite::memory:" is a private database, gone on Close: the store for
// tests that want SQL's behaviour without a file.
func ExampleOpen_memory() {
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, "sqlite::memory:")
	if err != nil {
		panic(err)
	}
	defer store.Close()
	fmt.Println(store.Dialect())

	_, err = sqlstore.Open(ctx, "sqlite:file::memory:?cache=shared")
	fmt.Println(err != nil) // the one spelling of an in-memory database is sqlite::memory:
	// Output:
	// sqlite
	// true
}
