package httpadapter_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/httpadapter"
)

// TestRequestBodyOverTheWire sends bodies the way clients do (with a
// Content-Length, chunked, or cut short) to a real server, since the body
// is read differently when its length is known.
func TestRequestBodyOverTheWire(t *testing.T) {
	f := newFixture(t, httpadapter.WithMaxBodyBytes(1024))
	srv := httptest.NewServer(f.handler)
	t.Cleanup(srv.Close)
	small := `{"integrations":{}}`
	big := `{"integrations":{"kafka":{"producer":{"k":"` + strings.Repeat("x", 2048) + `"}}}}`

	put := func(base string, body io.Reader, contentLength int64) (int, string) {
		t.Helper()
		req, err := http.NewRequest("PUT", base+"/api/integration", body)
		require.NoError(t, err)
		req.ContentLength = contentLength
		req.Header.Set("Authorization", testKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	// A reader that hides its length makes the client send it chunked.
	chunked := func(s string) io.Reader { return io.MultiReader(strings.NewReader(s)) }

	code, body := put(srv.URL, strings.NewReader(small), int64(len(small)))
	assert.Equal(t, 200, code, body)
	code, body = put(srv.URL, chunked(small), -1)
	assert.Equal(t, 200, code, body)
	code, body = put(srv.URL, strings.NewReader(big), int64(len(big)))
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "[RequestTooLarge]")
	code, body = put(srv.URL, chunked(big), -1)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "[RequestTooLarge]")

	// Above the size read into an exact buffer, a body grows as it arrives;
	// the answer is the one the same body gets chunked.
	g := newFixture(t, httpadapter.WithMaxBodyBytes(1<<20))
	gsrv := httptest.NewServer(g.handler)
	t.Cleanup(gsrv.Close)
	large := `{"integrations":{"kafka":{"producer":{"k":"` + strings.Repeat("y", 100<<10) + `"}}}}`
	withLength, bodyWithLength := put(gsrv.URL, strings.NewReader(large), int64(len(large)))
	chunkedCode, bodyChunked := put(gsrv.URL, chunked(large), -1)
	assert.Equal(t, 200, withLength, bodyWithLength)
	assert.Equal(t, chunkedCode, withLength)
	assert.JSONEq(t, bodyChunked, bodyWithLength)

	// A client that announces more than it sends, then stops writing.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "PUT /api/integration HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		testKey, len(small)+40, small)
	require.NoError(t, err)
	require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, 400, resp.StatusCode, string(b))
	assert.Contains(t, string(b), "[invalidJSON]")
}
