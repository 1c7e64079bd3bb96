package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// unstorableCases: a lookup or a delete by text that no stored value holds
// (U+0000, bytes that are not UTF-8) finds nothing, on every store, and
// leaves the transaction it ran in usable; so does an update of an object
// such text names. PostgreSQL refuses such text in a statement, which
// aborted the transaction and answered a bare driver error where memstore
// and SQLite answered ErrNotFound (or an empty list).
var unstorableCases = []testCase{
	{"lookup/text no store holds finds nothing", func(t *testing.T, f *fixture) {
		tn := f.tenant("Acme")
		app := f.app(tn.ID, "App")
		u := f.user(tn.ID, "ada@example.com", "ada")
		f.reg(u.ID, app.ID)
		const provider = "45bb233c-0901-4236-b5ca-ac46e2e0a5a5"
		f.link(u, provider, "1001")
		for _, bad := range []string{"nul\x00", "bad\xc3\x28"} {
			requireTxUsable(t, f, u, bad, func(ctx context.Context, tx authcore.Store) {
				lookups := map[string]func() error{
					"GetTenant":         func() error { _, err := tx.GetTenant(ctx, bad); return err },
					"GetApplication":    func() error { _, err := tx.GetApplication(ctx, bad); return err },
					"GetUser":           func() error { _, err := tx.GetUser(ctx, bad); return err },
					"GetUserByEmail":    func() error { _, err := tx.GetUserByEmail(ctx, tn.ID, bad+"@example.com"); return err },
					"GetUserByUsername": func() error { _, err := tx.GetUserByUsername(ctx, tn.ID, bad); return err },
					"GetRegistration":   func() error { _, err := tx.GetRegistration(ctx, u.ID, bad); return err },
					"GetLink":           func() error { _, err := tx.GetLink(ctx, tn.ID, provider, bad); return err },
					"GetPendingLink":    func() error { _, err := tx.GetPendingLink(ctx, bad, f.now); return err },
					"GetIdentityProvider": func() error {
						_, err := tx.GetIdentityProvider(ctx, bad)
						return err
					},
					"GetRefreshToken": func() error { _, err := tx.GetRefreshToken(ctx, bad); return err },
					"GetKey":          func() error { _, err := tx.GetKey(ctx, bad); return err },
					"GetKeyByKid":     func() error { _, err := tx.GetKeyByKid(ctx, bad); return err },
					"GetModerationItem": func() error {
						_, err := tx.GetModerationItem(ctx, bad)
						return err
					},
					"GetAPIKey":    func() error { _, err := tx.GetAPIKey(ctx, bad); return err },
					"UpdateAPIKey": func() error { return tx.UpdateAPIKey(ctx, &authcore.APIKey{ID: bad, KeyHash: []byte("x")}) },
					// An update names its object as a lookup does.
					"UpdateTenant":      func() error { return tx.UpdateTenant(ctx, &authcore.Tenant{ID: bad, Name: "Other"}) },
					"UpdateApplication": func() error { return tx.UpdateApplication(ctx, &authcore.Application{ID: bad, TenantID: tn.ID}) },
					"UpdateUser":        func() error { return tx.UpdateUser(ctx, &authcore.User{ID: bad, TenantID: tn.ID}) },
					"UpdateRegistration": func() error {
						return tx.UpdateRegistration(ctx, &authcore.UserRegistration{ID: id(), UserID: u.ID, ApplicationID: bad})
					},
					"UpdateLink": func() error {
						return tx.UpdateLink(ctx, &authcore.IdentityProviderLink{TenantID: tn.ID, IdentityProviderID: provider, IdentityProviderUserID: bad, UserID: u.ID})
					},
					"UpdateIdentityProvider": func() error {
						return tx.UpdateIdentityProvider(ctx, &authcore.IdentityProviderRecord{ID: bad, Type: "Twitter"})
					},
					"UpdateRefreshToken": func() error {
						return tx.UpdateRefreshToken(ctx, &authcore.RefreshToken{ID: bad, UserID: u.ID, ApplicationID: app.ID, TokenHash: []byte("h")})
					},
					"UpdateKey": func() error { return tx.UpdateKey(ctx, &authcore.SigningKey{ID: bad}) },
				}
				for name, lookup := range lookups {
					requireNotFound(t, lookup(), "%s(%q)", name, bad)
				}
				deletes := map[string]func() error{
					"DeleteTenant":           func() error { return tx.DeleteTenant(ctx, bad) },
					"DeleteApplication":      func() error { return tx.DeleteApplication(ctx, bad) },
					"DeleteUser":             func() error { return tx.DeleteUser(ctx, bad) },
					"DeleteRegistration":     func() error { return tx.DeleteRegistration(ctx, u.ID, bad) },
					"DeleteLink":             func() error { return tx.DeleteLink(ctx, tn.ID, provider, bad) },
					"DeleteIdentityProvider": func() error { return tx.DeleteIdentityProvider(ctx, bad) },
					"DeleteAPIKey":           func() error { return tx.DeleteAPIKey(ctx, bad) },
					"DeleteKey":              func() error { return tx.DeleteKey(ctx, bad) },
					"DeleteModerationItem":   func() error { return tx.DeleteModerationItem(ctx, bad) },
				}
				for name, del := range deletes {
					requireNotFound(t, del(), "%s(%q)", name, bad)
				}
				require.NoError(t, tx.DeleteProviderLinks(ctx, bad), "DeleteProviderLinks(%q)", bad)
				n, err := tx.DeleteRefreshTokens(ctx, "", bad, "")
				require.NoError(t, err, "DeleteRefreshTokens(user %q)", bad)
				require.Zero(t, n)
				regs, err := tx.ListRegistrations(ctx, bad)
				require.NoError(t, err, "ListRegistrations(%q)", bad)
				require.Empty(t, regs)
				links, err := tx.ListLinks(ctx, bad, "")
				require.NoError(t, err, "ListLinks(%q)", bad)
				require.Empty(t, links)
				tokens, err := tx.ListRefreshTokens(ctx, bad)
				require.NoError(t, err, "ListRefreshTokens(%q)", bad)
				require.Empty(t, tokens)
				appRegs, err := tx.ListApplicationRegistrations(ctx, bad)
				require.NoError(t, err, "ListApplicationRegistrations(%q)", bad)
				require.Empty(t, appRegs)
				entries, total, err := tx.SearchEventLogs(ctx, authcore.EventLogQuery{Type: bad})
				require.NoError(t, err, "SearchEventLogs(type %q)", bad)
				require.Empty(t, entries)
				require.Zero(t, total)
			})
		}
	}}, {"create/a parent named by text no store holds is not found", func(t *testing.T, f *fixture) {
		// A create names its parents (tenant, user, application, identity
		// provider) as a lookup does, and a parent no store can hold does
		// not exist: ErrNotFound, as for any missing parent, with nothing
		// written and the transaction still usable. PostgreSQL refused the
		// statement (a bare driver error) where memstore and SQLite answered
		// ErrNotFound; Engine.CreateRefreshToken passes a Go caller's user
		// and application ids to the store as they are.
		ctx := f.ctx
		tn := f.tenant("Acme")
		app := f.app(tn.ID, "App")
		u := f.user(tn.ID, "ada@example.com", "ada")
		const provider = "45bb233c-0901-4236-b5ca-ac46e2e0a5a5"
		f.provider(provider)
		for _, bad := range []string{"nul\x00", "bad\xc3\x28"} {
			err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				before, err := tx.ListRefreshTokens(ctx, u.ID)
				require.NoError(t, err)
				creates := map[string]func() error{
					"CreateApplication(tenant)": func() error { return tx.CreateApplication(ctx, f.newApp(bad, "Other")) },
					"UpdateApplication(tenant)": func() error {
						a := f.newApp(bad, "App")
						a.ID = app.ID
						return tx.UpdateApplication(ctx, a)
					},
					"CreateUser(tenant)":       func() error { return tx.CreateUser(ctx, f.newUser(bad, "bob@example.com", "bob")) },
					"CreateRegistration(user)": func() error { return tx.CreateRegistration(ctx, f.newReg(bad, app.ID)) },
					"CreateRegistration(app)":  func() error { return tx.CreateRegistration(ctx, f.newReg(u.ID, bad)) },
					"CreateLink(user)": func() error {
						l := f.newLink(u, provider, "1001")
						l.UserID = bad
						return tx.CreateLink(ctx, l)
					},
					"CreateLink(provider)":        func() error { return tx.CreateLink(ctx, f.newLink(u, bad, "1002")) },
					"CreatePendingLink(tenant)":   func() error { return tx.CreatePendingLink(ctx, f.newPending(bad, app.ID, provider, f.now+3_600_000)) },
					"CreatePendingLink(provider)": func() error { return tx.CreatePendingLink(ctx, f.newPending(tn.ID, app.ID, bad, f.now+3_600_000)) },
					"CreateRefreshToken(user)": func() error {
						r := f.newRefresh(u, app.ID, "hash-1")
						r.UserID = bad
						return tx.CreateRefreshToken(ctx, r)
					},
					"CreateRefreshToken(app)": func() error { return tx.CreateRefreshToken(ctx, f.newRefresh(u, bad, "hash-2")) },
				}
				for name, create := range creates {
					requireNotFound(t, create(), "%s(%q)", name, bad)
				}
				// Nothing was written, and the transaction reads and writes.
				apps, err := tx.ListApplications(ctx, "")
				require.NoError(t, err)
				require.Len(t, apps, 1)
				require.Equal(t, tn.ID, apps[0].TenantID)
				regs, err := tx.ListRegistrations(ctx, u.ID)
				require.NoError(t, err)
				require.Empty(t, regs)
				links, err := tx.ListLinks(ctx, u.ID, "")
				require.NoError(t, err)
				require.Empty(t, links)
				tokens, err := tx.ListRefreshTokens(ctx, u.ID)
				require.NoError(t, err)
				require.Len(t, tokens, len(before))
				return tx.CreateRefreshToken(ctx, f.newRefresh(u, app.ID, "hash-"+bad[:3]))
			})
			require.NoError(t, err, "%q", bad)
		}
		tokens, err := f.s.ListRefreshTokens(ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, tokens, 2, "both transactions committed")
	}}, {"create/own keyed text no store holds is not storable", func(t *testing.T, f *fixture) {
		// An object whose own id, or other text a store keys it by (a
		// name, an e-mail, a kid), holds U+0000 or bytes that are not UTF-8
		// is refused with a *NotStorableError naming the field, on every
		// store, with nothing written and the transaction still usable.
		// PostgreSQL refused the statement with its own error where
		// memstore and SQLite stored the object.
		ctx := f.ctx
		tn := f.tenant("Acme")
		app := f.app(tn.ID, "App")
		u := f.user(tn.ID, "ada@example.com", "ada")
		u2 := f.user(tn.ID, "eve@example.com", "eve")
		reg := f.reg(u.ID, app.ID)
		const provider = "45bb233c-0901-4236-b5ca-ac46e2e0a5a5"
		f.link(u, provider, "1001")
		apiKey := &authcore.APIKey{ID: id(), KeyHash: []byte("hash"), Name: "ci", InsertInstant: f.instant()}
		require.NoError(t, f.s.CreateAPIKey(ctx, apiKey))
		key := &authcore.SigningKey{ID: id(), Name: "main", Algorithm: "HS256", Secret: []byte("secret"), InsertInstant: f.instant()}
		require.NoError(t, f.s.CreateKey(ctx, key))
		for _, bad := range []string{"nul\x00", "bad\xc3\x28"} {
			requireTxUsable(t, f, u, bad, func(ctx context.Context, tx authcore.Store) {
				writes := unstorableWrites(f, tx, bad, tn, app, u, u2, reg, apiKey, key, provider)
				for name, w := range writes {
					var ns *authcore.NotStorableError
					err := w.write()
					require.ErrorIs(t, err, authcore.ErrNotStorable, "%s(%q)", name, bad)
					require.ErrorAs(t, err, &ns, "%s(%q)", name, bad)
					require.Equal(t, w.field, ns.Field, "%s(%q)", name, bad)
				}
				requireUnchanged(t, f, tx, tn, app, u, u2, reg, apiKey, key)
			})
		}
	}}, {"moderation/a cursor no store holds still pages", func(t *testing.T, f *fixture) {
		// A range, unlike a lookup, may match rows when its bound is text no
		// store holds: every content id sorts, byte by byte, before or after
		// it. PostgreSQL answered none where memstore and SQLite answered
		// the items after the cursor.
		ctx := f.ctx
		for _, id := range []string{"ab", "b"} {
			require.NoError(t, f.s.PutModerationItem(ctx, &authcore.ModerationItem{ContentID: id, TenantID: "t", UserID: "u", Username: id}))
		}
		for after, want := range map[string][]string{
			"a\x00":     {"ab", "b"},
			"a\xc3\x28": {"b"},
			"\xff":      nil,
		} {
			page, err := f.s.ListModerationItems(ctx, after, 10)
			require.NoError(t, err, "after %q", after)
			var got []string
			for _, m := range page {
				got = append(got, m.ContentID)
			}
			require.Equal(t, want, got, "after %q", after)
		}
	}},
}

// unstorableWrite is a write whose field holds text no store keeps.
type unstorableWrite struct {
	field string
	write func() error
}

// unstorableWrites are the creates and updates of the case "create/own
// keyed text no store holds is not storable", each with bad in one keyed
// field of an object whose parents exist.
func unstorableWrites(f *fixture, tx authcore.Store, bad string, tn *authcore.Tenant, app *authcore.Application,
	u, u2 *authcore.User, reg *authcore.UserRegistration, apiKey *authcore.APIKey, key *authcore.SigningKey, provider string,
) map[string]unstorableWrite {
	ctx := f.ctx
	return map[string]unstorableWrite{
		"CreateTenant(id)":   {"id", func() error { v := f.newTenant("Other"); v.ID = bad; return tx.CreateTenant(ctx, v) }},
		"CreateTenant(name)": {"name", func() error { return tx.CreateTenant(ctx, f.newTenant("Other "+bad)) }},
		"CreateApplication(id)": {"id", func() error {
			v := f.newApp(tn.ID, "Other")
			v.ID = bad
			return tx.CreateApplication(ctx, v)
		}},
		"CreateUser(id)": {"id", func() error {
			v := f.newUser(tn.ID, "bob@example.com", "bob")
			v.ID = bad
			return tx.CreateUser(ctx, v)
		}},
		"CreateUser(email)":    {"email", func() error { return tx.CreateUser(ctx, f.newUser(tn.ID, "bob"+bad+"@example.com", "bob")) }},
		"CreateUser(username)": {"username", func() error { return tx.CreateUser(ctx, f.newUser(tn.ID, "bob@example.com", "bob"+bad)) }},
		"CreateRegistration(id)": {"id", func() error {
			v := f.newReg(u2.ID, app.ID)
			v.ID = bad
			return tx.CreateRegistration(ctx, v)
		}},
		"CreateLink(identityProviderUserId)": {"identityProviderUserId", func() error { return tx.CreateLink(ctx, f.newLink(u, provider, "1002"+bad)) }},
		"CreatePendingLink(id)": {"id", func() error {
			v := f.newPending(tn.ID, app.ID, provider, f.now+3_600_000)
			v.ID = bad
			return tx.CreatePendingLink(ctx, v)
		}},
		"CreateIdentityProvider(id)": {"id", func() error {
			return tx.CreateIdentityProvider(ctx, &authcore.IdentityProviderRecord{ID: bad, Type: "Twitter", Document: []byte(`{}`), InsertInstant: f.instant()})
		}},
		"CreateAPIKey(id)": {"id", func() error {
			return tx.CreateAPIKey(ctx, &authcore.APIKey{ID: bad, KeyHash: []byte("other"), InsertInstant: f.instant()})
		}},
		"CreateAPIKey(name)": {"name", func() error {
			return tx.CreateAPIKey(ctx, &authcore.APIKey{ID: id(), KeyHash: []byte("other"), Name: bad, InsertInstant: f.instant()})
		}},
		"CreateRefreshToken(id)": {"id", func() error {
			v := f.newRefresh(u, app.ID, "hash-"+bad[:3])
			v.ID = bad
			return tx.CreateRefreshToken(ctx, v)
		}},
		"CreateKey(id)": {"id", func() error {
			return tx.CreateKey(ctx, &authcore.SigningKey{ID: bad, Algorithm: "HS256", Secret: []byte("s"), InsertInstant: f.instant()})
		}},
		"CreateKey(kid)": {"kid", func() error {
			return tx.CreateKey(ctx, &authcore.SigningKey{ID: id(), Kid: bad, Algorithm: "ES256", PublicKey: []byte("p"), InsertInstant: f.instant()})
		}},
		"CreateKey(name)": {"name", func() error {
			return tx.CreateKey(ctx, &authcore.SigningKey{ID: id(), Name: bad, Algorithm: "HS256", Secret: []byte("s"), InsertInstant: f.instant()})
		}},
		"UpdateTenant(name)":     {"name", func() error { v := *tn; v.Name = bad; return tx.UpdateTenant(ctx, &v) }},
		"UpdateUser(email)":      {"email", func() error { v := *u; v.Email = bad + "@example.com"; return tx.UpdateUser(ctx, &v) }},
		"UpdateUser(username)":   {"username", func() error { v := *u; v.Username = bad; return tx.UpdateUser(ctx, &v) }},
		"UpdateRegistration(id)": {"id", func() error { v := *reg; v.ID = bad; return tx.UpdateRegistration(ctx, &v) }},
		"UpdateAPIKey(name)":     {"name", func() error { v := *apiKey; v.Name = bad; return tx.UpdateAPIKey(ctx, &v) }},
		"UpdateKey(name)":        {"name", func() error { v := *key; v.Name = bad; return tx.UpdateKey(ctx, &v) }},
	}
}

// requireUnchanged asserts that the refused writes of unstorableWrites
// stored nothing and changed nothing.
func requireUnchanged(t *testing.T, f *fixture, tx authcore.Store, tn *authcore.Tenant, app *authcore.Application,
	u, u2 *authcore.User, reg *authcore.UserRegistration, apiKey *authcore.APIKey, key *authcore.SigningKey,
) {
	t.Helper()
	ctx := f.ctx
	tenants, err := tx.ListTenants(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{tn.Name}, ids(tenants, func(v *authcore.Tenant) string { return v.Name }))
	apps, err := tx.ListApplications(ctx, "")
	require.NoError(t, err)
	require.Equal(t, []string{app.ID}, ids(apps, func(v *authcore.Application) string { return v.ID }))
	_, err = tx.GetUserByEmail(ctx, tn.ID, "bob@example.com")
	requireNotFound(t, err, "no user bob")
	gotU, err := tx.GetUser(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, []string{u.Email, u.Username}, []string{gotU.Email, gotU.Username})
	regs, err := tx.ListApplicationRegistrations(ctx, app.ID)
	require.NoError(t, err)
	require.Equal(t, []string{reg.ID}, ids(regs, func(v *authcore.UserRegistration) string { return v.ID }))
	links, err := tx.ListLinks(ctx, u.ID, "")
	require.NoError(t, err)
	require.Equal(t, []string{"1001"}, ids(links, func(v *authcore.IdentityProviderLink) string { return v.IdentityProviderUserID }))
	providers, err := tx.ListIdentityProviders(ctx)
	require.NoError(t, err)
	require.Len(t, providers, 1)
	apiKeys, err := tx.ListAPIKeys(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{apiKey.Name}, ids(apiKeys, func(v *authcore.APIKey) string { return v.Name }))
	keys, err := tx.ListKeys(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{key.Name}, ids(keys, func(v *authcore.SigningKey) string { return v.Name }))
	tokens, err := tx.ListRefreshTokens(ctx, u.ID)
	require.NoError(t, err)
	require.Empty(t, tokens)
	u2Regs, err := tx.ListRegistrations(ctx, u2.ID)
	require.NoError(t, err)
	require.Empty(t, u2Regs)
}

// requireTxUsable runs check in a transaction, then updates u there, and
// asserts that the transaction committed: what check had refused left it
// usable.
func requireTxUsable(t *testing.T, f *fixture, u *authcore.User, bad string, check func(ctx context.Context, tx authcore.Store)) {
	t.Helper()
	err := f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
		check(ctx, tx)
		got, err := tx.GetUser(ctx, u.ID)
		if err != nil {
			return err
		}
		got.FullName = "Ada " + bad[:3]
		return tx.UpdateUser(ctx, got)
	})
	require.NoError(t, err, "%q", bad)
	got, err := f.s.GetUser(f.ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, "Ada "+bad[:3], got.FullName, "the transaction committed")
}
