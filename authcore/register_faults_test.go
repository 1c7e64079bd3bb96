package authcore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/validation"
)

func (s planStore) AppendOutbox(ctx context.Context, evs ...*authcore.OutboxEvent) error {
	if err := s.p.fail("AppendOutbox"); err != nil {
		return err
	}
	return s.Store.AppendOutbox(ctx, evs...)
}

func (s planStore) CreateRefreshToken(ctx context.Context, t *authcore.RefreshToken) error {
	if err := s.p.fail("CreateRefreshToken"); err != nil {
		return err
	}
	return s.Store.CreateRefreshToken(ctx, t)
}

// nopPublisher makes the engine record events, so that a registration
// writes its event to the outbox.
type nopPublisher struct{}

func (nopPublisher) Publish(_ context.Context, events []*authcore.OutboxEvent) (int, error) {
	return len(events), nil
}

// registerFixture is a token fixture whose engine is fresh (nothing of the
// configuration cached, so a registration reads it from the store) and
// records events.
func registerFixture(t *testing.T) (*tokenFixture, planStore, *authcore.Engine) {
	t.Helper()
	s := newPlanStore(memstore.New())
	f := newTokenFixtureOn(t, s)
	e, err := authcore.New(f.ctx, s, authcore.WithClock(f.clock.Now), quiet(), authcore.WithPublisher(nopPublisher{}))
	require.NoError(t, err)
	return f, s, e
}

func combinedRequest(appID string) authcore.RegistrationRequest {
	return authcore.RegistrationRequest{
		Registration: authcore.UserRegistration{ApplicationID: appID},
		User:         &authcore.UserInput{Email: "gilfoyle@piedpiper.com"},
	}
}

// A store that fails while RegisterUser reads the application or its tenant
// before the transaction, writes the registration's event or its refresh
// token, is answered with the store's error, and no registration is left.
func TestRegisterUserStoreFailures(t *testing.T) {
	for _, method := range []string{"GetApplication", "GetTenant", "AppendOutbox", "CreateRefreshToken"} {
		for _, combined := range []bool{false, true} {
			name := method + "/existing"
			if combined {
				name = method + "/combined"
			}
			t.Run(name, func(t *testing.T) {
				f, s, e := registerFixture(t)
				req := authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: f.app.ID}}
				if combined {
					req = combinedRequest(f.app.ID)
				}
				userID := f.visitor.ID
				if combined {
					userID = ""
				}
				s.p.arm(method, 1, errInjected)
				resp, err := e.RegisterUser(f.ctx, userID, req)
				require.True(t, s.p.injected(), "the store call was made")
				require.ErrorIs(t, err, errInjected)
				assert.Nil(t, resp)
				_, err = f.store.GetRegistration(f.ctx, f.visitor.ID, f.app.ID)
				assert.ErrorIs(t, err, authcore.ErrNotFound, "no registration of the existing user")
				_, err = f.store.GetUserByEmail(f.ctx, f.tenant.ID, "gilfoyle@piedpiper.com")
				assert.ErrorIs(t, err, authcore.ErrNotFound, "no user of the combined create")
			})
		}
	}
}

// An application's tenant that is gone when read before the transaction is
// read again in it, as the user's: the registration gets its tokens.
func TestRegisterUserTenantGoneBeforeTransaction(t *testing.T) {
	f, s, e := registerFixture(t)
	s.p.arm("GetTenant", 1, authcore.ErrNotFound)
	resp, err := e.RegisterUser(f.ctx, f.visitor.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: f.app.ID}})
	require.True(t, s.p.injected())
	require.NoError(t, err)
	assert.NotEmpty(t, resp.Token)
	assert.NotEmpty(t, resp.RefreshToken)
}

// A combined create's user id that is no UUID is refused before anything
// is read.
func TestRegisterUserCombinedBadUserID(t *testing.T) {
	f, s, e := registerFixture(t)
	s.p.arm("GetApplication", 1, errInjected)
	_, err := e.RegisterUser(f.ctx, "not-a-uuid", combinedRequest(f.app.ID))
	assert.False(t, s.p.injected(), "nothing read")
	var verr *validation.Errors
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "[invalid]userId", verr.FieldErrors["userId"][0].Code)
}

// The tenant deleted between the registration's commit and the making of
// its first signing key: a combined create is answered as if its
// application were gone, an existing user's registration with the
// not-found; any other failure of the signing is the store's own. The
// signing's read of the tenant is the registration's last.
func TestRegisterUserSigningFailsAfterCommit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		combined bool
		inject   error
		check    func(t *testing.T, err error)
	}{
		{"combined, tenant gone", true, authcore.ErrNotFound, func(t *testing.T, err error) {
			var verr *validation.Errors
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, "[invalid]registration.applicationId", verr.FieldErrors["registration.applicationId"][0].Code)
		}},
		{"existing, tenant gone", false, authcore.ErrNotFound, func(t *testing.T, err error) {
			require.ErrorIs(t, err, authcore.ErrNotFound)
			var verr *validation.Errors
			assert.False(t, errors.As(err, &verr))
		}},
		{"combined, store failure", true, errInjected, func(t *testing.T, err error) { require.ErrorIs(t, err, errInjected) }},
		{"existing, store failure", false, errInjected, func(t *testing.T, err error) { require.ErrorIs(t, err, errInjected) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := func(f *tokenFixture) (string, authcore.RegistrationRequest) {
				if tc.combined {
					return "", combinedRequest(f.app.ID)
				}
				return f.visitor.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: f.app.ID}}
			}
			f, s, e := registerFixture(t)
			s.p.arm("GetTenant", 1<<30, errInjected)
			userID, r := req(f)
			_, err := e.RegisterUser(f.ctx, userID, r)
			require.NoError(t, err)
			last := s.p.calls

			f, s, e = registerFixture(t)
			s.p.arm("GetTenant", last, tc.inject)
			userID, r = req(f)
			resp, err := e.RegisterUser(f.ctx, userID, r)
			require.True(t, s.p.injected())
			assert.Nil(t, resp)
			tc.check(t, err)
			_, err = f.store.GetRegistration(f.ctx, f.visitor.ID, f.app.ID)
			if !tc.combined {
				assert.NoError(t, err, "committed before the signing")
			}
		})
	}
}
