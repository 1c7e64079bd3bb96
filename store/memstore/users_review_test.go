package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// reviewStore is a store with tenants t1 and t2, an application per tenant
// (t1a, t2a) and the given users, each in t1.
func reviewStore(t *testing.T, users ...string) *Store {
	t.Helper()
	ctx := context.Background()
	s := New()
	for _, tn := range []string{"t1", "t2"} {
		require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: tn, Name: tn}))
		require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: tn + "a", TenantID: tn}))
	}
	createProviders(t, s, "p1", "p2")
	for _, u := range users {
		require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: u, TenantID: "t1", Email: u + "@x.io", Username: u}))
	}
	return s
}

// createProviders adds identity providers: a link needs its provider.
func createProviders(t *testing.T, s *Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		require.NoError(t, s.CreateIdentityProvider(context.Background(), &authcore.IdentityProviderRecord{ID: id, Type: "Twitter", Document: []byte(`{}`)}))
	}
}

func reviewLink(user, provider, providerUser string, insert int64) *authcore.IdentityProviderLink {
	return &authcore.IdentityProviderLink{UserID: user, TenantID: "t1", IdentityProviderID: provider, IdentityProviderName: "Name " + provider,
		IdentityProviderType: "Twitter", IdentityProviderUserID: providerUser, InsertInstant: insert, Data: map[string]any{"s": provider}}
}

// fill sets every exported field of the struct v points at to a value that
// is not the zero value, named after the field, so that a field a store
// forgets to copy shows in a comparison. Nested data goes two levels deep.
func fill(v any) {
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		f, name := rv.Field(i), rv.Type().Field(i).Name
		if !f.CanSet() {
			continue
		}
		fillValue(f, name, int64(i+1))
	}
}

func fillValue(f reflect.Value, name string, n int64) {
	switch f.Kind() {
	case reflect.String:
		f.SetString("v-" + name)
	case reflect.Int64, reflect.Int:
		f.SetInt(1000 + n)
	case reflect.Bool:
		f.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(f.Type(), 2, 2)
		for j := range 2 {
			fillValue(s.Index(j), fmt.Sprintf("%s-%d", name, j), n+int64(j))
		}
		f.Set(s)
	case reflect.Map:
		f.Set(reflect.ValueOf(map[string]any{"k-" + name: "v", "nested": map[string]any{"list": []any{"a", map[string]any{"b": json.Number("1.5")}}}}))
	case reflect.Pointer:
		p := reflect.New(f.Type().Elem())
		fillValue(p.Elem(), name, n)
		f.Set(p)
	case reflect.Struct:
		for i := range f.NumField() {
			if f.Field(i).CanSet() {
				fillValue(f.Field(i), name+"."+f.Type().Field(i).Name, n+int64(i))
			}
		}
	default:
		panic(fmt.Sprintf("fill: %s has kind %s", name, f.Kind()))
	}
}

// Every field of a user, a registration and a link comes back as it went
// in, so a field added to the model later and not to the packed record
// fails here rather than being dropped silently.
func TestReviewEveryFieldRoundTrips(t *testing.T) {
	ctx := context.Background()
	s := reviewStore(t)

	u := &authcore.User{}
	fill(u)
	u.TenantID, u.Registrations = "t1", nil
	require.NoError(t, s.CreateUser(ctx, u))
	got, err := s.GetUser(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, u, got)
	got, err = s.GetUserByEmail(ctx, "t1", u.Email)
	require.NoError(t, err)
	assert.Equal(t, u, got)

	r := &authcore.UserRegistration{}
	fill(r)
	r.UserID, r.ApplicationID = u.ID, "t1a"
	require.NoError(t, s.CreateRegistration(ctx, r))
	gotReg, err := s.GetRegistration(ctx, u.ID, "t1a")
	require.NoError(t, err)
	assert.Equal(t, r, gotReg)

	l := &authcore.IdentityProviderLink{}
	fill(l)
	l.UserID, l.TenantID = u.ID, "t1"
	createProviders(t, s, l.IdentityProviderID)
	require.NoError(t, s.CreateLink(ctx, l))
	gotLink, err := s.GetLink(ctx, "t1", l.IdentityProviderID, l.IdentityProviderUserID)
	require.NoError(t, err)
	assert.Equal(t, l, gotLink)

	// An update of every field, then back to zero values, keeps each one.
	for _, zero := range []bool{false, true} {
		u2, r2, l2 := &authcore.User{}, &authcore.UserRegistration{}, &authcore.IdentityProviderLink{}
		if !zero {
			fill(u2)
			fill(r2)
			fill(l2)
			u2.FullName, r2.Timezone, l2.DisplayName = "changed", "changed", "changed"
		}
		u2.ID, u2.TenantID, u2.Registrations = u.ID, "t1", nil
		r2.UserID, r2.ApplicationID = u.ID, "t1a"
		l2.UserID, l2.TenantID, l2.IdentityProviderID, l2.IdentityProviderUserID = u.ID, "t1", l.IdentityProviderID, l.IdentityProviderUserID
		require.NoError(t, s.UpdateUser(ctx, u2))
		require.NoError(t, s.UpdateRegistration(ctx, r2))
		require.NoError(t, s.UpdateLink(ctx, l2))
		got, err := s.GetUser(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, u2, got, "zero: %v", zero)
		gotReg, err := s.GetRegistration(ctx, u.ID, "t1a")
		require.NoError(t, err)
		assert.Equal(t, r2, gotReg, "zero: %v", zero)
		gotLink, err := s.GetLink(ctx, "t1", l.IdentityProviderID, l.IdentityProviderUserID)
		require.NoError(t, err)
		assert.Equal(t, l2, gotLink, "zero: %v", zero)
	}
	checkInvariants(t, &s.d)
}

// Readers outside transactions share one read-only view while writers
// change the same user; every reader also scribbles on what it got. Under
// -race, memory shared between a returned value and the store, or a read
// that writes, shows as a race.
func TestReviewConcurrentReadersAndWriters(t *testing.T) {
	ctx := context.Background()
	s := reviewStore(t, "u")
	require.NoError(t, s.CreateRegistration(ctx, &authcore.UserRegistration{ID: "r", UserID: "u", ApplicationID: "t1a",
		Roles: []string{"a"}, Data: map[string]any{"k": []any{"v"}}}))
	require.NoError(t, s.CreateLink(ctx, reviewLink("u", "p1", "1", 1)))
	var wg sync.WaitGroup
	const n = 200
	wg.Go(func() {
		for i := range n {
			email := "U@x.io"
			if i%2 == 0 {
				email = "u@x.io"
			}
			assert.NoError(t, s.UpdateUser(ctx, &authcore.User{ID: "u", TenantID: "t1", Email: email, Username: "u",
				Data: map[string]any{"i": float64(i), "list": []any{"x"}}, PreferredLanguages: []string{"en"}}))
			l := reviewLink("u", "p1", "1", 1)
			l.IdentityProviderName = fmt.Sprint("Name ", i%3)
			assert.NoError(t, s.UpdateLink(ctx, l))
			assert.NoError(t, s.UpdateRegistration(ctx, &authcore.UserRegistration{ID: "r", UserID: "u", ApplicationID: "t1a",
				Roles: []string{"a", "b"}, Data: map[string]any{"k": []any{"v", i}}}))
		}
	})
	for range 3 {
		wg.Go(func() {
			for range n {
				u, err := s.GetUserByEmail(ctx, "t1", "u@X.io")
				if assert.NoError(t, err) && u.Data != nil {
					u.Data["list"].([]any)[0] = "scribbled"
					u.PreferredLanguages[0] = "xx"
				}
				regs, err := s.ListRegistrations(ctx, "u")
				if assert.NoError(t, err) && assert.Len(t, regs, 1) {
					regs[0].Roles[0] = "scribbled"
					regs[0].Data["k"].([]any)[0] = "scribbled"
				}
				links, err := s.ListLinks(ctx, "u", "")
				if assert.NoError(t, err) && assert.Len(t, links, 1) {
					links[0].Data["s"] = "scribbled"
				}
			}
		})
	}
	wg.Wait()
	u, err := s.GetUser(ctx, "u")
	require.NoError(t, err)
	assert.Equal(t, []any{"x"}, u.Data["list"])
	assert.Equal(t, []string{"en"}, u.PreferredLanguages)
	r, err := s.GetRegistration(ctx, "u", "t1a")
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, r.Roles)
	assert.Equal(t, "v", r.Data["k"].([]any)[0])
	l, err := s.GetLink(ctx, "t1", "p1", "1")
	require.NoError(t, err)
	assert.Equal(t, "p1", l.Data["s"])
	checkInvariants(t, &s.d)
}

// lookups renders what the indexes answer for the names the review
// transactions use, so that a rollback that leaves an index entry stale or
// missing shows even when the records are right.
func lookups(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	out := ""
	for _, tn := range []string{"t1", "t2"} {
		for _, v := range []string{"a@x.io", "A@X.IO", "b@x.io", "c@x.io", "a", "b", "c"} {
			u, err := s.GetUserByEmail(ctx, tn, v)
			out += fmt.Sprintf("%s email %s: %s %v\n", tn, v, idOf(u), err)
			u, err = s.GetUserByUsername(ctx, tn, v)
			out += fmt.Sprintf("%s username %s: %s %v\n", tn, v, idOf(u), err)
		}
		for _, p := range []string{"p1", "p2"} {
			if l, err := s.GetLink(ctx, tn, p, "1"); err == nil {
				out += fmt.Sprintf("%s link %s: %s %s\n", tn, p, l.UserID, l.IdentityProviderName)
			} else {
				out += fmt.Sprintf("%s link %s: %v\n", tn, p, err)
			}
		}
	}
	return out
}

func idOf(u *authcore.User) string {
	if u == nil {
		return ""
	}
	return u.ID
}

// Sequences the randomized test does not draw (a tenant deleted, a user
// deleted and made again with the same id and e-mail, e-mails swapped, a
// case-only change) are undone exactly, indexes included, and committed
// leave no stale index entry or provider name behind.
func TestReviewRollbackRestoresIndexes(t *testing.T) {
	user := func(id, tenant, email, username string) *authcore.User {
		return &authcore.User{ID: id, TenantID: tenant, Email: email, Username: username, Data: map[string]any{"id": id}}
	}
	cases := []struct {
		name string
		fn   func(ctx context.Context, tx authcore.Store) error
	}{
		{"delete tenant", func(ctx context.Context, tx authcore.Store) error { return tx.DeleteTenant(ctx, "t1") }},
		{"delete user and make it again", func(ctx context.Context, tx authcore.Store) error {
			if err := tx.DeleteUser(ctx, "a"); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, user("a", "t1", "A@x.io", "other")); err != nil {
				return err
			}
			return tx.CreateLink(ctx, reviewLink("a", "p1", "1", 9))
		}},
		{"swap e-mails and change case", func(ctx context.Context, tx authcore.Store) error {
			for _, u := range []*authcore.User{
				user("a", "t1", "c@x.io", "a"), user("b", "t1", "A@X.IO", "b"), user("a", "t1", "b@x.io", "A"), user("b", "t1", "a@x.io", "B"),
			} {
				if err := tx.UpdateUser(ctx, u); err != nil {
					return err
				}
			}
			return nil
		}},
		{"rename provider, move name to the other link, delete", func(ctx context.Context, tx authcore.Store) error {
			l := reviewLink("a", "p1", "1", 1)
			l.IdentityProviderName = "Renamed"
			if err := tx.UpdateLink(ctx, l); err != nil {
				return err
			}
			if err := tx.CreateLink(ctx, reviewLink("b", "p1", "2", 1)); err != nil {
				return err
			}
			if err := tx.DeleteLink(ctx, "t1", "p1", "1"); err != nil {
				return err
			}
			return tx.DeleteProviderLinks(ctx, "p2")
		}},
	}
	for _, c := range cases {
		for _, commit := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s commit=%v", c.name, commit), func(t *testing.T) {
				ctx := context.Background()
				s := reviewStore(t)
				require.NoError(t, s.CreateUser(ctx, user("a", "t1", "a@x.io", "a")))
				require.NoError(t, s.CreateUser(ctx, user("b", "t1", "b@x.io", "b")))
				require.NoError(t, s.CreateUser(ctx, user("c", "t2", "a@x.io", "a")))
				for _, u := range []string{"a", "b"} {
					require.NoError(t, s.CreateRegistration(ctx, &authcore.UserRegistration{ID: "r" + u, UserID: u, ApplicationID: "t1a"}))
				}
				require.NoError(t, s.CreateLink(ctx, reviewLink("a", "p1", "1", 1)))
				require.NoError(t, s.CreateLink(ctx, reviewLink("b", "p2", "1", 1)))
				l := reviewLink("c", "p1", "1", 1)
				l.TenantID = "t2"
				require.NoError(t, s.CreateLink(ctx, l))
				beforeRecords, beforeLookups := snapshot(t, s), lookups(t, s)

				err := s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
					if err := c.fn(ctx, tx); err != nil {
						return err
					}
					if commit {
						return nil
					}
					return errRollback
				})
				checkInvariants(t, &s.d)
				if commit {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, errRollback)
				assert.Equal(t, beforeRecords, snapshot(t, s))
				assert.Equal(t, beforeLookups, lookups(t, s))
			})
		}
	}
}
