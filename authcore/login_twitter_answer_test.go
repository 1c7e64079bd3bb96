package authcore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/store/memstore"
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

// A verifier login whose access-token exchange names one account (its
// user_id) while verify_credentials answers for another is refused as
// Twitter unavailable: before, the account verify_credentials named was
// linked and logged in with a token another account granted (a cache that
// served someone else's answer would log one person in as another).
// Nothing is written but the Error entry and user.login.failed.
func TestTwitterAnswersForAnotherAccountThanTheExchange(t *testing.T) {
	env, c := eventsEnv(t, memstore.New(), "")
	env.Account("601", "grace", "grace@example.com")
	env.Twitter.SetFault(twittertest.FaultForeignUserID)
	tok, sec, ver := env.Twitter.IssueRequestToken("ck-events", "601")
	req := env.Request("601")
	req.Data = map[string]string{"oauth_token": tok, "oauth_token_secret": sec, "oauth_verifier": ver}
	resp, err := env.Engine.IdentityProviderLogin(env.Ctx, req)
	assert.Nil(t, resp)
	require.ErrorIs(t, err, authcore.ErrIdentityProviderUnavailable)

	_, err = env.Store.GetLink(env.Ctx, env.TenantID, twitter.ProviderID, "601")
	assert.ErrorIs(t, err, authcore.ErrNotFound, "no link")
	_, err = env.Store.GetUserByEmail(env.Ctx, env.TenantID, "grace@example.com")
	assert.ErrorIs(t, err, authcore.ErrNotFound, "no user")
	logs, err := env.Engine.SearchEventLogs(env.Ctx, authcore.EventLogSearchCriteria{Type: authcore.EventLogError, Message: "Twitter login"})
	require.NoError(t, err)
	require.Equal(t, 1, logs.Total)
	assert.Contains(t, logs.EventLogs[0].Message, "another account")
	assert.NotContains(t, logs.EventLogs[0].Message, sec)
	ev := c.WaitFor(t, 1)[0]
	assert.Equal(t, authcore.EventUserLoginFailed, ev.Type)
	require.NotNil(t, ev.Reason)
	assert.Equal(t, authcore.LoginFailedProviderUnavailable, ev.Reason.Code)
}
