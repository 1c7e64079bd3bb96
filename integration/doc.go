// Package integration is FusionAuth's Integrations object (seed 000, the
// Integrations API): the CleanSpeak and Kafka settings, their defaults, the
// normalisation FusionAuth applies to the Kafka producer, and validation.
//
// Input quirks kept for wire compatibility (SPEC §3): the request table of the
// docs spells the CleanSpeak block "cleanSpeakConfiguration", so Input accepts
// it as an alias of "cleanspeak"; output is always "cleanspeak". The "twilio"
// block was removed in FusionAuth 1.26: it is ignored on input and never
// returned.
package integration
