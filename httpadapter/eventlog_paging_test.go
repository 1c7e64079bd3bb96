package httpadapter_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The event log's numberOfResults and startRow are Integers in FusionAuth's
// docs (Java ints). Beyond one, the POST search answered 200 where its GET
// form answered [couldNotConvert] and the identity-provider and key searches
// [invalid]: it is [invalid]search.<field> now, as theirs are.
func TestEventLogSearchPagingPastAJavaInt(t *testing.T) {
	f := newFixture(t)
	for name, tc := range map[string]struct {
		body  string
		codes []string
	}{
		"numberOfResults past a Java int": {`{"search":{"numberOfResults":2147483648}}`, []string{"[invalid]search.numberOfResults"}},
		"startRow past a Java int":        {`{"search":{"startRow":2147483648}}`, []string{"[invalid]search.startRow"}},
		"both, far past":                  {`{"search":{"numberOfResults":9223372036854775807,"startRow":9223372036854775807}}`, []string{"[invalid]search.numberOfResults", "[invalid]search.startRow"}},
		"negative numberOfResults":        {`{"search":{"numberOfResults":-1}}`, []string{"[invalid]search.numberOfResults"}},
		"negative startRow":               {`{"search":{"startRow":-1}}`, []string{"[invalid]search.startRow"}},
	} {
		t.Run(name, func(t *testing.T) {
			f.do("POST", "/api/system/event-log/search", tc.body).codes(t, tc.codes...)
		})
	}
	// The largest Java int is a page size like any other.
	r := f.do("POST", "/api/system/event-log/search", `{"search":{"numberOfResults":2147483647,"startRow":2147483647}}`)
	require.Equal(t, 200, r.Code, r.Body)
}

// An event-log id is a Long in FusionAuth's docs: "0" and "-1" convert and
// name no entry, an empty 404 as for any unknown id (the client's
// retrieveEventLog(0)). They were [couldNotConvert]eventLogId, which is for
// a segment that is no number.
func TestEventLogRetrieveIDThatNamesNoEntry(t *testing.T) {
	f := newFixture(t)
	for _, id := range []string{"0", "-1", "9223372036854775807"} {
		f.do("GET", "/api/system/event-log/"+id, "").empty(t, 404)
	}
	for _, id := range []string{"abc", "1.5", "9223372036854775808"} {
		f.do("GET", "/api/system/event-log/"+id, "").codes(t, "[couldNotConvert]eventLogId")
	}
}
