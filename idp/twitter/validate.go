package twitter

import (
	"fmt"
	"math"
	"strings"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/google/uuid"

	"github.com/authcore/authcore/validation"
)

// Known answers Validate's questions about objects that live outside this
// package. A nil func skips its check, so that a caller without, say, a lambda
// registry can still validate the rest.
type Known struct {
	// Application reports whether an application with this id exists.
	Application func(id string) bool
	// Tenant reports whether a tenant with this id exists.
	Tenant func(id string) bool
	// Reconcile returns the type of the reconcile function registered under
	// id, and whether there is one.
	Reconcile func(id string) (lambdaType string, ok bool)
}

// Field paths, with the request wrapper, as FusionAuth reports them.
const (
	pathPrefix          = "identityProvider."
	pathButtonText      = pathPrefix + "buttonText"
	pathConsumerKey     = pathPrefix + "consumerKey"
	pathConsumerSecret  = pathPrefix + "consumerSecret"
	pathType            = pathPrefix + "type"
	pathLinkingStrategy = pathPrefix + "linkingStrategy"
	pathApplications    = pathPrefix + "applicationConfiguration"
	pathTenants         = pathPrefix + "tenantConfiguration"
	pathReconcileID     = pathPrefix + "lambdaConfiguration.reconcileId"
)

// MaximumLinksPath is the field path of a tenant's maximumLinks in validation
// errors: identityProvider.tenantConfiguration[<tenantId>].limitUserLinkCount.maximumLinks,
// the bracketed form the seed uses to document the field.
func MaximumLinksPath(tenantID string) string {
	return pathTenants + "[" + excerpt.Of(tenantID) + "].limitUserLinkCount.maximumLinks"
}

// Validate checks p as FusionAuth checks a create or update of the Twitter
// identity provider and returns a *validation.Errors listing every problem,
// or nil. Call it after Normalize: it does not apply defaults, and it treats
// an absent linkingStrategy, createRegistration or maximumLinks as the
// default.
//
// The rules: buttonText, consumerKey and consumerSecret are required (blank
// or whitespace-only is [blank]); type must be "Twitter" ([blank] when absent,
// [invalid] otherwise); linkingStrategy must be one of LinkingStrategies;
// every applicationConfiguration key must be a UUID naming a known
// application and every tenantConfiguration key one naming a known tenant
// (one [invalid] entry per bad key, naming it, within validation.MaxErrors;
// after Normalize a key still in
// upper case is one whose lower-case twin is also there, and is refused as
// the same id given twice); maximumLinks must be at least
// 1 and at most math.MaxInt32 (a Java int, as FusionAuth types it), whether
// or not the limit is enabled, reported at MaximumLinksPath;
// lambdaConfiguration.reconcileId, when set, must name a registered function
// of type TwitterReconcile. The reconcile id's format is left to
// Known.Reconcile, since the engine chooses how it registers functions.
func (p *Provider) Validate(k Known) error {
	var errs validation.Errors
	if blank(p.ButtonText) {
		errs.Blank(pathButtonText)
	}
	if blank(p.ConsumerKey) {
		errs.Blank(pathConsumerKey)
	}
	if blank(string(p.ConsumerSecret)) {
		errs.Blank(pathConsumerSecret)
	}
	switch p.Type {
	case TypeName:
	case "":
		errs.Blank(pathType)
	default:
		errs.Invalid(pathType, fmt.Sprintf("The [%s] property must be [%s]; found [%s].", pathType, TypeName, excerpt.Of(p.Type)))
	}
	if p.LinkingStrategy != "" && !ValidLinkingStrategy(p.LinkingStrategy) {
		errs.Invalid(pathLinkingStrategy, fmt.Sprintf("The [%s] property has an invalid value [%s]. The valid values are [%s].",
			pathLinkingStrategy, excerpt.Of(p.LinkingStrategy), strings.Join(linkingStrategies, ", ")))
	}
	for _, id := range sortedKeys(p.ApplicationConfiguration) {
		if id != strings.ToLower(id) && canonicalUUID(id) {
			errs.Invalid(pathApplications, fmt.Sprintf("The [%s] property contains the Id [%s] twice, in different cases.", pathApplications, strings.ToLower(id)))
			continue
		}
		if !canonicalUUID(id) || (k.Application != nil && !k.Application(id)) {
			errs.Invalid(pathApplications, fmt.Sprintf("The [%s] property contains the Id [%s], which is not the Id of an existing application.", pathApplications, excerpt.Of(id)))
		}
	}
	for _, id := range sortedKeys(p.TenantConfiguration) {
		if id != strings.ToLower(id) && canonicalUUID(id) {
			errs.Invalid(pathTenants, fmt.Sprintf("The [%s] property contains the Id [%s] twice, in different cases.", pathTenants, strings.ToLower(id)))
			continue
		}
		if !canonicalUUID(id) || (k.Tenant != nil && !k.Tenant(id)) {
			errs.Invalid(pathTenants, fmt.Sprintf("The [%s] property contains the Id [%s], which is not the Id of an existing tenant.", pathTenants, excerpt.Of(id)))
		}
		if m := p.TenantConfiguration[id].LimitUserLinkCount.MaximumLinks; m != nil && (*m < 1 || *m > math.MaxInt32) {
			// FusionAuth's domain types it as a Java int: a larger value is
			// one FusionAuth cannot hold, and one its typed clients fail to
			// read back from every later response that carries the provider.
			path := MaximumLinksPath(id)
			errs.Invalid(path, fmt.Sprintf("The [%s] property must be greater than 0 and at most %d.", path, math.MaxInt32))
		}
	}
	if id := p.LambdaConfiguration.ReconcileID; id != "" && k.Reconcile != nil {
		if typ, ok := k.Reconcile(id); !ok || typ != ReconcileLambdaType {
			errs.Invalid(pathReconcileID, fmt.Sprintf("The [%s] property must be the Id of a lambda of type [%s]; [%s] is not.", pathReconcileID, ReconcileLambdaType, excerpt.Of(id)))
		}
	}
	errs.NotStorableText("identityProvider", p)
	return errs.Err()
}

// canonicalUUID accepts only the 36-character hyphenated form that FusionAuth
// uses for keys; uuid.Parse alone would also take "urn:uuid:" and braces,
// which would then never match a stored id.
func canonicalUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}
