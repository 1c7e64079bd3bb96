package cleanspeak_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/integration/cleanspeak"
)

// An unreachable CleanSpeak's error names where it was called, never the
// password of the URL's user info nor the API key: the engine logs it and
// writes it to the event log.
func TestUnavailableErrorNeverQuotesCredentials(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now
	c, err := cleanspeak.NewClient(cleanspeak.WithTimeout(5 * time.Second))
	require.NoError(t, err)
	cfg := cleanspeak.Config{URL: "http://svc:URL-PASSWORD-42@" + addr, APIKey: "CS-API-KEY-42", ApplicationID: csApp}
	_, err = c.Moderate(context.Background(), cfg, cleanspeak.Request{ContentID: itemID, SenderID: senderID, Username: "ada"})
	require.ErrorIs(t, err, cleanspeak.ErrUnavailable)
	require.NotContains(t, err.Error(), "URL-PASSWORD-42")
	require.NotContains(t, err.Error(), "CS-API-KEY-42")
	require.Contains(t, err.Error(), addr, "the error still says where")
}
