package httpadapter_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The User Registration API's create answers carry token,
// tokenExpirationInstant and, with the application's
// loginConfiguration.generateRefreshTokens, refreshToken and refreshTokenId
// (FusionAuth's RegistrationResponse), on each of the three create routes;
// the token passes GET /api/jwt/validate and the refresh token
// POST /api/jwt/refresh.
func TestRegistrationCreateAnswersTokens(t *testing.T) {
	f := newFixture(t)
	withRefresh := str(f.do("POST", "/api/application", `{"application":{"name":"r","roles":[{"name":"user","isDefault":true}],
		"loginConfiguration":{"generateRefreshTokens":true}}}`).obj(t, "application"), "id")
	noRefresh := str(f.do("POST", "/api/application", `{"application":{"name":"n"}}`).obj(t, "application"), "id")
	u1 := str(f.do("POST", "/api/user", `{"user":{"email":"one@example.com"}}`).obj(t, "user"), "id")
	u2 := str(f.do("POST", "/api/user", `{"user":{"email":"two@example.com"}}`).obj(t, "user"), "id")

	tests := []struct {
		name, path, body string
		refresh          bool
	}{
		{"existing user", "/api/user/registration/" + u1, `{"registration":{"applicationId":"` + withRefresh + `"}}`, true},
		{"application on the URI", "/api/user/registration/" + u2 + "/" + noRefresh, `{"registration":{}}`, false},
		{"combined create", "/api/user/registration", `{"user":{"email":"three@example.com"},"registration":{"applicationId":"` + withRefresh + `"}}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("POST", tc.path, tc.body)
			require.Equal(t, 200, r.Code, r.Body)
			var out struct {
				Token                  string
				TokenExpirationInstant int64
				RefreshToken           string
				RefreshTokenID         string
				Registration           struct{ ApplicationID string }
				User                   struct{ ID string }
			}
			require.NoError(t, json.Unmarshal([]byte(r.Body), &out))
			require.NotEmpty(t, out.Token, r.Body)
			assert.NotZero(t, out.TokenExpirationInstant)

			v := f.do("GET", "/api/jwt/validate", "", "Authorization", "Bearer "+out.Token)
			require.Equal(t, 200, v.Code, v.Body)
			jwt := v.obj(t, "jwt")
			assert.Equal(t, "REGISTRATION", jwt["authenticationType"])
			assert.Equal(t, out.User.ID, jwt["sub"])
			assert.Equal(t, out.Registration.ApplicationID, jwt["applicationId"])
			assert.Equal(t, float64(out.TokenExpirationInstant/1000), jwt["exp"])

			if !tc.refresh {
				assert.NotContains(t, r.Body, "refreshToken", "no refresh token without generateRefreshTokens")
				return
			}
			require.NotEmpty(t, out.RefreshToken)
			assert.Equal(t, out.RefreshTokenID, jwt["sid"])
			rr := f.do("POST", "/api/jwt/refresh", `{"refreshToken":"`+out.RefreshToken+`"}`, "Authorization", "")
			require.Equal(t, 200, rr.Code, rr.Body)
			assert.NotEmpty(t, str(rr.body(t), "token"))
		})
	}

	// Retrieve and update answer the registration alone.
	for _, r := range []response{
		f.do("GET", "/api/user/registration/"+u1+"/"+withRefresh, ""),
		f.do("PUT", "/api/user/registration/"+u1+"/"+withRefresh, `{"registration":{"roles":["user"]}}`),
	} {
		require.Equal(t, 200, r.Code, r.Body)
		assert.NotContains(t, r.Body, "token")
	}
}
