package httpadapter_test

import (
	"context"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/stretchr/testify/require"
)

// FuzzSweep is the sweep's check driven by the fuzzer: a route, a body and
// a content type, on a fresh world each time, so that a failure reproduces
// from its input alone. The seeds are bodies each route takes, so that
// mutations reach past the decoder into validation and the store.
//
//	go test -run XXX -fuzz '^FuzzSweep$' -fuzztime 5m ./httpadapter/
//
// The name is anchored because -fuzz runs one target only and refuses a
// pattern that also matches FuzzSweepSQLite.
func FuzzSweep(f *testing.F) {
	probe := newSweepWorld(f, memstore.New())
	patterns := probe.handler.Patterns()
	for i, p := range patterns {
		for _, b := range sweepSeeds(p) {
			f.Add(uint16(i), b, uint8(0))
			f.Add(uint16(i), b, uint8(withTenant))
		}
	}
	f.Fuzz(func(t *testing.T, route uint16, body string, ct uint8) {
		mem := memstore.New()
		w := newSweepWorldKey(t, mem, "HS256")
		w.mem = mem
		fuzzSweepOne(w, patterns, route, body, ct)
	})
}

// fuzzSweepOne sends one fuzzed request to w and checks the answer.
func fuzzSweepOne(w *sweepWorld, patterns []string, route uint16, body string, ct uint8) {
	method, path, _ := strings.Cut(patterns[int(route)%len(patterns)], " ")
	var headers []string
	if c := fuzzContentTypes[int(ct&^withTenant)%len(fuzzContentTypes)]; c != "" {
		headers = []string{"Content-Type", c}
	}
	if ct&withTenant != 0 {
		headers = append(headers, "X-FusionAuth-TenantId", w.ids["tenantId"])
	}
	// A fresh access token in the seed's place, so that a mutated login
	// still gets past Twitter.
	token, secret := w.twitter.IssueAccessToken("k", "42")
	body = strings.NewReplacer("TWTOKEN", token, "TWSECRET", secret).Replace(body)
	w.check(method, w.fill(path, ""), body, headers...)
}

// withTenant in the fuzzer's content-type byte adds the default tenant's
// header, which the routes that create in a tenant need (the world has two).
const withTenant = 0x80

var fuzzContentTypes = []string{"", "application/merge-patch+json", "application/json-patch+json"}

// sweepSeeds gives bodies a route takes, by the resource its pattern names.
func sweepSeeds(pattern string) []string {
	switch {
	case strings.Contains(pattern, "/api/identity-provider/login"):
		return []string{`{"applicationId":"` + appID + `","identityProviderId":"` + twitterID + `","data":{"oauth_token":"TWTOKEN","oauth_token_secret":"TWSECRET"}}`,
			`{"applicationId":"` + appID + `","identityProviderId":"` + twitterID + `","noJWT":true,"noLink":false,"ipAddress":"10.0.0.1","metaData":{"device":{"name":"d","type":"BROWSER"}},"data":{"oauth_token":"TWTOKEN","oauth_token_secret":"TWSECRET"}}`}
	case strings.Contains(pattern, "/api/identity-provider/link"):
		return []string{`{"identityProviderId":"` + twitterID + `","identityProviderUserId":"42","userId":"` + userID + `","displayName":"d","token":"t"}`}
	case strings.Contains(pattern, "/api/identity-provider"):
		return []string{`{"identityProvider":{"type":"Twitter","buttonText":"b","consumerKey":"k","consumerSecret":"s","enabled":true,"linkingStrategy":"LinkByEmail","tenantConfiguration":{"` + sweepTenant + `":{"limitUserLinkCount":{"enabled":true,"maximumLinks":2}}},"applicationConfiguration":{"` + appID + `":{"enabled":true,"createRegistration":false}}}}`}
	case strings.Contains(pattern, "/api/integration"):
		return []string{`{"integrations":{"cleanspeak":{"enabled":false,"url":"http://localhost:8001","apiKey":"k","applicationIds":["` + appID + `"],"usernameModeration":{"enabled":true,"applicationId":"` + appID + `"}},"kafka":{"enabled":true,"defaultTopic":"t","producer":{"bootstrap.servers":"localhost:9092"}}}}`}
	case strings.Contains(pattern, "/role"):
		return []string{`{"role":{"name":"editor","isDefault":true,"description":"d"}}`}
	case strings.Contains(pattern, "/api/application"):
		return []string{`{"application":{"name":"A","roles":[{"name":"r","isDefault":true}],"jwtConfiguration":{"enabled":true,"timeToLiveInSeconds":60},"loginConfiguration":{"generateRefreshTokens":true},"data":{"a":[1,{"b":null}]}}}`}
	case strings.Contains(pattern, "/api/user/registration"):
		return []string{`{"registration":{"applicationId":"` + appID + `","roles":["admin"],"username":"u","data":{"x":1}},"skipRegistrationVerification":true}`}
	case strings.Contains(pattern, "/api/user"):
		return []string{`{"user":{"email":"a@b.co","username":"u","firstName":"F","data":{"k":"v"},"twoFactor":{"methods":[{"method":"email","email":"a@b.co"}]}},"skipVerification":true}`,
			`{"userIds":["` + userID + `"],"hardDelete":true}`}
	case strings.Contains(pattern, "/api/tenant"):
		return []string{`{"tenant":{"name":"T","issuer":"i","jwtConfiguration":{"timeToLiveInSeconds":60,"refreshTokenTimeToLiveInMinutes":60},"data":{}}}`}
	case strings.Contains(pattern, "/api/api-key"):
		return []string{`{"apiKey":{"key":"a-long-enough-key-0123456789","metaData":{"attributes":{"description":"d"}},"permissions":{"endpoints":{"/api/user":["GET","POST"]}}}}`}
	case strings.Contains(pattern, "/api/key"):
		return []string{`{"key":{"algorithm":"HS256","name":"k","length":256}}`}
	case strings.Contains(pattern, "/api/jwt"):
		return []string{`{"refreshToken":"x","token":"y"}`, `{"claims":{"sub":"s","roles":["a"]},"timeToLiveInSeconds":60,"keyId":"k"}`}
	}
	return []string{`{}`}
}

// FuzzSweepSQLite is FuzzSweep on an in-memory SQLite store, where text the
// database refuses or compares differently would show as a 500.
//
//	go test -run XXX -fuzz FuzzSweepSQLite -fuzztime 5m ./httpadapter/
func FuzzSweepSQLite(f *testing.F) {
	open := func(t testing.TB) authcore.Store {
		s, err := sqlstore.Open(context.Background(), "sqlite::memory:")
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	probe := newSweepWorld(f, open(f))
	patterns := probe.handler.Patterns()
	for i, p := range patterns {
		for _, b := range sweepSeeds(p) {
			f.Add(uint16(i), b, uint8(withTenant))
		}
	}
	f.Fuzz(func(t *testing.T, route uint16, body string, ct uint8) {
		w := newSweepWorldKey(t, open(t), "HS256")
		fuzzSweepOne(w, patterns, route, body, ct)
	})
}
