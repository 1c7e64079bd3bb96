package storetest

import (
	"encoding/json"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/stretchr/testify/require"
)

// snapshot renders v as JSON at this moment, so that a later comparison
// cannot be fooled by a store that hands out its own memory.
func snapshot(t *testing.T, v any, err error) string {
	t.Helper()
	require.NoError(t, err)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// checkCopies asserts that changing what was passed in (mutateIn) and what
// came out (mutateOut) changes nothing stored.
func checkCopies[T any](t *testing.T, name string, get func() (*T, error), mutateIn func(), mutateOut func(*T)) {
	t.Helper()
	v, err := get()
	before := snapshot(t, v, err)
	mutateIn()
	v, err = get()
	require.JSONEq(t, before, snapshot(t, v, err), "%s: changing the value passed in changed the store", name)
	mutateOut(v)
	v, err = get()
	require.JSONEq(t, before, snapshot(t, v, err), "%s: changing a returned value changed the store", name)
}

var copyCases = []testCase{
	{"copies/values in and out are copies", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		checkCopies(t, "tenant", func() (*authcore.Tenant, error) { return f.s.GetTenant(ctx, tn.ID) },
			func() {
				tn.Name = "changed"
				tn.Data["plan"] = "changed"
				tn.Data["nested"].(map[string]any)["tags"].([]any)[0] = "changed"
			},
			func(v *authcore.Tenant) {
				v.Data["plan"] = "out"
				v.Data["nested"].(map[string]any)["tags"].([]any)[0] = "out"
			})
		listed := func() (*authcore.Tenant, error) {
			l, err := f.s.ListTenants(ctx)
			if err != nil {
				return nil, err
			}
			return l[0], nil
		}
		checkCopies(t, "listed tenant", listed, func() {}, func(v *authcore.Tenant) { v.Data["plan"] = "listed" })

		a := f.app(tn.ID, "a")
		checkCopies(t, "application", func() (*authcore.Application, error) { return f.s.GetApplication(ctx, a.ID) },
			func() {
				a.Roles[0].Name = "changed"
				a.JWTConfiguration.TimeToLiveInSeconds = 1
				a.Data["color"] = "red"
			},
			func(v *authcore.Application) {
				v.Roles[0].Name = "out"
				v.JWTConfiguration.TimeToLiveInSeconds = 2
				v.Data["color"] = "out"
			})

		u := f.user(tn.ID, "u@example.com", "u")
		checkCopies(t, "user", func() (*authcore.User, error) { return f.s.GetUser(ctx, u.ID) },
			func() {
				u.PreferredLanguages[0] = "xx"
				u.TwoFactor.Methods[0].Method = "changed"
				u.Data["list"].([]any)[0] = "changed"
			},
			func(v *authcore.User) {
				v.PreferredLanguages[0] = "yy"
				v.TwoFactor.Methods[0].Method = "out"
				v.Data["list"].([]any)[0] = "out"
			})

		r := f.reg(u.ID, a.ID)
		checkCopies(t, "registration", func() (*authcore.UserRegistration, error) { return f.s.GetRegistration(ctx, u.ID, a.ID) },
			func() { r.Roles[0] = "changed"; r.Data["k"] = "changed"; r.PreferredLanguages[0] = "xx" },
			func(v *authcore.UserRegistration) { v.Roles[0] = "out"; v.Data["k"] = "out" })

		l := f.link(u, "idp", "1")
		checkCopies(t, "link", func() (*authcore.IdentityProviderLink, error) { return f.s.GetLink(ctx, tn.ID, "idp", "1") },
			func() { l.Data["screen_name"] = "changed"; l.DisplayName = "changed" },
			func(v *authcore.IdentityProviderLink) { v.Data["screen_name"] = "out" })

		p := f.pending(tn.ID, a.ID, "idp", f.now+1e9)
		checkCopies(t, "pending link", func() (*authcore.PendingLink, error) { return f.s.GetPendingLink(ctx, p.ID, f.now) },
			func() { p.Data["a"] = "changed" },
			func(v *authcore.PendingLink) { v.Data["a"] = "out" })

		idp := &authcore.IdentityProviderRecord{ID: "idp-copies", Type: "Twitter", Document: []byte(`{"a":1}`), InsertInstant: 1}
		require.NoError(t, f.s.CreateIdentityProvider(ctx, idp))
		checkCopies(t, "identity provider", func() (*authcore.IdentityProviderRecord, error) { return f.s.GetIdentityProvider(ctx, "idp-copies") },
			func() { idp.Document[2] = 'X' },
			func(v *authcore.IdentityProviderRecord) { v.Document[2] = 'Y' })

		in := sampleIntegrations()
		require.NoError(t, f.s.PutIntegrations(ctx, in))
		checkCopies(t, "integrations", f.integrations,
			func() {
				in.Kafka.Producer["bootstrap.servers"] = "changed"
				in.CleanSpeak.ApplicationIDs[0] = "changed"
			},
			func(v *integration.Integrations) {
				v.Kafka.Producer["bootstrap.servers"] = "out"
				v.CleanSpeak.ApplicationIDs[0] = "out"
			})

		k := &authcore.APIKey{ID: "k", KeyHash: []byte("hash"), Description: "d", InsertInstant: 1}
		require.NoError(t, f.s.CreateAPIKey(ctx, k))
		checkCopies(t, "api key", func() (*authcore.APIKey, error) { return f.s.GetAPIKeyByHash(ctx, []byte("hash")) },
			func() { k.KeyHash[0] = 'X'; k.Description = "changed" },
			func(v *authcore.APIKey) { v.KeyHash[0] = 'Y' })

		rt := f.refresh(u, a.ID, "rt")
		checkCopies(t, "refresh token", func() (*authcore.RefreshToken, error) { return f.s.GetRefreshToken(ctx, rt.ID) },
			func() { rt.TokenHash[0] = 'X'; rt.MetaData["device"].(map[string]any)["name"] = "changed" },
			func(v *authcore.RefreshToken) {
				v.TokenHash[0] = 'Y'
				v.MetaData["device"].(map[string]any)["name"] = "out"
			})

		sk := &authcore.SigningKey{ID: "sk", Name: "n", Algorithm: "HS256", Secret: []byte("secret"), InsertInstant: 1}
		require.NoError(t, f.s.CreateKey(ctx, sk))
		checkCopies(t, "signing key", func() (*authcore.SigningKey, error) { return f.s.GetKey(ctx, "sk") },
			func() { sk.Secret[0] = 'X' },
			func(v *authcore.SigningKey) { v.Secret[0] = 'Y' })
		ck := &authcore.SigningKey{ID: "ck", Name: "c", Algorithm: "ES256", Secret: []byte("private"), PublicKey: []byte("public"), Certificate: []byte("certificate"), InsertInstant: 1}
		require.NoError(t, f.s.CreateKey(ctx, ck))
		checkCopies(t, "signing key's certificate", func() (*authcore.SigningKey, error) { return f.s.GetKey(ctx, "ck") },
			func() { ck.Certificate[0] = 'X' },
			func(v *authcore.SigningKey) { v.Certificate[0] = 'Y' })
		ck.Certificate[0], ck.Name = 'c', "renamed"
		ck.FormerTenants, ck.FormerApplications = []authcore.FormerSigner{{ID: "t", InsertInstant: 1}}, []authcore.FormerSigner{{ID: "a", InsertInstant: 1}}
		require.NoError(t, f.s.UpdateKey(ctx, ck))
		checkCopies(t, "updated signing key", func() (*authcore.SigningKey, error) { return f.s.GetKey(ctx, "ck") },
			func() {
				ck.Secret[0] = 'X'
				ck.Name = "changed"
				ck.FormerTenants[0].ID = "changed"
				ck.FormerApplications[0].ID = "changed"
			},
			func(v *authcore.SigningKey) {
				v.Secret[0] = 'Y'
				v.FormerTenants[0].ID = "out"
				v.FormerApplications[0].ID = "out"
			})

		e := &authcore.EventLog{InsertInstant: 1, Message: "m", Type: authcore.EventLogDebug}
		require.NoError(t, f.s.CreateEventLog(ctx, e))
		eid := e.ID
		checkCopies(t, "event log", func() (*authcore.EventLog, error) { return f.s.GetEventLog(ctx, eid) },
			func() { e.Message = "changed" },
			func(v *authcore.EventLog) { v.Message = "out" })
	}},
	// JSON-decoded data holds only maps and []any; a Go caller's may hold
	// []string, maps of strings, pointers, structs. Every store gives them
	// back as JSON decodes them, numbers as json.Number.
	{"copies/typed values in Data come back as JSON values", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		type point struct {
			X      int64 `json:"x"`
			hidden int
		}
		n := 7
		u := f.newUser(tn.ID, "shapes@example.com", "shapes")
		u.Data = map[string]any{
			"ids":    []int64{1, 9007199254740993},
			"labels": map[string]string{"k": "v"},
			"point":  point{X: -3, hidden: 1},
			"ptr":    &n,
			"nested": map[string]any{"flags": []bool{true}},
		}
		require.NoError(t, f.s.CreateUser(f.ctx, u))
		got, err := f.s.GetUser(f.ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]any{
			"ids":    []any{json.Number("1"), json.Number("9007199254740993")},
			"labels": map[string]any{"k": "v"},
			"point":  map[string]any{"x": json.Number("-3")},
			"ptr":    json.Number("7"),
			"nested": map[string]any{"flags": []any{true}},
		}, got.Data)
	}},
	{"copies/typed values in Data are copied in and out", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		tags := []string{"a", "b"}
		labels := map[string]string{"k": "v"}
		u := f.newUser(tn.ID, "typed@example.com", "typed")
		u.Data = map[string]any{"tags": tags, "labels": labels}
		require.NoError(t, f.s.CreateUser(ctx, u))
		checkCopies(t, "user with typed data", func() (*authcore.User, error) { return f.s.GetUser(ctx, u.ID) },
			func() {
				tags[0] = "changed"
				labels["k"] = "changed"
			},
			func(v *authcore.User) {
				v.Data["tags"].([]any)[1] = "out"
				v.Data["labels"].(map[string]any)["k"] = "out"
			})
	}},
}

func (f *fixture) integrations() (*integration.Integrations, error) {
	return f.s.GetIntegrations(f.ctx)
}
