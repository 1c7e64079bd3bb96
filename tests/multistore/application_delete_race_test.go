package multistore_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/validation"
)

// An application deleted while the identity provider is patched to enable
// it. The delete locked the application and then the provider (to forget
// the application there), the PATCH the provider and then the applications
// it names: on PostgreSQL the two deadlocked, the delete answered 409
// [retryableConflict], and a PATCH run again at once could meet the same
// cycle on every attempt. Now the delete locks the provider first: the
// delete of an existing application always succeeds, the PATCH succeeds or
// finds the application gone ([invalid]), and the provider never names a
// deleted application.
func TestApplicationDeleteRacesProviderPatch(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			e, err := authcore.New(ctx, k.open(t)(t), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			require.NoError(t, err)
			_, err = e.CreateIdentityProvider(ctx, "", twitter.Provider{Type: twitter.TypeName, ButtonText: "Twitter", ConsumerKey: ck, ConsumerSecret: cs})
			require.NoError(t, err)
			for round := range 100 {
				app, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{Name: "contested"}})
				require.NoError(t, err)
				var delErr, patchErr error
				del := func() { delErr = e.DeleteApplication(ctx, app.ID) }
				patch := func() {
					_, patchErr = e.PatchIdentityProvider(ctx, twitter.ProviderID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
						Body: []byte(`{"identityProvider":{"applicationConfiguration":{"` + app.ID + `":{"enabled":true}}}}`)})
				}
				// Started in both orders: the goroutine started last
				// tends to run first.
				first, second := del, patch
				if round%2 == 0 {
					first, second = patch, del
				}
				var wg sync.WaitGroup
				for _, f := range []func(){first, second} {
					wg.Go(f)
				}
				wg.Wait()

				require.NoError(t, delErr, "round %d: the delete", round)
				if patchErr != nil {
					var verrs *validation.Errors
					require.True(t, errors.As(patchErr, &verrs), "round %d: the patch: %v", round, patchErr)
				}
				p, err := e.IdentityProvider(ctx, twitter.ProviderID)
				require.NoError(t, err)
				require.NotContains(t, p.ApplicationConfiguration, app.ID, "round %d: the provider names the deleted application", round)
			}
		})
	}
}
