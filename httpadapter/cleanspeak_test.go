package httpadapter_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/integration/cleanspeak/cleanspeaktest"
)

func TestCleanSpeakNotifyEndpoint(t *testing.T) {
	fake := cleanspeaktest.NewServer("cs-key")
	defer fake.Close()
	fake.SetAction("queued", cleanspeak.ActionQueuedForApproval)
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.engine.UpdateIntegrations(ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
		Enabled: true, URL: fake.URL, APIKey: "cs-key",
		UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"},
	}})
	require.NoError(t, err)
	u, err := f.engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Username: "queued"}})
	require.NoError(t, err)
	require.Equal(t, "PENDING", u.UsernameStatus)
	const lockedKey = "tenant-locked-key-0123456789"
	_, _, err = f.engine.CreateAPIKey(ctx, authcore.NewAPIKey{Key: lockedKey, TenantID: defaultTenant0(t, f)})
	require.NoError(t, err)

	body, err := json.Marshal(cleanspeaktest.Approval(map[string]string{u.CleanSpeakID: "approved"}))
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		body    string
		headers []string
		code    int
	}{
		{"no API key", string(body), []string{"Authorization", ""}, http.StatusUnauthorized},
		{"a tenant-locked key: the endpoint is global", string(body), []string{"Authorization", lockedKey}, http.StatusUnauthorized},
		{"malformed JSON", `{"type":`, nil, http.StatusBadRequest},
		{"another notification type is accepted and ignored", `{"type":"userAction","action":"ban"}`, nil, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("POST", "/api/cleanspeak/notify", tc.body, tc.headers...)
			require.Equal(t, tc.code, r.Code, r.Body)
			got, err := f.engine.User(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, "PENDING", got.UsernameStatus)
		})
	}

	r := f.do("POST", "/api/cleanspeak/notify", string(body))
	require.Equal(t, http.StatusOK, r.Code)
	require.Empty(t, r.Body)
	require.Empty(t, r.Header.Get("Content-Type"), "no JSON content type on an empty body")
	got, err := f.engine.User(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, "ACTIVE", got.UsernameStatus)
}
