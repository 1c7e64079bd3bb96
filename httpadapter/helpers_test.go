package httpadapter_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/store/memstore"
	"github.com/authcore/authcore/validation"
	"github.com/stretchr/testify/require"
)

const testKey = "test-api-key-0123456789abcdef"

type fixture struct {
	t       *testing.T
	engine  *authcore.Engine
	store   *memstore.Store
	handler http.Handler
}

func newFixture(t *testing.T, opts ...httpadapter.Option) *fixture {
	t.Helper()
	return newFixtureWith(t, nil, opts...)
}

// quietLogger keeps test output readable; tests that inspect logs pass
// their own logger.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newFixtureWith also takes engine options (clock, logger, lambdas).
func newFixtureWith(t *testing.T, engineOpts []authcore.Option, opts ...httpadapter.Option) *fixture {
	t.Helper()
	mem := memstore.New()
	return newFixtureOn(t, mem, mem, engineOpts, opts...)
}

// newFixtureOn runs the engine on s (a wrapper of mem, say) and inspects mem.
func newFixtureOn(t *testing.T, s authcore.Store, store *memstore.Store, engineOpts []authcore.Option, opts ...httpadapter.Option) *fixture {
	t.Helper()
	e, err := authcore.New(context.Background(), s, append([]authcore.Option{authcore.WithLogger(quietLogger())}, engineOpts...)...)
	require.NoError(t, err)
	_, _, err = e.CreateAPIKey(context.Background(), authcore.NewAPIKey{Key: testKey})
	require.NoError(t, err)
	h, err := httpadapter.New(e, opts...)
	require.NoError(t, err)
	return &fixture{t: t, engine: e, store: store, handler: h}
}

type response struct {
	Code   int
	Header http.Header
	Body   string
}

func (r response) errors(t *testing.T) *validation.Errors {
	t.Helper()
	var v validation.Errors
	require.NoError(t, json.Unmarshal([]byte(r.Body), &v), "body %q", r.Body)
	return &v
}

// do sends a request with the fixture's API key and a JSON content type
// unless headers say otherwise ("" removes a header).
func (f *fixture) do(method, path, body string, headers ...string) response {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	return serveAs(f.handler, httptest.NewRequest(method, path, rd), body != "", false, headers...)
}

// serveAs serves req with the test API key, a JSON content type when it
// has a body, and then headers: pairs of name and value, "" removing one,
// a value replacing the header's or, with add, added to it.
func serveAs(h http.Handler, req *http.Request, hasBody, add bool, headers ...string) response {
	req.Header.Set("Authorization", testKey)
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		switch {
		case headers[i+1] == "":
			req.Header.Del(headers[i])
		case add:
			req.Header.Add(headers[i], headers[i+1])
		default:
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.String()}
}
