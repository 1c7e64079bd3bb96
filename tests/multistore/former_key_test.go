package multistore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// Tenants that share a key rotate away from it at once, through two
// engines on one database: the key records every one of them (no rotation
// overwrites another's record), and a token it signed for any of them is
// still a login of that tenant, through either engine's cache.
func TestConcurrentRotationsKeepEveryFormerTenant(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			engines := []*authcore.Engine{newQuietEngine(t, open(t)), newQuietEngine(t, open(t))}
			shared, err := engines[0].GenerateKey(ctx, authcore.AlgHS256, "shared")
			require.NoError(t, err)
			const n = 6
			tenants := make([]string, n)
			for i := range tenants {
				tn, err := engines[0].CreateTenant(ctx, "", authcore.Tenant{Name: fmt.Sprintf("T%d", i)})
				require.NoError(t, err)
				tn.JWTConfiguration.AccessTokenKeyID = shared.ID
				_, err = engines[0].UpdateTenant(ctx, tn.ID, *tn)
				require.NoError(t, err)
				tenants[i] = tn.ID
			}
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: shared.Secret},
				(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", shared.ID))
			require.NoError(t, err)
			token := func(tid string) string {
				payload, err := json.Marshal(map[string]any{"sub": "11111111-2222-4333-8444-555555555555", "tid": tid,
					"exp": time.Now().Add(time.Hour).Unix()})
				require.NoError(t, err)
				obj, err := signer.Sign(payload)
				require.NoError(t, err)
				tok, err := obj.CompactSerialize()
				require.NoError(t, err)
				return tok
			}
			for _, e := range engines { // both caches hold the key as it was
				_, err := e.ValidateLoginToken(ctx, token(tenants[0]))
				require.NoError(t, err)
			}

			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, tid := range tenants {
				wg.Go(func() {
					<-start
					_, errs[i] = engines[i%2].RotateTenantKey(ctx, tid, authcore.AlgHS256)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				require.NoError(t, err, "rotation %d", i)
			}

			got, err := engines[1].Key(ctx, shared.ID)
			require.NoError(t, err)
			formerIDs := make([]string, len(got.FormerTenants))
			for i, f := range got.FormerTenants {
				formerIDs[i] = f.ID
			}
			assert.ElementsMatch(t, tenants, formerIDs)
			for _, e := range engines {
				for _, tid := range tenants {
					_, err := e.ValidateLoginToken(ctx, token(tid))
					assert.NoError(t, err, "tenant %s", tid)
				}
			}
		})
	}
}
