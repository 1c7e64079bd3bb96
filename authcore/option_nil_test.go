package authcore_test

import (
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// TestNewRefusesNilOption: an embedder that builds its options in a slice
// (an option left unset when a feature is off) passed a nil Option, and New
// panicked calling it. It is a bad value, refused like WithLogger(nil).
func TestNewRefusesNilOption(t *testing.T) {
	var unset authcore.Option
	e, err := authcore.New(t.Context(), memstore.New(), quiet(), unset)
	if err == nil || e != nil {
		t.Fatalf("New with a nil option: engine %v, error %v; want an error", e, err)
	}
	if want := "authcore: New: option 1 is nil"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}
