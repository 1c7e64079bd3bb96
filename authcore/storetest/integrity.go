package storetest

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// integrityCases pin what a store answers to writes that break more than
// one rule at once, or that it cannot keep: every store must answer the
// same, since the engine turns the answer into the Errors object a client
// sees.
var integrityCases = []testCase{
	{"duplicates: a write that breaks several uniqueness rules names the id, then the e-mail before the username", func(t *testing.T, f *fixture) {
		tn := f.tenant("Acme")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "ada@example.com", "ada")
		other := f.user(tn.ID, "bob@example.com", "bob")
		token := f.refresh(u, a.ID, "token-hash")
		require.NoError(t, f.s.CreateAPIKey(f.ctx, &authcore.APIKey{ID: "key", KeyHash: []byte("key-hash"), InsertInstant: f.instant()}))

		writes := []struct {
			name  string
			field string
			write func(ctx context.Context, s authcore.Store) error
		}{
			{"tenant with a taken id and name", "id", func(ctx context.Context, s authcore.Store) error {
				return s.CreateTenant(ctx, f.newTenantWithID(tn.ID, "ACME"))
			}},
			{"user with a taken id, e-mail and username", "id", func(ctx context.Context, s authcore.Store) error {
				v := f.newUser(tn.ID, "ADA@example.com", "Ada")
				v.ID = u.ID
				return s.CreateUser(ctx, v)
			}},
			{"user with a taken id and e-mail", "id", func(ctx context.Context, s authcore.Store) error {
				v := f.newUser(tn.ID, "ada@example.com", "")
				v.ID = u.ID
				return s.CreateUser(ctx, v)
			}},
			{"user with a taken e-mail and username", "email", func(ctx context.Context, s authcore.Store) error {
				return s.CreateUser(ctx, f.newUser(tn.ID, "Ada@Example.com", "ADA"))
			}},
			{"update to another user's e-mail and username", "email", func(ctx context.Context, s authcore.Store) error {
				v := *other
				v.Email, v.Username = "ada@example.com", "ada"
				return s.UpdateUser(ctx, &v)
			}},
			{"API key with a taken id and hash", "id", func(ctx context.Context, s authcore.Store) error {
				return s.CreateAPIKey(ctx, &authcore.APIKey{ID: "key", KeyHash: []byte("key-hash"), InsertInstant: f.instant()})
			}},
			{"refresh token with a taken id and hash", "id", func(ctx context.Context, s authcore.Store) error {
				v := f.newRefresh(u, a.ID, "token-hash")
				v.ID = token.ID
				return s.CreateRefreshToken(ctx, v)
			}},
		}
		for _, w := range writes {
			requireDuplicate(t, w.write(f.ctx, f.s), w.field, w.name)
			err := f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
				requireDuplicate(t, w.write(ctx, tx), w.field, "%s, in a transaction", w.name)
				// The refused write left the transaction usable.
				_, err := tx.GetUser(ctx, u.ID)
				return err
			})
			require.NoError(t, err, w.name)
		}
		got, err := f.s.GetUser(f.ctx, other.ID)
		require.NoError(t, err)
		require.Equal(t, other, got, "the refused update changed nothing")
	}},
	{"free-form values JSON cannot hold are refused, and nothing is stored", func(t *testing.T, f *fixture) {
		// The SQL stores keep data as JSON and refuse such a value when
		// they encode it; memstore must refuse it too, or a user whose data
		// holds a NaN is stored and can then never be sent (every GET and
		// every login of it fails), and a map that holds itself is copied
		// without end.
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "ada@example.com", "ada")
		reg := f.reg(u.ID, a.ID)
		l := f.link(u, "idp", "1")
		tok := f.refresh(u, a.ID, "hash")
		b := f.app(tn.ID, "b")
		var pendingIDs []string
		self := map[string]any{}
		self["self"] = self
		list := []any{"x"}
		list[0] = map[string]any{"list": list}
		bad := map[string]any{
			"NaN":                          math.NaN(),
			"+Inf":                         math.Inf(1),
			"-Inf":                         float32(math.Inf(-1)),
			"an invalid number":            json.Number("12abc"),
			"a channel":                    make(chan int),
			"a func":                       func() {},
			"a map holding itself":         self,
			"a list holding itself":        list,
			"a typed value holding a NaN":  []float64{1, math.NaN()},
			"a NaN deep in a list and map": []any{map[string]any{"x": []any{math.NaN()}}},
		}
		for name, v := range bad {
			data := func() map[string]any { return map[string]any{"ok": "fine", "bad": v} }
			writes := map[string]func(ctx context.Context, s authcore.Store) error{
				"CreateTenant": func(ctx context.Context, s authcore.Store) error {
					v := f.newTenant("New")
					v.Data = data()
					return s.CreateTenant(ctx, v)
				},
				"UpdateTenant": func(ctx context.Context, s authcore.Store) error {
					v := *tn
					v.Data = data()
					return s.UpdateTenant(ctx, &v)
				},
				"CreateApplication": func(ctx context.Context, s authcore.Store) error {
					v := f.newApp(tn.ID, "new")
					v.Data = data()
					return s.CreateApplication(ctx, v)
				},
				"UpdateApplication": func(ctx context.Context, s authcore.Store) error {
					v := *a
					v.Data = data()
					return s.UpdateApplication(ctx, &v)
				},
				"CreateUser": func(ctx context.Context, s authcore.Store) error {
					v := f.newUser(tn.ID, "new@example.com", "")
					v.Data = data()
					return s.CreateUser(ctx, v)
				},
				"UpdateUser": func(ctx context.Context, s authcore.Store) error {
					v := *u
					v.Data = data()
					return s.UpdateUser(ctx, &v)
				},
				"UpdateRegistration": func(ctx context.Context, s authcore.Store) error {
					v := *reg
					v.Data = data()
					return s.UpdateRegistration(ctx, &v)
				},
				"UpdateLink": func(ctx context.Context, s authcore.Store) error {
					v := *l
					v.Data = data()
					return s.UpdateLink(ctx, &v)
				},
				"CreateRegistration": func(ctx context.Context, s authcore.Store) error {
					v := f.newReg(u.ID, b.ID)
					v.Data = data()
					return s.CreateRegistration(ctx, v)
				},
				"CreateLink": func(ctx context.Context, s authcore.Store) error {
					v := f.newLink(u, "idp", "2")
					v.Data = data()
					return s.CreateLink(ctx, v)
				},
				"CreatePendingLink": func(ctx context.Context, s authcore.Store) error {
					v := f.newPending(tn.ID, a.ID, "idp", f.now+3_600_000)
					v.Data = data()
					pendingIDs = append(pendingIDs, v.ID)
					return s.CreatePendingLink(ctx, v)
				},
				"CreateRefreshToken": func(ctx context.Context, s authcore.Store) error {
					v := f.newRefresh(u, a.ID, "new-hash")
					v.MetaData = data()
					return s.CreateRefreshToken(ctx, v)
				},
				"UpdateRefreshToken": func(ctx context.Context, s authcore.Store) error {
					v := *tok
					v.MetaData = data()
					return s.UpdateRefreshToken(ctx, &v)
				},
			}
			for method, write := range writes {
				require.Error(t, write(f.ctx, f.s), "%s with %s", method, name)
				err := f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
					require.Error(t, write(ctx, tx), "%s with %s, in a transaction", method, name)
					return nil
				})
				require.NoError(t, err, "%s with %s: the refused write leaves the transaction usable", method, name)
			}
		}
		for _, l := range []struct {
			name string
			get  func() (any, error)
			want any
		}{
			{"tenant", func() (any, error) { return f.s.GetTenant(f.ctx, tn.ID) }, tn},
			{"application", func() (any, error) { return f.s.GetApplication(f.ctx, a.ID) }, a},
			{"user", func() (any, error) { return f.s.GetUser(f.ctx, u.ID) }, u},
			{"registration", func() (any, error) { return f.s.GetRegistration(f.ctx, u.ID, a.ID) }, reg},
			{"link", func() (any, error) { return f.s.GetLink(f.ctx, tn.ID, "idp", "1") }, l},
			{"refresh token", func() (any, error) { return f.s.GetRefreshToken(f.ctx, tok.ID) }, tok},
		} {
			got, err := l.get()
			require.NoError(t, err, l.name)
			require.Equal(t, l.want, got, "%s: unchanged", l.name)
		}
		tenants, err := f.s.ListTenants(f.ctx)
		require.NoError(t, err)
		require.Len(t, tenants, 1, "no tenant was created")
		apps, err := f.s.ListApplications(f.ctx, "")
		require.NoError(t, err)
		require.Len(t, apps, 2, "no application was created")
		_, err = f.s.GetUserByEmail(f.ctx, tn.ID, "new@example.com")
		requireNotFound(t, err, "no user was created")
		regs, err := f.s.ListRegistrations(f.ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, regs, 1, "no registration was created")
		links, err := f.s.ListLinks(f.ctx, u.ID, "")
		require.NoError(t, err)
		require.Len(t, links, 1, "no link was created")
		tokens, err := f.s.ListRefreshTokens(f.ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, tokens, 1, "no refresh token was created")
		require.NotEmpty(t, pendingIDs)
		for _, id := range pendingIDs {
			_, err := f.s.GetPendingLink(f.ctx, id, f.now)
			requireNotFound(t, err, "no pending link was created")
		}
	}},
	{"numbers a Go caller puts in data come back as encoding/json writes them", func(t *testing.T, f *fixture) {
		// The SQL stores keep the JSON text; memstore writes the same text.
		tn := f.newTenant("T")
		tn.Data = map[string]any{
			"float32":       float32(0.1),
			"float64":       0.1,
			"empty number":  json.Number(""),
			"large uint64":  uint64(math.MaxUint64),
			"nested":        []any{float32(2.5), map[string]any{"n": float32(1e-7)}},
			"typed float32": []float32{0.3},
		}
		require.NoError(t, f.s.CreateTenant(f.ctx, tn))
		got, err := f.s.GetTenant(f.ctx, tn.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]any{
			"float32":       json.Number("0.1"),
			"float64":       json.Number("0.1"),
			"empty number":  json.Number("0"),
			"large uint64":  json.Number("18446744073709551615"),
			"nested":        []any{json.Number("2.5"), map[string]any{"n": json.Number("1e-7")}},
			"typed float32": []any{json.Number("0.3")},
		}, got.Data)
	}},
	{"tx/a context that ends before fn returns commits nothing, and InTx answers its error", func(t *testing.T, f *fixture) {
		// A client that goes away while its transaction runs: fn had no
		// statement left to fail. PostgreSQL cannot commit then
		// (database/sql rolls the transaction back when its context ends);
		// memstore and SQLite's commit groups committed, and InTx answered
		// nil. Every store rolls back now.
		tn := f.tenant("T")
		before := f.state(tn)
		ctx, cancel := context.WithCancel(f.ctx)
		err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			require.NoError(t, tx.CreateUser(ctx, f.newUser(tn.ID, "gone@example.com", "")))
			changed := *tn
			changed.Name = "Renamed"
			require.NoError(t, tx.UpdateTenant(ctx, &changed))
			cancel()
			return nil
		})
		require.ErrorIs(t, err, context.Canceled)
		require.Equal(t, before, f.state(tn))
		_, err = f.s.GetUserByEmail(f.ctx, tn.ID, "gone@example.com")
		requireNotFound(t, err)
		// The store goes on: the e-mail was never taken.
		f.user(tn.ID, "gone@example.com", "")
	}},
	{"an update that names a missing tenant or user is not found, and changes nothing", func(t *testing.T, f *fixture) {
		// The SQL stores' foreign keys refuse it; memstore stored an
		// application of no tenant, or a refresh token of no user, which
		// no cascade would ever delete.
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "ada@example.com", "")
		tok := f.refresh(u, a.ID, "hash")

		app := *a
		app.TenantID, app.Name = "no-such-tenant", "moved"
		requireNotFound(t, f.s.UpdateApplication(f.ctx, &app))
		gotApp, err := f.s.GetApplication(f.ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, a, gotApp)

		rt := *tok
		rt.UserID = "no-such-user"
		requireNotFound(t, f.s.UpdateRefreshToken(f.ctx, &rt))
		gotTok, err := f.s.GetRefreshToken(f.ctx, tok.ID)
		require.NoError(t, err)
		require.Equal(t, tok, gotTok)

		err = f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
			requireNotFound(t, tx.UpdateApplication(ctx, &app), "in a transaction")
			requireNotFound(t, tx.UpdateRefreshToken(ctx, &rt), "in a transaction")
			return nil
		})
		require.NoError(t, err)
		// Deleting the user deletes its token, which still names it.
		require.NoError(t, f.s.DeleteUser(f.ctx, u.ID))
		_, err = f.s.GetRefreshToken(f.ctx, tok.ID)
		requireNotFound(t, err)
	}},
}
