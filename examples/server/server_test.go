package main

import (
	"net/http"
	"testing"
)

// TestHTTPServerBoundsSlowClients: ReadHeaderTimeout alone lets a client
// that sent its headers trickle the body (or sit on a kept-alive
// connection) forever, holding a connection and a handler goroutine, and
// keeping Shutdown from finishing.
func TestHTTPServerBoundsSlowClients(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout <= 0 {
		t.Errorf("ReadHeaderTimeout = %v, want > 0", srv.ReadHeaderTimeout)
	}
	if srv.ReadTimeout <= 0 {
		t.Errorf("ReadTimeout = %v, want > 0: a slow request body holds the connection forever", srv.ReadTimeout)
	}
	if srv.WriteTimeout <= 0 {
		t.Errorf("WriteTimeout = %v, want > 0: a client that never reads holds the connection forever", srv.WriteTimeout)
	}
	if srv.IdleTimeout <= 0 {
		t.Errorf("IdleTimeout = %v, want > 0", srv.IdleTimeout)
	}
}
