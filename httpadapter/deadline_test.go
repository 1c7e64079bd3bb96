package httpadapter_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/idp/twitter/twittertest"
	"github.com/authcore/authcore/internal/logtest"
	"github.com/authcore/authcore/store/memstore"
)

// stallingStore holds every user read until the caller's context ends, as
// a database that stopped answering would.
type stallingStore struct{ authcore.Store }

func (s stallingStore) GetUser(ctx context.Context, id string) (*authcore.User, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// A request whose own deadline (the embedding application's timeout
// middleware, say) ends while the store is asked is 500 with an empty body
// (SPEC keeps 503 for a rate limit), but logged as a warning that names the
// deadline, not as a failed request: nothing in the server is broken.
func TestRequestDeadlineDuringStoreCallIsAWarning(t *testing.T) {
	var logs logtest.Buffer
	mem := memstore.New()
	f := newFixtureOn(t, stallingStore{mem}, mem, nil,
		httpadapter.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req := httptest.NewRequest("GET", "/api/user/"+uuid.NewString(), nil).WithContext(ctx)
	r := serveAs(f.handler, req, false, false)

	assert.Equal(t, 500, r.Code)
	assert.Empty(t, r.Body)
	out := logs.String()
	assert.Contains(t, out, "level=WARN")
	assert.Contains(t, out, "request ran out of time")
	assert.NotContains(t, out, "request failed")
}

// A client that goes away while Twitter is asked gets what any client that
// went away gets, 503, not the 401 of a Twitter that is down: its login
// was abandoned, not refused, and an access log should say so.
func TestClientGoneDuringTwitterCallIs503(t *testing.T) {
	f := newLoginFixture(t, providerOpts{})
	f.account("9013", "otto", "otto@example.com")
	body := f.loginBody(loginAppID, "9013", nil)
	f.tw.SetFaultDelay(10 * time.Second)
	f.tw.SetFault(twittertest.FaultTimeout)
	before := stats(f)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	req := httptest.NewRequest("POST", "/api/identity-provider/login", strings.NewReader(body)).WithContext(ctx)
	r := serveAs(f.handler, req, true, false, "Authorization", "")

	assert.Equal(t, 503, r.Code)
	assert.Empty(t, r.Body)
	after := stats(f)
	assert.Equal(t, before.Users, after.Users)
	assert.Equal(t, before.Links, after.Links)
}
