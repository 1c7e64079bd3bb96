// Command faketwitter runs the fake Twitter of idp/twitter/twittertest as a
// process, for end-to-end tests and demos in other languages: it checks
// OAuth 1.0a signatures like Twitter, and a small control API lets a test
// add consumers and accounts and obtain the tokens a browser login would
// have produced.
//
//	go run ./examples/faketwitter -control 127.0.0.1:9100
//
// It prints two lines, "twitter URL" (give it to examples/server as
// -twitter-url) and "control URL". Control API (JSON bodies; a refused
// request is 400 with a plain-text reason):
//
//	POST /consumers      {"key","secret"} → 204
//	POST /accounts       {"id","screenName","name","email"} → 204
//	POST /request-token  {"consumerKey","accountId"} → {"oauth_token","oauth_token_secret","oauth_verifier"}
//	POST /access-token   {"consumerKey","accountId"} → {"oauth_token","oauth_token_secret"}
//
// It is a test tool: never point a real deployment at it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/authcore/authcore/idp/twitter/twittertest"
)

func main() {
	control := flag.String("control", "127.0.0.1:0", "address of the control API")
	flag.Parse()
	tw := twittertest.NewServer()
	defer tw.Close()
	ln, err := net.Listen("tcp", *control)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("twitter %s\ncontrol http://%s\n", tw.URL, ln.Addr())
	srv := &http.Server{Handler: controlAPI(tw)}
	go func() { _ = srv.Serve(ln) }()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	_ = srv.Shutdown(context.Background())
}

func controlAPI(tw *twittertest.Server) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /consumers", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Key, Secret string }
		if !decode(w, r, &in) {
			return
		}
		if in.Key == "" || in.Secret == "" {
			http.Error(w, "key and secret are required", http.StatusBadRequest)
			return
		}
		tw.AddConsumer(in.Key, in.Secret)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /accounts", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ ID, ScreenName, Name, Email string }
		if !decode(w, r, &in) {
			return
		}
		if in.ID == "" {
			http.Error(w, "id is required", http.StatusBadRequest)
			return
		}
		tw.AddAccount(twittertest.Account{ID: in.ID, ScreenName: in.ScreenName, Name: in.Name, Email: in.Email})
		w.WriteHeader(http.StatusNoContent)
	})
	issue := func(verifier bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var in struct{ ConsumerKey, AccountID string }
			if !decode(w, r, &in) {
				return
			}
			defer func() {
				// The fake panics on an unknown consumer or account: a
				// mistake in the test's set-up, reported as such.
				if p := recover(); p != nil {
					http.Error(w, fmt.Sprint(p), http.StatusBadRequest)
				}
			}()
			out := map[string]string{}
			if verifier {
				out["oauth_token"], out["oauth_token_secret"], out["oauth_verifier"] = tw.IssueRequestToken(in.ConsumerKey, in.AccountID)
			} else {
				out["oauth_token"], out["oauth_token_secret"] = tw.IssueAccessToken(in.ConsumerKey, in.AccountID)
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(out)
		}
	}
	mux.HandleFunc("POST /request-token", issue(true))
	mux.HandleFunc("POST /access-token", issue(false))
	return mux
}

// decode reads the body into v; when it cannot, it has answered 400 and the
// caller must write nothing more.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(v); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}
