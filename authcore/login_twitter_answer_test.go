package authcore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
)

// A screen name with white space around it is no Twitter screen name
// (letters, digits and underscores), and the User and Registration APIs
// trim a username: stored as the login took it, " jack" was a second user
// beside "jack" that no username lookup could find, and a PUT of what GET
// returned collided with "jack". Such an answer is Twitter unavailable, as
// an email the User API would refuse is; nothing is written.
func TestTwitterScreenNameWithSurroundingSpaceIsRefused(t *testing.T) {
	for _, sn := range []string{" jack", "jack ", "\tjack", "jack\n", "   ", "\u00a0jack"} {
		t.Run(sn, func(t *testing.T) {
			env := newRulesEnv(t, "LinkByUsername")
			_, err := env.Engine.CreateUser(env.Ctx, "", authcore.UserRequest{User: authcore.UserInput{Username: "jack"}})
			require.NoError(t, err)
			env.Account("501", sn, "")
			resp, err := env.Login("501")
			assert.Nil(t, resp)
			assert.ErrorIs(t, err, authcore.ErrIdentityProviderUnavailable)
			_, err = env.Store.GetLink(env.Ctx, env.TenantID, twitter.ProviderID, "501")
			assert.ErrorIs(t, err, authcore.ErrNotFound, "no link")
			_, err = env.Store.GetUserByUsername(env.Ctx, env.TenantID, sn)
			assert.ErrorIs(t, err, authcore.ErrNotFound, "no user named %q", sn)
		})
	}
}
