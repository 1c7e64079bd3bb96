package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
)

// configVersionCases check authcore.ConfigVersioner, for a store that has it:
// every committed create, update and delete of a tenant, an application, an
// identity provider or a signing key, and every write of the integrations,
// moves the number up, whether it is made
// by a Store method or inside InTx. An engine that saw the old number then
// reads the objects again; a write the number missed would leave it on stale
// configuration.
var configVersionCases = []testCase{
	{"config version/every configuration write moves it up", func(t *testing.T, f *fixture) {
		cv, ok := f.s.(authcore.ConfigVersioner)
		if !ok {
			t.Log("storetest: the store does not implement authcore.ConfigVersioner; nothing to check")
			return
		}
		ctx := f.ctx
		last, err := cv.ConfigVersion(ctx)
		require.NoError(t, err)
		moved := func(what string) {
			t.Helper()
			v, err := cv.ConfigVersion(ctx)
			require.NoError(t, err)
			require.Greater(t, v, last, what)
			last = v
		}

		tn := f.newTenant("config")
		require.NoError(t, f.s.CreateTenant(ctx, tn))
		moved("create tenant")
		tn.Issuer = "other.example"
		require.NoError(t, f.s.UpdateTenant(ctx, tn))
		moved("update tenant")

		app := f.newApp(tn.ID, "config app")
		require.NoError(t, f.s.CreateApplication(ctx, app))
		moved("create application")
		app.Roles[1].IsDefault = false
		require.NoError(t, f.s.UpdateApplication(ctx, app))
		moved("update application")

		idp := &authcore.IdentityProviderRecord{ID: id(), Type: "Twitter", Document: []byte(`{"enabled":true}`), InsertInstant: f.instant()}
		require.NoError(t, f.s.CreateIdentityProvider(ctx, idp))
		moved("create identity provider")
		idp.Document, idp.LastUpdateInstant = []byte(`{"enabled":false}`), f.instant()
		require.NoError(t, f.s.UpdateIdentityProvider(ctx, idp))
		moved("update identity provider")

		key := &authcore.SigningKey{ID: id(), Name: "config key", Algorithm: "HS256", Secret: []byte("config-secret"), InsertInstant: f.instant()}
		require.NoError(t, f.s.CreateKey(ctx, key))
		moved("create key")
		key.Name, key.LastUpdateInstant = "renamed config key", f.instant()
		require.NoError(t, f.s.UpdateKey(ctx, key))
		moved("update key")
		require.NoError(t, f.s.DeleteKey(ctx, key.ID))
		moved("delete key")

		// The same writes inside a transaction count once it commits.
		require.NoError(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			app.Name = "renamed in a transaction"
			return tx.UpdateApplication(ctx, app)
		}))
		moved("update application in InTx")

		require.NoError(t, f.s.DeleteIdentityProvider(ctx, idp.ID))
		moved("delete identity provider")
		require.NoError(t, f.s.DeleteApplication(ctx, app.ID))
		moved("delete application")

		// A tenant's delete takes its applications with it.
		f.app(tn.ID, "cascaded")
		moved("create application (before the tenant's delete)")
		require.NoError(t, f.s.DeleteTenant(ctx, tn.ID))
		moved("delete tenant")

		// The integrations too: engines keep them by the number, and the
		// first write inserts their row, the next ones update it.
		require.NoError(t, f.s.PutIntegrations(ctx, &integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: "events"}}))
		moved("put integrations (first)")
		require.NoError(t, f.s.PutIntegrations(ctx, &integration.Integrations{}))
		moved("put integrations (again)")
		require.NoError(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			return tx.PutIntegrations(ctx, &integration.Integrations{CleanSpeak: integration.CleanSpeak{Enabled: false}})
		}))
		moved("put integrations in InTx")
	}},
	{"config version/two configuration writes in opposite orders both commit", func(t *testing.T, f *fixture) {
		// A changes the tenant, then the application; B changes the
		// application while A is between the two. Whatever keeps the
		// version must not make A and B wait for each other (a version
		// locked from A's first write on, which B's write then waits for
		// while A waits for B's row). A store that runs one write
		// transaction at a time runs B after A.
		ctx := f.ctx
		tn := f.tenant("T")
		app := f.app(tn.ID, "a")
		bDone := make(chan error, 1)
		bWrote := make(chan struct{})
		err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			tn.Issuer = "a.example"
			if err := tx.UpdateTenant(ctx, tn); err != nil {
				return err
			}
			go func() {
				bDone <- f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
					b := *app
					b.Name = "by b"
					err := tx.UpdateApplication(ctx, &b)
					close(bWrote)
					return err
				})
			}()
			// A writes again only once B has written or waits for A:
			// going on earlier, A could commit before B wrote anything,
			// and a version that makes B wait would pass unseen.
			f.waitedOrDone(bWrote)
			a := *app
			a.Name = "by a"
			return tx.UpdateApplication(ctx, &a)
		})
		require.NoError(t, err)
		require.NoError(t, <-bDone)
	}},
}
