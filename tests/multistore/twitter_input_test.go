package multistore_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

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
			// A name is kept only inside the stored documents, which hold
			// any string: U+0000 there is stored, not refused. An image URL
			// holding it is no URI and is left out, not refused either.
			a := twittertest.Account{ID: "83", ScreenName: "named", Email: "named@example.com", Name: "A\x00B", ProfileImageURL: "https://img.example/\x00.png"}
			c.tw.AddAccount(a)
			code, body := login(c.handlers[0], c.loginBody(a.ID))
			assert.Equal(t, http.StatusOK, code, body)
		})
	}
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
