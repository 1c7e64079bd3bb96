package multistore_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/integration/cleanspeak/cleanspeaktest"
)

// DeleteModerationItem pauses with the item deleted (locked on PostgreSQL),
// as a moderator's decision holds it before it reads the item's user and
// registration.
func (t *pausingTx) DeleteModerationItem(ctx context.Context, contentID string) error {
	err := t.Store.DeleteModerationItem(ctx, contentID)
	t.pause("DeleteModerationItem")
	return err
}

// A moderator's decision about a registration's username locks the item,
// then the user and the registration. A registration's delete, which takes
// the item too, locked the user and the registration first and then waited
// for the item: on PostgreSQL the two deadlocked and one of them ran again.
// It locks the item first now, and waits there. An application's delete
// takes the items before the registrations its cascade reaches.
func TestModerationDecisionMeetsARegistrationsDelete(t *testing.T) {
	for _, k := range kinds() {
		if k.name != "postgres" {
			// One writer at a time elsewhere: no lock order to get wrong.
			continue
		}
		for _, tc := range []struct {
			name   string
			delete func(ctx context.Context, e *authcore.Engine, userID string) error
		}{
			{"registration", func(ctx context.Context, e *authcore.Engine, userID string) error {
				return e.DeleteRegistration(ctx, userID, appID)
			}},
			{"application", func(ctx context.Context, e *authcore.Engine, _ string) error {
				return e.DeleteApplication(ctx, appID)
			}},
		} {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				open := k.open(t)
				c := newCluster(t, open, 1)
				const key = "cs-key"
				fake := cleanspeaktest.NewServer(key)
				t.Cleanup(fake.Close)
				fake.SetAction("queued", cleanspeak.ActionQueuedForApproval)
				client, err := cleanspeak.NewClient(cleanspeak.WithTimeout(10 * time.Second))
				require.NoError(t, err)
				decider, ds := c.pausedEngine(t, open, "DeleteModerationItem", authcore.WithCleanSpeakClient(client))
				_, err = decider.UpdateIntegrations(ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
					Enabled: true, URL: fake.URL, APIKey: key,
					UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: "5b9f0b0e-6c1a-4d8e-9f3a-2b7c4d6e8f01"},
				}})
				require.NoError(t, err)
				u, err := decider.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "m@example.com"}})
				require.NoError(t, err)
				reg, err := decider.Register(ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: appID, Username: "queued"}})
				require.NoError(t, err)
				require.Equal(t, "PENDING", reg.UsernameStatus)
				cs := &conflictCounter{Store: open(t)}
				deleter, err := authcore.New(ctx, cs, authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
				require.NoError(t, err)

				ds.armed.Store(true)
				decideDone, deleteDone := make(chan error, 1), make(chan error, 1)
				go func() {
					decideDone <- decider.CleanSpeakNotify(ctx, cleanspeaktest.Approval(map[string]string{reg.CleanSpeakID: "approved"}))
				}()
				awaitPause(t, ds, decideDone) // the decision holds the item
				go func() { deleteDone <- tc.delete(ctx, deleter, u.ID) }()
				var deleteErr error
				deleted := false
				waited := watchLockWait(t, "%moderation_items%", func() bool {
					select {
					case deleteErr = <-deleteDone:
						deleted = true
					default:
					}
					return deleted
				})
				close(ds.release)
				if !deleted {
					deleteErr = <-deleteDone
				}
				decideErr := <-decideDone

				assert.True(t, waited, "the delete did not wait for the item the decision holds")
				assert.Zero(t, ds.conflicts.Load()+cs.conflicts.Load(), "transactions lost to a deadlock")
				require.NoError(t, decideErr)
				require.NoError(t, deleteErr)
				s := open(t)
				_, err = s.GetRegistration(ctx, u.ID, appID)
				require.ErrorIs(t, err, authcore.ErrNotFound)
				items, err := s.ListModerationItems(ctx, "", 0)
				require.NoError(t, err)
				require.Empty(t, items)
			})
		}
	}
}
