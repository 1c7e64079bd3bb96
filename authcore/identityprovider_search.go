package authcore

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/validation"
)

// IdentityProviderSearchRequest is the body of POST
// /api/identity-provider/search: {"search": {...}}.
type IdentityProviderSearchRequest struct {
	Search IdentityProviderSearchCriteria `json:"search"`
}

// IdentityProviderSearchCriteria is FusionAuth's identity-provider search
// criteria (IdentityProviderSearchCriteria of its domain). Every field is
// optional; the zero value finds every provider the caller may see.
type IdentityProviderSearchCriteria struct {
	// ApplicationID keeps the providers enabled for that application (its
	// applicationConfiguration entry has enabled true).
	ApplicationID string `json:"applicationId,omitempty"`
	// Name is matched without regard to case; "*" is a wildcard, and a
	// value without one is read as *value*.
	Name string `json:"name,omitempty"`
	// NumberOfResults is the page size; 0 means FusionAuth's default, 25.
	NumberOfResults int `json:"numberOfResults,omitempty"`
	// OrderBy is enabled, id, insertInstant, name, source or type, then
	// optionally ASC (the default) or DESC; "" is "name ASC".
	OrderBy string `json:"orderBy,omitempty"`
	// Source is matched as Name is, against the provider's source: "System"
	// for every provider authcore has (FusionAuth's default; only its Tenant
	// Manager creates others).
	Source   string `json:"source,omitempty"`
	StartRow int    `json:"startRow,omitempty"`
	// TenantID keeps the providers of that tenant and the global ones. The
	// Twitter provider is global, so it only has to be a UUID.
	TenantID string `json:"tenantId,omitempty"`
	// Type is one of FusionAuth's identity-provider types
	// (IdentityProviderTypes), in its own case.
	Type string `json:"type,omitempty"`
}

// IdentityProviderSearchResponse is the answer of the search: one page of
// providers and how many matched in all.
type IdentityProviderSearchResponse struct {
	IdentityProviders []twitter.Provider `json:"identityProviders"`
	Total             int                `json:"total"`
}

// IdentityProviderDetails is what the lookup by domain answers with
// (FusionAuth's LookupResponse.identityProvider), a subset of the provider.
type IdentityProviderDetails struct {
	ApplicationIDs []string `json:"applicationIds,omitempty"`
	ID             string   `json:"id,omitempty"`
	Name           string   `json:"name,omitempty"`
	Type           string   `json:"type,omitempty"`
}

// identityProviderTypes are FusionAuth's identity-provider types
// (IdentityProviderType in its domain and clients). authcore implements
// Twitter only; searching for another type finds nothing, as on a
// FusionAuth with none of that type configured.
var identityProviderTypes = []string{
	"Apple", "EpicGames", "ExternalJWT", "Facebook", "Google", "HYPR",
	"LinkedIn", "Nintendo", "OpenIDConnect", "SAMLv2", "SAMLv2IdPInitiated",
	"SonyPSN", "Steam", "Twitch", twitter.TypeName, "Xbox",
}

// IdentityProviderTypes returns FusionAuth's identity-provider types, the
// values the search's type accepts. The slice is a fresh copy.
func IdentityProviderTypes() []string { return slices.Clone(identityProviderTypes) }

// defaultProviderSource is FusionAuth's identityProvider.source when none
// was given at create ("System"): the source of every provider here.
const defaultProviderSource = "System"

// SearchIdentityProviders searches the identity providers (FusionAuth's
// Search for Identity Providers). A tenant-scoped request may search, as it
// may read the provider, and sees each provider as IdentityProvider shows it
// to that tenant: the applicationId criterion is matched on that view, so
// another tenant's application finds nothing. Invalid criteria are a
// *ValidationError naming search.<field>.
func (e *Engine) SearchIdentityProviders(ctx context.Context, c IdentityProviderSearchCriteria) (*IdentityProviderSearchResponse, error) {
	order, err := c.validate()
	if err != nil {
		return nil, err
	}
	all, err := e.IdentityProviders(ctx)
	if err != nil {
		return nil, err
	}
	appID := strings.ToLower(c.ApplicationID)
	matchName, matchSource := wildcardMatcher(c.Name), wildcardMatcher(c.Source)
	matched := make([]twitter.Provider, 0, len(all))
	for _, p := range all {
		if c.Type != "" && c.Type != p.Type {
			continue
		}
		if !matchName(p.Name) || !matchSource(defaultProviderSource) {
			continue
		}
		if appID != "" && !p.ApplicationConfiguration[appID].Enabled {
			continue
		}
		matched = append(matched, p)
	}
	page := searchPage(matched, order, c.NumberOfResults, c.StartRow)
	return &IdentityProviderSearchResponse{IdentityProviders: page, Total: len(matched)}, nil
}

// validate checks the criteria and returns the order they ask for.
func (c IdentityProviderSearchCriteria) validate() (func(a, b twitter.Provider) int, error) {
	var errs validation.Errors
	for _, id := range []struct{ path, v string }{{"search.applicationId", c.ApplicationID}, {"search.tenantId", c.TenantID}} {
		if id.v != "" && !isUUID(id.v) {
			errs.Invalid(id.path, fmt.Sprintf("The [%s] property must be a UUID.", id.path))
		}
	}
	validatePaging(&errs, c.NumberOfResults, c.StartRow)
	validateOneOf(&errs, "search.type", c.Type, identityProviderTypes)
	order, ok := parseProviderOrder(c.OrderBy)
	if !ok {
		errs.Invalid("search.orderBy", "The [search.orderBy] property must be enabled, id, insertInstant, name, source or type, optionally followed by ASC or DESC.")
	}
	return order, errs.Err()
}

// providerOrderColumns are the identity-provider search's orderBy columns.
var providerOrderColumns = map[string]func(a, b twitter.Provider) int{
	"enabled":       func(a, b twitter.Provider) int { return compareBool(a.Enabled, b.Enabled) },
	"id":            func(a, b twitter.Provider) int { return 0 },
	"insertinstant": func(a, b twitter.Provider) int { return cmp.Compare(a.InsertInstant, b.InsertInstant) },
	"name":          func(a, b twitter.Provider) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) },
	"source":        func(a, b twitter.Provider) int { return 0 }, // one source: System
	"type":          func(a, b twitter.Provider) int { return cmp.Compare(a.Type, b.Type) },
}

// parseProviderOrder reads an identity-provider search's orderBy
// (parseSearchOrder).
func parseProviderOrder(s string) (func(a, b twitter.Provider) int, bool) {
	return parseSearchOrder(s, providerOrderColumns, func(p twitter.Provider) string { return p.ID })
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// wildcardMatcher is the search's rule for name and source, FusionAuth's: no
// pattern matches everything, a pattern without "*" is read as *pattern*,
// and case does not matter. It is the event log's message rule. A search
// makes one and calls it for every candidate: a pattern may be as long as a
// request body, and worked out again for each of 300 signing keys, 600 KB
// of "*a" took 6 s and 1.4 GB.
func wildcardMatcher(pattern string) func(s string) bool {
	if pattern != "" && !strings.Contains(pattern, "*") {
		pattern = "*" + pattern + "*"
	}
	return EventLogMessageMatcher(pattern)
}

// LookupIdentityProvider finds the identity provider that manages the
// e-mail domain of domain, an e-mail address or a domain (FusionAuth's
// Lookup an Identity Provider, for a login page that asks for the e-mail
// first). A domain that no provider manages is no error: the answer is nil
// and a nil error, which the HTTP API answers with 404. Only OpenID Connect
// and SAML v2 providers manage domains in FusionAuth, and authcore has
// neither, so every valid request finds nil. tenantID, when not "", must be
// a UUID ([couldNotConvert]tenantId); a blank domain is [missing]domain.
func (e *Engine) LookupIdentityProvider(_ context.Context, domain, tenantID string) (*IdentityProviderDetails, error) {
	var errs validation.Errors
	if strings.TrimSpace(domain) == "" {
		errs.Field("domain", validation.KindMissing, "You must specify the [domain] parameter.")
	}
	if tenantID != "" && !isUUID(tenantID) {
		errs.Field("tenantId", validation.KindCouldNotConvert, "Invalid [tenantId]. It must be a UUID.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return nil, nil // the Twitter provider manages no domain
}

// LogValue logs r with each provider's LogValue: slog's JSON handler would
// marshal the providers with encoding/json, consumer secrets included,
// since the API returns them.
func (r IdentityProviderSearchResponse) LogValue() slog.Value {
	providers := make([]slog.Attr, len(r.IdentityProviders))
	for i, p := range r.IdentityProviders {
		providers[i] = slog.Any(strconv.Itoa(i), p)
	}
	return slog.GroupValue(slog.Attr{Key: "identityProviders", Value: slog.GroupValue(providers...)}, slog.Int("total", r.Total))
}
