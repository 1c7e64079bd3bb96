package authcore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/store/memstore"
)

// linkFaultStore makes the first call of one store method in each
// transaction fail with err: a store failure while a link is created.
type linkFaultStore struct {
	authcore.Store
	method string
	err    error
	calls  *int
}

func (s linkFaultStore) InTx(ctx context.Context, fn func(context.Context, authcore.Store) error) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
		calls := 0
		return fn(ctx, linkFaultStore{Store: tx, method: s.method, err: s.err, calls: &calls})
	})
}

func (s linkFaultStore) fails(method string) bool {
	if s.calls == nil || method != s.method {
		return false
	}
	*s.calls++
	return *s.calls == 1
}

func (s linkFaultStore) ListLinks(ctx context.Context, userID, providerID string) ([]*authcore.IdentityProviderLink, error) {
	if s.fails("ListLinks") {
		return nil, s.err
	}
	return s.Store.ListLinks(ctx, userID, providerID)
}

func (s linkFaultStore) GetUser(ctx context.Context, id string) (*authcore.User, error) {
	if s.fails("GetUser") {
		return nil, s.err
	}
	return s.Store.GetUser(ctx, id)
}

func (s linkFaultStore) CreateLink(ctx context.Context, l *authcore.IdentityProviderLink) error {
	if s.fails("CreateLink") {
		return s.err
	}
	return s.Store.CreateLink(ctx, l)
}

// TestCreateLinkStoreFailures: a store that fails while a link is created
// answers its own error, not a validation error about the user, and a
// duplicate the insert finds (another request linked the account since the
// check) is the duplicate error; nothing is linked.
func TestCreateLinkStoreFailures(t *testing.T) {
	injected := errors.New("injected store failure")
	for _, tc := range []struct {
		method string
		err    error
		check  func(t *testing.T, err error)
	}{
		{"ListLinks", injected, func(t *testing.T, err error) { require.ErrorIs(t, err, injected) }},
		{"GetUser", injected, func(t *testing.T, err error) { require.ErrorIs(t, err, injected) }},
		{"CreateLink", injected, func(t *testing.T, err error) { require.ErrorIs(t, err, injected) }},
		{"CreateLink", authcore.ErrDuplicate, func(t *testing.T, err error) {
			var verr *authcore.ValidationError
			require.ErrorAs(t, err, &verr)
			require.Len(t, verr.FieldErrors["identityProviderLink.identityProviderUserId"], 1)
			require.Equal(t, "[duplicate]identityProviderLink.identityProviderUserId", verr.FieldErrors["identityProviderLink.identityProviderUserId"][0].Code)
			require.Len(t, verr.FieldErrors, 1)
			require.Empty(t, verr.GeneralErrors)
		}},
	} {
		t.Run(tc.method+" "+tc.err.Error(), func(t *testing.T) {
			ctx := context.Background()
			base := memstore.New()
			e, err := authcore.New(ctx, linkFaultStore{Store: base, method: tc.method, err: tc.err}, quiet())
			require.NoError(t, err)
			_, err = e.CreateIdentityProvider(ctx, "", twitter.Provider{Type: "Twitter", ButtonText: "Login with Twitter", ConsumerKey: "key", ConsumerSecret: "secret", Enabled: true})
			require.NoError(t, err)
			user, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "grace@example.com"}})
			require.NoError(t, err)

			out, err := e.CreateLink(ctx, authcore.LinkRequest{IdentityProviderLink: authcore.IdentityProviderLink{
				IdentityProviderID: twitter.ProviderID, IdentityProviderUserID: "42", UserID: user.ID,
			}})
			require.Nil(t, out)
			tc.check(t, err)
			links, err := base.ListLinks(ctx, user.ID, "")
			require.NoError(t, err)
			require.Empty(t, links)
		})
	}
}
