package httpadapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tokenWorld is a fixture with an application, a registered user and a way
// to log them in (a refresh token and an access token, as a login makes).
type tokenWorld struct {
	*fixture
	ctx    context.Context
	tenant *authcore.Tenant
	app    *authcore.Application
	user   *authcore.User
	reg    *authcore.UserRegistration
}

const (
	appID  = "6a2f1c3e-7d7e-4a5e-9a43-0a5b1c2d3e4f"
	userID = "11111111-2222-4333-8444-555555555555"
)

func newTokenWorld(t *testing.T, opts ...httpadapter.Option) *tokenWorld {
	t.Helper()
	// A fixed clock: cookie Max-Age and exp are then exact.
	fixed := func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }
	w := &tokenWorld{fixture: newFixtureWith(t, []authcore.Option{authcore.WithClock(fixed)}, opts...), ctx: context.Background()}
	tenants, err := w.store.ListTenants(w.ctx)
	require.NoError(t, err)
	w.tenant = tenants[0]
	w.app = &authcore.Application{ID: appID, TenantID: w.tenant.ID, Name: "Pied Piper", Active: true}
	require.NoError(t, w.store.CreateApplication(w.ctx, w.app))
	w.user = &authcore.User{ID: userID, TenantID: w.tenant.ID, Email: "richard@piedpiper.com", Active: true, Verified: true}
	require.NoError(t, w.store.CreateUser(w.ctx, w.user))
	w.reg = &authcore.UserRegistration{ApplicationID: appID, UserID: userID, Roles: []string{"admin"}}
	require.NoError(t, w.store.CreateRegistration(w.ctx, w.reg))
	return w
}

func (w *tokenWorld) login() (access, refresh, refreshID string) {
	w.t.Helper()
	tenant, err := w.store.GetTenant(w.ctx, w.tenant.ID)
	require.NoError(w.t, err)
	plain, rt, err := w.engine.CreateRefreshToken(w.ctx, w.store, tenant, w.app, w.user, nil)
	require.NoError(w.t, err)
	tok, _, err := w.engine.IssueAccessToken(w.ctx, w.store, authcore.TokenRequest{Tenant: tenant, Application: w.app, User: w.user,
		Registration: w.reg, AuthenticationType: authcore.AuthenticationTypeTwitter, RefreshTokenID: rt.ID})
	require.NoError(w.t, err)
	return tok, plain, rt.ID
}

// refreshingApp adds an active application of the world's tenant that
// generates refresh tokens (for /api/jwt/issue to move a login to).
func (w *tokenWorld) refreshingApp(id, name string) {
	w.t.Helper()
	require.NoError(w.t, w.store.CreateApplication(w.ctx, &authcore.Application{ID: id, TenantID: w.tenant.ID, Name: name, Active: true,
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true}}))
}

// send serves a fully built request.
func (w *tokenWorld) send(req *http.Request) response {
	w.t.Helper()
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, req)
	return response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.String()}
}

func TestRefreshEndpoint(t *testing.T) {
	w := newTokenWorld(t)
	_, refresh, refreshID := w.login()

	// Anonymous: no API key.
	r := w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh+`"}`, "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var body map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
	assert.Equal(t, []string{"refreshToken", "refreshTokenId", "token"}, sortedKeys(body))
	assert.Equal(t, refresh, body["refreshToken"], "Reusable by default")
	assert.Equal(t, refreshID, body["refreshTokenId"])
	claims, err := w.engine.ValidateAccessToken(w.ctx, body["token"])
	require.NoError(t, err)
	assert.Equal(t, "REFRESH_TOKEN", claims["authenticationType"])
	cookies := r.Header.Values("Set-Cookie")
	require.Len(t, cookies, 2)
	assert.Equal(t, "access_token="+body["token"]+"; Path=/; HttpOnly; SameSite=Lax", cookies[0])
	assert.Equal(t, fmt.Sprintf("refresh_token=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax", refresh, 43200*60), cookies[1])

	// The cookie alone works, and wins over the body.
	req := httptest.NewRequest("POST", "/api/jwt/refresh", nil)
	req.AddCookie(&http.Cookie{Name: "refresh_token", Value: refresh})
	r = w.send(req)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	req = httptest.NewRequest("POST", "/api/jwt/refresh", nil)
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: "refresh_token", Value: refresh})
	r = w.send(req)
	require.Equal(t, http.StatusOK, r.Code, "an empty JSON body with the cookie: %s", r.Body)
	req = httptest.NewRequest("POST", "/api/jwt/refresh", strings.NewReader(`refreshToken=`+refresh))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r = w.send(req)
	require.Equal(t, http.StatusBadRequest, r.Code)
	assert.Equal(t, []string{"[InvalidContentType]"}, r.errors(t).Codes())
	req = httptest.NewRequest("POST", "/api/jwt/refresh", strings.NewReader(`{"refreshToken":"wrong"}`))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: "refresh_token", Value: refresh})
	r = w.send(req)
	require.Equal(t, http.StatusOK, r.Code, r.Body)

	tests := []struct {
		name string
		body string
		code string
	}{
		{"unknown token", `{"refreshToken":"nope"}`, "[invalid]refreshToken"},
		{"no token", `{}`, "[blank]refreshToken"},
		{"wrong type", `{"refreshToken":42}`, "[invalidJSON]refreshToken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.do("POST", "/api/jwt/refresh", tc.body, "Authorization", "")
			require.Equal(t, http.StatusBadRequest, r.Code, r.Body)
			assert.Equal(t, []string{tc.code}, r.errors(t).Codes())
			assert.Empty(t, r.Header.Values("Set-Cookie"))
		})
	}

	// Revoked through the API: refused.
	r = w.do("DELETE", "/api/jwt/refresh/"+refreshID, "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Empty(t, r.Body)
	r = w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh+`"}`)
	assert.Equal(t, http.StatusBadRequest, r.Code)
}

func TestRefreshEndpointOneTimeUse(t *testing.T) {
	w := newTokenWorld(t)
	tenant, err := w.store.GetTenant(w.ctx, w.tenant.ID)
	require.NoError(t, err)
	tenant.JWTConfiguration.RefreshTokenUsagePolicy = authcore.RefreshTokenOneTimeUse
	require.NoError(t, w.store.UpdateTenant(w.ctx, tenant))
	_, refresh, _ := w.login()

	r := w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh+`"}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var body map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
	assert.NotEqual(t, refresh, body["refreshToken"])
	assert.Contains(t, r.Header.Values("Set-Cookie")[1], "refresh_token="+body["refreshToken"]+";")

	r = w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh+`"}`)
	require.Equal(t, http.StatusBadRequest, r.Code, "reuse")
	r = w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+body["refreshToken"]+`"}`)
	require.Equal(t, http.StatusBadRequest, r.Code, "the reuse revoked the rotated token too")
}

func TestTokenCookieAttributes(t *testing.T) {
	tests := []struct {
		name       string
		trustProxy bool
		target     string
		proto      string
		secure     bool
	}{
		{"plain http", false, "http://example.com/api/jwt/refresh", "", false},
		{"TLS", false, "https://example.com/api/jwt/refresh", "", true},
		{"forwarded https, proxy not trusted", false, "http://example.com/api/jwt/refresh", "https", false},
		{"forwarded https, trusted proxy", true, "http://example.com/api/jwt/refresh", "https", true},
		{"forwarded list, trusted proxy", true, "http://example.com/api/jwt/refresh", "HTTPS, http", true},
		{"forwarded http, trusted proxy", true, "http://example.com/api/jwt/refresh", "http", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newTokenWorld(t, httpadapter.WithTrustedProxy(tc.trustProxy))
			_, refresh, _ := w.login()
			req := httptest.NewRequest("POST", tc.target, strings.NewReader(`{"refreshToken":"`+refresh+`"}`))
			req.Header.Set("Content-Type", "application/json")
			if tc.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			r := w.send(req)
			require.Equal(t, http.StatusOK, r.Code, r.Body)
			var body map[string]string
			require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
			secure := ""
			if tc.secure {
				secure = "; Secure"
			}
			assert.Equal(t, []string{
				"access_token=" + body["token"] + "; Path=/; HttpOnly" + secure + "; SameSite=Lax",
				fmt.Sprintf("refresh_token=%s; Path=/; Max-Age=%d; HttpOnly%s; SameSite=Lax", refresh, 43200*60, secure),
			}, r.Header.Values("Set-Cookie"))
		})
	}
}

func TestValidateEndpoint(t *testing.T) {
	w := newTokenWorld(t, httpadapter.WithLogger(quietLogger()))
	access, _, _ := w.login()

	r := w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+access)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var body struct {
		JWT map[string]any `json:"jwt"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
	assert.Equal(t, userID, body.JWT["sub"])
	assert.Equal(t, appID, body.JWT["aud"])
	assert.Contains(t, r.Body, `"exp":`+fmt.Sprint(int64(body.JWT["exp"].(float64))), "exp is written as an integer")

	req := httptest.NewRequest("GET", "/api/jwt/validate", nil)
	req.AddCookie(&http.Cookie{Name: "access_token", Value: access})
	r = w.send(req)
	require.Equal(t, http.StatusOK, r.Code, "the access_token cookie works too")

	for name, header := range map[string]string{
		"none":          "",
		"api key":       testKey,
		"not a jwt":     "Bearer nope",
		"tampered":      "Bearer " + access[:len(access)-4] + "AAAA",
		"empty bearer":  "Bearer ",
		"basic scheme":  "Basic " + access,
		"token, no sch": access,
	} {
		t.Run(name, func(t *testing.T) {
			r := w.do("GET", "/api/jwt/validate", "", "Authorization", header)
			assert.Equal(t, http.StatusUnauthorized, r.Code)
			assert.Empty(t, r.Body)
			assert.Empty(t, r.Header.Get("Content-Type"))
		})
	}
}

func TestJWKSEndpoint(t *testing.T) {
	w := newTokenWorld(t)
	w.login() // creates the tenant's HS256 key, which is never published

	r := w.do("GET", "/.well-known/jwks.json", "", "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code)
	assert.JSONEq(t, `{"keys":[]}`, r.Body)
	assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))

	var kids []string
	for _, alg := range []string{authcore.AlgRS256, authcore.AlgES256, authcore.AlgEdDSA} {
		k, err := w.engine.GenerateKey(w.ctx, alg, alg+" key")
		require.NoError(t, err)
		kids = append(kids, k.ID)
	}
	r = w.do("GET", "/.well-known/jwks.json", "", "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code)
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal([]byte(r.Body), &set))
	require.Len(t, set.Keys, 3)
	for i, kid := range kids {
		keys := set.Key(kid)
		require.Len(t, keys, 1, kid)
		assert.True(t, keys[0].IsPublic())
		assert.Equal(t, "sig", keys[0].Use)
		assert.Equal(t, []string{"RS256", "ES256", "EdDSA"}[i], keys[0].Algorithm)
	}
	assert.NotContains(t, r.Body, `"d":`)

	// The same keys as PEM, FusionAuth's older public-key API.
	r = w.do("GET", "/api/jwt/public-key", "", "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code)
	var pks struct {
		PublicKeys map[string]string `json:"publicKeys"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &pks))
	assert.Len(t, pks.PublicKeys, 3)
	assert.True(t, strings.HasPrefix(pks.PublicKeys[kids[0]], "-----BEGIN PUBLIC KEY-----"))
	r = w.do("GET", "/api/jwt/public-key?kid="+kids[1], "")
	require.Equal(t, http.StatusOK, r.Code)
	assert.JSONEq(t, `{"publicKey":`+mustJSON(t, pks.PublicKeys[kids[1]])+`}`, r.Body)
	upper := w.do("GET", "/api/jwt/public-key?kid="+strings.ToUpper(kids[1]), "")
	require.Equal(t, http.StatusOK, upper.Code, "a key id in any case")
	assert.Equal(t, r.Body, upper.Body)
	r = w.do("GET", "/api/jwt/public-key?kid=unknown", "")
	assert.Equal(t, http.StatusNotFound, r.Code)
	assert.Empty(t, r.Body)
}

func TestRefreshTokenRetrieveAndRevokeEndpoints(t *testing.T) {
	w := newTokenWorld(t)
	_, refresh1, id1 := w.login()
	_, _, id2 := w.login()

	r := w.do("GET", "/api/jwt/refresh?userId="+userID, "", "Authorization", "")
	assert.Equal(t, http.StatusUnauthorized, r.Code, "API key required")

	r = w.do("GET", "/api/jwt/refresh?userId="+userID, "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var list struct {
		RefreshTokens []map[string]any `json:"refreshTokens"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &list))
	require.Len(t, list.RefreshTokens, 2)
	assert.Equal(t, []string{"applicationId", "id", "insertInstant", "startInstant", "tenantId", "userId"}, sortedKeys(list.RefreshTokens[0]))
	assert.NotContains(t, r.Body, refresh1)

	r = w.do("GET", "/api/jwt/refresh/"+id1, "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var one struct {
		RefreshToken map[string]any `json:"refreshToken"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &one))
	assert.Equal(t, id1, one.RefreshToken["id"])

	r = w.do("GET", "/api/jwt/refresh?userId=99999999-0000-4000-8000-000000000000", "")
	require.Equal(t, http.StatusOK, r.Code)
	assert.JSONEq(t, `{"refreshTokens":[]}`, r.Body)

	errorCases := []struct {
		method, path, body, code string
		status                   int
	}{
		{"GET", "/api/jwt/refresh", "", "[missing]userId", 400},
		{"GET", "/api/jwt/refresh?userId=nope", "", "[couldNotConvert]userId", 400},
		{"GET", "/api/jwt/refresh/nope", "", "[couldNotConvert]tokenId", 400},
		{"GET", "/api/jwt/refresh/99999999-0000-4000-8000-000000000000", "", "", 404},
		{"DELETE", "/api/jwt/refresh", "", "[missing]userId", 400},
		{"DELETE", "/api/jwt/refresh", "{}", "[missing]userId", 400},
		{"DELETE", "/api/jwt/refresh?userId=nope", "", "[couldNotConvert]userId", 400},
		{"DELETE", "/api/jwt/refresh?token=unknown", "", "", 404},
		{"DELETE", "/api/jwt/refresh?applicationId=99999999-0000-4000-8000-000000000000", "", "", 404},
	}
	for _, tc := range errorCases {
		r := w.do(tc.method, tc.path, tc.body)
		require.Equal(t, tc.status, r.Code, "%s %s: %s", tc.method, tc.path, r.Body)
		if tc.code != "" {
			assert.Equal(t, []string{tc.code}, r.errors(t).Codes(), tc.path)
		} else {
			assert.Empty(t, r.Body)
		}
	}

	// The TypeScript client sends omitted arguments as "null".
	r = w.do("DELETE", "/api/jwt/refresh?token=null&userId="+userID+"&applicationId=undefined", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	r = w.do("GET", "/api/jwt/refresh/"+id2, "")
	assert.Equal(t, http.StatusNotFound, r.Code, "revoked")

	// The JSON-body form keeps the token out of the URL.
	_, refresh3, _ := w.login()
	r = w.do("DELETE", "/api/jwt/refresh", `{"token":"`+refresh3+`"}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	r = w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh3+`"}`)
	assert.Equal(t, http.StatusBadRequest, r.Code)
}

func TestRefreshEndpointsTenantLockedKey(t *testing.T) {
	w := newTokenWorld(t)
	_, _, id := w.login()
	other, err := w.engine.CreateTenant(w.ctx, "", authcore.Tenant{Name: "Other"})
	require.NoError(t, err)
	const lockedKey = "locked-api-key-0123456789abcdef"
	_, _, err = w.engine.CreateAPIKey(w.ctx, authcore.NewAPIKey{Key: lockedKey, TenantID: other.ID})
	require.NoError(t, err)

	r := w.do("GET", "/api/jwt/refresh/"+id, "", "Authorization", lockedKey)
	assert.Equal(t, http.StatusNotFound, r.Code)
	r = w.do("DELETE", "/api/jwt/refresh?userId="+userID, "", "Authorization", lockedKey)
	assert.Equal(t, http.StatusNotFound, r.Code)
	r = w.do("GET", "/api/jwt/refresh/"+id, "")
	assert.Equal(t, http.StatusOK, r.Code, "still there")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestVendEndpoint(t *testing.T) {
	w := newTokenWorld(t, httpadapter.WithLogger(quietLogger()))
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC).Unix()

	payload := func(t *testing.T, token string) (map[string]any, jose.Header) {
		t.Helper()
		obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.HS256, jose.RS256, jose.ES256, jose.EdDSA})
		require.NoError(t, err)
		var claims map[string]any
		require.NoError(t, json.Unmarshal(obj.UnsafePayloadWithoutVerification(), &claims))
		return claims, obj.Signatures[0].Header
	}

	// The caller's claims, with iat, exp and jti set by authcore whatever
	// was sent for them.
	r := w.do("POST", "/api/jwt/vend", `{"claims":{"sub":"svc-1","roles":["reader"],"exp":1,"jti":"mine"},"timeToLiveInSeconds":60}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	token := vendToken(t, r)
	claims, header := payload(t, token)
	assert.Equal(t, "svc-1", claims["sub"])
	assert.Equal(t, []any{"reader"}, claims["roles"])
	assert.EqualValues(t, now, claims["iat"])
	assert.EqualValues(t, now+60, claims["exp"])
	assert.NotEqual(t, "mine", claims["jti"])
	assert.Len(t, claims["jti"], 36)
	tenant, err := w.store.GetTenant(w.ctx, w.tenant.ID)
	require.NoError(t, err)
	assert.Equal(t, tenant.JWTConfiguration.AccessTokenKeyID, header.KeyID, "signed with the tenant's key")

	// It validates like any token of that key.
	v := w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+token)
	require.Equal(t, http.StatusOK, v.Code, v.Body)
	assert.Equal(t, "svc-1", v.obj(t, "jwt")["sub"])

	// Without a lifetime, the tenant's.
	r = w.do("POST", "/api/jwt/vend", `{"claims":{"scope":"x"}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	claims, _ = payload(t, vendToken(t, r))
	assert.EqualValues(t, now+int64(tenant.JWTConfiguration.TimeToLiveInSeconds), claims["exp"])

	// With a key named, that key signs.
	k, err := w.engine.GenerateKey(w.ctx, authcore.AlgRS256, "vending")
	require.NoError(t, err)
	r = w.do("POST", "/api/jwt/vend", `{"keyId":"`+k.ID+`"}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	claims, header = payload(t, vendToken(t, r))
	assert.Equal(t, k.ID, header.KeyID)
	assert.Equal(t, "RS256", header.Algorithm)
	assert.Contains(t, claims, "jti")
	v = w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+vendToken(t, r))
	assert.Equal(t, http.StatusOK, v.Code, v.Body)

	for _, tc := range []struct {
		name, body string
		codes      []string
	}{
		{"unknown key", `{"keyId":"0b8a9e0e-8f7e-4d6c-9b5a-4a3f2e1d0c9b"}`, []string{"[invalid]keyId"}},
		{"key id not a UUID", `{"keyId":"k1"}`, []string{"[couldNotConvert]keyId"}},
		{"negative lifetime", `{"timeToLiveInSeconds":-5}`, []string{"[invalid]timeToLiveInSeconds"}},
		{"claims not an object", `{"claims":["a"]}`, []string{"[invalidJSON]claims"}},
		{"lifetime not a number", `{"timeToLiveInSeconds":"long"}`, []string{"[invalidJSON]timeToLiveInSeconds"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := w.do("POST", "/api/jwt/vend", tc.body)
			require.Equal(t, http.StatusBadRequest, r.Code, r.Body)
			r.codes(t, tc.codes...)
		})
	}
	assert.Equal(t, http.StatusUnauthorized, w.do("POST", "/api/jwt/vend", `{}`, "Authorization", "").Code, "an API key is required")
	assert.Equal(t, http.StatusUnauthorized, w.do("POST", "/api/jwt/vend", `{}`, "Authorization", "wrong").Code)
}

func vendToken(t *testing.T, r response) string {
	t.Helper()
	var body struct {
		Token string `json:"token"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body), r.Body)
	require.NotEmpty(t, body.Token)
	return body.Token
}

func TestIssueEndpoint(t *testing.T) {
	w := newTokenWorld(t, httpadapter.WithLogger(quietLogger()))
	const app2ID, app3ID, otherTenantApp = "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f50", "8c4f3e5a-9f90-4c70-9c65-2c7d3e4f5a61", "9d5a4f6b-a0a1-4d81-8d76-3d8e4f5a6b72"
	w.refreshingApp(app2ID, "Hooli")
	require.NoError(t, w.store.CreateRegistration(w.ctx, &authcore.UserRegistration{ID: "aaaaaaaa-0000-4000-8000-000000000002", ApplicationID: app2ID, UserID: userID, Roles: []string{"viewer"}}))
	w.refreshingApp(app3ID, "Raviga")
	access, refresh, _ := w.login()
	original, err := w.engine.ValidateAccessToken(w.ctx, access)
	require.NoError(t, err)

	issue := func(query string, headers ...string) response {
		return w.do("GET", "/api/jwt/issue?"+query, "", append([]string{"Authorization", "Bearer " + access}, headers...)...)
	}
	claimsWith := func(t *testing.T, status int, r response) (map[string]any, string) {
		t.Helper()
		require.Equal(t, status, r.Code, r.Body)
		var body struct {
			Token        string `json:"token"`
			RefreshToken string `json:"refreshToken"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
		claims, err := w.engine.ValidateAccessToken(w.ctx, body.Token)
		require.NoError(t, err)
		return claims, body.RefreshToken
	}
	claimsOf := func(t *testing.T, r response) (map[string]any, string) {
		t.Helper()
		return claimsWith(t, http.StatusOK, r)
	}

	// Another application of the tenant: its roles, JWT_SSO, the original
	// auth_time, and no refresh token unless one is presented.
	claims, rt := claimsOf(t, issue("applicationId="+app2ID))
	assert.Equal(t, app2ID, claims["aud"])
	assert.Equal(t, userID, claims["sub"])
	assert.Equal(t, []any{"viewer"}, claims["roles"])
	assert.Equal(t, "JWT_SSO", claims["authenticationType"])
	assert.Equal(t, original["auth_time"], claims["auth_time"])
	assert.Empty(t, rt)

	// With the user's refresh token: a refresh token of the new application,
	// which refreshes into tokens of that application.
	claims, rt = claimsOf(t, issue("applicationId="+app2ID+"&refreshToken="+refresh))
	require.NotEmpty(t, rt)
	assert.NotEmpty(t, claims["sid"], "the token names its refresh token")
	r := w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+rt+`"}`, "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	refreshed, _ := claimsOf(t, r)
	assert.Equal(t, app2ID, refreshed["aud"])

	// An application the user is not registered to: a token without roles,
	// and no refresh token (one would be refused at its first refresh); 202,
	// as FusionAuth's Issue a JWT answers an authenticated user who is not
	// registered (and as a login does).
	claims, rt = claimsWith(t, http.StatusAccepted, issue("applicationId="+app3ID+"&refreshToken="+refresh))
	assert.Equal(t, app3ID, claims["aud"])
	assert.NotContains(t, claims, "roles")
	assert.Empty(t, rt)

	// An application whose refresh tokens expire under another policy than
	// the presented token's (SlidingWindow against the tenant's Fixed): a
	// token, but no refresh token (FusionAuth's Issue API).
	const slidingID = "ae6b5a7c-b1b2-4e92-9e87-4e9f5a6b7c83"
	require.NoError(t, w.store.CreateApplication(w.ctx, &authcore.Application{ID: slidingID, TenantID: w.tenant.ID, Name: "Sliding", Active: true,
		LoginConfiguration: authcore.LoginConfiguration{GenerateRefreshTokens: true},
		JWTConfiguration:   &authcore.ApplicationJWTOverrides{Enabled: true, RefreshTokenExpirationPolicy: authcore.RefreshTokenSlidingWindow}}))
	require.NoError(t, w.store.CreateRegistration(w.ctx, &authcore.UserRegistration{ID: "aaaaaaaa-0000-4000-8000-000000000003", ApplicationID: slidingID, UserID: userID}))
	claims, rt = claimsOf(t, issue("applicationId="+slidingID+"&refreshToken="+refresh))
	assert.Equal(t, slidingID, claims["aud"])
	assert.Empty(t, rt, "another expiration policy: no refresh token")
	assert.NotContains(t, claims, "sid")

	// The access_token cookie works as the Authorization header does.
	req := httptest.NewRequest("GET", "/api/jwt/issue?applicationId="+app2ID, nil)
	req.AddCookie(&http.Cookie{Name: "access_token", Value: access})
	claimsOf(t, w.send(req))

	for _, tc := range []struct {
		name, query string
		codes       []string
	}{
		// SPEC §1: a missing query parameter is [missing]; the TypeScript
		// client's issueJWT(null, …) sends an omitted one as "null" or
		// "undefined", which is absent too.
		{"no application", "", []string{"[missing]applicationId"}},
		{"empty application", "applicationId=", []string{"[missing]applicationId"}},
		{"application null", "applicationId=null", []string{"[missing]applicationId"}},
		{"application undefined", "applicationId=undefined", []string{"[missing]applicationId"}},
		{"application not a UUID", "applicationId=app", []string{"[couldNotConvert]applicationId"}},
		{"unknown application", "applicationId=" + otherTenantApp, []string{"[invalid]applicationId"}},
		{"not a refresh token", "applicationId=" + app2ID + "&refreshToken=nope", []string{"[invalid]refreshToken"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := issue(tc.query)
			require.Equal(t, http.StatusBadRequest, r.Code, r.Body)
			r.codes(t, tc.codes...)
		})
	}
	for name, header := range map[string]string{"none": "", "api key": testKey, "tampered": "Bearer " + access[:len(access)-4] + "AAAA"} {
		t.Run("unauthorized: "+name, func(t *testing.T) {
			r := w.do("GET", "/api/jwt/issue?applicationId="+app2ID, "", "Authorization", header)
			assert.Equal(t, http.StatusUnauthorized, r.Code, r.Body)
		})
	}
	// A deactivated user's tokens are exchanged no more.
	_, err = w.engine.DeactivateUser(w.ctx, userID)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, issue("applicationId="+app2ID).Code)
}

// Refresh token ids, user ids and application ids are UUIDs in any case on
// the refresh token routes, as everywhere (ids are stored lower-cased).
func TestRefreshTokenRoutesTakeIDsInAnyCase(t *testing.T) {
	w := newTokenWorld(t)
	_, _, id1 := w.login()
	_, _, id2 := w.login()
	up := strings.ToUpper
	require.NotEqual(t, id1, up(id1))

	r := w.do("GET", "/api/jwt/refresh/"+up(id1), "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	r = w.do("DELETE", "/api/jwt/refresh/"+up(id1), "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	w.do("GET", "/api/jwt/refresh/"+id1, "").empty(t, http.StatusNotFound)

	r = w.do("DELETE", "/api/jwt/refresh?tokenId="+up(id2), "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	w.do("GET", "/api/jwt/refresh/"+id2, "").empty(t, http.StatusNotFound)

	_, _, id3 := w.login()
	r = w.do("DELETE", "/api/jwt/refresh?applicationId="+up(appID), "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	w.do("GET", "/api/jwt/refresh/"+id3, "").empty(t, http.StatusNotFound)
}

// The official TypeScript client's issueJWT(applicationId, encodedJWT,
// refreshToken) documents refreshToken as optional, and an omitted one goes
// on the URI as the literal "undefined" (or "null" when the caller passes
// null): withParameter keeps it and getQueryString writes
// encodeURIComponent(undefined). FusionAuth then answers the token alone
// (fusionauth-site astro/src/content/docs/apis/jwt/issue-a-jwt.mdx: the
// refresh token is "only returned if a valid non-expired refresh token was
// provided"), so the client's call without a refresh token must work.
func TestIssueWithOmittedRefreshToken(t *testing.T) {
	w := newTokenWorld(t)
	const app2ID = "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f50"
	w.refreshingApp(app2ID, "Hooli")
	access, _, _ := w.login()
	for _, omitted := range []string{"undefined", "null"} {
		t.Run(omitted, func(t *testing.T) {
			r := w.do("GET", "/api/jwt/issue?applicationId="+app2ID+"&refreshToken="+omitted, "", "Authorization", "Bearer "+access)
			require.Equal(t, http.StatusAccepted, r.Code, "202: not registered to app2: %s", r.Body)
			var body map[string]string
			require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
			assert.NotEmpty(t, body["token"])
			assert.NotContains(t, body, "refreshToken")
		})
	}
}

// FusionAuth's Issue a JWT (apis/jwt.mdx): the refresh token may come as the
// refresh_token cookie, which takes precedence over ?refreshToken=.
func TestIssueReadsRefreshTokenCookie(t *testing.T) {
	w := newTokenWorld(t)
	const app2ID = "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f51"
	w.refreshingApp(app2ID, "Hooli")
	require.NoError(t, w.store.CreateRegistration(w.ctx, &authcore.UserRegistration{ID: "7b3e2d4f-8e8f-4b6f-8b54-1b6c2d3e4f52", UserID: w.user.ID, ApplicationID: app2ID}))
	access, refresh, _ := w.login()
	r := w.do("GET", "/api/jwt/issue?applicationId="+app2ID, "", "Authorization", "Bearer "+access, "Cookie", "refresh_token="+refresh)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var body map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
	assert.NotEmpty(t, body["refreshToken"], "the refresh_token cookie is the request's refresh token")
}

// FusionAuth's refresh request takes timeToLiveInSeconds (since 1.99.9): a
// shorter lifetime for the new access token; one above the default is a 400.
func TestRefreshEndpointTimeToLive(t *testing.T) {
	w := newTokenWorld(t)
	_, refresh, _ := w.login()

	r := w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh+`","timeToLiveInSeconds":60}`, "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var body map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
	claims, err := w.engine.ValidateAccessToken(w.ctx, body["token"])
	require.NoError(t, err)
	assert.Equal(t, float64(60), claims["exp"].(float64)-claims["iat"].(float64), "the requested lifetime")

	// The default (the tenant's 3600) is allowed, more is not, nor a
	// negative one; a refusal writes no cookie.
	r = w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh+`","timeToLiveInSeconds":3600}`, "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	for _, ttl := range []string{"3601", "-1", "9223372037"} {
		r = w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh+`","timeToLiveInSeconds":`+ttl+`}`, "Authorization", "")
		require.Equal(t, http.StatusBadRequest, r.Code, ttl)
		assert.Equal(t, []string{"[invalid]timeToLiveInSeconds"}, r.errors(t).Codes(), ttl)
		assert.Empty(t, r.Header.Values("Set-Cookie"))
	}
	// The token still works: a refused lifetime revokes nothing.
	r = w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh+`"}`, "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
}

// FusionAuth documents the revoke-by-value form with the token in an
// application/x-www-form-urlencoded body, which keeps it out of access logs.
func TestRevokeRefreshTokenFormBody(t *testing.T) {
	w := newTokenWorld(t)
	_, refresh, id := w.login()

	r := w.do("DELETE", "/api/jwt/refresh", url.Values{"token": {refresh}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	assert.Empty(t, r.Body)
	r = w.do("GET", "/api/jwt/refresh/"+id, "")
	assert.Equal(t, http.StatusNotFound, r.Code, "revoked")

	// A form in another charset than UTF-8 is refused, as a JSON body is.
	_, refresh, id = w.login()
	w.do("DELETE", "/api/jwt/refresh", url.Values{"token": {refresh}}.Encode(), "Content-Type", "application/x-www-form-urlencoded; charset=ISO-8859-1").
		codes(t, "[InvalidContentType]")
	assert.Equal(t, http.StatusOK, w.do("GET", "/api/jwt/refresh/"+id, "").Code, "not revoked")
}

// A vended claim keeps its number as sent (vend decodes numbers as their
// text), and GET /api/jwt/validate must not round it through float64: an
// id of 2^53+1 would come back as another id.
func TestValidateKeepsLargeNumbers(t *testing.T) {
	w := newTokenWorld(t)
	r := w.do("POST", "/api/jwt/vend", `{"claims":{"accountId":9007199254740993,"ratio":0.1}}`)
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	token := vendToken(t, r)
	v := w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+token)
	require.Equal(t, http.StatusOK, v.Code, v.Body)
	assert.Contains(t, v.Body, `"accountId":9007199254740993`)
	assert.Contains(t, v.Body, `"ratio":0.1`)
}

// TestValidateRefusesVendedTokenNotYetValid: a vended token keeps the
// caller's nbf, and one far in the future (past int64's range) is not valid
// yet. It validated (200) when nbf was converted to int64 and wrapped.
func TestValidateRefusesVendedTokenNotYetValid(t *testing.T) {
	w := newTokenWorld(t)
	for _, nbf := range []string{"1e19", "9223372036854775807", "1e300"} {
		r := w.do("POST", "/api/jwt/vend", `{"claims":{"nbf":`+nbf+`}}`)
		require.Equal(t, http.StatusOK, r.Code, r.Body)
		var vended struct{ Token string }
		require.NoError(t, json.Unmarshal([]byte(r.Body), &vended))
		r = w.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+vended.Token)
		assert.Equal(t, http.StatusUnauthorized, r.Code, "nbf %s", nbf)
		assert.Empty(t, r.Body)
	}
}

// A registration deleted after the login does not refuse the refresh: the
// answer is 200 with a token that has no applicationId or roles, as
// FusionAuth's (fusionauth-issues #1748), not 400 [invalid]refreshToken.
func TestRefreshAfterRegistrationDeleted(t *testing.T) {
	w := newTokenWorld(t)
	_, refresh, refreshID := w.login()
	r := w.do("DELETE", "/api/user/registration/"+userID+"/"+appID, "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)

	r = w.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+refresh+`"}`, "Authorization", "")
	require.Equal(t, http.StatusOK, r.Code, r.Body)
	var body map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
	assert.Equal(t, refreshID, body["refreshTokenId"])
	claims, err := w.engine.ValidateAccessToken(w.ctx, body["token"])
	require.NoError(t, err)
	assert.Equal(t, appID, claims["aud"])
	assert.NotContains(t, claims, "applicationId")
	assert.NotContains(t, claims, "roles")
}
