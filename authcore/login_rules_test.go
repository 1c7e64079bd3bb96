package authcore_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// Rules of the login and the token paths around it that a review found
// broken; each case failed before its fix.

func newRulesEnv(t *testing.T, strategy string) *eventstest.Env {
	t.Helper()
	return eventstest.New(t, memstore.New(), eventstest.Options{Strategy: strategy})
}

// updateProvider replaces the Twitter provider with what change makes of it.
func updateProvider(t *testing.T, env *eventstest.Env, change func(p *twitter.Provider)) error {
	t.Helper()
	p, err := env.Engine.IdentityProvider(env.Ctx, twitter.ProviderID)
	require.NoError(t, err)
	change(p)
	_, err = env.Engine.UpdateIdentityProvider(env.Ctx, twitter.ProviderID, *p)
	return err
}

func TestLoginIntoDeactivatedApplicationIsRefused(t *testing.T) {
	env := newRulesEnv(t, "")
	env.Account("401", "ada", "ada@example.com")
	env.MustLogin("401")
	_, err := env.Engine.DeactivateApplication(env.Ctx, eventstest.AppID)
	require.NoError(t, err)

	resp, err := env.Login("401")
	assert.Nil(t, resp)
	var ve *authcore.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"[invalid]applicationId"}, ve.Codes())
}

// An upper-case id keying applicationConfiguration or tenantConfiguration is
// the same id: stored lower-case, it is found at login and its link limit
// holds.
func TestProviderConfigurationKeysAreLowerCased(t *testing.T) {
	env := newRulesEnv(t, "")
	one := 1
	require.NoError(t, updateProvider(t, env, func(p *twitter.Provider) {
		p.ApplicationConfiguration = map[string]twitter.ApplicationConfiguration{strings.ToUpper(eventstest.AppID): {Enabled: true}}
		p.TenantConfiguration = map[string]twitter.TenantConfiguration{strings.ToUpper(env.TenantID): {
			LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: true, MaximumLinks: &one}}}
	}))
	p, err := env.Engine.IdentityProvider(env.Ctx, twitter.ProviderID)
	require.NoError(t, err)
	assert.Contains(t, p.ApplicationConfiguration, eventstest.AppID)
	assert.Contains(t, p.TenantConfiguration, env.TenantID)

	env.Account("402", "bob", "bob@example.com")
	resp, err := env.Login("402")
	require.NoError(t, err, "the application's entry is found")
	_, err = env.Engine.CreateLink(env.Ctx, authcore.LinkRequest{IdentityProviderLink: authcore.IdentityProviderLink{
		IdentityProviderID: twitter.ProviderID, IdentityProviderUserID: "999", UserID: resp.User.ID}})
	var ve *authcore.ValidationError
	require.ErrorAs(t, err, &ve, "the tenant's limit of one link holds")
	assert.Contains(t, ve.Codes(), "[LinkCountExceeded]")
}

// Two keys naming one id in different cases cannot both be kept, and which
// one was meant cannot be told: refused, nothing stored.
func TestProviderConfigurationKeysInTwoCasesAreRefused(t *testing.T) {
	env := newRulesEnv(t, "")
	before, err := env.Engine.IdentityProvider(env.Ctx, twitter.ProviderID)
	require.NoError(t, err)
	err = updateProvider(t, env, func(p *twitter.Provider) {
		p.ApplicationConfiguration = map[string]twitter.ApplicationConfiguration{
			eventstest.AppID:                  {Enabled: true},
			strings.ToUpper(eventstest.AppID): {Enabled: false},
		}
	})
	var ve *authcore.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"[invalid]identityProvider.applicationConfiguration"}, ve.Codes())
	assert.Contains(t, ve.FieldErrors["identityProvider.applicationConfiguration"][0].Message, "twice")
	after, err := env.Engine.IdentityProvider(env.Ctx, twitter.ProviderID)
	require.NoError(t, err)
	assert.Equal(t, before.ApplicationConfiguration, after.ApplicationConfiguration)
}

func TestDeleteProviderByUpperCaseID(t *testing.T) {
	env := newRulesEnv(t, "")
	env.Account("403", "cy", "cy@example.com")
	env.MustLogin("403")
	require.NoError(t, env.Engine.DeleteIdentityProvider(env.Ctx, strings.ToUpper(twitter.ProviderID)))
	_, err := env.Engine.IdentityProvider(env.Ctx, twitter.ProviderID)
	require.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = env.Store.GetLink(env.Ctx, env.TenantID, twitter.ProviderID, "403")
	require.ErrorIs(t, err, authcore.ErrNotFound, "the provider's links go with it")
}

// An expired user gets no new token from IssueJWT, as from a login or a
// refresh.
func TestIssueJWTRefusesExpiredUser(t *testing.T) {
	env := newRulesEnv(t, "")
	other, err := env.Engine.CreateApplication(env.Ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "other"}})
	require.NoError(t, err)
	env.Account("701", "ex", "ex@example.com")
	resp := env.MustLogin("701")
	_, err = env.Engine.IssueJWT(env.Ctx, authcore.IssueRequest{AccessToken: resp.Token, ApplicationID: other.ID})
	require.NoError(t, err, "while the user has not expired")

	_, err = env.Engine.PatchUser(env.Ctx, resp.User.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(`{"user":{"expiry":1000}}`)})
	require.NoError(t, err)
	_, err = env.Engine.IssueJWT(env.Ctx, authcore.IssueRequest{AccessToken: resp.Token, ApplicationID: other.ID})
	require.ErrorIs(t, err, authcore.ErrTokenInvalid)
}

// Under LinkByUsername a Twitter account whose email another user holds
// cannot get a user of its own: a 400 naming user.email, not a conflict to
// retry, and nothing written.
func TestLoginWhoseEmailAnotherUserHoldsIsRefused(t *testing.T) {
	env := newRulesEnv(t, "LinkByUsername")
	holder, err := env.Engine.CreateUser(env.Ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "ada@example.com"}})
	require.NoError(t, err)
	env.Account("501", "ada_tw", "ada@example.com")

	_, err = env.Login("501")
	require.NotErrorIs(t, err, authcore.ErrConflict)
	var ve *authcore.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"[duplicate]user.email"}, ve.Codes())

	_, err = env.Store.GetUserByUsername(env.Ctx, env.TenantID, "ada_tw")
	require.ErrorIs(t, err, authcore.ErrNotFound, "no user")
	_, err = env.Store.GetLink(env.Ctx, env.TenantID, twitter.ProviderID, "501")
	require.ErrorIs(t, err, authcore.ErrNotFound, "no link")
	still, err := env.Store.GetUser(env.Ctx, holder.ID)
	require.NoError(t, err)
	assert.Empty(t, still.Username, "the holder is untouched")
}

// A reconcile function may change the user, but not which user it is or
// its tenant: a login must never write over another user.
func TestReconcileCannotMoveTheUser(t *testing.T) {
	const lambdaID = "9f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	var victim string
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{
		authcore.WithLambda(authcore.Lambda{ID: lambdaID, Type: authcore.LambdaTwitterReconcile,
			Reconcile: func(_ context.Context, u *authcore.User, _ *authcore.UserRegistration, _ map[string]any) error {
				u.ID, u.TenantID = victim, "00000000-0000-4000-8000-000000000000"
				u.FullName = "Reconciled"
				return nil
			}}),
	}})
	other, err := env.Engine.CreateUser(env.Ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "victim@example.com", FullName: "Victim"}})
	require.NoError(t, err)
	victim = other.ID
	require.NoError(t, updateProvider(t, env, func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = lambdaID }))

	env.Account("601", "rec", "rec@example.com")
	resp := env.MustLogin("601")
	assert.NotEqual(t, victim, resp.User.ID)
	assert.Equal(t, env.TenantID, resp.User.TenantID)
	assert.Equal(t, "Reconciled", resp.User.FullName, "the lambda's other changes stand")
	stored, err := env.Store.GetUser(env.Ctx, victim)
	require.NoError(t, err)
	assert.Equal(t, "Victim", stored.FullName)
	assert.Equal(t, "victim@example.com", stored.Email)
}

// LinkAnonymously keeps the Twitter account's screen name off the
// registration too.
func TestAnonymousRegistrationHasNoUsername(t *testing.T) {
	env := newRulesEnv(t, "LinkAnonymously")
	env.Account("602", "someone", "someone@example.com")
	resp := env.MustLogin("602")
	require.Len(t, resp.User.Registrations, 1)
	assert.Empty(t, resp.User.Registrations[0].Username)
	assert.Empty(t, resp.User.Registrations[0].UsernameStatus)
	assert.Empty(t, resp.User.Email)
	assert.Empty(t, resp.User.Username)
}

// conflictAt is a store whose InTx call number failAt fails with
// ErrConflict without running: a transaction that lost a race.
type conflictAt struct {
	authcore.Store
	calls, failAt atomic.Int32
}

func (s *conflictAt) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	if s.calls.Add(1) == s.failAt.Load() {
		return authcore.ErrConflict
	}
	return s.Store.InTx(ctx, fn)
}

// The tenant's first signing key is created after the login committed; a
// lost race there retries the key, not the login, which would store a
// second refresh token.
func TestKeyRaceAfterCommitDoesNotRepeatTheLogin(t *testing.T) {
	store := &conflictAt{Store: memstore.New()}
	env := eventstest.New(t, store, eventstest.Options{})
	env.Account("603", "racer", "racer@example.com")
	req := env.Request("603")
	// The login's transaction is the next InTx; the key's the one after.
	store.failAt.Store(store.calls.Load() + 2)
	resp, err := env.Engine.IdentityProviderLogin(env.Ctx, req)
	require.NoError(t, err)
	require.NotEmpty(t, resp.Token)
	require.Greater(t, store.calls.Load(), store.failAt.Load(), "the key's transaction lost once and ran again")
	tokens, err := env.Store.ListRefreshTokens(env.Ctx, resp.User.ID)
	require.NoError(t, err)
	assert.Len(t, tokens, 1, "one refresh token")
}

// A merge-form PATCH naming a configured application in upper case merges
// into its entry, as the ids are stored lower-cased.
func TestPatchProviderUpperCaseKeyMerges(t *testing.T) {
	env := newRulesEnv(t, "")
	for _, ct := range []string{"application/json", "application/merge-patch+json"} {
		p, err := env.Engine.PatchIdentityProvider(env.Ctx, twitter.ProviderID, authcore.PatchRequest{ContentType: ct,
			Body: []byte(`{"identityProvider":{"applicationConfiguration":{"` + strings.ToUpper(eventstest.AppID) + `":{"buttonText":"` + ct + `"}}}}`)})
		require.NoError(t, err, ct)
		require.Len(t, p.ApplicationConfiguration, 1)
		ac := p.ApplicationConfiguration[eventstest.AppID]
		assert.Equal(t, ct, ac.ButtonText)
		assert.True(t, ac.Enabled, "the entry's other members stay")
	}
}

// What a reconcile function writes is checked as the User API checks it:
// an invalid user or registration refuses the login as the function's
// failure, and stores nothing.
func TestReconcileResultIsValidated(t *testing.T) {
	for name, change := range map[string]func(*authcore.User, *authcore.UserRegistration){
		"email too long": func(u *authcore.User, _ *authcore.UserRegistration) {
			u.Email = strings.Repeat("a", 300) + "@example.com"
		},
		"not an email":      func(u *authcore.User, _ *authcore.UserRegistration) { u.Email = "nope" },
		"user timezone":     func(u *authcore.User, _ *authcore.UserRegistration) { u.Timezone = "Mars/Olympus" },
		"registration zone": func(_ *authcore.User, r *authcore.UserRegistration) { r.Timezone = "Local" },
		"image URL":         func(u *authcore.User, _ *authcore.UserRegistration) { u.ImageURL = "my picture" },
		"user language":     func(u *authcore.User, _ *authcore.UserRegistration) { u.PreferredLanguages = []string{"english"} },
		"registration language": func(_ *authcore.User, r *authcore.UserRegistration) {
			r.PreferredLanguages = []string{"en", "english"}
		},
		"two-factor method without a kind": func(u *authcore.User, _ *authcore.UserRegistration) {
			u.TwoFactor = &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{{}}}
		},
		"email method without an address": func(u *authcore.User, _ *authcore.UserRegistration) {
			u.TwoFactor = &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{{Method: authcore.TwoFactorMethodEmail}}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			const lambdaID = "5e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
			env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{
				authcore.WithLambda(authcore.Lambda{ID: lambdaID, Type: authcore.LambdaTwitterReconcile,
					Reconcile: func(_ context.Context, u *authcore.User, r *authcore.UserRegistration, _ map[string]any) error {
						change(u, r)
						return nil
					}}),
			}})
			require.NoError(t, updateProvider(t, env, func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = lambdaID }))
			env.Account("611", "checked", "checked@example.com")
			_, err := env.Login("611")
			var le *authcore.LambdaError
			require.ErrorAs(t, err, &le)
			_, err = env.Store.GetLink(env.Ctx, env.TenantID, twitter.ProviderID, "611")
			require.ErrorIs(t, err, authcore.ErrNotFound, "nothing stored")
		})
	}
}

// Twitter's profile image URL fills user.imageUrl only when it is a URI, as
// the User API requires: stored, one that is not made every later PUT of
// what GET returned fail.
func TestTwitterImageURLMustBeURI(t *testing.T) {
	env := newRulesEnv(t, "")
	env.Twitter.AddAccount(twittertest.Account{ID: "621", ScreenName: "pic", Name: "Pic", Email: "pic@example.com",
		ProfileImageURL: "https://pbs.twimg.com/profile images/621.png"})
	resp := env.MustLogin("621")
	assert.Empty(t, resp.User.ImageURL, "not a URI: not filled")
	assert.Equal(t, "Pic", resp.User.FullName)
	_, err := env.Engine.UpdateUser(env.Ctx, resp.User.ID, authcore.UserRequest{User: authcore.UserInput{Email: "pic@example.com", FullName: "Pic"}})
	require.NoError(t, err)

	env.Twitter.AddAccount(twittertest.Account{ID: "622", ScreenName: "pic2", Name: "Pic", Email: "pic2@example.com",
		ProfileImageURL: "https://pbs.twimg.com/profile_images/622.png"})
	assert.Equal(t, "https://pbs.twimg.com/profile_images/622.png", env.MustLogin("622").User.ImageURL)
}

// A reconcile function may not move a registration, its id included: the
// registration a login creates or updates keeps the id the engine gave it.
// Before, an id another registration holds failed the login as a conflict
// after every retry (409, each retry running the function again), and any
// other id replaced the stored one, which PUT and PATCH never change.
func TestReconcileKeepsTheRegistrationID(t *testing.T) {
	const lambdaID = "5e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5c"
	var taken atomic.Value
	taken.Store("")
	calls := 0
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{
		authcore.WithLambda(authcore.Lambda{ID: lambdaID, Type: authcore.LambdaTwitterReconcile,
			Reconcile: func(_ context.Context, _ *authcore.User, r *authcore.UserRegistration, _ map[string]any) error {
				calls++
				if id := taken.Load().(string); r != nil && id != "" {
					r.ID = id
				}
				return nil
			}}),
	}})
	env.Account("631", "first", "first@example.com")
	first := env.MustLogin("631")
	require.Len(t, first.User.Registrations, 1)
	require.NoError(t, updateProvider(t, env, func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = lambdaID }))
	taken.Store(first.User.Registrations[0].ID)

	env.Account("632", "second", "second@example.com")
	resp, err := env.Login("632")
	require.NoError(t, err, "another registration's id, written by the function, is not the new registration's")
	require.Equal(t, 1, calls, "the function ran once")
	require.Len(t, resp.User.Registrations, 1)
	created := resp.User.Registrations[0].ID
	require.NotEqual(t, first.User.Registrations[0].ID, created)

	taken.Store("6b0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5d")
	resp, err = env.Login("632")
	require.NoError(t, err)
	stored, err := env.Store.GetRegistration(env.Ctx, resp.User.ID, eventstest.AppID)
	require.NoError(t, err)
	require.Equal(t, created, stored.ID, "an update keeps the stored id")
	require.Equal(t, created, resp.User.Registrations[0].ID)
}

// Two-factor methods a reconcile function writes are taken as the User API
// takes them: each gets an id and an authenticator method its TOTP
// configuration, and a login of a user with a method stops at 242.
func TestReconciledTwoFactorMethodsAreCompleted(t *testing.T) {
	const lambdaID = "6f1d2b3c-4d5e-4f60-9a0b-1c2d3e4f5a6b"
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{
		authcore.WithLambda(authcore.Lambda{ID: lambdaID, Type: authcore.LambdaTwitterReconcile,
			Reconcile: func(_ context.Context, u *authcore.User, _ *authcore.UserRegistration, _ map[string]any) error {
				if u.TwoFactor == nil {
					u.TwoFactor = &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{{Method: authcore.TwoFactorMethodAuthenticator}}}
				}
				return nil
			}}),
	}})
	require.NoError(t, updateProvider(t, env, func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = lambdaID }))
	env.Account("631", "otp", "otp@example.com")
	resp, err := env.Login("631")
	require.NoError(t, err)
	assert.Equal(t, authcore.LoginTwoFactorRequired, resp.Status)
	require.Len(t, resp.Methods, 1)
	m := resp.Methods[0]
	assert.Len(t, m.ID, 4, "the method has an id a second step can name")
	assert.Equal(t, "HmacSHA1", m.Authenticator.Algorithm)
	stored, err := env.Engine.User(env.Ctx, resp.User.ID)
	require.NoError(t, err)
	require.NotNil(t, stored.TwoFactor)
	assert.Equal(t, resp.Methods, stored.TwoFactor.Methods, "stored as answered")

	// The next login's function sees the stored method and changes
	// nothing: the method keeps its id.
	again, err := env.Login("631")
	require.NoError(t, err)
	require.Len(t, again.Methods, 1)
	assert.Equal(t, m.ID, again.Methods[0].ID)
}
