package multistore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// A key deleted while an application is updated to sign with it: one of the
// two wins, on every store. Both succeeding would leave the application
// naming a key that is gone, and its logins failing. The loser answers
// [KeyInUse] (the delete) or the key is named as missing (the update);
// never anything else. On PostgreSQL the delete locked the key before the
// applications and the update the other way round, and one of the two
// answered 409 in most rounds: the delete now locks in the update's order,
// and a conflict left is run again.
func TestKeyDeleteRacesApplicationChoosingIt(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			e, err := authcore.New(ctx, k.open(t)(t), authcore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			require.NoError(t, err)
			tn, err := e.CreateTenant(ctx, "", authcore.Tenant{Name: "keys"})
			require.NoError(t, err)
			app, err := e.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{TenantID: tn.ID, Name: "signer"}})
			require.NoError(t, err)

			deletes, updates := 0, 0
			for round := range 40 {
				key, err := e.GenerateKey(ctx, authcore.AlgHS256, fmt.Sprintf("contested %d", round)) // names are unique; a key the delete lost stays
				require.NoError(t, err)
				var delErr, updErr error
				del := func() { delErr = e.DeleteKey(ctx, key.ID) }
				upd := func() {
					_, updErr = e.UpdateApplication(ctx, app.ID, authcore.ApplicationRequest{Application: authcore.ApplicationInput{
						TenantID: tn.ID, Name: "signer",
						JWTConfiguration: &authcore.ApplicationJWTOverrides{Enabled: true, AccessTokenKeyID: key.ID},
					}})
				}
				// Started in both orders: the goroutine started last
				// tends to run first.
				first, second := del, upd
				if round%2 == 0 {
					first, second = upd, del
				}
				var wg sync.WaitGroup
				for _, f := range []func(){first, second} {
					wg.Go(f)
				}
				wg.Wait()

				require.False(t, delErr == nil && updErr == nil, "both the delete and the update of key %s succeeded", key.ID)
				if delErr != nil {
					var inUse *authcore.KeyInUseError
					require.True(t, errors.As(delErr, &inUse), "round %d: the delete: %v", round, delErr)
				} else {
					deletes++
				}
				if updErr != nil {
					var verrs *validation.Errors
					require.True(t, errors.As(updErr, &verrs), "round %d: the update: %v", round, updErr)
				} else {
					updates++
				}

				// What is stored agrees: an application names only a key
				// that exists.
				got, err := e.Application(ctx, app.ID)
				require.NoError(t, err)
				if j := got.JWTConfiguration; j != nil && j.AccessTokenKeyID != "" {
					_, err := e.Key(ctx, j.AccessTokenKeyID)
					require.NoError(t, err, "the application names key %s, which is gone", j.AccessTokenKeyID)
				}
				// Free the application for the next round.
				_, err = e.UpdateApplication(ctx, app.ID, authcore.ApplicationRequest{Application: authcore.ApplicationInput{TenantID: tn.ID, Name: "signer"}})
				require.NoError(t, err)
			}
			t.Logf("%s: delete won %d times, the update %d", k.name, deletes, updates)
		})
	}
}
