package multistore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/integration/cleanspeak/cleanspeaktest"
	"github.com/authcore/authcore/internal/eventstest"
)

// A deleted user's pending usernames go with it, and a deleted tenant's
// users' with them, on every store, with events recorded or not (the two
// ways authcore's DeleteUser runs; with events, on PostgreSQL, it locks the
// items before it reads the user).
func TestDeletedUsersLeaveNoModerationItems(t *testing.T) {
	for _, k := range kinds() {
		for _, events := range []bool{false, true} {
			name := k.name
			if events {
				name += "/events"
			}
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				s := k.open(t)(t)
				const key = "cs-key"
				fake := cleanspeaktest.NewServer(key)
				t.Cleanup(fake.Close)
				for _, n := range []string{"queued-1", "queued-2", "queued-3", "queued-4"} {
					fake.SetAction(n, cleanspeak.ActionQueuedForApproval)
				}
				client, err := cleanspeak.NewClient(cleanspeak.WithTimeout(30 * time.Second))
				require.NoError(t, err)
				opts := []authcore.Option{authcore.WithCleanSpeakClient(client)}
				if events {
					opts = append(opts, authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }))
				}
				env := eventstest.New(t, s, eventstest.Options{Engine: opts})
				e := env.Engine
				_, err = e.UpdateIntegrations(ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
					Enabled: true, URL: fake.URL, APIKey: key,
					UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: "5b9f0b0e-6c1a-4d8e-9f3a-2b7c4d6e8f01"},
				}})
				require.NoError(t, err)
				pending := func() []string {
					t.Helper()
					items, err := s.ListModerationItems(ctx, "", 0)
					require.NoError(t, err)
					var users []string
					for _, m := range items {
						users = append(users, m.UserID)
					}
					return users
				}

				gone, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "gone@example.com", Username: "queued-1"}})
				require.NoError(t, err)
				_, err = e.Register(ctx, gone.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "queued-2"}})
				require.NoError(t, err)
				stays, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "stays@example.com", Username: "queued-3"}})
				require.NoError(t, err)
				require.ElementsMatch(t, []string{gone.ID, gone.ID, stays.ID}, pending())

				require.NoError(t, e.DeleteUser(ctx, gone.ID))
				require.Equal(t, []string{stays.ID}, pending(), "the user's and its registration's items went with it")

				other, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "other"})
				require.NoError(t, err)
				u, err := e.CreateUser(authcore.WithScope(ctx, authcore.Scope{TenantID: other.ID}), "",
					authcore.UserRequest{User: authcore.UserInput{Email: "other@example.com", Username: "queued-4"}})
				require.NoError(t, err)
				require.ElementsMatch(t, []string{stays.ID, u.ID}, pending())
				require.NoError(t, e.DeleteTenant(ctx, other.ID))
				require.Equal(t, []string{stays.ID}, pending(), "the tenant's users' items went with it; another tenant's stay")
			})
		}
	}
}

// A deleted registration's pending usernames go with it, and a deleted
// application's registrations' with them, on every store, with events
// recorded or not. On PostgreSQL the deletes lock the items before the user
// or the application, as a moderator's decision does.
func TestDeletedRegistrationsLeaveNoModerationItems(t *testing.T) {
	for _, k := range kinds() {
		for _, events := range []bool{false, true} {
			name := k.name
			if events {
				name += "/events"
			}
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				s := k.open(t)(t)
				const key = "cs-key"
				fake := cleanspeaktest.NewServer(key)
				t.Cleanup(fake.Close)
				for _, n := range []string{"queued-1", "queued-2", "queued-3", "queued-4", "queued-5"} {
					fake.SetAction(n, cleanspeak.ActionQueuedForApproval)
				}
				client, err := cleanspeak.NewClient(cleanspeak.WithTimeout(30 * time.Second))
				require.NoError(t, err)
				opts := []authcore.Option{authcore.WithCleanSpeakClient(client)}
				if events {
					opts = append(opts, authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }))
				}
				env := eventstest.New(t, s, eventstest.Options{Engine: opts})
				e := env.Engine
				_, err = e.UpdateIntegrations(ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
					Enabled: true, URL: fake.URL, APIKey: key,
					UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: "5b9f0b0e-6c1a-4d8e-9f3a-2b7c4d6e8f01"},
				}})
				require.NoError(t, err)
				type owner struct{ user, app string }
				pending := func() []owner {
					t.Helper()
					items, err := s.ListModerationItems(ctx, "", 0)
					require.NoError(t, err)
					var out []owner
					for _, m := range items {
						out = append(out, owner{m.UserID, m.ApplicationID})
					}
					return out
				}
				register := func(userID, appID, username string) {
					t.Helper()
					reg, err := e.Register(ctx, userID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: appID, Username: username}})
					require.NoError(t, err)
					require.Equal(t, "PENDING", reg.UsernameStatus)
				}

				other, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "other"}})
				require.NoError(t, err)
				u, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "u@example.com", Username: "queued-1"}})
				require.NoError(t, err)
				v, err := e.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "v@example.com"}})
				require.NoError(t, err)
				register(u.ID, eventstest.AppID, "queued-2")
				// Updated while pending: the item is rewritten under the
				// same content id, and still goes with the registration.
				_, err = e.UpdateRegistration(ctx, u.ID, eventstest.AppID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: eventstest.AppID, Username: "queued-3"}})
				require.NoError(t, err)
				register(u.ID, other.ID, "queued-4")
				register(v.ID, other.ID, "queued-5")
				require.ElementsMatch(t, []owner{{u.ID, ""}, {u.ID, eventstest.AppID}, {u.ID, other.ID}, {v.ID, other.ID}}, pending())

				require.NoError(t, e.DeleteRegistration(ctx, u.ID, eventstest.AppID))
				require.ElementsMatch(t, []owner{{u.ID, ""}, {u.ID, other.ID}, {v.ID, other.ID}}, pending(), "the registration's item went with it")

				require.NoError(t, e.DeleteApplication(ctx, other.ID))
				require.Equal(t, []owner{{u.ID, ""}}, pending(), "the application's registrations' items went with it; the user's own stays")
			})
		}
	}
}
