package multistore_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

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
