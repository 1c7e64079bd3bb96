package cleanspeak

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The timeout a login waits on CleanSpeak does not depend on the order of
// the options, and a caller's HTTP client without a timeout of its own is
// still bounded: WithTimeout before WithHTTPClient was dropped, and a
// client built with &http.Client{Transport: t} waited on a CleanSpeak that
// hangs for as long as the caller's context allowed (forever for
// context.Background()).
func TestClientTimeoutWhateverTheOptionOrder(t *testing.T) {
	transport := &http.Transport{}
	for _, tc := range []struct {
		name string
		opts func(hc *http.Client) []Option
		want time.Duration
	}{
		{"default", func(*http.Client) []Option { return nil }, DefaultTimeout},
		{"WithTimeout", func(*http.Client) []Option { return []Option{WithTimeout(time.Second)} }, time.Second},
		{"WithTimeout then WithHTTPClient", func(hc *http.Client) []Option {
			return []Option{WithTimeout(time.Second), WithHTTPClient(hc)}
		}, time.Second},
		{"WithHTTPClient then WithTimeout", func(hc *http.Client) []Option {
			return []Option{WithHTTPClient(hc), WithTimeout(time.Second)}
		}, time.Second},
		{"an HTTP client without a timeout gets the default", func(hc *http.Client) []Option {
			return []Option{WithHTTPClient(hc)}
		}, DefaultTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hc := &http.Client{Transport: transport}
			c, err := NewClient(tc.opts(hc)...)
			require.NoError(t, err)
			require.Equal(t, tc.want, c.http.Timeout)
			require.Zero(t, hc.Timeout, "the caller's client is not changed")
			if tc.name != "default" && tc.name != "WithTimeout" {
				require.Same(t, transport, c.http.Transport, "the caller's transport is used")
			}
		})
	}
	own := &http.Client{Transport: transport, Timeout: 5 * time.Second}
	c, err := NewClient(WithHTTPClient(own))
	require.NoError(t, err)
	require.Equal(t, 5*time.Second, c.http.Timeout, "a client's own timeout is kept")
}
