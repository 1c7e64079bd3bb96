package authcore_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/internal/eventstest"
	"github.com/authcore/authcore/store/memstore"
)

// A refresh with timeToLiveInSeconds gives a token whose exp - iat is
// exactly that lifetime. The engine reads its clock more than once per
// refresh; exp was counted from the first read and iat from a later one,
// so a refresh whose reads fell on either side of a second got a token a
// second short (the e2e test and httpadapter's TestRefreshEndpointTimeToLive
// then failed by chance). Here every read of the clock moves it on by
// 300ms from a fixed instant: not a divisor of a second, so the reads'
// place within the second cycles and straddles happen, the same ones on
// every run (refresh 4 got 119 before the fix).
func TestRefreshTimeToLiveIsExactWhenTheClockMoves(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(300 * time.Millisecond)
		return now
	}
	env := eventstest.New(t, memstore.New(), eventstest.Options{Engine: []authcore.Option{authcore.WithClock(clock)}})
	env.Account("1", "ada", "ada@example.com")
	login := env.MustLogin("1")
	for i := range 40 {
		res, err := env.Engine.RefreshAccessToken(env.Ctx, authcore.RefreshRequest{RefreshToken: login.RefreshToken, TimeToLiveInSeconds: 120})
		require.NoError(t, err)
		parts := strings.Split(res.Token, ".")
		require.Len(t, parts, 3)
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		require.NoError(t, err)
		var c struct{ Exp, Iat int64 }
		require.NoError(t, json.Unmarshal(payload, &c))
		require.Equal(t, int64(120), c.Exp-c.Iat, "refresh %d: %s", i, payload)
		require.Equal(t, c.Exp*1000, res.TokenExpirationInstant, "refresh %d", i)
	}
}
