package sqlstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
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

// openStore is how an app chooses its store at start-up: memstore and
// sqlstore are both an authcore.Store and an io.Closer (memstore's Close
// does nothing), so the caller closes whichever it got the same way.
func openStore(ctx context.Context, dsn string) (interface {
	authcore.Store
	io.Closer
}, error) {
	if dsn == "memory" {
		return memstore.New(), nil
	}
	return sqlstore.Open(ctx, dsn)
}

// Switching between a SQLite file and memory is a change of DSN. What a
// SQLite file holds is there again after a restart; memory starts empty.
func Example_switchStore() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "authcore-example")
	defer os.RemoveAll(dir)
	file := "sqlite:" + filepath.Join(dir, "auth.db")
	quiet := authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

	start := func(dsn string, create bool) {
		store, err := openStore(ctx, dsn)
		if err != nil {
			panic(err)
		}
		defer store.Close()
		engine, err := authcore.New(ctx, store, quiet)
		if err != nil {
			panic(err)
		}
		if create {
			if _, err := engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "ada@example.com"}}); err != nil {
				panic(err)
			}
		}
		_, err = engine.UserByEmail(ctx, "ada@example.com")
		fmt.Printf("%-6s found: %v\n", dsn[:6], err == nil)
	}
	start(file, true)      // first run: creates the user
	start("memory", false) // a new, empty store
	start(file, false)     // restart on the same file
	// Output:
	// sqlite found: true
	// memory found: false
	// sqlite found: true
}
