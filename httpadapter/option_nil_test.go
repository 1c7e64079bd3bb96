package httpadapter_test

import (
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
	"github.com/authcore/authcore/store/memstore"
)

// TestNewRefusesNilOption: a nil Option made New panic; it is an error, as
// in authcore.New.
func TestNewRefusesNilOption(t *testing.T) {
	engine, err := authcore.New(t.Context(), memstore.New(), authcore.WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	var unset httpadapter.Option
	h, err := httpadapter.New(engine, httpadapter.WithMaxBodyBytes(1024), unset)
	if err == nil || h != nil {
		t.Fatalf("New with a nil option: handler %v, error %v; want an error", h, err)
	}
	if want := "httpadapter: New: option 1 is nil"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}
