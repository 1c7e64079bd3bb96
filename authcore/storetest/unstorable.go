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
		ctx := f.ctx
		tn := f.tenant("Acme")
		app := f.app(tn.ID, "App")
		u := f.user(tn.ID, "ada@example.com", "ada")
		f.reg(u.ID, app.ID)
		const provider = "45bb233c-0901-4236-b5ca-ac46e2e0a5a5"
		f.link(u, provider, "1001")
		for _, bad := range []string{"nul\x00", "bad\xc3\x28"} {
			err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
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
				// The transaction is still usable: it reads and writes.
				got, err := tx.GetUser(ctx, u.ID)
				if err != nil {
					return err
				}
				got.FullName = "Ada " + bad[:3]
				return tx.UpdateUser(ctx, got)
			})
			require.NoError(t, err, "%q", bad)
			got, err := f.s.GetUser(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, "Ada "+bad[:3], got.FullName, "the transaction committed")
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
