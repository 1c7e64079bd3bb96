package authcore

import (
	"slices"
	"testing"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A deployment holds one provider, so the search's order is checked here on
// several made-up ones: each column, both directions, ties by id.
func TestParseProviderOrder(t *testing.T) {
	a := twitter.Provider{ID: "a", Name: "beta", Type: "Twitter", Enabled: true, InsertInstant: 3}
	b := twitter.Provider{ID: "b", Name: "Alpha", Type: "Google", Enabled: false, InsertInstant: 1}
	c := twitter.Provider{ID: "c", Name: "gamma", Type: "Apple", Enabled: true, InsertInstant: 2}
	for _, tc := range []struct {
		orderBy string
		want    string
	}{
		{"", "bac"}, // name ASC, ignoring case
		{"name", "bac"},
		{"name DESC", "cab"},
		{"id", "abc"},
		{"ID desc", "cba"},
		{"insertInstant", "bca"},
		{"insertInstant DESC", "acb"},
		{"type", "cba"},
		{"enabled", "bac"},      // false first, then ties by id
		{"enabled DESC", "cab"}, // ties by id in the same direction
		{"source", "abc"},       // one source: ties by id
		{"  type   asc ", "cba"},
	} {
		order, ok := parseProviderOrder(tc.orderBy)
		require.True(t, ok, tc.orderBy)
		list := []twitter.Provider{a, b, c}
		slices.SortStableFunc(list, order)
		got := ""
		for _, p := range list {
			got += p.ID
		}
		assert.Equal(t, tc.want, got, "orderBy %q", tc.orderBy)
	}
	for _, bad := range []string{"consumerSecret", "name up", "name ASC id", "linkingStrategy"} {
		_, ok := parseProviderOrder(bad)
		assert.False(t, ok, bad)
	}
}
