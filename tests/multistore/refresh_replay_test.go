package multistore_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A one-time refresh token replayed 16 times at once through two
// instances on one database: at most one exchange succeeds, none is a 500,
// and the token is spent afterwards, on every store.
func TestOneTimeRefreshReplayOnEveryStore(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			c := newCluster(t, k.open(t), 2)
			tenants, err := c.engines[0].Tenants(ctx)
			require.NoError(t, err)
			_, err = c.engines[0].PatchTenant(ctx, tenants[0].ID, authcore.PatchRequest{ContentType: "application/merge-patch+json",
				Body: []byte(`{"tenant":{"jwtConfiguration":{"refreshTokenUsagePolicy":"OneTimeUse"}}}`)})
			require.NoError(t, err)

			code, body := login(c.handlers[0], c.loginBody(c.account(1)))
			require.Equal(t, http.StatusOK, code, body)
			var resp struct {
				RefreshToken string `json:"refreshToken"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &resp))
			require.NotEmpty(t, resp.RefreshToken)

			refresh := func(h http.Handler) int {
				req := httptest.NewRequest("POST", "/api/jwt/refresh", strings.NewReader(`{"refreshToken":"`+resp.RefreshToken+`"}`))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec.Code
			}
			codes := make([]int, 16)
			var wg sync.WaitGroup
			for i := range codes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes[i] = refresh(c.handlers[i%2])
				}()
			}
			wg.Wait()
			ok := 0
			for _, code := range codes {
				assert.Contains(t, []int{http.StatusOK, http.StatusBadRequest, http.StatusConflict}, code)
				if code == http.StatusOK {
					ok++
				}
			}
			assert.LessOrEqual(t, ok, 1, "at most one use of a one-time token: %v", codes)
			assert.Equal(t, http.StatusBadRequest, refresh(c.handlers[0]), "the token is spent")
		})
	}
}
