package cleanspeak_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/integration/cleanspeak/cleanspeaktest"
	"github.com/stretchr/testify/require"
)

const (
	apiKey   = "cs-api-key"
	csApp    = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
	senderID = "f6d3df91-ed4b-48ad-810f-05a367d328c2"
	itemID   = "2d5e2b36-1f5d-4c3f-9b1e-5a8d6a0e7c11"
)

func TestModerate(t *testing.T) {
	fake := cleanspeaktest.NewServer(apiKey)
	defer fake.Close()
	fake.SetAction("queued", cleanspeak.ActionQueuedForApproval)
	fake.SetAction("rejected", cleanspeak.ActionReject)
	fake.SetAction("masked", cleanspeak.ActionReplace)
	fake.SetAction("authoronly", cleanspeak.ActionAuthorOnly)
	c, err := cleanspeak.NewClient()
	require.NoError(t, err)
	cfg := cleanspeak.Config{URL: fake.URL, APIKey: apiKey, ApplicationID: csApp}
	for _, tc := range []struct {
		name, username string
		update         bool
		action         string
		status         cleanspeak.Status
	}{
		{"allowed is active", "alice", false, cleanspeak.ActionAllow, cleanspeak.StatusActive},
		{"queued is pending", "queued", false, cleanspeak.ActionQueuedForApproval, cleanspeak.StatusPending},
		{"rejected", "Rejected", false, cleanspeak.ActionReject, cleanspeak.StatusRejected},
		{"replace is rejected: a username is not shown masked", "masked", false, cleanspeak.ActionReplace, cleanspeak.StatusRejected},
		{"authorOnly is rejected", "authoronly", false, cleanspeak.ActionAuthorOnly, cleanspeak.StatusRejected},
		{"an update is a PUT", "bob", true, cleanspeak.ActionAllow, cleanspeak.StatusActive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(fake.Requests())
			res, err := c.Moderate(t.Context(), cfg, cleanspeak.Request{ContentID: itemID, SenderID: senderID, Username: tc.username, CreateInstant: 1_700_000_000_000, Update: tc.update})
			require.NoError(t, err)
			require.Equal(t, cleanspeak.Result{ContentAction: tc.action, Status: tc.status}, res)
			reqs := fake.Requests()
			require.Len(t, reqs, before+1)
			got := reqs[len(reqs)-1]
			wantMethod := http.MethodPost
			if tc.update {
				wantMethod = http.MethodPut
			}
			require.Equal(t, wantMethod, got.Method)
			require.Equal(t, itemID, got.ContentID)
			require.Equal(t, csApp, got.Body.Content.ApplicationID)
			require.Equal(t, senderID, got.Body.Content.SenderID)
			require.Equal(t, tc.username, got.Body.Content.Parts[0].Content)
			require.Equal(t, "text", got.Body.Content.Parts[0].Type)
		})
	}
}

func TestModerateUnavailable(t *testing.T) {
	fake := cleanspeaktest.NewServer(apiKey)
	defer fake.Close()
	// A CleanSpeak that never answers: it holds each request until the
	// client gives up on it, or the test ends. It used to answer after a
	// second, and its empty answer is unusable too, so the timeout case
	// passed with a client that never gives up.
	stop := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer slow.Close()
	defer close(stop) // before Close, which waits for the handlers
	c, err := cleanspeak.NewClient(cleanspeak.WithTimeout(200 * time.Millisecond))
	require.NoError(t, err)
	req := cleanspeak.Request{ContentID: itemID, SenderID: senderID, Username: "alice", CreateInstant: 1}
	for _, tc := range []struct {
		name  string
		cfg   cleanspeak.Config
		setup func()
	}{
		{"down (503)", cleanspeak.Config{URL: fake.URL, APIKey: apiKey, ApplicationID: csApp}, func() { fake.SetDown(true) }},
		{"wrong API key (401)", cleanspeak.Config{URL: fake.URL, APIKey: "wrong", ApplicationID: csApp}, func() { fake.SetDown(false) }},
		{"missing application (400)", cleanspeak.Config{URL: fake.URL, APIKey: apiKey}, func() { fake.SetDown(false) }},
		{"timeout", cleanspeak.Config{URL: slow.URL, APIKey: apiKey, ApplicationID: csApp}, func() {}},
		{"nothing listening", cleanspeak.Config{URL: "http://127.0.0.1:1", APIKey: apiKey, ApplicationID: csApp}, func() {}},
		{"not a URL", cleanspeak.Config{URL: "cleanspeak", APIKey: apiKey, ApplicationID: csApp}, func() {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			// The call must end by itself: a context with a deadline
			// would end it for a client that never gives up.
			done := make(chan error, 1)
			go func() {
				_, err := c.Moderate(t.Context(), tc.cfg, req)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Moderate still waits after 10s for a CleanSpeak that does not answer")
			}
			require.ErrorIs(t, err, cleanspeak.ErrUnavailable)
			require.NotContains(t, err.Error(), apiKey, "errors never carry the key")
		})
	}
}

// A URL with a port and no host ("http://:8001") names no CleanSpeak: Go
// would dial the port on the local machine, whatever listens there. The fake
// listens on that port here, so a client that dials it gets an answer.
func TestModerateRefusesAURLWithoutAHost(t *testing.T) {
	fake := cleanspeaktest.NewServer(apiKey)
	defer fake.Close()
	u, err := url.Parse(fake.URL)
	require.NoError(t, err)
	c, err := cleanspeak.NewClient()
	require.NoError(t, err)
	_, err = c.Moderate(t.Context(), cleanspeak.Config{URL: "http://:" + u.Port(), APIKey: apiKey, ApplicationID: csApp},
		cleanspeak.Request{ContentID: itemID, SenderID: senderID, Username: "alice", CreateInstant: 1})
	require.ErrorIs(t, err, cleanspeak.ErrUnavailable)
	require.Zero(t, fake.Attempts(), "nothing is sent to the local machine")
}

func TestModerateFollowsContext(t *testing.T) {
	fake := cleanspeaktest.NewServer(apiKey)
	defer fake.Close()
	c, err := cleanspeak.NewClient()
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = c.Moderate(ctx, cleanspeak.Config{URL: fake.URL, APIKey: apiKey, ApplicationID: csApp}, cleanspeak.Request{ContentID: itemID, SenderID: senderID, Username: "x", CreateInstant: 1})
	require.ErrorIs(t, err, cleanspeak.ErrUnavailable)
	require.Empty(t, fake.Requests())
}

func TestNotificationDecisions(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    cleanspeak.Notification
		want map[string]cleanspeak.Status
	}{
		{"approved and rejected", cleanspeaktest.Approval(map[string]string{"a": "approved", "b": "rejected", "c": "escalated"}),
			map[string]cleanspeak.Status{"a": cleanspeak.StatusActive, "b": cleanspeak.StatusRejected}},
		{"another type decides nothing", cleanspeak.Notification{Type: "userAction", Approvals: map[string]string{"a": "approved"}}, map[string]cleanspeak.Status{}},
	} {
		t.Run(tc.name, func(t *testing.T) { require.Equal(t, tc.want, tc.n.Decisions()) })
	}
}

func TestConfigNeverLogsTheKey(t *testing.T) {
	v := cleanspeak.Config{URL: "https://cs.example", APIKey: "very-secret"}.LogValue()
	require.False(t, strings.Contains(v.String(), "very-secret"))
}

// Nor does fmt print it: LogValue covered slog only, and %v of a Config
// (in an error message, a debug print) showed the key.
func TestConfigNeverPrintsTheKey(t *testing.T) {
	// The URL's user info may carry credentials too.
	c := cleanspeak.Config{URL: "https://svc:url-secret@cs.example", APIKey: "very-secret", ApplicationID: "3c219e58-ed0e-4b18-ad48-f4f92793ae32"}
	for _, verb := range []string{"%v", "%+v", "%s", "%#v", "%q", "%x"} {
		for _, v := range []any{c, &c} {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, "very-secret", verb)
			require.NotContains(t, out, "url-secret", verb)
			require.Contains(t, out, "cs.example", verb)
			require.Contains(t, out, c.ApplicationID, verb)
		}
	}
	var text bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("cleanspeak", "config", c)
	require.NotContains(t, text.String(), "very-secret")
	require.NotContains(t, text.String(), "url-secret")
}
