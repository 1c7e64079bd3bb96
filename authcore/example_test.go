package authcore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/integration/cleanspeak/cleanspeaktest"
	"github.com/authcore/authcore/store/memstore"
)

func quiet() authcore.Option {
	return authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// An engine on an in-memory store, with an API key for the HTTP adapter.
func ExampleNew() {
	ctx := context.Background()
	engine, err := authcore.New(ctx, memstore.New(), quiet())
	if err != nil {
		panic(err)
	}
	key, plain, err := engine.CreateAPIKey(ctx, authcore.NewAPIKey{Description: "my app"})
	if err != nil {
		panic(err)
	}
	found, err := engine.Authenticate(ctx, plain)
	fmt.Println(found.ID == key.ID, err)
	_, err = engine.Authenticate(ctx, plain+"x")
	fmt.Println(errors.Is(err, authcore.ErrUnauthorized))
	// Output:
	// true <nil>
	// true
}

// Validation errors are FusionAuth's Errors object, with field paths.
func ExampleEngine_UpdateIntegrations() {
	ctx := context.Background()
	engine, _ := authcore.New(ctx, memstore.New(), quiet())
	_, err := engine.UpdateIntegrations(ctx, integration.Integrations{Kafka: integration.Kafka{Enabled: true}})
	var verr *authcore.ValidationError
	if errors.As(err, &verr) {
		fmt.Println(verr.Codes())
	}
	out, _ := engine.UpdateIntegrations(ctx, integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: "events"}})
	fmt.Println(out.Kafka.Producer["bootstrap.servers"])
	// Output:
	// [[blank]integrations.kafka.defaultTopic]
	// localhost:9092
}

// PATCH in FusionAuth's legacy form: objects merge, null removes, arrays
// append.
func ExampleEngine_PatchIntegrations() {
	ctx := context.Background()
	engine, _ := authcore.New(ctx, memstore.New(), quiet())
	_, _ = engine.UpdateIntegrations(ctx, integration.Integrations{Kafka: integration.Kafka{
		Enabled: true, DefaultTopic: "events", Producer: map[string]string{"bootstrap.servers": "kafka:9092", "linger.ms": "5"},
	}})
	out, err := engine.PatchIntegrations(ctx, authcore.PatchRequest{
		ContentType: "application/json",
		Body:        []byte(`{"integrations":{"kafka":{"producer":{"linger.ms":null,"acks":"all"}}}}`),
	})
	fmt.Println(out.Kafka.Producer, err)
	// Output: map[acks:all bootstrap.servers:kafka:9092] <nil>
}

// A complete Twitter login against a fake Twitter.
func ExampleEngine_IdentityProviderLogin() {
	ctx := context.Background()
	fake := twittertest.NewServer()
	defer fake.Close()
	fake.AddConsumer("key", "secret")
	fake.AddAccount(twittertest.Account{ID: "42", ScreenName: "grace", Name: "Grace Hopper", Email: "grace@example.com"})
	client, _ := twitter.NewClient(twitter.WithBaseURL(fake.URL))
	engine, _ := authcore.New(ctx, memstore.New(), authcore.WithTwitterClient(client), quiet())

	app, _ := engine.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		Name: "app", Roles: []authcore.ApplicationRole{{Name: "reader", IsDefault: true}},
	}})
	_, err := engine.CreateIdentityProvider(ctx, "", twitter.Provider{
		Type: "Twitter", ButtonText: "Login with Twitter", ConsumerKey: "key", ConsumerSecret: "secret", Enabled: true,
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{app.ID: {Enabled: true}},
	})
	if err != nil {
		panic(err)
	}
	token, secret, verifier := fake.IssueRequestToken("key", "42")
	resp, err := engine.IdentityProviderLogin(ctx, authcore.IdentityProviderLoginRequest{
		ApplicationID: app.ID, IdentityProviderID: twitter.ProviderID,
		Data: map[string]string{"oauth_token": token, "oauth_token_secret": secret, "oauth_verifier": verifier},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Status, resp.User.Email, resp.User.Registrations[0].Roles, resp.Token != "")
	// Output: 200 grace@example.com [reader] true
}

// No match is an empty list, never null.
func ExampleEngine_SearchEventLogs() {
	ctx := context.Background()
	engine, _ := authcore.New(ctx, memstore.New(), quiet())
	res, _ := engine.SearchEventLogs(ctx, authcore.EventLogSearchCriteria{Type: authcore.EventLogError})
	b, _ := json.Marshal(res)
	fmt.Println(string(b))
	// Output: {"eventLogs":[],"total":0}
}

// A service token with claims of your own: authcore adds iat, exp and jti,
// signs it with the tenant's key, and validates it like any other token.
func ExampleEngine_VendJWT() {
	ctx := context.Background()
	engine, err := authcore.New(ctx, memstore.New(), quiet())
	if err != nil {
		panic(err)
	}
	token, err := engine.VendJWT(ctx, authcore.JWTVendRequest{
		Claims:              map[string]any{"sub": "billing-service", "scope": "invoices:read"},
		TimeToLiveInSeconds: 300,
	})
	if err != nil {
		panic(err)
	}
	claims, err := engine.ValidateAccessToken(ctx, token)
	if err != nil {
		panic(err)
	}
	fmt.Println(claims["sub"], claims["scope"], claims["exp"].(float64)-claims["iat"].(float64))
	// Output: billing-service invoices:read 300
}

// A login response written without reflection, as an adapter of one's own
// would answer the client: the same bytes as json.Marshal.
func ExampleLoginResponse_AppendJSON() {
	resp := &authcore.LoginResponse{
		Token: "header.payload.signature",
		User: &authcore.User{ID: "00000000-0000-0000-0000-000000000001", Email: "ada@example.com", Active: true,
			Registrations: []authcore.UserRegistration{{ApplicationID: "app", Roles: []string{"user"}}}},
	}
	body, err := resp.AppendJSON(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	std, _ := json.Marshal(resp)
	fmt.Println(string(body))
	fmt.Println(string(body) == string(std))
	// Output:
	// {"token":"header.payload.signature","user":{"id":"00000000-0000-0000-0000-000000000001","email":"ada@example.com","active":true,"verified":false,"passwordChangeRequired":false,"registrations":[{"applicationId":"app","roles":["user"],"verified":false}]}}
	// true
}

// The Application Role API: a role renamed or deleted is renamed on, or
// taken off, the registrations that have it.
func ExampleEngine_UpdateApplicationRole() {
	ctx := context.Background()
	engine, _ := authcore.New(ctx, memstore.New(), quiet())
	app, _ := engine.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "Shop"}})
	role, _ := engine.CreateApplicationRole(ctx, app.ID, "", authcore.ApplicationRoleRequest{Role: authcore.ApplicationRole{Name: "clerk"}})
	user, _ := engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "sam@example.com"}})
	_, _ = engine.Register(ctx, user.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: app.ID, Roles: []string{"clerk"}}})

	_, _ = engine.UpdateApplicationRole(ctx, app.ID, role.ID, authcore.ApplicationRoleRequest{Role: authcore.ApplicationRole{Name: "cashier"}})
	reg, _ := engine.Registration(ctx, user.ID, app.ID)
	fmt.Println(reg.Roles)

	_, err := engine.CreateApplicationRole(ctx, app.ID, "", authcore.ApplicationRoleRequest{Role: authcore.ApplicationRole{Name: "CASHIER"}})
	var verr *authcore.ValidationError
	if errors.As(err, &verr) {
		fmt.Println(verr.Codes())
	}

	_ = engine.DeleteApplicationRole(ctx, app.ID, role.ID)
	reg, _ = engine.Registration(ctx, user.ID, app.ID)
	fmt.Println(len(reg.Roles))
	// Output:
	// [cashier]
	// [[duplicate]role.name]
	// 0
}

// With more than one tenant, a Go call that looks up or creates something in
// a tenant must say which: in the object (user.tenantId, application.tenantId)
// or in the context with WithScope, as the HTTP API's X-FusionAuth-TenantId
// header does. A context without a scope has full access but no tenant.
func ExampleWithScope() {
	ctx := context.Background()
	engine, _ := authcore.New(ctx, memstore.New(), quiet()) // makes the "Default" tenant
	acme, _ := engine.CreateTenant(ctx, "", authcore.Tenant{Name: "Acme"})

	_, err := engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "ada@example.com"}})
	fmt.Println(err)
	_, err = engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{TenantID: acme.ID, Email: "ada@example.com"}})
	fmt.Println(err)

	_, err = engine.UserByEmail(ctx, "ada@example.com")
	fmt.Println(err)
	inAcme := authcore.WithScope(ctx, authcore.Scope{TenantID: acme.ID})
	user, err := engine.UserByEmail(inAcme, "ada@example.com")
	fmt.Println(user.TenantID == acme.ID, err)
	// Output:
	// validation: [TenantIdRequired]
	// <nil>
	// validation: [TenantIdRequired]
	// true <nil>
}

// CleanSpeak's username moderation, configured in Go and tried against the
// fake of package cleanspeaktest: a username CleanSpeak rejects refuses the
// write with a field error. usernameModeration.applicationId is CleanSpeak's
// application, not one of authcore's.
func ExampleEngine_UpdateIntegrations_cleanSpeak() {
	ctx := context.Background()
	cs := cleanspeaktest.NewServer("cleanspeak-api-key")
	defer cs.Close()
	cs.SetAction("badword", cleanspeak.ActionReject)
	engine, _ := authcore.New(ctx, memstore.New(), quiet())

	in, _ := engine.Integrations(ctx)
	in.CleanSpeak = integration.CleanSpeak{
		Enabled: true, URL: cs.URL, APIKey: "cleanspeak-api-key",
		UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: "1f1c5d3a-6a7b-4c1e-9d2f-3b4a5c6d7e8f"},
	}
	if _, err := engine.UpdateIntegrations(ctx, in); err != nil {
		panic(err)
	}

	user, err := engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Username: "ada"}})
	fmt.Println(user.UsernameStatus, err)
	_, err = engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Username: "badword"}})
	fmt.Println(err)
	// Output:
	// ACTIVE <nil>
	// validation: [moderationRejected]user.username
}
