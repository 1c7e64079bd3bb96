// Package strictjson decodes request bodies more strictly than encoding/json:
// it refuses duplicate object keys (encoding/json keeps the last, so a body
// could say "enabled": false to one reader and true to another), caps nesting
// depth (encoding/json accepts 10000 levels), refuses trailing data, and
// reports a value of the wrong type with the dotted path that FusionAuth's
// field errors use ("[invalidJSON]integrations.kafka.enabled").
//
// Unknown fields are ignored, as SPEC §0 requires: newer FusionAuth clients
// send properties this server does not know.
//
// Paths are dotted member names from the root of the body, including the
// request wrapper. A TypeError's path names the value itself, with the index
// of each array element and the key of each map entry on the way
// ("identityProvider.applicationConfiguration[<id>].enabled",
// "user.twoFactor.methods[1].email"). encoding/json reports struct fields
// only, so Decode finds the value again in the body from the decoder's
// offset, and keeps the decoder's path where that cannot be done reliably
// (a map key with a bracket in it, a value a type's own UnmarshalJSON
// decoded). A DuplicateKeyError's path names the members on the way, map
// keys included, without array indices: it is found in the JSON alone,
// before it meets the target type.
//
// Errors that a type's own UnmarshalJSON returns (time.Time's, for one) carry
// no path and come back from Decode unchanged; types that unmarshal from text
// (encoding.TextUnmarshaler, as UUIDs usually do) get a TypeError like any
// other field.
//
// Member names match struct fields exactly, as in FusionAuth's JSON reader:
// encoding/json would also match "Enabled" to an "enabled" field when no
// field has the exact name, so Decode drops such members first (exact.go).
// {"enabled":true,"Enabled":false} then sets enabled to true, as FusionAuth
// does, and "Enabled" alone is an unknown property, ignored. Map keys are
// data and are kept as they are. A null member of a map or of a free-form
// object is dropped too: null reads as absent.
package strictjson
