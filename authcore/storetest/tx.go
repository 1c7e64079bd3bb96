package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/stretchr/testify/require"
)

var errRollback = errors.New("storetest: roll back")

var txCases = []testCase{
	{"tx/commit keeps every write", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u := f.newUser(tn.ID, "u@example.com", "")
		f.provider("idp")
		err := f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := tx.CreateRegistration(ctx, f.newReg(u.ID, a.ID)); err != nil {
				return err
			}
			return tx.CreateLink(ctx, f.newLink(u, "idp", "1"))
		})
		require.NoError(t, err)
		require.Equal(t, userState{exists: true, regs: 1, links: 1}, f.userState(u))
	}},
	{"tx/an error rolls back creates, updates and deletes", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		keep := f.user(tn.ID, "keep@example.com", "keep")
		f.reg(keep.ID, a.ID)
		before := f.state(tn)
		err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			fresh := f.newUser(tn.ID, "fresh@example.com", "")
			require.NoError(t, tx.CreateUser(ctx, fresh))
			changed := *keep
			changed.Email, changed.FirstName = "changed@example.com", "Changed"
			require.NoError(t, tx.UpdateUser(ctx, &changed))
			require.NoError(t, tx.DeleteRegistration(ctx, keep.ID, a.ID))
			tenant := *tn
			tenant.Name = "Renamed"
			require.NoError(t, tx.UpdateTenant(ctx, &tenant))
			require.NoError(t, tx.DeleteApplication(ctx, a.ID))
			return errRollback
		})
		require.ErrorIs(t, err, errRollback, "InTx returns fn's error")
		require.Equal(t, before, f.state(tn))
		_, err = f.s.GetUserByEmail(ctx, tn.ID, "fresh@example.com")
		requireNotFound(t, err)
		// The rolled-back e-mail was never taken.
		f.user(tn.ID, "changed@example.com", "")
	}},
	{"tx/a panic rolls back and is re-raised", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		before := f.state(tn)
		type boom struct{ msg string }
		var recovered any
		func() {
			defer func() { recovered = recover() }()
			_ = f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
				require.NoError(t, tx.CreateUser(ctx, f.newUser(tn.ID, "p@example.com", "")))
				changed := *tn
				changed.Name = "Panicked"
				require.NoError(t, tx.UpdateTenant(ctx, &changed))
				panic(boom{"boom"})
			})
		}()
		require.Equal(t, boom{"boom"}, recovered, "the panic value comes back out of InTx")
		require.Equal(t, before, f.state(tn))
		_, err := f.s.GetUserByEmail(f.ctx, tn.ID, "p@example.com")
		requireNotFound(t, err)
		// The store is still usable after the panic.
		f.user(tn.ID, "p@example.com", "")
	}},
	{"tx/reads see the transaction's own writes", func(t *testing.T, f *fixture) {
		err := f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
			tn := f.newTenant("InTx")
			require.NoError(t, tx.CreateTenant(ctx, tn))
			got, err := tx.GetTenant(ctx, tn.ID)
			require.NoError(t, err)
			require.Equal(t, tn, got)
			list, err := tx.ListTenants(ctx)
			require.NoError(t, err)
			require.Len(t, list, 1)

			u := f.newUser(tn.ID, "Own@Example.com", "own")
			require.NoError(t, tx.CreateUser(ctx, u))
			byEmail, err := tx.GetUserByEmail(ctx, tn.ID, "own@example.com")
			require.NoError(t, err)
			require.Equal(t, u, byEmail)
			requireDuplicate(t, tx.CreateUser(ctx, f.newUser(tn.ID, "OWN@example.com", "")), "email")

			u.FirstName = "Updated"
			require.NoError(t, tx.UpdateUser(ctx, u))
			got2, err := tx.GetUser(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, "Updated", got2.FirstName)

			require.NoError(t, tx.PutIntegrations(ctx, &integration.Integrations{Kafka: integration.Kafka{DefaultTopic: "t"}}))
			in, err := tx.GetIntegrations(ctx)
			require.NoError(t, err)
			require.Equal(t, "t", in.Kafka.DefaultTopic)

			require.NoError(t, tx.DeleteUser(ctx, u.ID))
			_, err = tx.GetUser(ctx, u.ID)
			requireNotFound(t, err)
			return nil
		})
		require.NoError(t, err)
	}},
	{"tx/every read answers the same inside a transaction as outside", func(t *testing.T, f *fixture) {
		w := f.world()
		require.NoError(t, f.s.PutIntegrations(f.ctx, sampleIntegrations()))
		f.provider("idp")
		require.NoError(t, f.s.CreateAPIKey(f.ctx, &authcore.APIKey{ID: "k", KeyHash: []byte("kh")}))
		require.NoError(t, f.s.CreateKey(f.ctx, &authcore.SigningKey{ID: "sk", Algorithm: "HS256", Secret: []byte("s")}))
		e := &authcore.EventLog{InsertInstant: f.instant(), Message: "m", Type: authcore.EventLogDebug}
		require.NoError(t, f.s.CreateEventLog(f.ctx, e))
		u, a, tn := w.users[0][0], w.apps[0][0], w.tenants[0]
		rt, err := f.s.GetRefreshTokenByHash(f.ctx, []byte("hash-0-0-0"), false)
		require.NoError(t, err)
		rotated := *rt
		rotated.PreviousTokenHash, rotated.TokenHash = rt.TokenHash, []byte("rotated")
		require.NoError(t, f.s.UpdateRefreshToken(f.ctx, &rotated))

		reads := []struct {
			name string
			read func(s authcore.Store) (any, error)
		}{
			{"GetTenant", func(s authcore.Store) (any, error) { return s.GetTenant(f.ctx, tn.ID) }},
			{"ListTenants", func(s authcore.Store) (any, error) { return s.ListTenants(f.ctx) }},
			{"GetApplication", func(s authcore.Store) (any, error) { return s.GetApplication(f.ctx, a.ID) }},
			{"ListApplications", func(s authcore.Store) (any, error) { return s.ListApplications(f.ctx, tn.ID) }},
			{"ListApplications all", func(s authcore.Store) (any, error) { return s.ListApplications(f.ctx, "") }},
			{"GetUser", func(s authcore.Store) (any, error) { return s.GetUser(f.ctx, u.ID) }},
			{"GetUserByEmail", func(s authcore.Store) (any, error) { return s.GetUserByEmail(f.ctx, tn.ID, u.Email) }},
			{"GetUserByUsername", func(s authcore.Store) (any, error) { return s.GetUserByUsername(f.ctx, tn.ID, u.Username) }},
			{"GetRegistration", func(s authcore.Store) (any, error) { return s.GetRegistration(f.ctx, u.ID, a.ID) }},
			{"ListRegistrations", func(s authcore.Store) (any, error) { return s.ListRegistrations(f.ctx, u.ID) }},
			{"GetLink", func(s authcore.Store) (any, error) { return s.GetLink(f.ctx, tn.ID, "idp", "tw-0-0") }},
			{"ListLinks", func(s authcore.Store) (any, error) { return s.ListLinks(f.ctx, u.ID, "") }},
			{"ListLinks of a provider", func(s authcore.Store) (any, error) { return s.ListLinks(f.ctx, u.ID, "idp") }},
			{"GetPendingLink", func(s authcore.Store) (any, error) { return s.GetPendingLink(f.ctx, w.pending[0].ID, f.now) }},
			{"GetIdentityProvider", func(s authcore.Store) (any, error) { return s.GetIdentityProvider(f.ctx, "idp") }},
			{"ListIdentityProviders", func(s authcore.Store) (any, error) { return s.ListIdentityProviders(f.ctx) }},
			{"GetIntegrations", func(s authcore.Store) (any, error) { return s.GetIntegrations(f.ctx) }},
			{"GetAPIKeyByHash", func(s authcore.Store) (any, error) { return s.GetAPIKeyByHash(f.ctx, []byte("kh")) }},
			{"ListAPIKeys", func(s authcore.Store) (any, error) { return s.ListAPIKeys(f.ctx) }},
			{"GetAPIKey", func(s authcore.Store) (any, error) { return s.GetAPIKey(f.ctx, "k") }},
			{"GetRefreshToken", func(s authcore.Store) (any, error) { return s.GetRefreshToken(f.ctx, rt.ID) }},
			{"GetRefreshTokenByHash", func(s authcore.Store) (any, error) { return s.GetRefreshTokenByHash(f.ctx, []byte("rotated"), false) }},
			{"GetRefreshTokenByHash previous", func(s authcore.Store) (any, error) {
				return s.GetRefreshTokenByHash(f.ctx, []byte("hash-0-0-0"), true)
			}},
			{"ListRefreshTokens", func(s authcore.Store) (any, error) { return s.ListRefreshTokens(f.ctx, u.ID) }},
			{"GetKey", func(s authcore.Store) (any, error) { return s.GetKey(f.ctx, "sk") }},
			{"ListKeys", func(s authcore.Store) (any, error) { return s.ListKeys(f.ctx) }},
			{"GetEventLog", func(s authcore.Store) (any, error) { return s.GetEventLog(f.ctx, e.ID) }},
			{"SearchEventLogs", func(s authcore.Store) (any, error) {
				list, total, err := s.SearchEventLogs(f.ctx, authcore.EventLogQuery{Message: "M", Type: authcore.EventLogDebug})
				return []any{list, total}, err
			}},
		}
		for _, r := range reads {
			outside, err := r.read(f.s)
			want := snapshot(t, outside, err)
			require.NoError(t, f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
				inside, err := r.read(tx)
				require.JSONEq(t, want, snapshot(t, inside, err), r.name)
				return nil
			}), r.name)
		}
	}},
	{"tx/nested InTx runs in the same transaction", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		outerUser, innerUser := f.newUser(tn.ID, "outer@example.com", ""), f.newUser(tn.ID, "inner@example.com", "")
		// The outer function fails after the inner one succeeded: both roll back.
		err := f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
			require.NoError(t, tx.CreateUser(ctx, outerUser))
			require.NoError(t, tx.InTx(ctx, func(ctx context.Context, inner authcore.Store) error {
				_, err := inner.GetUser(ctx, outerUser.ID)
				require.NoError(t, err, "the inner function sees the outer one's writes")
				return inner.CreateUser(ctx, innerUser)
			}))
			_, err := tx.GetUser(ctx, innerUser.ID)
			require.NoError(t, err, "the outer function sees the inner one's writes")
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		for _, u := range []*authcore.User{outerUser, innerUser} {
			_, err := f.s.GetUser(f.ctx, u.ID)
			requireNotFound(t, err, "nothing of either function is committed")
		}
		// Both commit together.
		require.NoError(t, f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.CreateUser(ctx, outerUser); err != nil {
				return err
			}
			return tx.InTx(ctx, func(ctx context.Context, inner authcore.Store) error { return inner.CreateUser(ctx, innerUser) })
		}))
		for _, u := range []*authcore.User{outerUser, innerUser} {
			_, err := f.s.GetUser(f.ctx, u.ID)
			require.NoError(t, err)
		}
	}},
	{"tx/a refused write leaves the transaction usable", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		existing := f.user(tn.ID, "taken@example.com", "")
		other := f.newUser(tn.ID, "free@example.com", "")
		err := f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
			dup := f.newUser(tn.ID, "TAKEN@example.com", "")
			requireDuplicate(t, tx.CreateUser(ctx, dup), "email")
			requireNotFound(t, tx.CreateRegistration(ctx, f.newReg("no-such-user", a.ID)))
			requireNotFound(t, tx.DeleteTenant(ctx, "no-such-tenant"))
			// The usual recovery: read the existing user instead, go on writing.
			got, err := tx.GetUserByEmail(ctx, tn.ID, "taken@example.com")
			if err != nil {
				return err
			}
			require.Equal(t, existing.ID, got.ID)
			if err := tx.CreateRegistration(ctx, f.newReg(got.ID, a.ID)); err != nil {
				return err
			}
			return tx.CreateUser(ctx, other)
		})
		require.NoError(t, err)
		_, err = f.s.GetUser(f.ctx, other.ID)
		require.NoError(t, err)
		_, err = f.s.GetRegistration(f.ctx, existing.ID, a.ID)
		require.NoError(t, err)
	}},
	{"tx/a failure after any write of a multi-write transaction leaves nothing", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		old := f.user(tn.ID, "old@example.com", "old")
		f.reg(old.ID, a.ID)
		f.link(old, "idp", "old")
		oldToken := f.refresh(old, a.ID, "old-hash")
		pend := f.pending(tn.ID, a.ID, "idp", f.now+1e9)
		require.NoError(t, f.s.PutIntegrations(ctx, sampleIntegrations()))
		before := f.state(tn)

		// The transaction of a login that creates a user: eleven writes of
		// every kind, creates, updates and deletes.
		login := func(ctx context.Context, tx authcore.Store) error {
			u := f.newUser(tn.ID, "new@example.com", "new")
			rotated := *oldToken
			rotated.PreviousTokenHash, rotated.TokenHash = rotated.TokenHash, []byte("rotated-hash")
			changedTenant := *tn
			changedTenant.Data = map[string]any{"logins": json.Number("1")}
			changedOld := *old
			changedOld.LastLoginInstant = f.instant()
			in := sampleIntegrations()
			in.Kafka.DefaultTopic = "changed"
			steps := []func() error{
				func() error { return tx.CreateUser(ctx, u) },
				func() error { return tx.CreateRegistration(ctx, f.newReg(u.ID, a.ID)) },
				func() error { return tx.CreateLink(ctx, f.newLink(u, "idp", "new")) },
				func() error { return tx.CreateRefreshToken(ctx, f.newRefresh(u, a.ID, "new-hash")) },
				func() error { return tx.UpdateRefreshToken(ctx, &rotated) },
				func() error { return tx.UpdateUser(ctx, &changedOld) },
				func() error { return tx.UpdateTenant(ctx, &changedTenant) },
				func() error { return tx.DeleteLink(ctx, tn.ID, "idp", "old") },
				func() error { _, err := tx.TakePendingLink(ctx, pend.ID, f.now); return err },
				func() error { return tx.PutIntegrations(ctx, in) },
				func() error {
					return tx.CreateEventLog(ctx, &authcore.EventLog{InsertInstant: f.instant(), Message: "login", Type: authcore.EventLogDebug})
				},
			}
			for _, step := range steps {
				if err := step(); err != nil {
					return err
				}
			}
			return nil
		}
		const writes = 11
		for failAt := 1; failAt <= writes; failAt++ {
			fs := &failingStore{failAt: failAt}
			err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				fs.Store = tx
				return login(ctx, fs)
			})
			require.ErrorIs(t, err, errInjected, "failure after write %d", failAt)
			require.Equal(t, failAt, fs.n, "write %d was done before the failure", failAt)
			require.Equal(t, before, f.state(tn), "after a failure after write %d", failAt)
		}
		// Without a failure all of it commits: the check above can see writes.
		fs := &failingStore{}
		require.NoError(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			fs.Store = tx
			return login(ctx, fs)
		}))
		require.Equal(t, writes, fs.n)
		after := f.state(tn)
		require.NotEqual(t, before.tenant, after.tenant)
		require.NotEqual(t, before.users, after.users)
		require.NotEqual(t, before.links, after.links)
		require.NotEqual(t, before.tokens, after.tokens)
		require.NotEqual(t, before.pending, after.pending)
		require.NotEqual(t, before.integrations, after.integrations)
		require.NotEqual(t, before.eventLogs, after.eventLogs)
	}},
}

// state is a comparable picture of a tenant, the users the cases create in
// it, what belongs to them, the pending links and the global objects.
type state struct {
	tenant, integrations string
	users, regs, links   string
	tokens, pending      string
	apps                 string
	eventLogs            int
}

func (f *fixture) state(tn *authcore.Tenant) state {
	t := f.t
	t.Helper()
	ctx := f.ctx
	var st state
	v, err := f.s.GetTenant(ctx, tn.ID)
	st.tenant = snapshot(t, v, err)
	apps, err := f.s.ListApplications(ctx, tn.ID)
	st.apps = snapshot(t, apps, err)
	in, err := f.s.GetIntegrations(ctx)
	if errors.Is(err, authcore.ErrNotFound) {
		st.integrations = "not found"
	} else {
		st.integrations = snapshot(t, in, err)
	}
	// Users are found through the unique e-mails the cases use.
	var users []*authcore.User
	for _, email := range []string{"old@example.com", "new@example.com", "keep@example.com", "fresh@example.com", "changed@example.com", "p@example.com"} {
		got, err := f.s.GetUserByEmail(ctx, tn.ID, email)
		if errors.Is(err, authcore.ErrNotFound) {
			continue
		}
		require.NoError(t, err)
		users = append(users, got)
	}
	st.users = snapshot(t, users, nil)
	var regs []*authcore.UserRegistration
	var links []*authcore.IdentityProviderLink
	var tokens []*authcore.RefreshToken
	for _, usr := range users {
		r, err := f.s.ListRegistrations(ctx, usr.ID)
		require.NoError(t, err)
		regs = append(regs, r...)
		l, err := f.s.ListLinks(ctx, usr.ID, "")
		require.NoError(t, err)
		links = append(links, l...)
		tk, err := f.s.ListRefreshTokens(ctx, usr.ID)
		require.NoError(t, err)
		tokens = append(tokens, tk...)
	}
	st.regs = snapshot(t, regs, nil)
	st.links = snapshot(t, links, nil)
	st.tokens = snapshot(t, tokens, nil)
	var pending []*authcore.PendingLink
	for _, pid := range f.pendingIDs {
		p, err := f.s.GetPendingLink(ctx, pid, f.now)
		if errors.Is(err, authcore.ErrNotFound) {
			continue
		}
		require.NoError(t, err)
		pending = append(pending, p)
	}
	st.pending = snapshot(t, pending, nil)
	_, total, err := f.s.SearchEventLogs(ctx, authcore.EventLogQuery{})
	require.NoError(t, err)
	st.eventLogs = total
	return st
}

// failingStore passes every call to the transaction's store and, after the
// failAt-th write succeeded, answers errInjected: the write is in the
// transaction, and the transaction must still leave nothing behind.
type failingStore struct {
	authcore.Store
	failAt, n int
}

func (s *failingStore) wrote(err error) error {
	if err != nil {
		return err
	}
	s.n++
	if s.n == s.failAt {
		return errInjected
	}
	return nil
}

func (s *failingStore) CreateUser(ctx context.Context, u *authcore.User) error {
	return s.wrote(s.Store.CreateUser(ctx, u))
}
func (s *failingStore) UpdateUser(ctx context.Context, u *authcore.User) error {
	return s.wrote(s.Store.UpdateUser(ctx, u))
}
func (s *failingStore) UpdateTenant(ctx context.Context, v *authcore.Tenant) error {
	return s.wrote(s.Store.UpdateTenant(ctx, v))
}
func (s *failingStore) CreateRegistration(ctx context.Context, r *authcore.UserRegistration) error {
	return s.wrote(s.Store.CreateRegistration(ctx, r))
}
func (s *failingStore) CreateLink(ctx context.Context, l *authcore.IdentityProviderLink) error {
	return s.wrote(s.Store.CreateLink(ctx, l))
}
func (s *failingStore) DeleteLink(ctx context.Context, tenantID, providerID, providerUserID string) error {
	return s.wrote(s.Store.DeleteLink(ctx, tenantID, providerID, providerUserID))
}
func (s *failingStore) CreateRefreshToken(ctx context.Context, r *authcore.RefreshToken) error {
	return s.wrote(s.Store.CreateRefreshToken(ctx, r))
}
func (s *failingStore) UpdateRefreshToken(ctx context.Context, r *authcore.RefreshToken) error {
	return s.wrote(s.Store.UpdateRefreshToken(ctx, r))
}
func (s *failingStore) TakePendingLink(ctx context.Context, id string, now int64) (*authcore.PendingLink, error) {
	p, err := s.Store.TakePendingLink(ctx, id, now)
	return p, s.wrote(err)
}
func (s *failingStore) PutIntegrations(ctx context.Context, in *integration.Integrations) error {
	return s.wrote(s.Store.PutIntegrations(ctx, in))
}
func (s *failingStore) CreateEventLog(ctx context.Context, e *authcore.EventLog) error {
	return s.wrote(s.Store.CreateEventLog(ctx, e))
}
