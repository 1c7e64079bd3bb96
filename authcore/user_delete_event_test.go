package authcore_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/store/memstore"
)

// updateAfterRead is a store whose first GetUser outside a transaction,
// once armed, is followed by change: a write that another request commits
// right after DeleteUser read the user, before its transaction began.
type updateAfterRead struct {
	authcore.Store
	armed  atomic.Bool
	change func(ctx context.Context, u *authcore.User)
}

func (s *updateAfterRead) GetUser(ctx context.Context, id string) (*authcore.User, error) {
	u, err := s.Store.GetUser(ctx, id)
	if err == nil && s.armed.CompareAndSwap(true, false) {
		s.change(ctx, u)
	}
	return u, err
}

// user.delete describes the user as deleted: an update committed between
// DeleteUser's first read (its scope check) and its transaction is in the
// event. It carried the user as read before the transaction, the update
// missing, so a consumer that keeps users from events kept a stale copy.
func TestUserDeleteEventCarriesTheUserAsDeleted(t *testing.T) {
	mem := memstore.New()
	s := &updateAfterRead{Store: mem}
	env, c := eventsEnv(t, s, "")
	e := env.Engine
	u, err := e.CreateUser(env.Ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "gone@example.com", FirstName: "Before"}})
	require.NoError(t, err)
	s.change = func(ctx context.Context, read *authcore.User) {
		next := *read
		next.FirstName = "After"
		require.NoError(t, mem.UpdateUser(ctx, &next))
	}
	s.armed.Store(true)
	require.NoError(t, e.DeleteUser(env.Ctx, u.ID))
	require.False(t, s.armed.Load(), "the update ran between the read and the delete")
	evs := c.WaitFor(t, 4)
	require.Equal(t, []string{authcore.EventUserCreate, authcore.EventUserCreateComplete, authcore.EventUserDelete, authcore.EventUserDeleteComplete}, c.Types())
	require.Equal(t, u.ID, evs[2].User.ID)
	require.Equal(t, "After", evs[2].User.FirstName, "the user as the delete found it")
}

// user.identity-provider.unlink describes the user as the unlink found it,
// as user.delete does: DeleteLink reads the user before its transaction (to
// check the tenant), and an update committed in between was missing from the
// event, which carried that earlier copy.
func TestUnlinkEventCarriesTheUserAsUnlinked(t *testing.T) {
	mem := memstore.New()
	s := &updateAfterRead{Store: mem}
	env, c := eventsEnv(t, s, "")
	e := env.Engine
	env.Account("6001", "unl", "unl@example.com")
	resp := env.MustLogin("6001")
	s.change = func(ctx context.Context, read *authcore.User) {
		next := *read
		next.FirstName = "After"
		require.NoError(t, mem.UpdateUser(ctx, &next))
	}
	s.armed.Store(true)
	_, err := e.DeleteLink(env.Ctx, twitter.ProviderID, "6001", resp.User.ID)
	require.NoError(t, err)
	require.False(t, s.armed.Load(), "the update ran between the read and the unlink")
	var unlink authcore.Event
	for n := 1; unlink.Type == ""; n++ {
		for _, ev := range c.WaitFor(t, n) {
			if ev.Type == authcore.EventUserIdentityProviderUnlink {
				unlink = ev
			}
		}
	}
	require.NotNil(t, unlink.User)
	require.Equal(t, resp.User.ID, unlink.User.ID)
	require.Equal(t, "After", unlink.User.FirstName, "the user as the unlink found it")
}
