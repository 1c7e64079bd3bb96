package authcore

import "testing"

// The event log's orderBy: insertInstant descending by default, one of
// three columns, ASC or DESC in any case, nothing more.
func TestParseEventLogOrder(t *testing.T) {
	for in, want := range map[string]struct {
		column string
		asc    bool
		ok     bool
	}{
		"":               {EventLogOrderInstant, false, true},
		"   ":            {EventLogOrderInstant, false, true},
		"insertInstant":  {EventLogOrderInstant, false, true},
		"insertUser asc": {EventLogOrderInstant, true, true},
		"MESSAGE Asc":    {EventLogOrderMessage, true, true},
		"type DESC":      {EventLogOrderType, false, true},
		"DESC":           {"", false, false},
		"name":           {"", false, false},
		"type sideways":  {"", false, false},
		"type ASC extra": {"", false, false},
		"x DESC;--":      {"", false, false},
	} {
		column, asc, ok := parseEventLogOrder(in)
		if column != want.column || asc != want.asc || ok != want.ok {
			t.Errorf("parseEventLogOrder(%q) = %q, %t, %t; want %q, %t, %t", in, column, asc, ok, want.column, want.asc, want.ok)
		}
	}
}
