package authcore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/integration/cleanspeak/cleanspeaktest"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/internal/logtest"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/store/sqlstore"
)

// resubmitKey is the CleanSpeak API key of these tests: distinctive, so a
// log line that leaked it would be found.
const resubmitKey = "cs-key-Zq9xV7wT-never-logged"

// hookTransport sits between the CleanSpeak client and the fake: it counts
// every attempt (the fake counts only the requests it answered), can fail
// the requests about one username as an outage would, and can run a
// function once, while a request is in flight.
type hookTransport struct {
	attempts atomic.Int64
	failFor  atomic.Pointer[string]
	during   atomic.Pointer[func()]
}

func (h *hookTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	h.attempts.Add(1)
	if fn := h.during.Swap(nil); fn != nil {
		(*fn)()
	}
	if name := h.failFor.Load(); name != nil && req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		if strings.Contains(string(body), `"content":"`+*name+`"`) {
			return nil, errors.New("hookTransport: connection refused")
		}
	}
	return http.DefaultTransport.RoundTrip(req)
}

type resubmitEnv struct {
	*eventstest.Env
	fake  *cleanspeaktest.Server
	store authcore.Store
	hook  *hookTransport
	logs  *logtest.Buffer
}

// newResubmitEnv is an engine on memstore with username moderation on
// against a fake CleanSpeak, its log captured.
func newResubmitEnv(t *testing.T) *resubmitEnv {
	t.Helper()
	return newResubmitEnvOn(t, memstore.New())
}

// sqliteStore is a fresh SQLite database, closed when the test ends.
func sqliteStore(t testing.TB) authcore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "authcore.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func newResubmitEnvOn(t *testing.T, store authcore.Store) *resubmitEnv {
	t.Helper()
	fake := fakeCleanSpeak(t, resubmitKey)
	hook := &hookTransport{}
	client, err := cleanspeak.NewClient(cleanspeak.WithHTTPClient(&http.Client{Transport: hook, Timeout: csTimeout}))
	require.NoError(t, err)
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := eventstest.New(t, store, eventstest.Options{Engine: []authcore.Option{
		authcore.WithCleanSpeakClient(client), authcore.WithLogger(log),
	}})
	r := &resubmitEnv{Env: env, fake: fake, store: store, hook: hook, logs: logs}
	r.setModeration(true, true)
	return r
}

func (r *resubmitEnv) setModeration(cleanSpeak, usernames bool) {
	r.T.Helper()
	_, err := r.Engine.UpdateIntegrations(r.Ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
		Enabled: cleanSpeak, URL: r.fake.URL, APIKey: resubmitKey,
		UsernameModeration: integration.UsernameModeration{Enabled: usernames, ApplicationID: csApp},
	}})
	require.NoError(r.T, err)
}

// createUser creates a user with username, which CleanSpeak being down
// keeps PENDING.
func (r *resubmitEnv) createUser(email, username string) *authcore.User {
	r.T.Helper()
	u, err := r.Engine.CreateUser(r.Ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: email, Username: username}})
	require.NoError(r.T, err)
	return u
}

func (r *resubmitEnv) patchUsername(userID, username string) *authcore.User {
	r.T.Helper()
	u, err := r.Engine.PatchUser(r.Ctx, userID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: []byte(`{"user":{"username":"` + username + `"}}`)})
	require.NoError(r.T, err)
	return u
}

func (r *resubmitEnv) user(id string) *authcore.User {
	r.T.Helper()
	u, err := r.Engine.User(r.Ctx, id)
	require.NoError(r.T, err)
	return u
}

// item is the stored moderation item, nil when there is none.
func (r *resubmitEnv) item(contentID string) *authcore.ModerationItem {
	r.T.Helper()
	m, err := r.store.GetModerationItem(r.Ctx, contentID)
	if errors.Is(err, authcore.ErrNotFound) {
		return nil
	}
	require.NoError(r.T, err)
	return m
}

// resubmit runs ResubmitPendingUsernames and requires it to work.
func (r *resubmitEnv) resubmit() int {
	r.T.Helper()
	n, err := r.Engine.ResubmitPendingUsernames(r.Ctx)
	require.NoError(r.T, err)
	return n
}

// On memstore and on SQLite: the answer's transaction against real ones.
func TestResubmitPendingUsernames(t *testing.T) {
	for _, store := range []namedStore{
		{"memstore", func(testing.TB) authcore.Store { return memstore.New() }},
		{"sqlite", sqliteStore},
	} {
		t.Run(store.name, func(t *testing.T) { testResubmitPendingUsernames(t, store.open) })
	}
}

func testResubmitPendingUsernames(t *testing.T, open func(t testing.TB) authcore.Store) {
	for _, tc := range []struct {
		name         string
		registration bool // the registration's username rather than the user's
		username     string
		want         string
		itemKept     bool // kept for a moderator
	}{
		{"user, allowed: ACTIVE", false, "alice", "ACTIVE", false},
		{"user, rejected: REJECTED, the username kept", false, "rejected", "REJECTED", false},
		{"user, queued: PENDING for a moderator", false, "queued", "PENDING", true},
		{"registration, allowed: ACTIVE", true, "alice", "ACTIVE", false},
		{"registration, rejected: REJECTED, the username kept", true, "rejected", "REJECTED", false},
		{"registration, queued: PENDING for a moderator", true, "queued", "PENDING", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newResubmitEnvOn(t, open(t))
			ctx, e := r.Ctx, r.Engine
			r.fake.SetDown(true)
			var userID, contentID string
			status := func() (string, string) {
				if !tc.registration {
					u := r.user(userID)
					return u.Username, u.UsernameStatus
				}
				reg, err := e.Registration(ctx, userID, eventstest.AppID)
				require.NoError(t, err)
				return reg.Username, reg.UsernameStatus
			}
			if tc.registration {
				userID = r.createUser("r@example.com", "").ID
				reg, err := e.Register(ctx, userID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: tc.username}})
				require.NoError(t, err)
				contentID = reg.CleanSpeakID
			} else {
				u := r.createUser("u@example.com", tc.username)
				userID, contentID = u.ID, u.CleanSpeakID
			}
			_, st := status()
			require.Equal(t, "PENDING", st)
			require.True(t, r.item(contentID).Resubmit, "CleanSpeak never had it")

			// Still down: nothing applied, the item waits.
			n, err := e.ResubmitPendingUsernames(ctx)
			require.ErrorIs(t, err, cleanspeak.ErrUnavailable)
			require.Zero(t, n)
			require.True(t, r.item(contentID).Resubmit)

			r.fake.SetDown(false)
			require.Equal(t, 1, r.resubmit())
			reqs := r.fake.Requests()
			require.Len(t, reqs, 1)
			require.Equal(t, http.MethodPost, reqs[0].Method, "the content item was never created")
			require.Equal(t, contentID, reqs[0].ContentID)
			require.Equal(t, userID, reqs[0].Body.Content.SenderID)
			require.Equal(t, tc.username, reqs[0].Body.Content.Parts[0].Content)
			name, st := status()
			require.Equal(t, tc.username, name)
			require.Equal(t, tc.want, st)
			item := r.item(contentID)
			if !tc.itemKept {
				require.Nil(t, item)
			} else {
				require.NotNil(t, item)
				require.False(t, item.Resubmit, "CleanSpeak has it now")
			}

			// The next run sends nothing: CleanSpeak answered for it.
			require.Zero(t, r.resubmit())
			require.Len(t, r.fake.Requests(), 1)
			if tc.itemKept {
				require.NoError(t, e.CleanSpeakNotify(ctx, cleanspeaktest.Approval(map[string]string{contentID: "approved"})))
				_, st := status()
				require.Equal(t, "ACTIVE", st, "the moderator decides")
			}
		})
	}
}

func TestResubmitUsesTheMethodOfTheLostRequest(t *testing.T) {
	for _, tc := range []struct {
		name   string
		steps  []string // usernames written in turn; "down:" prefix while CleanSpeak is down
		method string
	}{
		{"created while down: POST", []string{"down:ann"}, http.MethodPost},
		{"changed while down after CleanSpeak had it: PUT", []string{"queued", "down:ben"}, http.MethodPut},
		{"created and changed while down: still POST", []string{"down:cat", "down:cid"}, http.MethodPost},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newResubmitEnv(t)
			var u *authcore.User
			for i, step := range tc.steps {
				name, down := strings.CutPrefix(step, "down:")
				r.fake.SetDown(down)
				if i == 0 {
					u = r.createUser("m@example.com", name)
				} else {
					u = r.patchUsername(u.ID, name)
				}
			}
			before := len(r.fake.Requests())
			r.fake.SetDown(false)
			require.Equal(t, 1, r.resubmit())
			reqs := r.fake.Requests()
			require.Len(t, reqs, before+1)
			last := reqs[len(reqs)-1]
			require.Equal(t, tc.method, last.Method)
			require.Equal(t, u.CleanSpeakID, last.ContentID)
			require.Equal(t, u.Username, last.Body.Content.Parts[0].Content)
			require.Equal(t, "ACTIVE", r.user(u.ID).UsernameStatus)
		})
	}
}

// A write that changes a username CleanSpeak never got creates the content
// item (POST), as a resubmission would, rather than updating it.
func TestAChangeOfANeverSentUsernameCreatesTheContentItem(t *testing.T) {
	r := newResubmitEnv(t)
	r.fake.SetDown(true)
	u := r.createUser("w@example.com", "dave")
	r.fake.SetDown(false)
	u = r.patchUsername(u.ID, "queued")
	require.Equal(t, "PENDING", u.UsernameStatus)
	reqs := r.fake.Requests()
	require.Len(t, reqs, 1)
	require.Equal(t, http.MethodPost, reqs[0].Method)
	require.False(t, r.item(u.CleanSpeakID).Resubmit, "CleanSpeak queued it: a moderator decides")
	require.Zero(t, r.resubmit())
	require.Len(t, r.fake.Requests(), 1)
}

// The username changes while CleanSpeak is answering about the old one:
// that answer (a rejection) must not reach the new username.
func TestResubmitDropsTheAnswerForAChangedUsername(t *testing.T) {
	for _, tc := range []struct {
		name     string
		newName  string
		want     string
		itemKept bool
	}{
		{"the new username is allowed", "erin", "ACTIVE", false},
		{"the new username is queued", "queued", "PENDING", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newResubmitEnv(t)
			r.fake.SetAction("bob", cleanspeak.ActionReject)
			r.fake.SetDown(true)
			u := r.createUser("b@example.com", "bob")
			r.fake.SetDown(false)
			change := func() { r.patchUsername(u.ID, tc.newName) }
			r.hook.during.Store(&change)

			require.Zero(t, r.resubmit(), "the answer about bob is not applied")
			got := r.user(u.ID)
			require.Equal(t, tc.newName, got.Username)
			require.Equal(t, tc.want, got.UsernameStatus)
			require.Equal(t, u.CleanSpeakID, got.CleanSpeakID)
			item := r.item(u.CleanSpeakID)
			if tc.itemKept {
				require.NotNil(t, item, "the new username's item stays for its moderator")
				require.Equal(t, tc.newName, item.Username)
				require.False(t, item.Resubmit)
			} else {
				require.Nil(t, item)
			}
			names := []string{}
			for _, req := range r.fake.Requests() {
				names = append(names, req.Body.Content.Parts[0].Content)
			}
			require.ElementsMatch(t, []string{"bob", tc.newName}, names)
		})
	}
}

func TestResubmitDropsAnItemWhoseUsernameIsGone(t *testing.T) {
	for _, tc := range []struct {
		name   string
		remove func(r *resubmitEnv, userID, contentID string)
		reg    bool
		// withIt: the removal deletes the item itself (a user's or a
		// registration's delete takes its items), so there is nothing left
		// to resubmit.
		withIt bool
	}{
		{"user deleted", func(r *resubmitEnv, userID, _ string) {
			require.NoError(r.T, r.Engine.DeleteUser(r.Ctx, userID))
		}, false, true},
		{"registration deleted", func(r *resubmitEnv, userID, _ string) {
			require.NoError(r.T, r.Engine.DeleteRegistration(r.Ctx, userID, eventstest.AppID))
		}, true, true},
		{"registration deleted, its item left behind (as before a registration's delete took it)", func(r *resubmitEnv, userID, contentID string) {
			item := r.item(contentID)
			require.NoError(r.T, r.Engine.DeleteRegistration(r.Ctx, userID, eventstest.AppID))
			require.NoError(r.T, r.store.PutModerationItem(r.Ctx, item))
		}, true, false},
		{"the item names an older username than the user's", func(r *resubmitEnv, _, contentID string) {
			// A stale item, as an interrupted write could leave: the same
			// content id, another username.
			stale := r.item(contentID)
			stale.Username = "older"
			require.NoError(r.T, r.store.PutModerationItem(r.Ctx, stale))
		}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newResubmitEnv(t)
			r.fake.SetDown(true)
			var u *authcore.User
			contentID := ""
			if tc.reg {
				u = r.createUser("g@example.com", "")
				reg, err := r.Engine.Register(r.Ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "gone"}})
				require.NoError(t, err)
				contentID = reg.CleanSpeakID
			} else {
				u = r.createUser("g@example.com", "gone")
				contentID = u.CleanSpeakID
			}
			tc.remove(r, u.ID, contentID)
			if tc.withIt {
				require.Nil(t, r.item(contentID), "the item went with its user or registration")
			} else {
				require.NotNil(t, r.item(contentID), "the item is left behind")
			}
			r.fake.SetDown(false)
			attempts := r.hook.attempts.Load()
			require.Zero(t, r.resubmit())
			require.Equal(t, attempts, r.hook.attempts.Load(), "nothing sent about a username that is gone")
			require.Nil(t, r.item(contentID))
		})
	}
}

func TestResubmitWithModerationDisabledSendsNothing(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		cleanSpeak, usernames bool
	}{
		{"username moderation disabled", true, false},
		{"CleanSpeak disabled", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newResubmitEnv(t)
			r.fake.SetDown(true)
			u := r.createUser("d@example.com", "fay")
			r.fake.SetDown(false)
			r.setModeration(tc.cleanSpeak, tc.usernames)
			attempts := r.hook.attempts.Load()
			require.Zero(t, r.resubmit())
			require.Equal(t, attempts, r.hook.attempts.Load(), "nothing sent")
			require.Equal(t, "PENDING", r.user(u.ID).UsernameStatus)
			require.True(t, r.item(u.CleanSpeakID).Resubmit, "kept for when moderation is back")

			r.setModeration(true, true)
			require.Equal(t, 1, r.resubmit())
			require.Equal(t, "ACTIVE", r.user(u.ID).UsernameStatus)
		})
	}
}

// While CleanSpeak is down a run stops at its first failure, so it costs one
// timeout, not one per username.
func TestResubmitStopsAtTheFirstUnavailableAnswer(t *testing.T) {
	r := newResubmitEnv(t)
	r.fake.SetDown(true)
	for _, name := range []string{"gil", "hal", "ivy"} {
		r.createUser(name+"@example.com", name)
	}
	attempts := r.hook.attempts.Load()
	n, err := r.Engine.ResubmitPendingUsernames(r.Ctx)
	require.ErrorIs(t, err, cleanspeak.ErrUnavailable)
	require.Zero(t, n)
	require.Equal(t, attempts+1, r.hook.attempts.Load())
}

func TestResubmitIsGlobal(t *testing.T) {
	r := newResubmitEnv(t)
	ctx := authcore.WithScope(r.Ctx, authcore.Scope{KeyTenantID: r.TenantID})
	_, err := r.Engine.ResubmitPendingUsernames(ctx)
	require.ErrorIs(t, err, authcore.ErrUnauthorized)
	require.ErrorIs(t, r.Engine.RunModerationRetry(ctx, time.Second), authcore.ErrUnauthorized)
	require.Error(t, r.Engine.RunModerationRetry(r.Ctx, 0))
}

// The loop: a username CleanSpeak keeps failing on does not hold back the
// others, the runs are logged, and neither the log nor the event log holds
// the API key.
func TestRunModerationRetry(t *testing.T) {
	r := newResubmitEnv(t)
	r.fake.SetDown(true)
	users := map[string]*authcore.User{}
	for _, name := range []string{"jo", "kim", "lee"} {
		users[name] = r.createUser(name+"@example.com", name)
	}
	// The username sorting first fails for good: without the loop's
	// cursor every run would stop at it.
	first := "jo"
	for name, u := range users {
		if u.CleanSpeakID < users[first].CleanSpeakID {
			first = name
		}
	}
	r.hook.failFor.Store(&first)
	r.fake.SetDown(false)
	n, err := r.Engine.ResubmitPendingUsernames(r.Ctx)
	require.ErrorIs(t, err, cleanspeak.ErrUnavailable, "one run stops at it")
	require.Zero(t, n)
	require.NotContains(t, err.Error(), resubmitKey)

	ctx, cancel := context.WithCancel(r.Ctx)
	done := make(chan error, 1)
	go func() { done <- r.Engine.RunModerationRetry(ctx, 10*time.Millisecond) }()
	require.Eventually(t, func() bool {
		for name, u := range users {
			if name != first && r.user(u.ID).UsernameStatus != "ACTIVE" {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	require.Equal(t, "PENDING", r.user(users[first].ID).UsernameStatus)
	require.True(t, r.item(users[first].CleanSpeakID).Resubmit)

	logs := r.logs.String()
	require.Contains(t, logs, "CleanSpeak still unavailable")
	require.Contains(t, logs, "pending usernames resubmitted to CleanSpeak")
	require.NotContains(t, logs, resubmitKey)
	entries, err := r.Engine.SearchEventLogs(r.Ctx, authcore.EventLogSearchCriteria{Message: "CleanSpeak"})
	require.NoError(t, err)
	require.Equal(t, 5, entries.Total, "three kept PENDING, two answered")
	for _, entry := range entries.EventLogs {
		require.NotContains(t, entry.Message, resubmitKey)
	}
}
