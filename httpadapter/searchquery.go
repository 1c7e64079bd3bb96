package httpadapter

import (
	"math"
	"net/http"
	"strconv"

	"github.com/authcore/authcore/validation"
)

// wholeNumberQuery reads the whole-number request parameter name of a
// search's GET form. Absent (jwtQuery: empty, "null" or "undefined") is
// ok=false with nothing reported; one that is no whole number, or outside
// a Java int when javaInt (FusionAuth's numberOfResults and startRow), is
// [couldNotConvert]<name> in errs.
func wholeNumberQuery(r *http.Request, errs *validation.Errors, name string, javaInt bool) (n int64, ok bool) {
	v := jwtQuery(r, name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || javaInt && (n < math.MinInt32 || n > math.MaxInt32) {
		errs.Field(name, validation.KindCouldNotConvert, "Invalid ["+name+"] parameter. It must be a whole number.")
		return 0, false
	}
	return n, true
}

// uuidQuery reads the UUID request parameter name: absent (jwtQuery) is "";
// one that is no UUID is "" and [couldNotConvert]<name> in errs.
func uuidQuery(r *http.Request, errs *validation.Errors, name string) string {
	v := jwtQuery(r, name)
	if v != "" && !isUUID(v) {
		errs.Field(name, validation.KindCouldNotConvert, "Invalid ["+name+"] parameter. It must be a UUID.")
		return ""
	}
	return v
}

// pagingQuery reads numberOfResults and startRow, the paging every search's
// GET form takes.
func pagingQuery(r *http.Request, errs *validation.Errors, numberOfResults, startRow *int) {
	if n, ok := wholeNumberQuery(r, errs, "numberOfResults", true); ok {
		*numberOfResults = int(n)
	}
	if n, ok := wholeNumberQuery(r, errs, "startRow", true); ok {
		*startRow = int(n)
	}
}
