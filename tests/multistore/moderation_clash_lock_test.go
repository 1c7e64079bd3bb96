package multistore_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
	"github.com/authcore/authcore/integration/cleanspeak/cleanspeaktest"
)

// With username moderation on, a user create first checks that no other
// user holds its email (moderation.go's userClash), in its transaction,
// which has read (and on PostgreSQL locked) the tenant by then. That check
// read the other user FOR UPDATE: it waited for an update of that user
// holding it, which then waited for the tenant, a deadlock that PostgreSQL
// broke by failing one of them. The check only looks now: the create
// answers [duplicate]user.email without waiting and without asking
// CleanSpeak, and the update goes on.
func TestModerationClashCheckTakesNoUserLock(t *testing.T) {
	for _, k := range kinds() {
		if k.name != "postgres" {
			// One writer at a time elsewhere: the create cannot start
			// while the update holds its transaction.
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			c := newCluster(t, open, 1)
			app, err := open(t).GetApplication(ctx, appID)
			require.NoError(t, err)
			tenantID := app.TenantID
			taken, err := c.engines[0].CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{TenantID: tenantID, Email: "taken@example.com"}})
			require.NoError(t, err)

			const key = "cs-key"
			fake := cleanspeaktest.NewServer(key)
			t.Cleanup(fake.Close)
			_, err = c.engines[0].UpdateIntegrations(ctx, integration.Integrations{CleanSpeak: integration.CleanSpeak{
				Enabled: true, URL: fake.URL, APIKey: key,
				UsernameModeration: integration.UsernameModeration{Enabled: true, ApplicationID: "5b9f0b0e-6c1a-4d8e-9f3a-2b7c4d6e8f01"},
			}})
			require.NoError(t, err)
			client, err := cleanspeak.NewClient(cleanspeak.WithTimeout(10 * time.Second))
			require.NoError(t, err)
			cs := &conflictCounter{Store: open(t)}
			creator, err := authcore.New(ctx, cs, authcore.WithCleanSpeakClient(client), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			require.NoError(t, err)
			updater, us := c.pausedEngine(t, open, "GetUser")

			us.armed.Store(true)
			updateDone, createDone := make(chan error, 1), make(chan error, 1)
			go func() {
				_, err := updater.UpdateUser(ctx, taken.ID, authcore.UserRequest{User: authcore.UserInput{Email: taken.Email, FirstName: "Changed"}})
				updateDone <- err
			}()
			awaitPause(t, us, updateDone) // the update holds the taken user
			go func() {
				_, err := creator.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{TenantID: tenantID, Email: "TAKEN@example.com", Username: "fresh"}})
				createDone <- err
			}()
			var createErr error
			created := false
			waited := watchLockWait(t, "SELECT doc FROM users%", func() bool {
				select {
				case createErr = <-createDone:
					created = true
				default:
				}
				return created
			})
			close(us.release)
			if !created {
				createErr = <-createDone
			}
			updateErr := <-updateDone

			assert.False(t, waited, "the create's clash check waited for the user the update holds")
			assert.Zero(t, us.conflicts.Load()+cs.conflicts.Load(), "transactions lost to a deadlock")
			require.NoError(t, updateErr)
			require.Error(t, createErr)
			assert.Contains(t, createErr.Error(), "[duplicate]user.email")
			assert.Empty(t, fake.Requests(), "CleanSpeak is not asked about a write the store refuses")

			u, err := open(t).GetUser(ctx, taken.ID)
			require.NoError(t, err)
			assert.Equal(t, "Changed", u.FirstName)
		})
	}
}

// conflictCounter counts the transactions its store answers ErrConflict
// (a deadlock PostgreSQL broke, among others). Unlike pausingStore it gives
// fn the store's own transaction, with the store's optional methods.
type conflictCounter struct {
	authcore.Store
	conflicts atomic.Int64
}

func (s *conflictCounter) InTx(ctx context.Context, fn func(ctx context.Context, tx authcore.Store) error) error {
	err := s.Store.InTx(ctx, fn)
	if errors.Is(err, authcore.ErrConflict) {
		s.conflicts.Add(1)
	}
	return err
}
