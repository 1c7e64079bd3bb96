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

// validateOneOf checks a criterion that names one of FusionAuth's values
// (a type, an algorithm) in its own case: set and not one of allowed is
// [invalid]path.
func validateOneOf(errs *validation.Errors, path, v string, allowed []string) {
	if v != "" && !slices.Contains(allowed, v) {
		errs.Invalid(path, "The ["+path+"] property must be one of "+strings.Join(allowed, ", ")+".")
	}
}

// splitOrderBy reads FusionAuth's orderBy: a column, then optionally ASC or
// DESC, in any case. column is lower-cased, "" for a blank orderBy;
// direction is "ASC", "DESC" or "" when none was given.
func splitOrderBy(s string) (column, direction string, ok bool) {
	fields := strings.Fields(s)
	switch len(fields) {
	case 0:
		return "", "", true
	case 1:
		return strings.ToLower(fields[0]), "", true
	case 2:
		d := strings.ToUpper(fields[1])
		if d != "ASC" && d != "DESC" {
			return "", "", false
		}
		return strings.ToLower(fields[0]), d, true
	}
	return "", "", false
}

// parseSearchOrder reads orderBy (splitOrderBy) as one of columns (in lower
// case; "" is "name"), ascending unless DESC. Ties go by id, in the same
// direction, so that pages never overlap.
func parseSearchOrder[T any](s string, columns map[string]func(a, b T) int, id func(T) string) (func(a, b T) int, bool) {
	name, direction, ok := splitOrderBy(s)
	if !ok {
		return nil, false
	}
	key, ok := columns[cmp.Or(name, "name")]
	if !ok {
		return nil, false
	}
	dir := 1
	if direction == "DESC" {
		dir = -1
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
