package authcore_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// outsiderSecret is the HMAC secret of a key imported by someone who keeps
// it: they can sign any claims with it, so it must never count as a key
// that signed a tenant's or an application's tokens unless it did.
const outsiderSecret = "an-outsider-holds-this-secret-32b!"

// importOutsiderKey imports an HS256 key whose secret the test holds.
func importOutsiderKey(t *testing.T, f *tokenFixture, name string) *authcore.SigningKey {
	t.Helper()
	k, err := f.engine.ImportKey(f.ctx, authcore.KeyImport{Name: name, Algorithm: authcore.AlgHS256, Secret: outsiderSecret})
	require.NoError(t, err)
	return k
}

// loginClaims are the claims of a login of f.user into app, as an
// outsider would forge them.
func loginClaims(f *tokenFixture, appID string) map[string]any {
	now := f.clock.Now()
	return map[string]any{"sub": f.user.ID, "aud": appID, "tid": f.tenant.ID, "iss": "acme.com",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "authenticationType": "PASSWORD"}
}

// requireLoginTokenAccepted checks every path that takes a login's token
// (GET /api/jwt/issue, RequireToken, RequireTokenFor, a revocation by the
// owner's token) for tok, a token of f.user for appID.
func requireLoginTokenAccepted(t *testing.T, f *tokenFixture, tok, appID, why string) {
	t.Helper()
	_, err := f.engine.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: tok, ApplicationID: appID})
	require.NoError(t, err, "IssueJWT: %s", why)
	sub, err := f.engine.LoginTokenSubject(f.ctx, tok)
	require.NoError(t, err, "LoginTokenSubject: %s", why)
	require.Equal(t, f.user.ID, sub)
	_, err = f.engine.ValidateAccessTokenFor(f.ctx, tok, appID)
	require.NoError(t, err, "ValidateAccessTokenFor: %s", why)
}

// requireLoginTokenRefused is the opposite: every such path answers 401.
func requireLoginTokenRefused(t *testing.T, f *tokenFixture, tok, appID, why string) {
	t.Helper()
	_, err := f.engine.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: tok, ApplicationID: appID})
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "IssueJWT: %s", why)
	_, err = f.engine.LoginTokenSubject(f.ctx, tok)
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "LoginTokenSubject: %s", why)
	_, err = f.engine.ValidateAccessTokenFor(f.ctx, tok, appID)
	require.ErrorIs(t, err, authcore.ErrUnauthorized, "ValidateAccessTokenFor: %s", why)
}

// A tenant's access tokens signed before its key changed keep working for
// a login until they expire or the old key is deleted: DECISIONS says old
// keys verify until deleted and a rotation logs nobody out, and FusionAuth
// takes a token of any key it has. Only GET /api/jwt/validate did; the
// exchange, RequireToken and RequireTokenFor answered 401 to every user
// logged in before the rotation.
func TestTenantKeyChangeKeepsEarlierLoginTokens(t *testing.T) {
	changes := map[string]func(t *testing.T, f *tokenFixture){
		"RotateTenantKey": func(t *testing.T, f *tokenFixture) {
			_, err := f.engine.RotateTenantKey(f.ctx, f.tenant.ID, authcore.AlgES256)
			require.NoError(t, err)
		},
		"a tenant update naming another key": func(t *testing.T, f *tokenFixture) {
			k, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, "next")
			require.NoError(t, err)
			_, err = f.engine.PatchTenant(f.ctx, f.tenant.ID, authcore.PatchRequest{ContentType: "application/json",
				Body: []byte(`{"tenant":{"jwtConfiguration":{"accessTokenKeyId":"` + k.ID + `"}}}`)})
			require.NoError(t, err)
		},
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			f := newTokenFixture(t)
			tok, _ := f.issue(authcore.TokenRequest{})
			oldKey := f.reloadTenant().JWTConfiguration.AccessTokenKeyID
			outsider := importOutsiderKey(t, f, "outsider")

			change(t, f)
			require.NotEqual(t, oldKey, f.reloadTenant().JWTConfiguration.AccessTokenKeyID)
			requireLoginTokenAccepted(t, f, tok, f.app.ID, "signed by the tenant's key before it changed")

			// A key that never signed the tenant's tokens still does not
			// stand for a login of it, whoever holds its secret.
			forged := signOutside(t, jose.HS256, []byte(outsiderSecret), outsider.ID, loginClaims(f, f.app.ID))
			requireLoginTokenRefused(t, f, forged, f.app.ID, "signed by a key that was never the tenant's")

			// Another tenant's former key is not this tenant's.
			other, err := f.engine.CreateTenant(f.ctx, "", authcore.Tenant{Name: "Other"})
			require.NoError(t, err)
			_, err = f.engine.PatchTenant(f.ctx, other.ID, authcore.PatchRequest{ContentType: "application/json",
				Body: []byte(`{"tenant":{"jwtConfiguration":{"accessTokenKeyId":"` + outsider.ID + `"}}}`)})
			require.NoError(t, err)
			_, err = f.engine.RotateTenantKey(f.ctx, other.ID, authcore.AlgHS256)
			require.NoError(t, err)
			requireLoginTokenRefused(t, f, forged, f.app.ID, "signed by another tenant's former key")

			// Deleting the old key ends its tokens, as before.
			require.NoError(t, f.engine.DeleteKey(f.ctx, oldKey))
			requireLoginTokenRefused(t, f, tok, f.app.ID, "its key was deleted")
		})
	}
}

// The same for an application that signs with its own key
// (application.jwtConfiguration.accessTokenKeyId): a change of key, or
// turning its own key off, keeps the tokens that key signed for it, and
// for it only.
func TestApplicationKeyChangeKeepsEarlierLoginTokens(t *testing.T) {
	changes := map[string]string{
		"another key": `{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"%s"}}}`,
		// Off and no longer named, so that the key may be deleted below.
		"its own key is off": `{"application":{"jwtConfiguration":{"enabled":false,"accessTokenKeyId":null}}}`,
	}
	for name, body := range changes {
		t.Run(name, func(t *testing.T) {
			f := newTokenFixture(t)
			own, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, "own")
			require.NoError(t, err)
			next, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, "next")
			require.NoError(t, err)
			outsider := importOutsiderKey(t, f, "outsider")
			patch := func(appID, body string) {
				t.Helper()
				_, err := f.engine.PatchApplication(f.ctx, appID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(body)})
				require.NoError(t, err)
			}
			patch(f.app.ID, `{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"`+own.ID+`"}}}`)
			other, err := f.engine.CreateApplication(f.ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "Hooli"}})
			require.NoError(t, err)

			app, err := f.engine.Application(f.ctx, f.app.ID)
			require.NoError(t, err)
			tok, _ := f.issue(authcore.TokenRequest{Application: app})
			header, _, _ := segments(t, tok)
			require.Equal(t, own.ID, header["kid"], "signed by the application's own key")
			// The key also signs a token for the other application: one
			// the application's key signed before is no login of it.
			forOther := signOutside(t, jose.HS256, own.Secret, own.ID, loginClaims(f, other.ID))

			if name == "another key" {
				body = `{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"` + next.ID + `"}}}`
			}
			patch(f.app.ID, body)
			requireLoginTokenAccepted(t, f, tok, f.app.ID, "signed by the application's key before it changed")
			requireLoginTokenRefused(t, f, forOther, other.ID, "the key signed another application's tokens")

			forged := signOutside(t, jose.HS256, []byte(outsiderSecret), outsider.ID, loginClaims(f, f.app.ID))
			requireLoginTokenRefused(t, f, forged, f.app.ID, "signed by a key that was never the application's")

			require.NoError(t, f.engine.DeleteKey(f.ctx, own.ID))
			requireLoginTokenRefused(t, f, tok, f.app.ID, "its key was deleted")
		})
	}
}

// A key keeps, through a rename, the record of whom it signed for.
func TestKeyRenameKeepsFormerSigners(t *testing.T) {
	f := newTokenFixture(t)
	tok, _ := f.issue(authcore.TokenRequest{})
	oldKey := f.reloadTenant().JWTConfiguration.AccessTokenKeyID
	_, err := f.engine.RotateTenantKey(f.ctx, f.tenant.ID, authcore.AlgHS256)
	require.NoError(t, err)
	_, err = f.engine.UpdateKey(f.ctx, oldKey, authcore.KeyUpdate{Name: "retired"})
	require.NoError(t, err)
	k, err := f.store.GetKey(f.ctx, oldKey)
	require.NoError(t, err)
	assert.Equal(t, []authcore.FormerSigner{{ID: f.tenant.ID, InsertInstant: f.tenant.InsertInstant}}, k.FormerTenants)
	requireLoginTokenAccepted(t, f, tok, f.app.ID, "the old key was renamed")
}

// A key stored before its former entries carried the tenant's or the
// application's InsertInstant names them by id only: such an entry still
// stands for the tokens it signed for the tenant or application as it is
// now (issued since it was created), not for a token issued before that,
// which can only be one of a deleted tenant or application of the same id.
// The next move away from the key records the entry in full.
func TestBareFormerEntryStandsOnlyForTokensSinceTheCreation(t *testing.T) {
	f := newTokenFixture(t)
	f.clock.Advance(time.Minute) // the tenant and the application were created a minute ago
	own, err := f.engine.GenerateKey(f.ctx, authcore.AlgHS256, "own")
	require.NoError(t, err)
	_, err = f.engine.PatchApplication(f.ctx, f.app.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"application":{"jwtConfiguration":{"enabled":true,"accessTokenKeyId":"` + own.ID + `"}}}`)})
	require.NoError(t, err)
	app, err := f.engine.Application(f.ctx, f.app.ID)
	require.NoError(t, err)
	f.app = app
	appTok, _ := f.issue(authcore.TokenRequest{Application: app})
	_, err = f.engine.PatchApplication(f.ctx, f.app.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
		Body: []byte(`{"application":{"jwtConfiguration":{"enabled":false,"accessTokenKeyId":null}}}`)})
	require.NoError(t, err)
	f.app, err = f.engine.Application(f.ctx, f.app.ID)
	require.NoError(t, err)
	tenantTok, _ := f.issue(authcore.TokenRequest{})
	oldKeyID := f.reloadTenant().JWTConfiguration.AccessTokenKeyID
	_, err = f.engine.RotateTenantKey(f.ctx, f.tenant.ID, authcore.AlgHS256)
	require.NoError(t, err)

	// The entries as an earlier version stored them.
	oldKey, err := f.store.GetKey(f.ctx, oldKeyID)
	require.NoError(t, err)
	require.Equal(t, []authcore.FormerSigner{{ID: f.tenant.ID, InsertInstant: f.tenant.InsertInstant}}, oldKey.FormerTenants)
	oldKey.FormerTenants = []authcore.FormerSigner{{ID: f.tenant.ID}}
	require.NoError(t, f.store.UpdateKey(f.ctx, oldKey))
	ownKey, err := f.store.GetKey(f.ctx, own.ID)
	require.NoError(t, err)
	require.Equal(t, []authcore.FormerSigner{{ID: f.app.ID, InsertInstant: f.app.InsertInstant}}, ownKey.FormerApplications)
	ownKey.FormerApplications = []authcore.FormerSigner{{ID: f.app.ID}}
	require.NoError(t, f.store.UpdateKey(f.ctx, ownKey))
	// An engine that reads the keys as stored now (the test wrote them
	// behind the first one's cache).
	f.engine, err = authcore.New(f.ctx, f.store, authcore.WithClock(f.clock.Now),
		authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)

	requireLoginTokenAccepted(t, f, tenantTok, f.app.ID, "the tenant's, signed by its former key")
	requireLoginTokenAccepted(t, f, appTok, f.app.ID, "the application's, signed by its former key")
	before := loginClaims(f, f.app.ID)
	before["iat"] = f.tenant.InsertInstant/1000 - 1 // the tenant and the application were created at one instant
	requireLoginTokenRefused(t, f, signOutside(t, jose.HS256, oldKey.Secret, oldKey.ID, before), f.app.ID,
		"the former tenant key's, issued before the tenant was created")
	requireLoginTokenRefused(t, f, signOutside(t, jose.HS256, ownKey.Secret, ownKey.ID, before), f.app.ID,
		"the former application key's, issued before the application was created")

	// Back to the old key and away again: the entry is recorded in full.
	_, err = f.engine.PatchTenant(f.ctx, f.tenant.ID, authcore.PatchRequest{ContentType: "application/json",
		Body: []byte(`{"tenant":{"jwtConfiguration":{"accessTokenKeyId":"` + oldKeyID + `"}}}`)})
	require.NoError(t, err)
	_, err = f.engine.RotateTenantKey(f.ctx, f.tenant.ID, authcore.AlgHS256)
	require.NoError(t, err)
	oldKey, err = f.store.GetKey(f.ctx, oldKeyID)
	require.NoError(t, err)
	assert.Equal(t, []authcore.FormerSigner{{ID: f.tenant.ID, InsertInstant: f.tenant.InsertInstant}}, oldKey.FormerTenants)
}
