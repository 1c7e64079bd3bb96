package twitter

import (
	"log/slog"
	"sort"
	"strings"
)

// ProviderID is the id of the one Twitter identity provider of a deployment,
// fixed by FusionAuth.
const ProviderID = "45bb233c-0901-4236-b5ca-ac46e2e0a5a5"

// TypeName is the value of identityProvider.type, and also the provider's
// name.
const TypeName = "Twitter"

// ReconcileLambdaType is the lambda type that lambdaConfiguration.reconcileId
// must name.
const ReconcileLambdaType = "TwitterReconcile"

// DefaultMaximumLinks is FusionAuth's default for
// tenantConfiguration[tenantId].limitUserLinkCount.maximumLinks.
const DefaultMaximumLinks = 42

// The linking strategies FusionAuth accepts in identityProvider.linkingStrategy.
const (
	CreatePendingLink             = "CreatePendingLink"
	LinkingDisabled               = "Disabled"
	LinkAnonymously               = "LinkAnonymously"
	LinkByEmail                   = "LinkByEmail"
	LinkByEmailForExistingUser    = "LinkByEmailForExistingUser"
	LinkByUsername                = "LinkByUsername"
	LinkByUsernameForExistingUser = "LinkByUsernameForExistingUser"
)

// DefaultLinkingStrategy applies when linkingStrategy is absent.
const DefaultLinkingStrategy = LinkByEmail

var linkingStrategies = []string{
	CreatePendingLink,
	LinkingDisabled,
	LinkAnonymously,
	LinkByEmail,
	LinkByEmailForExistingUser,
	LinkByUsername,
	LinkByUsernameForExistingUser,
}

// LinkingStrategies returns the accepted linking strategies, sorted. The
// slice is a fresh copy.
func LinkingStrategies() []string {
	return append([]string(nil), linkingStrategies...)
}

// ValidLinkingStrategy reports whether s is one of LinkingStrategies.
func ValidLinkingStrategy(s string) bool {
	for _, v := range linkingStrategies {
		if s == v {
			return true
		}
	}
	return false
}

// ApplicationConfiguration is identityProvider.applicationConfiguration[applicationId].
// Empty ButtonText, ConsumerKey and ConsumerSecret fall back to the
// provider's top-level values.
type ApplicationConfiguration struct {
	ButtonText     string `json:"buttonText,omitempty"`
	ConsumerKey    string `json:"consumerKey,omitempty"`
	ConsumerSecret Secret `json:"consumerSecret,omitempty"`
	// CreateRegistration is a pointer because an absent value means true;
	// Normalize fills it so that the API always returns it.
	CreateRegistration *bool `json:"createRegistration,omitempty"`
	// Data is free-form: FusionAuth's domain gives every application
	// configuration a data map, and its clients send it.
	Data    map[string]any `json:"data,omitempty"`
	Enabled bool           `json:"enabled"`
}

// LogValue keeps the consumer secret out of slog's JSON handler, which would
// otherwise marshal the struct with Secret.MarshalJSON.
func (a ApplicationConfiguration) LogValue() slog.Value {
	attrs := []slog.Attr{slog.Bool("enabled", a.Enabled)}
	if a.CreateRegistration != nil {
		attrs = append(attrs, slog.Bool("createRegistration", *a.CreateRegistration))
	}
	if a.ButtonText != "" {
		attrs = append(attrs, slog.String("buttonText", a.ButtonText))
	}
	if a.ConsumerKey != "" {
		attrs = append(attrs, slog.String("consumerKey", a.ConsumerKey))
	}
	if a.ConsumerSecret != "" {
		attrs = append(attrs, slog.Any("consumerSecret", a.ConsumerSecret))
	}
	return slog.GroupValue(attrs...)
}

// LimitUserLinkCount is tenantConfiguration[tenantId].limitUserLinkCount.
type LimitUserLinkCount struct {
	Enabled bool `json:"enabled"`
	// MaximumLinks is a pointer so that an absent value (default 42) differs
	// from an explicit 0, which Validate refuses.
	MaximumLinks *int `json:"maximumLinks,omitempty"`
}

// TenantConfiguration is identityProvider.tenantConfiguration[tenantId].
type TenantConfiguration struct {
	// Data is free-form, as on the provider and its application
	// configurations (FusionAuth's IdentityProviderTenantConfiguration).
	Data               map[string]any     `json:"data,omitempty"`
	LimitUserLinkCount LimitUserLinkCount `json:"limitUserLinkCount"`
}

// LambdaConfiguration is identityProvider.lambdaConfiguration.
type LambdaConfiguration struct {
	ReconcileID string `json:"reconcileId,omitempty"`
}

// Provider is the Twitter identity provider, the "identityProvider" object of
// FusionAuth's Identity Provider API, field for field. Decode a
// request into it, call Normalize, then Validate; the engine sets
// InsertInstant and LastUpdateInstant. A Go caller configures the provider
// with authcore's Engine.CreateIdentityProvider, UpdateIdentityProvider or
// PatchIdentityProvider, which normalise and validate it themselves: Type
// TypeName, ButtonText, ConsumerKey and ConsumerSecret are required, Enabled
// is false unless set, and a login needs an enabled entry for its
// application in ApplicationConfiguration (keyed by the application's id).
//
// Unknown JSON properties are ignored by encoding/json, as FusionAuth ignores
// them. No field ever marshals to null.
type Provider struct {
	ApplicationConfiguration map[string]ApplicationConfiguration `json:"applicationConfiguration,omitempty"`
	ButtonText               string                              `json:"buttonText,omitempty"`
	ConsumerKey              string                              `json:"consumerKey,omitempty"`
	ConsumerSecret           Secret                              `json:"consumerSecret,omitempty"`
	// Data is free-form: FusionAuth's domain (BaseIdentityProvider) and
	// its clients have it, although the seed does not list it. It is kept
	// and returned as sent, never read.
	Data                map[string]any      `json:"data,omitempty"`
	Debug               bool                `json:"debug"`
	Enabled             bool                `json:"enabled"`
	ID                  string              `json:"id,omitempty"`
	InsertInstant       int64               `json:"insertInstant,omitempty"`
	LambdaConfiguration LambdaConfiguration `json:"lambdaConfiguration,omitzero"`
	LastUpdateInstant   int64               `json:"lastUpdateInstant,omitempty"`
	// LinkingStrategy is always returned once normalized: the response body
	// documents it with a default, although the seed's example omits it.
	LinkingStrategy     string                         `json:"linkingStrategy,omitempty"`
	Name                string                         `json:"name,omitempty"`
	TenantConfiguration map[string]TenantConfiguration `json:"tenantConfiguration,omitempty"`
	Type                string                         `json:"type,omitempty"`
}

// Normalize fills FusionAuth's defaults in place: ID is always ProviderID and
// Name always "Twitter" (the API documents both as fixed), linkingStrategy
// defaults to LinkByEmail, each application's createRegistration to true and
// each tenant's maximumLinks to 42. The ids that key
// applicationConfiguration and tenantConfiguration, and
// lambdaConfiguration.reconcileId, are lower-cased, as ids
// are everywhere else, so that an upper-case id finds its application or
// tenant at login (two keys that differ only in case are left for Validate
// to refuse). It is idempotent.
//
// Type is deliberately left alone: it is what the caller asked for, and
// Validate must be able to refuse a wrong one. Normalize writes into the
// provider's maps, so a caller that shares them must copy first.
func (p *Provider) Normalize() {
	p.ID = ProviderID
	p.Name = TypeName
	if p.LinkingStrategy == "" {
		p.LinkingStrategy = DefaultLinkingStrategy
	}
	lowerKeys(p.ApplicationConfiguration)
	lowerKeys(p.TenantConfiguration)
	// reconcileId is a UUID too: kept lower-cased like every id, so that an
	// upper-case one names the same function (the engine's registry is
	// lower-cased as well).
	p.LambdaConfiguration.ReconcileID = strings.ToLower(p.LambdaConfiguration.ReconcileID)
	for id, ac := range p.ApplicationConfiguration {
		if ac.CreateRegistration == nil {
			ac.CreateRegistration = ptr(true)
			p.ApplicationConfiguration[id] = ac
		}
	}
	for id, tc := range p.TenantConfiguration {
		if tc.LimitUserLinkCount.MaximumLinks == nil {
			tc.LimitUserLinkCount.MaximumLinks = ptr(DefaultMaximumLinks)
			p.TenantConfiguration[id] = tc
		}
	}
}

// lowerKeys lower-cases m's keys in place. A key whose lower-case form is
// taken already is left as it is, for Validate to refuse: which of the two
// the caller meant cannot be told.
func lowerKeys[V any](m map[string]V) {
	for _, id := range sortedKeys(m) {
		lower := strings.ToLower(id)
		if _, taken := m[lower]; lower == id || taken {
			continue
		}
		m[lower] = m[id]
		delete(m, id)
	}
}

// lookupID finds the entry of id in a map keyed by ids. Normalize
// lower-cases the keys, so an id spelled in upper case (as the caller may
// have configured it) is looked up lower-cased when it is not there as it
// is. strings.ToLower returns an id that is lower-case already without
// copying it, so the login's lookup of a stored id allocates nothing.
func lookupID[V any](m map[string]V, id string) (V, bool) {
	if v, ok := m[id]; ok {
		return v, true
	}
	v, ok := m[strings.ToLower(id)]
	return v, ok
}

// Effective is the configuration that a login through one application uses:
// the application's overrides applied over the provider's top level.
type Effective struct {
	ButtonText         string
	ConsumerKey        string
	ConsumerSecret     Secret
	CreateRegistration bool
	Debug              bool
	LinkingStrategy    string
	ReconcileID        string
}

// Consumer returns the OAuth consumer credentials of e.
func (e Effective) Consumer() Consumer {
	return Consumer{Key: e.ConsumerKey, Secret: e.ConsumerSecret}
}

// LogValue keeps the consumer secret out of slog's JSON handler.
func (e Effective) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("buttonText", e.ButtonText),
		slog.String("consumerKey", e.ConsumerKey),
		slog.Any("consumerSecret", e.ConsumerSecret),
		slog.Bool("createRegistration", e.CreateRegistration),
		slog.Bool("debug", e.Debug),
		slog.String("linkingStrategy", e.LinkingStrategy),
		slog.String("reconcileId", e.ReconcileID),
	)
}

// ForApplication returns the configuration for a login through appID. ok is
// false when the provider is disabled globally, or appID has no entry in
// applicationConfiguration, or that entry is not enabled: FusionAuth then
// refuses the login with [InvalidIdentityProviderId]. An override applies
// when it is not blank. appID is a UUID in any case, as Normalize keeps the
// keys lower-cased.
func (p *Provider) ForApplication(appID string) (Effective, bool) {
	if !p.Enabled {
		return Effective{}, false
	}
	ac, found := lookupID(p.ApplicationConfiguration, appID)
	if !found || !ac.Enabled {
		return Effective{}, false
	}
	e := Effective{
		ButtonText:         p.ButtonText,
		ConsumerKey:        p.ConsumerKey,
		ConsumerSecret:     p.ConsumerSecret,
		CreateRegistration: ac.CreateRegistration == nil || *ac.CreateRegistration,
		Debug:              p.Debug,
		LinkingStrategy:    p.LinkingStrategy,
		ReconcileID:        p.LambdaConfiguration.ReconcileID,
	}
	if e.LinkingStrategy == "" {
		e.LinkingStrategy = DefaultLinkingStrategy
	}
	if !blank(ac.ButtonText) {
		e.ButtonText = ac.ButtonText
	}
	if !blank(ac.ConsumerKey) {
		e.ConsumerKey = ac.ConsumerKey
	}
	if !blank(string(ac.ConsumerSecret)) {
		e.ConsumerSecret = ac.ConsumerSecret
	}
	return e, true
}

// TenantPolicy returns the entry of tenantID (in any case, as for
// ForApplication) in TenantConfiguration, and whether there is one.
func (p *Provider) TenantPolicy(tenantID string) (TenantConfiguration, bool) {
	return lookupID(p.TenantConfiguration, tenantID)
}

// LinkPolicy returns the link limit of tenantID (in any case, as for
// ForApplication): whether it is enforced and the maximum number of links a
// user may have to this provider. A tenant without an entry gets
// FusionAuth's defaults, (false, 42).
func (p *Provider) LinkPolicy(tenantID string) (enabled bool, maximum int) {
	tc, found := p.TenantPolicy(tenantID)
	if !found {
		return false, DefaultMaximumLinks
	}
	maximum = DefaultMaximumLinks
	if m := tc.LimitUserLinkCount.MaximumLinks; m != nil {
		maximum = *m
	}
	return tc.LimitUserLinkCount.Enabled, maximum
}

// LogValue makes slog print the provider without its secrets. Text handlers
// would be safe anyway (Secret formats as "[redacted]"), but the JSON handler
// marshals structs with encoding/json, where the secret is real.
func (p Provider) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", p.ID),
		slog.String("type", p.Type),
		slog.String("name", p.Name),
		slog.Bool("enabled", p.Enabled),
		slog.Bool("debug", p.Debug),
		slog.String("buttonText", p.ButtonText),
		slog.String("consumerKey", p.ConsumerKey),
		slog.Any("consumerSecret", p.ConsumerSecret),
		slog.String("linkingStrategy", p.LinkingStrategy),
	}
	if p.LambdaConfiguration.ReconcileID != "" {
		attrs = append(attrs, slog.String("lambdaConfiguration.reconcileId", p.LambdaConfiguration.ReconcileID))
	}
	if len(p.ApplicationConfiguration) > 0 {
		apps := make([]slog.Attr, 0, len(p.ApplicationConfiguration))
		for _, id := range sortedKeys(p.ApplicationConfiguration) {
			apps = append(apps, slog.Any(id, p.ApplicationConfiguration[id]))
		}
		attrs = append(attrs, slog.Attr{Key: "applicationConfiguration", Value: slog.GroupValue(apps...)})
	}
	if len(p.TenantConfiguration) > 0 {
		tenants := make([]slog.Attr, 0, len(p.TenantConfiguration))
		for _, id := range sortedKeys(p.TenantConfiguration) {
			enabled, maximum := p.LinkPolicy(id)
			tenants = append(tenants, slog.Group(id, slog.Bool("limitUserLinkCount.enabled", enabled), slog.Int("limitUserLinkCount.maximumLinks", maximum)))
		}
		attrs = append(attrs, slog.Attr{Key: "tenantConfiguration", Value: slog.GroupValue(tenants...)})
	}
	return slog.GroupValue(attrs...)
}

func ptr[T any](v T) *T { return &v }

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
