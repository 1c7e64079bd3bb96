package authcore

import (
	"testing"
	"time"
)

// TestRelayBackoffHonoursMaxBackoff: a MaxBackoff is the longest wait after
// a failed delivery, as RelayConfig documents. One below the default
// MinBackoff used to be replaced by the 10 s default: a relay told to retry
// within 50 ms waited 10 s.
func TestRelayBackoffHonoursMaxBackoff(t *testing.T) {
	for _, c := range []RelayConfig{
		{MaxBackoff: 50 * time.Millisecond},
		{MaxBackoff: time.Second},
		{MinBackoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond},
	} {
		r := &relay{cfg: c.withDefaults()}
		for i := 0; i < 20; i++ {
			if d := r.backoff(); d > c.MaxBackoff {
				t.Fatalf("%+v: failure %d waits %v", c, i+1, d)
			}
		}
	}

	r := &relay{cfg: RelayConfig{}.withDefaults()}
	if first := r.backoff(); first != 100*time.Millisecond {
		t.Errorf("default first wait %v", first)
	}
	for i := 0; i < 20; i++ {
		r.backoff()
	}
	if last := r.backoff(); last != 10*time.Second {
		t.Errorf("default longest wait %v", last)
	}

	if err := WithRelay(RelayConfig{MinBackoff: time.Second, MaxBackoff: time.Millisecond})(&Engine{}); err == nil {
		t.Error("a MaxBackoff below the MinBackoff given with it is accepted")
	}
}
