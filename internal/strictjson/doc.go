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
// request wrapper. They never contain array indices or map keys: TypeError
// paths come from encoding/json, which reports struct fields only (a bad
// value in applicationConfiguration["<id>"].enabled is reported as
// "identityProvider.applicationConfiguration.enabled"), and DuplicateKeyError
// follows the same rule so that both kinds name fields the same way.
//
// Errors that a type's own UnmarshalJSON returns (time.Time's, for one) carry
// no path and come back from Decode unchanged; types that unmarshal from text
// (encoding.TextUnmarshaler, as UUIDs usually do) get a TypeError like any
// other field.
//
// Known limit: encoding/json matches struct fields case-insensitively, so
// {"enabled":true,"Enabled":false} has no duplicate key for Check (the names
// differ, and in a map[string]string they are two entries) yet sets one struct
// field twice, the last winning. Check cannot tell a struct from a map, so it
// leaves this to the decoder.
package strictjson
