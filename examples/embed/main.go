// Command embed is an existing app with routes of its own that mounts
// authcore's API under /auth/: the whole embedding.
//
//	go run ./examples/embed
//	curl -H "Authorization: $KEY" localhost:8080/auth/api/integration
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/store/memstore"
)

func main() {
	ctx := context.Background()
	engine, err := authcore.New(ctx, memstore.New())
	if err != nil {
		log.Fatal(err)
	}
	_, key, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{Description: "embed"})
	if err != nil {
		log.Fatal(err)
	}
	api, err := httpadapter.New(engine)
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "my app") })
	mux.Handle("/auth/", http.StripPrefix("/auth", api))
	// A route of the app's own, for whoever logged in (Authorization:
	// Bearer with the token a login answered).
	mux.Handle("GET /me", api.RequireToken()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello", httpadapter.Claims(r.Context())["sub"])
	})))

	fmt.Println("API key:", key)
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux))
}
