package memstore_test

import (
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/authcore/storetest"
	"github.com/authcore/authcore/store/memstore"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) authcore.Store { return memstore.New() })
}
