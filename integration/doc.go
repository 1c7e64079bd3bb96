// Package integration is FusionAuth's Integrations object (the body of its
// Integrations API): the CleanSpeak and Kafka settings, their defaults, the
// normalisation FusionAuth applies to the Kafka producer, and validation.
// A Go caller changes them with authcore's Engine.UpdateIntegrations (which
// normalises and validates) or Engine.PatchIntegrations.
//
// Input quirks kept for wire compatibility: the request table of the
// docs spells the CleanSpeak block "cleanSpeakConfiguration", so Input accepts
// it as an alias of "cleanspeak"; output is always "cleanspeak". The "twilio"
// block was removed in FusionAuth 1.26: it is ignored on input and never
// returned.
package integration
