package httpadapter_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// panickyStore panics where the user route reads the user.
type panickyStore struct{ *memstore.Store }

func (panickyStore) GetUser(context.Context, string) (*authcore.User, error) {
	panic("store exploded")
}

// A panic below the handler is an empty 500 and one log line naming the
// route, not a dropped connection; the log line has no query (a token may
// be there) and no API key.
func TestPanicIsAnEmpty500(t *testing.T) {
	var logs bytes.Buffer
	mem := memstore.New()
	// The adapter logs through the engine's logger: give it one to read.
	f := newFixtureOn(t, panickyStore{mem}, mem, []authcore.Option{authcore.WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))})
	r := f.do("GET", "/api/user/7f1c2a2e-9a4b-4c36-8f0e-5d6c7b8a9e01?token=secret-in-query", "")
	assert.Equal(t, http.StatusInternalServerError, r.Code)
	assert.Empty(t, r.Body)
	out := logs.String()
	assert.Contains(t, out, "request panicked")
	assert.Contains(t, out, "store exploded")
	assert.Contains(t, out, "/api/user/7f1c2a2e-9a4b-4c36-8f0e-5d6c7b8a9e01")
	assert.NotContains(t, out, "secret-in-query")
	assert.NotContains(t, out, testKey)
}
