package authcore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// A store read that fails while IssueJWT reads the user, the application,
// the tenant or the registration, or signs the new token, is answered with
// the store's error: not a refused token, not a 202 without roles.
func TestIssueJWTStoreFailures(t *testing.T) {
	for _, tc := range []struct {
		method string
		nth    int
	}{
		{method: "GetUser", nth: 1},
		{method: "GetApplication", nth: 1},
		{method: "GetTenant", nth: 1},
		{method: "GetRegistration", nth: 1},
		// The presented token's key is read by its kid (GetKeyByKid): the
		// signing key by id is the signing's.
		{method: "GetKey", nth: 1},
	} {
		t.Run(tc.method, func(t *testing.T) {
			s := newPlanStore(memstore.New())
			f := newTokenFixtureOn(t, s)
			tok, _ := f.issue(authcore.TokenRequest{})
			// A fresh engine: nothing of the configuration is cached, so
			// the exchange reads it from the store.
			e, err := authcore.New(f.ctx, s, authcore.WithClock(f.clock.Now), quiet())
			require.NoError(t, err)
			s.p.arm(tc.method, tc.nth, errInjected)
			res, err := e.IssueJWT(f.ctx, authcore.IssueRequest{AccessToken: tok, ApplicationID: f.app.ID})
			require.True(t, s.p.injected(), "the store read was made")
			require.ErrorIs(t, err, errInjected)
			assert.Equal(t, authcore.IssueResult{}, res)
		})
	}
}

// BenchmarkIssueJWT is GET /api/jwt/issue without the adapter: the
// presented token's verification, the user and registration reads and an
// HS256 token for another application (the configuration cached, as on a
// server in use).
func BenchmarkIssueJWT(b *testing.B) {
	f := newTokenFixture(b)
	tok, _ := f.issue(authcore.TokenRequest{})
	req := authcore.IssueRequest{AccessToken: tok, ApplicationID: f.app.ID}
	if _, err := f.engine.IssueJWT(f.ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := f.engine.IssueJWT(f.ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
