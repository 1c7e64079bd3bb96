package httpadapter_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func boolp(b bool) *bool { return &b }

// stats compares what the store holds, minus what setting up created.
func stats(f *loginFixture) memstore.Stats { return f.store.Stats() }

// SPEC §5's table: each strategy with and without a matching user.
func TestLoginStrategies(t *testing.T) {
	type want struct {
		status                 int
		users, links, pendings int // rows added by the login
		linkedToExisting       bool
	}
	tests := []struct {
		strategy string
		existing bool // a user with the Twitter email and screen name exists
		want     want
	}{
		{"LinkByEmail", true, want{status: 200, links: 1, linkedToExisting: true}},
		{"LinkByEmail", false, want{status: 200, users: 1, links: 1}},
		{"", false, want{status: 200, users: 1, links: 1}}, // the default is LinkByEmail
		{"LinkByEmailForExistingUser", true, want{status: 200, links: 1, linkedToExisting: true}},
		{"LinkByEmailForExistingUser", false, want{status: 404}},
		{"LinkByUsername", true, want{status: 200, links: 1, linkedToExisting: true}},
		{"LinkByUsername", false, want{status: 200, users: 1, links: 1}},
		{"LinkByUsernameForExistingUser", true, want{status: 200, links: 1, linkedToExisting: true}},
		{"LinkByUsernameForExistingUser", false, want{status: 404}},
		{"LinkAnonymously", true, want{status: 200, users: 1, links: 1}},
		{"LinkAnonymously", false, want{status: 200, users: 1, links: 1}},
		{"CreatePendingLink", true, want{status: 232, pendings: 1}},
		{"CreatePendingLink", false, want{status: 232, pendings: 1}},
		{"Disabled", true, want{status: 404}},
		{"Disabled", false, want{status: 404}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s existing=%t", tc.strategy, tc.existing), func(t *testing.T) {
			f := newLoginFixture(t, providerOpts{strategy: tc.strategy})
			f.account("1001", "jack", "jack@example.com")
			ctx := context.Background()
			existingID := "eeeeeeee-0000-0000-0000-000000000001"
			if tc.existing {
				require.NoError(t, f.store.CreateUser(ctx, &authcore.User{ID: existingID, TenantID: f.tenant, Email: "JACK@example.com", Username: "Jack", Active: true, Verified: true}))
			}
			before := stats(f)
			r := f.login("1001", nil)
			require.Equal(t, tc.want.status, r.Code, r.Body)
			after := stats(f)
			assert.Equal(t, tc.want.users, after.Users-before.Users, "users")
			assert.Equal(t, tc.want.links, after.Links-before.Links, "links")
			assert.Equal(t, tc.want.pendings, after.PendingLinks-before.PendingLinks, "pending links")
			switch tc.want.status {
			case 404:
				assert.Empty(t, r.Body)
				assert.Equal(t, before, after, "a refused login writes nothing")
			case 232:
				out := decodeLogin(t, r)
				assert.NotEmpty(t, out.PendingIdPLinkID)
				assert.Empty(t, out.Token)
				assert.Equal(t, before.Registrations, after.Registrations)
			case 200:
				out := decodeLogin(t, r)
				require.NotNil(t, out.User)
				assert.NotEmpty(t, out.Token)
				assert.NotEmpty(t, out.RefreshToken)
				assert.NotZero(t, out.TokenExpirationInstant)
				if tc.want.linkedToExisting {
					assert.Equal(t, existingID, out.User.ID)
				}
				link, err := f.store.GetLink(ctx, f.tenant, twitterID, "1001")
				require.NoError(t, err)
				assert.Equal(t, out.User.ID, link.UserID)
				require.Len(t, out.User.Registrations, 1)
				reg := out.User.Registrations[0]
				assert.Equal(t, loginAppID, reg.ApplicationID)
				assert.Equal(t, []string{"user"}, reg.Roles, "the application's default roles")
				if tc.strategy == "LinkAnonymously" {
					assert.Empty(t, reg.Username, "nothing of the account on the registration either")
					assert.Empty(t, out.User.Email)
					assert.Empty(t, out.User.Username)
				} else {
					assert.Equal(t, "jack", reg.Username)
				}
				if tc.strategy != "LinkAnonymously" && !tc.want.linkedToExisting {
					assert.Equal(t, "jack@example.com", out.User.Email)
					assert.Equal(t, "Name jack", out.User.FullName)
					assert.Equal(t, "https://img.example/1001", out.User.ImageURL)
				}
			}
		})
	}
}

func TestLoginExistingLinkWinsAndKeepsToken(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	f.account("2002", "ann", "ann@example.com")
	first := decodeLogin(t, f.login("2002", nil))
	ctx := context.Background()
	link1, err := f.store.GetLink(ctx, f.tenant, twitterID, "2002")
	require.NoError(t, err)
	assert.NotEmpty(t, link1.Token)
	assert.NotEmpty(t, link1.Data["oauth_token_secret"])
	assert.Equal(t, "ann@example.com", link1.DisplayName)

	// The provider switches to Disabled: an existing link still logs in.
	_, err = f.engine.PatchIdentityProvider(ctx, twitterID, authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{"identityProvider":{"linkingStrategy":"Disabled"}}`)})
	require.NoError(t, err)
	before := stats(f)
	r := f.login("2002", map[string]any{"noLink": true})
	require.Equal(t, 200, r.Code, r.Body)
	second := decodeLogin(t, r)
	assert.Equal(t, first.User.ID, second.User.ID)
	after := stats(f)
	assert.Equal(t, before.Users, after.Users)
	assert.Equal(t, before.Links, after.Links)
	link2, err := f.store.GetLink(ctx, f.tenant, twitterID, "2002")
	require.NoError(t, err)
	assert.NotEqual(t, link1.Token, link2.Token, "the new Twitter access token is kept on the link")
	assert.Greater(t, link2.LastLoginInstant, link1.LastLoginInstant)
}

func TestLoginRefusalsWriteNothing(t *testing.T) {
	t.Run("noLink without a link", func(t *testing.T) {
		f := newLoginFixture(t, providerOpts{})
		f.account("3003", "bob", "bob@example.com")
		before := stats(f)
		r := f.login("3003", map[string]any{"noLink": true})
		assert.Equal(t, 404, r.Code)
		assert.Equal(t, before, stats(f))
	})
	t.Run("missing email", func(t *testing.T) {
		for _, s := range []string{"LinkByEmail", "LinkByEmailForExistingUser"} {
			f := newLoginFixture(t, providerOpts{strategy: s})
			f.account("3004", "noemail", "")
			before := stats(f)
			r := f.login("3004", nil)
			require.Equal(t, 400, r.Code, s)
			assert.True(t, r.errors(t).Has("[ExternalAuthenticationException]MissingEmail"), r.Body)
			assert.Equal(t, before, stats(f))
		}
	})
	t.Run("username strategies need no email", func(t *testing.T) {
		f := newLoginFixture(t, providerOpts{strategy: "LinkByUsername"})
		f.account("3005", "quiet", "")
		r := f.login("3005", nil)
		require.Equal(t, 200, r.Code, r.Body)
		assert.Equal(t, "quiet", decodeLogin(t, r).User.Username)
	})
	t.Run("existing user already linked to another Twitter account", func(t *testing.T) {
		f := newLoginFixture(t, providerOpts{})
		f.account("3006", "first", "same@example.com")
		require.Equal(t, 200, f.login("3006", nil).Code)
		// A second Twitter account claims the same email: account takeover.
		f.account("3007", "second", "same@example.com")
		before := stats(f)
		r := f.login("3007", nil)
		require.Equal(t, 400, r.Code)
		assert.True(t, r.errors(t).Has("[ExternalAuthenticationException]ExistingUserAlreadyLinked"), r.Body)
		assert.Equal(t, before, stats(f))
	})
}

func TestLoginStatusPrecedence(t *testing.T) {
	tests := []struct {
		name   string
		user   func(u *authcore.User)
		tenant func(t *authcore.Tenant)
		app    func(a *authcore.Application)
		reg    bool // pre-register the user, unverified
		status int
		token  bool
	}{
		{"expired", func(u *authcore.User) { u.Expiry = 1 }, nil, nil, false, 410, false},
		{"expired beats inactive", func(u *authcore.User) { u.Expiry = 1; u.Active = false }, nil, nil, false, 410, false},
		{"inactive", func(u *authcore.User) { u.Active = false }, nil, nil, false, 409, false},
		{"password change", func(u *authcore.User) { u.PasswordChangeRequired = true }, nil, nil, false, 203, false},
		{"two factor", func(u *authcore.User) {
			u.TwoFactor = &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{{ID: "AB12", Method: "email", Email: "x@example.com"}}}
		}, nil, nil, false, 242, false},
		{"email unverified", func(u *authcore.User) { u.Verified = false }, func(t *authcore.Tenant) { t.EmailConfiguration.VerifyEmail = true }, nil, false, 212, true},
		{"unverified email without tenant rule", func(u *authcore.User) { u.Verified = false }, nil, nil, false, 200, true},
		{"registration unverified", nil, nil, func(a *authcore.Application) { a.VerifyRegistration = true }, true, 213, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newLoginFixture(t, providerOpts{})
			f.account("4004", "carl", "carl@example.com")
			ctx := context.Background()
			u := &authcore.User{ID: "cccccccc-0000-0000-0000-000000000001", TenantID: f.tenant, Email: "carl@example.com", Active: true, Verified: true}
			if tc.user != nil {
				tc.user(u)
			}
			require.NoError(t, f.store.CreateUser(ctx, u))
			if tc.reg {
				require.NoError(t, f.store.CreateRegistration(ctx, &authcore.UserRegistration{ID: "dddddddd-0000-0000-0000-000000000001", UserID: u.ID, ApplicationID: loginAppID}))
			}
			if tc.tenant != nil {
				tn, err := f.store.GetTenant(ctx, f.tenant)
				require.NoError(t, err)
				tc.tenant(tn)
				require.NoError(t, f.store.UpdateTenant(ctx, tn))
			}
			if tc.app != nil {
				a, err := f.store.GetApplication(ctx, loginAppID)
				require.NoError(t, err)
				tc.app(a)
				require.NoError(t, f.store.UpdateApplication(ctx, a))
			}
			before := stats(f)
			r := f.login("4004", nil)
			require.Equal(t, tc.status, r.Code, r.Body)
			if tc.status == 410 || tc.status == 409 {
				assert.Empty(t, r.Body)
				assert.Equal(t, before, stats(f), "a refused login writes nothing")
				return
			}
			out := decodeLogin(t, r)
			assert.Equal(t, tc.token, out.Token != "", "token issued")
			if tc.status == 242 {
				assert.NotEmpty(t, out.TwoFactorID)
				return
			}
			assert.Equal(t, u.ID, out.User.ID)
		})
	}
}

// 212 says the user's email address is not verified yet: a user without
// one (LinkAnonymously, or a username strategy when Twitter returns no
// email) has nothing to verify, and got 212 on every login of a tenant
// that requires verification. The User API creates such users verified.
func TestLoginWithoutEmailIsNotEmailUnverified(t *testing.T) {
	for _, tc := range []struct{ strategy, email string }{
		{"LinkAnonymously", "anon@example.com"},
		{"LinkByUsername", ""},
	} {
		t.Run(tc.strategy, func(t *testing.T) {
			f := newLoginFixture(t, providerOpts{strategy: tc.strategy})
			ctx := context.Background()
			tn, err := f.store.GetTenant(ctx, f.tenant)
			require.NoError(t, err)
			tn.EmailConfiguration.VerifyEmail = true
			require.NoError(t, f.store.UpdateTenant(ctx, tn))
			f.account("4006", "nomail", tc.email)
			r := f.login("4006", nil)
			require.Equal(t, 200, r.Code, r.Body)
			out := decodeLogin(t, r)
			assert.Empty(t, out.User.Email)
			assert.NotEmpty(t, out.Token)
			// Stored as the User API stores a user without an email:
			// verified, there being nothing to verify.
			u, err := f.store.GetUser(ctx, out.User.ID)
			require.NoError(t, err)
			assert.True(t, u.Verified)
			assert.NotZero(t, u.VerifiedInstant)
			assert.True(t, out.User.Verified)
		})
	}
}

// A 242 answers what the second step needs, the twoFactorId and the
// methods, as FusionAuth's does: not the user, whose profile, data and
// registrations the second factor is there to guard.
func TestLoginTwoFactorAnswerHasNoUser(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	f.account("4005", "cleo", "cleo@example.com")
	ctx := context.Background()
	u := &authcore.User{ID: "cccccccc-0000-0000-0000-000000000005", TenantID: f.tenant, Email: "cleo@example.com", Active: true, Verified: true,
		MobilePhone: "+15555550100", Data: map[string]any{"secret": "kept behind the second factor"},
		TwoFactor: &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{{ID: "AB12", Method: "email", Email: "cleo@example.com"}}}}
	require.NoError(t, f.store.CreateUser(ctx, u))
	r := f.login("4005", nil)
	require.Equal(t, 242, r.Code, r.Body)
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
	assert.NotContains(t, body, "user")
	assert.NotContains(t, body, "token")
	assert.NotEmpty(t, body["twoFactorId"])
	assert.Equal(t, []any{map[string]any{"id": "AB12", "method": "email", "email": "cleo@example.com"}}, body["methods"])
	assert.Empty(t, r.Header.Values("Set-Cookie"))
}

func TestLoginCreateRegistrationFalse(t *testing.T) {
	f := newLoginFixture(t, providerOpts{createRegistration: boolp(false)})
	f.account("5005", "dora", "dora@example.com")
	r := f.login("5005", nil)
	require.Equal(t, 202, r.Code, r.Body)
	out := decodeLogin(t, r)
	assert.Empty(t, out.User.Registrations)
	assert.NotEmpty(t, out.Token, "a JWT without roles")
	assert.Empty(t, out.RefreshToken, "refresh tokens need a registration")
	assert.Equal(t, 0, stats(f).Registrations)
}

// FusionAuth's access-token claims: applicationId, like roles, "is only
// present if the user has a registration to the Application". A 202 token
// carried it, so a resource server that checks applicationId let in any
// Twitter user of an application that provisions its users by hand
// (createRegistration false).
func TestLoginTokenOfUnregisteredUserHasNoApplicationID(t *testing.T) {
	f := newLoginFixture(t, providerOpts{createRegistration: boolp(false)})
	f.account("5006", "dan", "dan@example.com")
	r := f.login("5006", nil)
	require.Equal(t, 202, r.Code, r.Body)
	claims := jwtClaims(t, decodeLogin(t, r).Token)
	assert.Equal(t, loginAppID, claims["aud"])
	assert.NotContains(t, claims, "applicationId")
	assert.NotContains(t, claims, "roles")

	// Once registered, the next login's token names the application.
	ctx := context.Background()
	u, err := f.store.GetUserByEmail(ctx, f.tenant, "dan@example.com")
	require.NoError(t, err)
	require.NoError(t, f.store.CreateRegistration(ctx, &authcore.UserRegistration{ID: "dddddddd-0000-0000-0000-000000000006", UserID: u.ID, ApplicationID: loginAppID, Roles: []string{"user"}, Verified: true}))
	r = f.login("5006", nil)
	require.Equal(t, 200, r.Code, r.Body)
	claims = jwtClaims(t, decodeLogin(t, r).Token)
	assert.Equal(t, loginAppID, claims["applicationId"])
	assert.Equal(t, []any{"user"}, claims["roles"])
}

// jwtClaims decodes a JWT's payload without verifying it.
func jwtClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3, "a compact JWS: %q", token)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(payload, &claims))
	return claims
}

func TestLoginApplicationOverrideOfConsumerKey(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	f.account("6006", "eve", "eve@example.com")
	// The request token was issued to the override consumer: signing with the
	// top-level key would fail at the fake Twitter.
	r := f.anon("POST", "/api/identity-provider/login", f.loginBody(overrideAppID, "6006", nil))
	require.Equal(t, 200, r.Code, r.Body)
	// And a token of the top-level consumer fails through the override app.
	tok, sec, ver := f.tw.IssueRequestToken(consumerKey, "6006")
	body := fmt.Sprintf(`{"applicationId":%q,"identityProviderId":%q,"data":{"oauth_token":%q,"oauth_token_secret":%q,"oauth_verifier":%q}}`, overrideAppID, twitterID, tok, sec, ver)
	assert.Equal(t, 401, f.anon("POST", "/api/identity-provider/login", body).Code)
}

func TestLoginInvalidProviderOrApplication(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	f.account("7007", "finn", "finn@example.com")
	ctx := context.Background()
	unknownApp := f.loginBody("5c212e59-0d0e-6b1a-ad48-f4f92793be32", "7007", nil)
	r := f.anon("POST", "/api/identity-provider/login", unknownApp)
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[invalid]applicationId"))

	r = f.anon("POST", "/api/identity-provider/login", strings.Replace(f.loginBody(loginAppID, "7007", nil), twitterID, "11111111-2222-3333-4444-555555555555", 1))
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[InvalidIdentityProviderId]"))

	// Disabled for the application.
	_, err := f.engine.PatchIdentityProvider(ctx, twitterID, authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{"identityProvider":{"applicationConfiguration":{"` + loginAppID + `":{"enabled":false}}}}`)})
	require.NoError(t, err)
	r = f.login("7007", nil)
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[InvalidIdentityProviderId]"))

	// Disabled globally.
	_, err = f.engine.PatchIdentityProvider(ctx, twitterID, authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{"identityProvider":{"enabled":false}}`)})
	require.NoError(t, err)
	r = f.anon("POST", "/api/identity-provider/login", f.loginBody(overrideAppID, "7007", nil))
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[InvalidIdentityProviderId]"))
	assert.Equal(t, 0, stats(f).Users)

	// Required fields.
	r = f.anon("POST", "/api/identity-provider/login", `{"data":{}}`)
	require.Equal(t, 400, r.Code)
	v := r.errors(t)
	for _, c := range []string{"[blank]applicationId", "[blank]identityProviderId", "[blank]data.oauth_token", "[blank]data.oauth_token_secret"} {
		assert.True(t, v.Has(c), c)
	}
	r = f.anon("POST", "/api/identity-provider/login", `{"applicationId":"x","identityProviderId":"y","data":{"oauth_token":"a","oauth_token_secret":"b"}}`)
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[couldNotConvert]applicationId"))
	r = f.anon("POST", "/api/identity-provider/login", `{"noJWT":"yes"}`)
	require.Equal(t, 400, r.Code)
	assert.True(t, r.errors(t).Has("[invalidJSON]noJWT"))
}

func TestLoginTwitterRefusesOrFails(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	f.account("8008", "gil", "gil@example.com")
	tok, sec, ver := f.tw.IssueRequestToken(consumerKey, "8008")
	send := func(tok, sec, ver string) response {
		body := fmt.Sprintf(`{"applicationId":%q,"identityProviderId":%q,"data":{"oauth_token":%q,"oauth_token_secret":%q,"oauth_verifier":%q}}`, loginAppID, twitterID, tok, sec, ver)
		return f.anon("POST", "/api/identity-provider/login", body)
	}
	before := stats(f)
	for name, r := range map[string]response{
		"wrong token secret": send(tok, sec+"x", ver),
		"wrong verifier":     send(tok, sec, ver+"x"),
		"unknown token":      send("nope", sec, ver),
	} {
		assert.Equal(t, 401, r.Code, name)
		assert.Empty(t, r.Body, name)
	}
	assert.Equal(t, 200, send(tok, sec, ver).Code, "the right values still work once")
	assert.Equal(t, 401, send(tok, sec, ver).Code, "a request token is single-use")

	// A wrong consumer secret in the provider's configuration.
	g := newLoginFixture(t, providerOpts{})
	g.account("8009", "hal", "hal@example.com")
	_, err := g.engine.PatchIdentityProvider(context.Background(), twitterID, authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{"identityProvider":{"consumerSecret":"wrong-secret"}}`)})
	require.NoError(t, err)
	gb := stats(g)
	assert.Equal(t, 401, g.login("8009", nil).Code)
	after := stats(g)
	assert.Equal(t, gb.Users, after.Users)
	assert.Equal(t, gb.Links, after.Links)
	assert.Greater(t, after.EventLogs, gb.EventLogs, "the failure is in the event log")
	_ = before
}

func TestLoginTwitterFaults(t *testing.T) {
	faults := map[string]twittertest.Fault{
		"timeout":          twittertest.FaultTimeout,
		"500":              twittertest.FaultStatus500,
		"html":             twittertest.FaultHTML,
		"missing id_str":   twittertest.FaultMissingIDStr,
		"garbage exchange": twittertest.FaultGarbageTokenResponse,
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			tw := twittertest.NewServer()
			t.Cleanup(tw.Close)
			says := []string{"Twitter login"}
			var opts []authcore.Option
			if fault == twittertest.FaultTimeout {
				// The fixture's client waits 30 s, longer than the fake
				// holds a request before it answers 504: this case was a
				// 504 after the delay, and passed whether or not a client
				// timeout is handled. Here only the client's timeout can
				// end the call; the delay bounds a test whose timeout
				// fails to fire, and its 504 lacks the deadline.
				client, err := twitter.NewClient(twitter.WithBaseURL(tw.URL), twitter.WithTimeout(200*time.Millisecond))
				require.NoError(t, err)
				opts = append(opts, authcore.WithTwitterClient(client))
				tw.SetFaultDelay(10 * time.Second)
				says = append(says, context.DeadlineExceeded.Error())
			}
			mem := memstore.New()
			f := newLoginFixtureStore(t, tw, mem, mem, providerOpts{}, opts...)
			f.account("9009", "ida", "ida@example.com")
			body := f.loginBody(loginAppID, "9009", nil)
			f.tw.SetFault(fault)
			before := stats(f)
			r := f.anon("POST", "/api/identity-provider/login", body)
			assertTwitterUnavailable(t, f, r, before, says...)
		})
	}
}

// TestLoginTwitterRateLimited: Twitter's 429 is Twitter unavailable, 401
// and empty as SPEC §5 says, with no Retry-After (a 401 is no status to
// retry, and the token exchange is single-use); its x-rate-limit-reset is
// surfaced in the Error event-log entry, so an operator sees when Twitter
// takes logins again.
func TestLoginTwitterRateLimited(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	f.account("9011", "rita", "rita@example.com")
	body := f.loginBody(loginAppID, "9011", nil)
	reset := time.Now().Add(7 * time.Minute).Truncate(time.Second)
	f.tw.SetRateLimitReset(reset)
	f.tw.SetFault(twittertest.FaultRateLimited)
	before := stats(f)
	r := f.anon("POST", "/api/identity-provider/login", body)
	assert.Empty(t, r.Header.Get("Retry-After"))
	assertTwitterUnavailable(t, f, r, before, "HTTP 429", "rate limit resets at "+reset.UTC().Format(time.RFC3339))
}

// TestLoginTwitterNonNumericIDStr: a verify_credentials answer whose id_str
// is not a 64-bit decimal id is answered as one without id_str is: 401,
// empty, an Error event-log entry, and no user, link or registration.
func TestLoginTwitterNonNumericIDStr(t *testing.T) {
	for _, id := range []string{"jack", "-9010", "09010", "99999999999999999999"} {
		t.Run(id, func(t *testing.T) {
			f := newLoginFixture(t, providerOpts{})
			f.account(id, "ivo", "ivo@example.com")
			before := stats(f)
			r := f.login(id, nil)
			assertTwitterUnavailable(t, f, r, before, "id_str")
		})
	}
}

// failingStore fails the nth write of a login transaction.
type failingStore struct {
	authcore.Store
	failAt int
	writes int
}

var errInjected = errors.New("injected store failure")

func (s *failingStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		return fn(ctx, &failingTx{Store: tx, parent: s})
	})
}

type failingTx struct {
	authcore.Store
	parent *failingStore
}

func (t *failingTx) write() error {
	t.parent.writes++
	if t.parent.writes == t.parent.failAt {
		return errInjected
	}
	return nil
}

func (t *failingTx) CreateUser(ctx context.Context, u *authcore.User) error {
	if err := t.write(); err != nil {
		return err
	}
	return t.Store.CreateUser(ctx, u)
}
func (t *failingTx) UpdateUser(ctx context.Context, u *authcore.User) error {
	if err := t.write(); err != nil {
		return err
	}
	return t.Store.UpdateUser(ctx, u)
}
func (t *failingTx) CreateLink(ctx context.Context, l *authcore.IdentityProviderLink) error {
	if err := t.write(); err != nil {
		return err
	}
	return t.Store.CreateLink(ctx, l)
}
func (t *failingTx) CreateRegistration(ctx context.Context, r *authcore.UserRegistration) error {
	if err := t.write(); err != nil {
		return err
	}
	return t.Store.CreateRegistration(ctx, r)
}
func (t *failingTx) CreateLoginRecord(ctx context.Context, r *authcore.LoginRecord) error {
	if err := t.write(); err != nil {
		return err
	}
	return t.Store.CreateLoginRecord(ctx, r)
}
func (t *failingTx) CreateRefreshToken(ctx context.Context, r *authcore.RefreshToken) error {
	if err := t.write(); err != nil {
		return err
	}
	return t.Store.CreateRefreshToken(ctx, r)
}

func TestLoginStoreFailureLeavesNothing(t *testing.T) {
	// The first login's writes: user, link, registration, login record,
	// refresh token. Fail each in turn; a sixth write does not happen (the
	// last case), so the list is complete.
	const writes = 5
	for failAt := 1; failAt <= writes+1; failAt++ {
		t.Run(fmt.Sprint("write ", failAt), func(t *testing.T) {
			tw := twittertest.NewServer()
			defer tw.Close()
			mem := memstore.New()
			fs := &failingStore{Store: mem}
			f := newLoginFixtureOn(t, tw, fs, mem)
			f.account("1111", "jo", "jo@example.com")
			// Sign first, so a key's creation is not among the counted writes.
			require.Equal(t, 200, f.anon("POST", "/api/identity-provider/login", f.loginBody(overrideAppID, "1111", nil)).Code)
			require.NoError(t, mem.DeleteUser(context.Background(), decodeLoginUserID(t, f)))
			before := mem.Stats()
			fs.writes, fs.failAt = 0, failAt
			r := f.login("1111", nil)
			after := mem.Stats()
			if failAt > writes {
				require.Equal(t, 200, r.Code, r.Body)
				assert.Equal(t, before.Users+1, after.Users)
				assert.Equal(t, before.Links+1, after.Links)
				return
			}
			assert.Equal(t, 500, r.Code)
			assert.Empty(t, r.Body)
			assert.Equal(t, before.Users, after.Users)
			assert.Equal(t, before.Links, after.Links)
			assert.Equal(t, before.Registrations, after.Registrations)
			assert.Equal(t, before.LoginRecords, after.LoginRecords)
			assert.Equal(t, before.RefreshTokens, after.RefreshTokens)
		})
	}
}

func decodeLoginUserID(t *testing.T, f *loginFixture) string {
	t.Helper()
	l, err := f.store.GetLink(context.Background(), f.tenant, twitterID, "1111")
	require.NoError(t, err)
	return l.UserID
}

func TestLoginConcurrentFirstLogins(t *testing.T) {
	for rep := 0; rep < 20; rep++ {
		f := newLoginFixture(t, providerOpts{})
		f.account("4242", "race", "race@example.com")
		const n = 64
		bodies := make([]string, n)
		for i := range bodies {
			tok, sec := f.tw.IssueAccessToken(consumerKey, "4242")
			bodies[i] = fmt.Sprintf(`{"applicationId":%q,"identityProviderId":%q,"data":{"oauth_token":%q,"oauth_token_secret":%q}}`, loginAppID, twitterID, tok, sec)
		}
		var wg sync.WaitGroup
		codes := make([]int, n)
		ids := make([]string, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r := f.anon("POST", "/api/identity-provider/login", bodies[i])
				codes[i] = r.Code
				if r.Code == 200 {
					var out loginOut
					if json.Unmarshal([]byte(r.Body), &out) == nil && out.User != nil {
						ids[i] = out.User.ID
					}
				}
			}(i)
		}
		wg.Wait()
		for i := range codes {
			require.Equal(t, 200, codes[i], "login %d", i)
			require.Equal(t, ids[0], ids[i])
		}
		s := stats(f)
		require.Equal(t, 1, s.Users)
		require.Equal(t, 1, s.Links)
		require.Equal(t, 1, s.Registrations)
		require.Equal(t, n, s.LoginRecords)
	}
}

func TestLoginTokensAndCookies(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	f.account("1212", "kim", "kim@example.com")
	r := f.login("1212", map[string]any{"ipAddress": "203.0.113.7", "metaData": map[string]any{"device": map[string]any{"name": "phone", "type": "MOBILE"}}})
	require.Equal(t, 200, r.Code, r.Body)
	out := decodeLogin(t, r)

	// The JWT verifies with go-jose against the tenant's stored key.
	ctx := context.Background()
	tn, err := f.store.GetTenant(ctx, f.tenant)
	require.NoError(t, err)
	key, err := f.store.GetKey(ctx, tn.JWTConfiguration.AccessTokenKeyID)
	require.NoError(t, err)
	require.Equal(t, "HS256", key.Algorithm)
	sig, err := jose.ParseSignedCompact(out.Token, []jose.SignatureAlgorithm{jose.HS256})
	require.NoError(t, err)
	assert.Equal(t, key.ID, sig.Signatures[0].Header.KeyID)
	payload, err := sig.Verify(key.Secret)
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(payload, &claims))
	assert.Equal(t, loginAppID, claims["aud"])
	assert.Equal(t, loginAppID, claims["applicationId"])
	assert.Equal(t, out.User.ID, claims["sub"])
	assert.Equal(t, tn.Issuer, claims["iss"])
	assert.Equal(t, "TWITTER", claims["authenticationType"])
	assert.Equal(t, "kim@example.com", claims["email"])
	assert.Equal(t, true, claims["email_verified"])
	assert.Equal(t, []any{"user"}, claims["roles"])
	assert.Equal(t, out.RefreshTokenID, claims["sid"])
	assert.Equal(t, f.tenant, claims["tid"])
	for _, c := range []string{"exp", "iat", "jti", "auth_time"} {
		assert.Contains(t, claims, c)
	}
	assert.Equal(t, out.TokenExpirationInstant/1000, int64(claims["exp"].(float64)))

	cookies := r.Header.Values("Set-Cookie")
	require.Len(t, cookies, 2)
	joined := strings.Join(cookies, "\n")
	assert.Contains(t, joined, "access_token="+out.Token)
	assert.Contains(t, joined, "refresh_token="+out.RefreshToken)
	// The attributes are read from the parsed cookie, not searched for in
	// the header: its value is a JWT or a random refresh token, whose
	// base64url may spell "Secure" by chance.
	for _, c := range cookies {
		pc, err := http.ParseSetCookie(c)
		require.NoError(t, err, c)
		assert.True(t, pc.HttpOnly, c)
		assert.Equal(t, http.SameSiteLaxMode, pc.SameSite, c)
		assert.Equal(t, "/", pc.Path, c)
		assert.False(t, pc.Secure, "not over plain http: %s", c)
	}

	// The login record keeps the body's address and the device.
	recs := f.store.LoginRecords(out.User.ID)
	require.Len(t, recs, 1)
	assert.Equal(t, "203.0.113.7", recs[0].IPAddress)
	assert.Equal(t, map[string]any{"device": map[string]any{"name": "phone", "type": "MOBILE"}}, recs[0].Device)
	u, err := f.store.GetUser(ctx, out.User.ID)
	require.NoError(t, err)
	assert.NotZero(t, u.LastLoginInstant)
	reg, err := f.store.GetRegistration(ctx, u.ID, loginAppID)
	require.NoError(t, err)
	assert.Equal(t, u.LastLoginInstant, reg.LastLoginInstant)

	// X-Forwarded-For when the body names no address; noJWT: no token, no cookies.
	r = f.login("1212", map[string]any{"noJWT": true}, "X-Forwarded-For", "198.51.100.1, 10.0.0.1")
	require.Equal(t, 200, r.Code)
	out2 := decodeLogin(t, r)
	assert.Empty(t, out2.Token)
	assert.Empty(t, out2.RefreshToken)
	assert.Empty(t, r.Header.Values("Set-Cookie"))
	recs = f.store.LoginRecords(out.User.ID)
	require.Len(t, recs, 2)
	assert.Equal(t, "198.51.100.1", recs[1].IPAddress)
}

// Twitter's numeric id is above 2^53 for accounts made since 2013 (a
// snowflake). A reconcile function gets it exactly, as json.Number, and what
// it copies into data is stored exactly; as float64 it was rounded.
func TestLoginReconcileSeesTwitterIDExactly(t *testing.T) {
	const snowflake = "1453020386563833857"
	var seen any
	l := authcore.Lambda{ID: reconcileID, Type: authcore.LambdaTwitterReconcile, Reconcile: func(_ context.Context, u *authcore.User, _ *authcore.UserRegistration, claims map[string]any) error {
		seen = claims["id"]
		u.Data = map[string]any{"twitterId": claims["id"]}
		return nil
	}}
	f := newLoginFixture(t, providerOpts{reconcileID: reconcileID}, authcore.WithLambda(l))
	f.account(snowflake, "snow", "snow@example.com")
	r := f.login(snowflake, nil)
	require.Equal(t, 200, r.Code, r.Body)
	assert.Equal(t, json.Number(snowflake), seen)
	assert.Contains(t, r.Body, `"data":{"twitterId":`+snowflake+`}`)
	u, err := f.store.GetUser(context.Background(), decodeLogin(t, r).User.ID)
	require.NoError(t, err)
	assert.Equal(t, json.Number(snowflake), u.Data["twitterId"])
}

func TestLoginReconcile(t *testing.T) {
	var calls int
	ok := authcore.Lambda{ID: reconcileID, Type: authcore.LambdaTwitterReconcile, Reconcile: func(_ context.Context, u *authcore.User, reg *authcore.UserRegistration, claims map[string]any) error {
		calls++
		u.FirstName = "From " + claims["screen_name"].(string)
		if reg != nil {
			reg.Roles = append(reg.Roles, "admin")
		}
		return nil
	}}
	f := newLoginFixture(t, providerOpts{reconcileID: reconcileID}, authcore.WithLambda(ok))
	f.account("1313", "lou", "lou@example.com")
	r := f.login("1313", nil)
	require.Equal(t, 200, r.Code, r.Body)
	out := decodeLogin(t, r)
	assert.Equal(t, "From lou", out.User.FirstName)
	assert.Equal(t, []string{"admin", "user"}, out.User.Registrations[0].Roles, "the roles it appended, sorted as a registration keeps them")
	assert.Equal(t, 1, calls)

	for name, fn := range map[string]authcore.ReconcileFunc{
		"error": func(context.Context, *authcore.User, *authcore.UserRegistration, map[string]any) error {
			return errors.New("lambda says no")
		},
		"panic": func(context.Context, *authcore.User, *authcore.UserRegistration, map[string]any) error { panic("boom") },
	} {
		t.Run(name, func(t *testing.T) {
			bad := authcore.Lambda{ID: reconcileID, Type: authcore.LambdaTwitterReconcile, Reconcile: fn}
			f := newLoginFixture(t, providerOpts{reconcileID: reconcileID}, authcore.WithLambda(bad))
			f.account("1414", "max", "max@example.com")
			before := stats(f)
			r := f.login("1414", nil)
			assert.Equal(t, 512, r.Code)
			after := stats(f)
			assert.Equal(t, before.Users, after.Users)
			assert.Equal(t, before.Links, after.Links)
			assert.Equal(t, before.Registrations, after.Registrations)
			res, err := f.engine.SearchEventLogs(context.Background(), authcore.EventLogSearchCriteria{Message: "reconcile"})
			require.NoError(t, err)
			assert.Equal(t, 1, res.Total)
		})
	}

	t.Run("never for LinkAnonymously", func(t *testing.T) {
		calls = 0
		f := newLoginFixture(t, providerOpts{reconcileID: reconcileID, strategy: "LinkAnonymously"}, authcore.WithLambda(ok))
		f.account("1515", "ned", "ned@example.com")
		require.Equal(t, 200, f.login("1515", nil).Code)
		assert.Equal(t, 0, calls)
	})
}

// A reconcile function that puts in data what JSON cannot hold fails the
// login with nothing written, on memstore as on the SQL stores (which cannot
// encode it). memstore stored the user, link, registration and refresh token
// and then answered 500: the user could never be read or log in again.
func TestLoginReconcileDataJSONCannotHoldWritesNothing(t *testing.T) {
	l := authcore.Lambda{ID: reconcileID, Type: authcore.LambdaTwitterReconcile, Reconcile: func(_ context.Context, u *authcore.User, _ *authcore.UserRegistration, _ map[string]any) error {
		u.Data = map[string]any{"score": math.NaN()}
		return nil
	}}
	f := newLoginFixture(t, providerOpts{reconcileID: reconcileID}, authcore.WithLambda(l))
	f.account("1616", "nan", "nan@example.com")
	before := stats(f)
	r := f.login("1616", nil)
	assert.Equal(t, 500, r.Code, r.Body)
	assert.Equal(t, before, stats(f), "nothing of the login was stored")
}

func newLoginFixtureOn(t *testing.T, tw *twittertest.Server, s authcore.Store, mem *memstore.Store) *loginFixture {
	t.Helper()
	return newLoginFixtureStore(t, tw, s, mem, providerOpts{})
}

// stalingStore hides a link from the first GetLink of each transaction, as
// a database at READ COMMITTED does when another login commits the link
// between two reads.
type stalingStore struct{ authcore.Store }

func (s *stalingStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		return fn(ctx, &stalingTx{Store: tx})
	})
}

type stalingTx struct {
	authcore.Store
	hid bool
}

func (t *stalingTx) GetLink(ctx context.Context, tenantID, providerID, providerUserID string) (*authcore.IdentityProviderLink, error) {
	if !t.hid {
		t.hid = true
		return nil, authcore.ErrNotFound
	}
	return t.Store.GetLink(ctx, tenantID, providerID, providerUserID)
}

func TestLoginSeesALinkCommittedBetweenItsReads(t *testing.T) {
	tw := twittertest.NewServer()
	defer tw.Close()
	mem := memstore.New()
	f := newLoginFixtureStore(t, tw, &stalingStore{Store: mem}, mem, providerOpts{})
	f.account("3131", "tess", "tess@example.com")
	first := f.login("3131", nil)
	require.Equal(t, 200, first.Code, first.Body)
	// The second login's first read misses the link; the candidate found by
	// e-mail carries it, and the login uses it instead of failing.
	second := f.login("3131", nil)
	require.Equal(t, 200, second.Code, second.Body)
	assert.Equal(t, decodeLogin(t, first).User.ID, decodeLogin(t, second).User.ID)
	assert.Equal(t, 1, stats(f).Links)
}

// The login answers with every registration of the user, the one it just
// created included, in the order a read of the user gives them.
func TestLoginRegistrationsInTheResponse(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	f.account("7007", "fay", "fay@example.com")
	r := f.login("7007", nil)
	require.Equal(t, 200, r.Code, r.Body)
	first := decodeLogin(t, r)
	require.Len(t, first.User.Registrations, 1)
	assert.Equal(t, loginAppID, first.User.Registrations[0].ApplicationID)

	// The same account through the second application: the link exists,
	// the registration is new.
	r = f.anon("POST", "/api/identity-provider/login", f.loginBody(overrideAppID, "7007", nil))
	require.Equal(t, 200, r.Code, r.Body)
	second := decodeLogin(t, r)
	require.Equal(t, first.User.ID, second.User.ID)
	require.Len(t, second.User.Registrations, 2)

	stored := f.do("GET", "/api/user/"+second.User.ID, "")
	require.Equal(t, 200, stored.Code, stored.Body)
	var got struct {
		User authcore.User `json:"user"`
	}
	require.NoError(t, json.Unmarshal([]byte(stored.Body), &got))
	assert.Equal(t, got.User.Registrations, second.User.Registrations, "the login's registrations are the stored ones, in the store's order")
	assert.Equal(t, []string{loginAppID, overrideAppID}, []string{second.User.Registrations[0].ApplicationID, second.User.Registrations[1].ApplicationID})

	// A repeat login through the first application updates its
	// registration's lastLoginInstant and still answers both.
	r = f.login("7007", nil)
	require.Equal(t, 200, r.Code, r.Body)
	third := decodeLogin(t, r)
	require.Len(t, third.User.Registrations, 2)
	stored = f.do("GET", "/api/user/"+third.User.ID, "")
	require.NoError(t, json.Unmarshal([]byte(stored.Body), &got))
	assert.Equal(t, got.User.Registrations, third.User.Registrations)
}
