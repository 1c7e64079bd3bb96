package authcore_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/integration/cleanspeak/cleanspeaktest"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

const (
	csKey = "cleanspeak-api-key"
	csApp = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
)

// csTimeout bounds one call to the fake CleanSpeak. A call past it keeps the
// username PENDING (cleanspeak.DefaultTimeout), which these tests would read
// as a wrong moderation status; under -race on a loaded 2-core machine a call
// to a local fake has taken over 2 s (the Twitter fake, see
// newLoginFixtureStore). The fake answers every request at once, down or
// not, so no test waits for this to pass.
const csTimeout = 30 * time.Second

// fakeCleanSpeak is a fake CleanSpeak taking key that queues the username
// "queued" for a moderator, rejects "rejected" and allows every other.
func fakeCleanSpeak(t *testing.T, key string) *cleanspeaktest.Server {
	t.Helper()
	fake := cleanspeaktest.NewServer(key)
	t.Cleanup(fake.Close)
	fake.SetAction("queued", cleanspeak.ActionQueuedForApproval)
	fake.SetAction("rejected", cleanspeak.ActionReject)
	return fake
}

// moderationEnv is an engine with username moderation on, against a fake
// CleanSpeak that allows everything unless told otherwise.
func moderationEnv(t *testing.T, strategy string) (*eventstest.Env, *cleanspeaktest.Server, *memstore.Store) {
	t.Helper()
	fake := fakeCleanSpeak(t, csKey)
	client, err := cleanspeak.NewClient(cleanspeak.WithTimeout(csTimeout))
	require.NoError(t, err)
	mem := memstore.New()
	env := eventstest.New(t, mem, eventstest.Options{Strategy: strategy, Engine: []authcore.Option{authcore.WithCleanSpeakClient(client)}})
	_, err = env.Engine.UpdateIntegrations(env.Ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
		Enabled: true, URL: fake.URL, APIKey: csKey,
		UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: csApp},
	}})
	require.NoError(t, err)
	return env, fake, mem
}

func requireRejected(t *testing.T, err error, path string) {
	t.Helper()
	var v *authcore.ValidationError
	require.True(t, errors.As(err, &v), "got %v", err)
	require.Equal(t, "[moderationRejected]"+path, v.FieldErrors[path][0].Code)
}

func TestModerationOfTheUserAPI(t *testing.T) {
	for _, tc := range []struct {
		name     string
		username string
		down     bool
		status   string
		rejected bool
	}{
		{"approved is ACTIVE", "alice", false, "ACTIVE", false},
		{"queued is PENDING", "queued", false, "PENDING", false},
		{"rejected refuses the user", "rejected", false, "", true},
		{"CleanSpeak down keeps it PENDING", "bob", true, "PENDING", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, fake, mem := moderationEnv(t, "")
			fake.SetDown(tc.down)
			u, err := env.Engine.CreateUser(env.Ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "m@example.com", Username: tc.username}})
			if tc.rejected {
				requireRejected(t, err, "user.username")
				require.Equal(t, 0, mem.Stats().Users, "nothing stored")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.status, u.UsernameStatus)
			_, err = uuid.Parse(u.CleanSpeakID)
			require.NoError(t, err, "cleanSpeakId is the content item's id")
			stored, err := env.Engine.User(env.Ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, tc.status, stored.UsernameStatus)
			if !tc.down {
				reqs := fake.Requests()
				require.Len(t, reqs, 1)
				require.Equal(t, http.MethodPost, reqs[0].Method)
				require.Equal(t, u.CleanSpeakID, reqs[0].ContentID)
				require.Equal(t, u.ID, reqs[0].Body.Content.SenderID)
				require.Equal(t, csApp, reqs[0].Body.Content.ApplicationID)
			} else {
				res, err := env.Engine.SearchEventLogs(env.Ctx, authcore.EventLogSearchCriteria{Message: "CleanSpeak could not moderate"})
				require.NoError(t, err)
				require.Equal(t, 1, res.Total)
			}
		})
	}
}

func TestModerationOfAChangedUsername(t *testing.T) {
	env, fake, _ := moderationEnv(t, "")
	ctx, e := env.Ctx, env.Engine
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "c@example.com", Username: "first"}})
	require.NoError(t, err)
	// Unchanged: no new request, status kept.
	u2, err := e.PatchUser(ctx, u.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(`{"user":{"firstName":"C"}}`)})
	require.NoError(t, err)
	require.Equal(t, "ACTIVE", u2.UsernameStatus)
	require.Equal(t, u.CleanSpeakID, u2.CleanSpeakID)
	require.Len(t, fake.Requests(), 1)
	// Changed: the same content item is updated (PUT).
	u3, err := e.PatchUser(ctx, u.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(`{"user":{"username":"queued"}}`)})
	require.NoError(t, err)
	require.Equal(t, "PENDING", u3.UsernameStatus)
	reqs := fake.Requests()
	require.Len(t, reqs, 2)
	require.Equal(t, http.MethodPut, reqs[1].Method)
	require.Equal(t, u.CleanSpeakID, reqs[1].ContentID)
	// Rejected: the update is refused, the stored user unchanged.
	_, err = e.PatchUser(ctx, u.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(`{"user":{"username":"rejected"}}`)})
	requireRejected(t, err, "user.username")
	stored, err := e.User(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, "queued", stored.Username)
}

func TestModerationOfRegistrations(t *testing.T) {
	env, fake, _ := moderationEnv(t, "")
	ctx, e := env.Ctx, env.Engine
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "r@example.com"}})
	require.NoError(t, err)
	require.Empty(t, fake.Requests(), "no username, nothing to moderate")
	_, err = e.Register(ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "rejected"}})
	requireRejected(t, err, "registration.username")
	reg, err := e.Register(ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "queued"}})
	require.NoError(t, err)
	require.Equal(t, "PENDING", reg.UsernameStatus)
	require.NotEmpty(t, reg.CleanSpeakID)

	// The moderator approves: the notify endpoint's call.
	require.NoError(t, e.CleanSpeakNotify(ctx, cleanspeaktest.Approval(map[string]string{reg.CleanSpeakID: "approved"})))
	got, err := e.Registration(ctx, u.ID, eventstest.AppID)
	require.NoError(t, err)
	require.Equal(t, "ACTIVE", got.UsernameStatus)
}

func TestModerationOfTwitterLogins(t *testing.T) {
	for _, tc := range []struct {
		name       string
		strategy   string
		screenName string
		down       bool
		userStatus string // "" when the user has no username
		regStatus  string
		rejectPath string
	}{
		{"LinkByUsername, approved", "LinkByUsername", "ada", false, "ACTIVE", "ACTIVE", ""},
		{"LinkByUsername, queued", "LinkByUsername", "queued", false, "PENDING", "PENDING", ""},
		{"LinkByUsername, rejected", "LinkByUsername", "rejected", false, "", "", "user.username"},
		{"LinkByEmail: the registration's username, rejected", "LinkByEmail", "rejected", false, "", "", "registration.username"},
		{"LinkByEmail, queued", "LinkByEmail", "queued", false, "", "PENDING", ""},
		{"CleanSpeak down: the login succeeds, usernames PENDING", "LinkByUsername", "cy", true, "PENDING", "PENDING", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, fake, mem := moderationEnv(t, tc.strategy)
			fake.SetDown(tc.down)
			env.Account("901", tc.screenName, "tw901@example.com")
			resp, err := env.Login("901")
			if tc.rejectPath != "" {
				requireRejected(t, err, tc.rejectPath)
				require.Equal(t, 0, mem.Stats().Users, "nothing stored")
				return
			}
			require.NoError(t, err)
			require.Equal(t, authcore.LoginOK, resp.Status)
			require.NotEmpty(t, resp.Token)
			require.Equal(t, tc.userStatus, resp.User.UsernameStatus)
			require.Len(t, resp.User.Registrations, 1)
			require.Equal(t, tc.screenName, resp.User.Registrations[0].Username)
			require.Equal(t, tc.regStatus, resp.User.Registrations[0].UsernameStatus)

			// A repeat login asks CleanSpeak nothing new.
			n := len(fake.Requests())
			_, err = env.Login("901")
			require.NoError(t, err)
			require.Len(t, fake.Requests(), n)
		})
	}
}

func TestRejectedLoginIsALoginFailedEvent(t *testing.T) {
	fake := cleanspeaktest.NewServer(csKey)
	t.Cleanup(fake.Close)
	fake.SetAction("rejected", cleanspeak.ActionReject)
	c := &eventstest.Collector{}
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{
		authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay),
	}})
	_, err := env.Engine.UpdateIntegrations(env.Ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
		Enabled: true, URL: fake.URL, APIKey: csKey, UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: csApp}}})
	require.NoError(t, err)
	env.RunRelay()
	env.Account("902", "rejected", "r902@example.com")
	_, err = env.Login("902")
	requireRejected(t, err, "registration.username")
	evs := c.WaitFor(t, 1)
	require.Equal(t, authcore.EventUserLoginFailed, evs[0].Type)
	require.Equal(t, authcore.LoginFailedModeration, evs[0].Reason.Code)
}

func TestCleanSpeakNotify(t *testing.T) {
	for _, tc := range []struct {
		name     string
		decision string
		want     string
	}{
		{"approved", "approved", "ACTIVE"},
		{"rejected", "rejected", "REJECTED"},
		{"another decision changes nothing", "escalated", "PENDING"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, _, _ := moderationEnv(t, "")
			ctx, e := env.Ctx, env.Engine
			u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "n@example.com", Username: "queued"}})
			require.NoError(t, err)
			require.Equal(t, "PENDING", u.UsernameStatus)
			// An unknown content id beside it is ignored.
			require.NoError(t, e.CleanSpeakNotify(ctx, cleanspeaktest.Approval(map[string]string{u.CleanSpeakID: tc.decision, uuid.NewString(): "approved"})))
			got, err := e.User(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, tc.want, got.UsernameStatus)
			if tc.want == "PENDING" {
				return
			}
			// A settled username is forgotten: a second decision is ignored.
			require.NoError(t, e.CleanSpeakNotify(ctx, cleanspeaktest.Approval(map[string]string{u.CleanSpeakID: "rejected"})))
			again, err := e.User(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, tc.want, again.UsernameStatus)
		})
	}
}

func TestNotifyIgnoresAChangedUsername(t *testing.T) {
	env, _, _ := moderationEnv(t, "")
	ctx, e := env.Ctx, env.Engine
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "s@example.com", Username: "queued"}})
	require.NoError(t, err)
	// The user changes the username before the moderator decides.
	_, err = e.PatchUser(ctx, u.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(`{"user":{"username":"fresh"}}`)})
	require.NoError(t, err)
	require.NoError(t, e.CleanSpeakNotify(ctx, cleanspeaktest.Approval(map[string]string{u.CleanSpeakID: "rejected"})))
	got, err := e.User(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, "fresh", got.Username)
	require.Equal(t, "ACTIVE", got.UsernameStatus, "the decision was about the old username")
}

func TestModerationOff(t *testing.T) {
	fake := cleanspeaktest.NewServer(csKey)
	t.Cleanup(fake.Close)
	env := eventstest.New(t, memstore.New(), eventstest.Options{Strategy: "LinkByUsername"})
	u, err := env.Engine.CreateUser(env.Ctx, "", authcore.UserRequest{User: authcore.UserInput{Username: "rejected"}})
	require.NoError(t, err)
	require.Equal(t, "ACTIVE", u.UsernameStatus)
	require.Empty(t, u.CleanSpeakID)
	env.Account("903", "queued", "q903@example.com")
	resp := env.MustLogin("903")
	require.Equal(t, "ACTIVE", resp.User.UsernameStatus)
	require.Empty(t, fake.Requests())
}

// A moderator's decision on a registration's username is a
// user.registration.update, as one on a user's is a user.update.
func TestModeratedRegistrationUsernameIsAnEvent(t *testing.T) {
	fake := fakeCleanSpeak(t, csKey)
	client, err := cleanspeak.NewClient(cleanspeak.WithTimeout(csTimeout))
	require.NoError(t, err)
	c := &eventstest.Collector{}
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{
		authcore.WithCleanSpeakClient(client), authcore.WithEventSubscriber(c.Subscriber), authcore.WithRelay(eventstest.FastRelay),
	}})
	env.RunRelay()
	ctx, e := env.Ctx, env.Engine
	_, err = e.UpdateIntegrations(ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
		Enabled: true, URL: fake.URL, APIKey: csKey,
		UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: csApp},
	}})
	require.NoError(t, err)
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "ev@example.com"}})
	require.NoError(t, err)
	reg, err := e.Register(ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "queued"}})
	require.NoError(t, err)
	before := len(c.WaitFor(t, 4)) // user.create, user.registration.create, each with its .complete

	require.NoError(t, e.CleanSpeakNotify(ctx, cleanspeaktest.Approval(map[string]string{reg.CleanSpeakID: "approved"})))
	evs := c.WaitFor(t, before+2)
	require.Equal(t, []string{authcore.EventUserRegistrationUpdate, authcore.EventUserRegistrationUpdateComplete}, c.Types()[before:])
	last := evs[before]
	require.Equal(t, "ACTIVE", last.Registration.UsernameStatus)
	require.Equal(t, "PENDING", last.OriginalRegistration.UsernameStatus)
	require.Equal(t, u.ID, last.User.ID)
}

// One operation that writes two usernames (a Twitter login's user and
// registration, the combined create of a user and its registration) asks
// CleanSpeak once when it is unavailable: the second username is kept
// PENDING for resubmission without a second call, so a CleanSpeak that
// hangs costs a login one timeout, not one per username.
func TestUnavailableCleanSpeakIsAskedOncePerOperation(t *testing.T) {
	t.Run("Twitter login", func(t *testing.T) {
		env, fake, mem := moderationEnv(t, "LinkByUsername")
		fake.SetDown(true)
		env.Account("902", "dee", "tw902@example.com")
		resp, err := env.Login("902")
		require.NoError(t, err)
		require.Equal(t, 1, fake.Attempts(), "CleanSpeak asked once")
		require.Equal(t, "PENDING", resp.User.UsernameStatus)
		require.Len(t, resp.User.Registrations, 1)
		require.Equal(t, "PENDING", resp.User.Registrations[0].UsernameStatus)
		items, err := mem.ListModerationItems(env.Ctx, "", 10)
		require.NoError(t, err)
		require.Len(t, items, 2)
		for _, it := range items {
			require.True(t, it.Resubmit, "both wait for resubmission")
			require.False(t, it.ResubmitAsUpdate, "CleanSpeak never had either")
		}

		// Both are sent once CleanSpeak is back.
		fake.SetDown(false)
		n, err := env.Engine.ResubmitPendingUsernames(env.Ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		got, err := env.Engine.User(env.Ctx, resp.User.ID)
		require.NoError(t, err)
		require.Equal(t, "ACTIVE", got.UsernameStatus)
		reg, err := env.Engine.Registration(env.Ctx, resp.User.ID, eventstest.AppID)
		require.NoError(t, err)
		require.Equal(t, "ACTIVE", reg.UsernameStatus)
	})
	t.Run("combined create", func(t *testing.T) {
		env, fake, _ := moderationEnv(t, "")
		fake.SetDown(true)
		out, err := env.Engine.RegisterUser(env.Ctx, "", authcore.RegistrationRequest{
			User:         &authcore.UserInput{Email: "both@example.com", Username: "both"},
			Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "both-reg"},
		})
		require.NoError(t, err)
		require.Equal(t, 1, fake.Attempts(), "CleanSpeak asked once")
		require.Equal(t, "PENDING", out.User.UsernameStatus)
		require.Equal(t, "PENDING", out.Registration.UsernameStatus)
	})
}

// A moderator's decision whose transaction loses a race is applied on the
// next run, not refused with the conflict (CleanSpeak would retry the whole
// notification).
func TestCleanSpeakNotifyRunsAgainAfterAConflict(t *testing.T) {
	fake := fakeCleanSpeak(t, csKey)
	client, err := cleanspeak.NewClient(cleanspeak.WithTimeout(time.Second))
	require.NoError(t, err)
	cs := &conflictStore{Store: memstore.New()}
	env := eventstest.New(t, cs, eventstest.Options{Engine: []authcore.Option{authcore.WithCleanSpeakClient(client)}})
	ctx, e := env.Ctx, env.Engine
	_, err = e.UpdateIntegrations(ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
		Enabled: true, URL: fake.URL, APIKey: csKey,
		UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: csApp},
	}})
	require.NoError(t, err)
	u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "c@example.com", Username: "queued"}})
	require.NoError(t, err)
	require.Equal(t, "PENDING", u.UsernameStatus)

	cs.arm(1)
	require.NoError(t, e.CleanSpeakNotify(ctx, cleanspeaktest.Approval(map[string]string{u.CleanSpeakID: "approved"})))
	require.Equal(t, 1, cs.injected())
	got, err := e.User(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, "ACTIVE", got.UsernameStatus)
}
