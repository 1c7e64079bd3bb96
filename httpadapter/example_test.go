package httpadapter_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/store/memstore"
)

// Mount FusionAuth's API under /auth/ of an existing app.
func ExampleNew() {
	ctx := context.Background()
	engine, err := authcore.New(ctx, memstore.New(), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		panic(err)
	}
	_, key, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{})
	if err != nil {
		panic(err)
	}
	api, err := httpadapter.New(engine)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/", http.StripPrefix("/auth", api))

	req := httptest.NewRequest("GET", "/auth/api/integration", nil)
	req.Header.Set("Authorization", key)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())

	req = httptest.NewRequest("GET", "/auth/api/integration", nil) // no key
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Printf("%d %q\n", rec.Code, rec.Body.String())
	// Output:
	// 200 {"integrations":{"cleanspeak":{"enabled":false,"usernameModeration":{"enabled":false}},"kafka":{"enabled":false}}}
	// 401 ""
}
