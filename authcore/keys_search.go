package authcore

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/authcore/authcore/validation"
)

// KeySearchRequest is the body of POST /api/key/search: {"search": {...}}.
type KeySearchRequest struct {
	Search KeySearchCriteria `json:"search"`
}

// KeySearchCriteria is FusionAuth's key search criteria (KeySearchCriteria of
// its domain, FusionAuth 1.45+). Every field is optional; the zero value
// finds every key.
type KeySearchCriteria struct {
	// Algorithm is one of FusionAuth's key algorithms, in its own case
	// (KeyAlgorithms); authcore's "EdDSA" is taken for "Ed25519", as the
	// generate request takes it.
	Algorithm string `json:"algorithm,omitempty"`
	// Name is matched without regard to case; "*" is a wildcard, and a
	// value without one is read as *value*.
	Name string `json:"name,omitempty"`
	// NumberOfResults is the page size; 0 means FusionAuth's default, 25.
	NumberOfResults int `json:"numberOfResults,omitempty"`
	// OrderBy is algorithm, expiration, id, insertInstant, name or type,
	// then optionally ASC (the default) or DESC; "" is "name ASC".
	OrderBy  string `json:"orderBy,omitempty"`
	StartRow int    `json:"startRow,omitempty"`
	// Type is one of FusionAuth's key types (KeyTypes), in its own case.
	Type string `json:"type,omitempty"`
}

// KeySearchResponse is the answer of the search: one page of keys, as the
// Key API shows them (never a secret or a private key), and how many matched
// in all.
type KeySearchResponse struct {
	Keys  []KeyInfo `json:"keys"`
	Total int       `json:"total"`
}

// keyAlgorithms are FusionAuth's key algorithms (KeyAlgorithm in its domain
// and clients). "None" is its Secret keys' algorithm: authcore has no Secret
// keys, so searching for it finds nothing.
var keyAlgorithms = []string{
	AlgES256, AlgES384, AlgES512, AlgHS256, AlgHS384, AlgHS512,
	AlgRS256, AlgRS384, AlgRS512, "Ed25519", "None",
}

// keyTypes are FusionAuth's key types (KeyType). authcore has no "Secret"
// keys; searching for them finds nothing.
var keyTypes = []string{"EC", "HMAC", "OKP", "RSA", "Secret"}

// KeyAlgorithms returns the values the key search's algorithm accepts
// (FusionAuth's), besides "EdDSA". The slice is a fresh copy.
func KeyAlgorithms() []string { return slices.Clone(keyAlgorithms) }

// KeyTypes returns the values the key search's type accepts (FusionAuth's).
// The slice is a fresh copy.
func KeyTypes() []string { return slices.Clone(keyTypes) }

// SearchKeys searches the signing keys (FusionAuth's Search for Keys). Keys
// are global objects: a tenant-scoped request gets ErrUnauthorized, as for
// Keys. Invalid criteria are a *ValidationError naming search.<field>.
func (e *Engine) SearchKeys(ctx context.Context, c KeySearchCriteria) (*KeySearchResponse, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	order, err := c.validate()
	if err != nil {
		return nil, err
	}
	if c.Algorithm == AlgEdDSA {
		c.Algorithm = "Ed25519" // what KeyInfo shows for it
	}
	keys, err := e.store.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	// Matched on the API's view of each key: its algorithm and type as
	// shown, and its certificate's end for the expiration order.
	matchName := wildcardMatcher(c.Name)
	matched := make([]KeyInfo, 0, len(keys))
	for _, k := range keys {
		info := k.Info()
		if (c.Algorithm != "" && c.Algorithm != info.Algorithm) || (c.Type != "" && c.Type != info.Type) || !matchName(info.Name) {
			continue
		}
		matched = append(matched, info)
	}
	page := searchPage(matched, order, c.NumberOfResults, c.StartRow)
	return &KeySearchResponse{Keys: page, Total: len(matched)}, nil
}

// validate checks the criteria and returns the order they ask for.
func (c KeySearchCriteria) validate() (func(a, b KeyInfo) int, error) {
	var errs validation.Errors
	validatePaging(&errs, c.NumberOfResults, c.StartRow)
	if c.Algorithm != AlgEdDSA { // authcore's name for Ed25519, as at generation
		validateOneOf(&errs, "search.algorithm", c.Algorithm, keyAlgorithms)
	}
	validateOneOf(&errs, "search.type", c.Type, keyTypes)
	order, ok := parseKeyOrder(c.OrderBy)
	if !ok {
		errs.Invalid("search.orderBy", "The [search.orderBy] property must be algorithm, expiration, id, insertInstant, name or type, optionally followed by ASC or DESC.")
	}
	return order, errs.Err()
}

// keyOrderColumns are the key search's orderBy columns. A key without an
// expiration (an HMAC key, one without a certificate) sorts before every
// other, as FusionAuth documents for its nulls.
var keyOrderColumns = map[string]func(a, b KeyInfo) int{
	"algorithm":     func(a, b KeyInfo) int { return cmp.Compare(a.Algorithm, b.Algorithm) },
	"expiration":    func(a, b KeyInfo) int { return cmp.Compare(a.ExpirationInstant, b.ExpirationInstant) },
	"id":            func(a, b KeyInfo) int { return 0 },
	"insertinstant": func(a, b KeyInfo) int { return cmp.Compare(a.InsertInstant, b.InsertInstant) },
	"name":          func(a, b KeyInfo) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) },
	"type":          func(a, b KeyInfo) int { return cmp.Compare(a.Type, b.Type) },
}

// parseKeyOrder reads a key search's orderBy (parseSearchOrder).
func parseKeyOrder(s string) (func(a, b KeyInfo) int, bool) {
	return parseSearchOrder(s, keyOrderColumns, func(k KeyInfo) string { return k.ID })
}
