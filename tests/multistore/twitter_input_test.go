package multistore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter/twittertest"
)

// A verify_credentials answer whose email or screen name holds U+0000 is
// no Twitter answer: 401 on every store, PostgreSQL (whose text refuses the
// character) included, never a 500.
func TestTwitterAnswerWithNULOnEveryStore(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			c := newCluster(t, k.open(t), 1)
			for _, a := range []twittertest.Account{
				{ID: "81", ScreenName: "nul", Email: "a\x00b@example.com"},
				{ID: "82", ScreenName: "n\x00l", Email: "b@example.com"},
			} {
				c.tw.AddAccount(a)
				code, body := login(c.handlers[0], c.loginBody(a.ID))
				assert.Equal(t, http.StatusUnauthorized, code, "account %s: %s", a.ID, body)
			}
		})
	}
}

// A Twitter name holding U+0000 becomes fullName without it, on a first
// login and on one that fills an existing user's empty fullName, and the
// user is then PUT back as GET returned it, on every store. Kept as sent,
// the name made every such PUT fail ([invalidJSON] over HTTP, [invalid]
// user.fullName from Go). An image URL holding U+0000 is no URI and is
// left out.
func TestTwitterNameWithNULIsCleanedOnEveryStore(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			c := newCluster(t, k.open(t), 1)
			ctx := context.Background()
			_, key, err := c.engines[0].CreateAPIKey(ctx, authcore.NewAPIKey{})
			require.NoError(t, err)
			existing, err := c.engines[0].CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "known@example.com"}})
			require.NoError(t, err)
			for _, a := range []twittertest.Account{
				{ID: "83", ScreenName: "named", Email: "named@example.com", Name: "A\x00B\x00", ProfileImageURL: "https://img.example/\x00.png"},
				{ID: "84", ScreenName: "known", Email: "known@example.com", Name: "\x00Known\x00One"},
			} {
				c.tw.AddAccount(a)
				code, body := login(c.handlers[0], c.loginBody(a.ID))
				require.Equal(t, http.StatusOK, code, body)
				var resp struct {
					User struct{ ID, FullName, ImageURL string }
				}
				require.NoError(t, json.Unmarshal([]byte(body), &resp))
				want := strings.ReplaceAll(a.Name, "\x00", "")
				assert.Equal(t, want, resp.User.FullName, "account %s: the login's answer", a.ID)
				assert.Empty(t, resp.User.ImageURL, "account %s", a.ID)
				if a.ID == "84" {
					assert.Equal(t, existing.ID, resp.User.ID, "the existing user is linked")
				}

				code, body = apiCall(c.handlers[0], key, "GET", "/api/user/"+resp.User.ID, "")
				require.Equal(t, http.StatusOK, code, body)
				var got struct {
					User map[string]any `json:"user"`
				}
				require.NoError(t, json.Unmarshal([]byte(body), &got))
				assert.Equal(t, want, got.User["fullName"], "account %s: stored", a.ID)
				put, err := json.Marshal(got)
				require.NoError(t, err)
				code, body = apiCall(c.handlers[0], key, "PUT", "/api/user/"+resp.User.ID, string(put))
				assert.Equal(t, http.StatusOK, code, "account %s: PUT as GET returned: %s", a.ID, body)
			}
		})
	}
}

func apiCall(h http.Handler, key, method, path, body string) (int, string) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// A verify_credentials answer whose email the User API would refuse is no
// Twitter answer either: 401 and no user. The login stored it (verified),
// and every later PUT of that user as GET returned it was refused
// [notEmail]user.email.
func TestTwitterAnswerWithImplausibleEmailOnEveryStore(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			c := newCluster(t, k.open(t), 1)
			for i, email := range []string{"not-an-email", " padded@example.com", "two@at@example.com"} {
				a := twittertest.Account{ID: fmt.Sprintf("9%d", i), ScreenName: fmt.Sprintf("implausible%d", i), Email: email}
				c.tw.AddAccount(a)
				code, body := login(c.handlers[0], c.loginBody(a.ID))
				assert.Equal(t, http.StatusUnauthorized, code, "email %q: %s", email, body)
				_, err := c.engines[0].UserByEmail(context.Background(), email)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "email %q", email)
			}
		})
	}
}
