package httpadapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
)

// The whole embedding, as a test of an app would run it: the app's own
// routes, FusionAuth's API under /auth/, a tenant, an application with roles
// and an API key made in Go, the Twitter provider configured in Go, a route
// of the app's guarded by RequireTokenFor, and a user logging in through the
// API against the fake Twitter of package twittertest.
func Example_embedding() {
	ctx := context.Background()

	// In production the engine talks to api.twitter.com; a test points it at
	// the fake, which knows one consumer and one account.
	fake := twittertest.NewServer()
	defer fake.Close()
	fake.AddConsumer("consumer-key", "consumer-secret")
	fake.AddAccount(twittertest.Account{ID: "1001", ScreenName: "ada", Name: "Ada Lovelace", Email: "ada@example.com"})
	tw, err := twitter.NewClient(twitter.WithBaseURL(fake.URL))
	if err != nil {
		panic(err)
	}
	engine, err := authcore.New(ctx, memstore.New(), authcore.WithTwitterClient(tw),
		authcore.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}

	// New made a "Default" tenant; a second one means naming the tenant in
	// what is created in it (or in the request's scope: authcore.WithScope).
	tenant, err := engine.CreateTenant(ctx, "", authcore.Tenant{Name: "Acme"})
	if err != nil {
		panic(err)
	}
	app, err := engine.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		TenantID: tenant.ID, Name: "Shop",
		Roles: []authcore.ApplicationRole{{Name: "member", IsDefault: true}, {Name: "admin"}},
	}})
	if err != nil {
		panic(err)
	}
	_, key, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{TenantID: tenant.ID, Description: "shop back office"})
	if err != nil {
		panic(err)
	}
	_, err = engine.CreateIdentityProvider(ctx, "", twitter.Provider{
		Type: twitter.TypeName, ButtonText: "Login with Twitter", Enabled: true,
		ConsumerKey: "consumer-key", ConsumerSecret: "consumer-secret",
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{app.ID: {Enabled: true}},
	})
	if err != nil {
		panic(err)
	}

	api, err := httpadapter.New(engine)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "home") })
	mux.Handle("/auth/", http.StripPrefix("/auth", api))
	mux.Handle("GET /me", api.RequireTokenFor(app.ID)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims := httpadapter.Claims(r.Context())
		fmt.Fprint(w, claims["email"], " ", claims["roles"])
	})))
	mux.Handle("GET /admin", api.RequireTokenFor(app.ID, "admin")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "admin page")
	})))

	do := func(method, path, auth, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}

	// The browser leg of "Sign in with Twitter" is the app's; it hands the
	// tokens Twitter returned to the login API (no API key needed).
	token, secret, verifier := fake.IssueRequestToken("consumer-key", "1001")
	login, _ := json.Marshal(map[string]any{
		"applicationId": app.ID, "identityProviderId": twitter.ProviderID,
		"data": map[string]string{"oauth_token": token, "oauth_token_secret": secret, "oauth_verifier": verifier},
	})
	rec := do("POST", "/auth/api/identity-provider/login", "", string(login))
	var resp struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &resp)
	fmt.Println("login:", rec.Code)

	rec = do("GET", "/", "", "")
	fmt.Println("/:", rec.Code, rec.Body.String())
	rec = do("GET", "/me", "Bearer "+resp.Token, "")
	fmt.Println("/me:", rec.Code, rec.Body.String())
	fmt.Println("/me without a token:", do("GET", "/me", "", "").Code)
	fmt.Println("/admin as a member:", do("GET", "/admin", "Bearer "+resp.Token, "").Code)
	rec = do("GET", "/auth/api/user?email=ada@example.com", key, "")
	fmt.Println("/auth/api/user with the tenant's key:", rec.Code)
	// Output:
	// login: 200
	// /: 200 home
	// /me: 200 ada@example.com [member]
	// /me without a token: 401
	// /admin as a member: 403
	// /auth/api/user with the tenant's key: 200
}
