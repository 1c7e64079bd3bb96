// Package validation holds FusionAuth's Errors object: the body of every 400
// response, with field errors keyed by a dotted path that includes the request
// wrapper (such as "integrations.kafka.defaultTopic") and general errors.
//
// It also holds the checks of values that FusionAuth's domain types as Java
// classes (IsURI, IsLocalDate, IsZoneID, IsLocale), which a property that
// cannot be its class fails with KindInvalidJSON (Errors.NotOfType).
//
// It is the one leaf that the other leaves (integration, idp/twitter) share, so
// that a validation rule written in a leaf reaches the wire unchanged. It
// imports nothing of authcore.
package validation
