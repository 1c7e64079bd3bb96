package authcore

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/authcore/authcore/validation"
)

// What the searches the engine answers from a full list (identity
// providers, keys) share: FusionAuth's paging and orderBy.

// defaultPageSize is FusionAuth's numberOfResults when a search sends 0.
const defaultPageSize = 25

// validatePaging checks numberOfResults and startRow. FusionAuth's criteria
// hold them in Java ints: a larger value is no page it could serve.
func validatePaging(errs *validation.Errors, numberOfResults, startRow int) {
	if numberOfResults < 0 || numberOfResults > math.MaxInt32 {
		errs.Invalid("search.numberOfResults", "The [search.numberOfResults] property must be between 0 and 2147483647.")
	}
	if startRow < 0 || startRow > math.MaxInt32 {
		errs.Invalid("search.startRow", "The [search.startRow] property must be between 0 and 2147483647.")
	}
}

// parseSearchOrder reads orderBy as the event log's is read: one of columns
// (in lower case; "" is "name"), then optionally ASC (the default) or DESC,
// in any case. Ties go by id, in the same direction, so that pages never
// overlap.
func parseSearchOrder[T any](s string, columns map[string]func(a, b T) int, id func(T) string) (func(a, b T) int, bool) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		fields = []string{"name"}
	}
	if len(fields) > 2 {
		return nil, false
	}
	key, ok := columns[strings.ToLower(fields[0])]
	if !ok {
		return nil, false
	}
	dir := 1
	if len(fields) == 2 {
		switch strings.ToUpper(fields[1]) {
		case "ASC":
		case "DESC":
			dir = -1
		default:
			return nil, false
		}
	}
	return func(a, b T) int {
		if c := key(a, b); c != 0 {
			return dir * c
		}
		return dir * cmp.Compare(id(a), id(b))
	}, true
}

// searchPage sorts matched by order and returns the page numberOfResults
// (0: defaultPageSize) and startRow ask for, never nil (an empty page is
// [] on the wire, not null).
func searchPage[T any](matched []T, order func(a, b T) int, numberOfResults, startRow int) []T {
	slices.SortStableFunc(matched, order)
	limit := numberOfResults
	if limit == 0 {
		limit = defaultPageSize
	}
	if startRow >= len(matched) {
		return []T{}
	}
	// Not startRow+limit, which two Java ints can overflow on 32 bits.
	return matched[startRow : startRow+min(len(matched)-startRow, limit)]
}
