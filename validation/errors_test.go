package validation

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestErrorsShape(t *testing.T) {
	var e Errors
	if e.Err() != nil {
		t.Fatal("empty Errors must be a nil error")
	}
	e.Blank("integrations.kafka.defaultTopic")
	e.General("[TenantIdRequired]", "A Tenant Id is required.")
	err := e.Err()
	var target *Errors
	if !errors.As(err, &target) {
		t.Fatal("Err must return *Errors")
	}
	if !target.Has("[blank]integrations.kafka.defaultTopic") || !target.Has("[TenantIdRequired]") {
		t.Fatalf("codes missing: %v", target.Codes())
	}
	b, _ := json.Marshal(target)
	want := `{"fieldErrors":{"integrations.kafka.defaultTopic":[{"code":"[blank]integrations.kafka.defaultTopic","message":"You must specify the [integrations.kafka.defaultTopic] property."}]},"generalErrors":[{"code":"[TenantIdRequired]","message":"A Tenant Id is required."}]}`
	if string(b) != want {
		t.Fatalf("got %s", b)
	}
}

func TestEmptyPartsOmitted(t *testing.T) {
	var e Errors
	e.General("[invalidJSON]", "bad")
	b, _ := json.Marshal(&e)
	if string(b) != `{"generalErrors":[{"code":"[invalidJSON]","message":"bad"}]}` {
		t.Fatalf("got %s", b)
	}
	var m Errors
	m.Merge(&e)
	m.Merge(nil)
	if !m.Has("[invalidJSON]") || m.Has("[other]") {
		t.Fatal("merge lost an error")
	}
}

func TestIsUUID(t *testing.T) {
	for s, want := range map[string]bool{
		"45bb233c-0901-4236-b5ca-ac46e2e0a5a5": true,
		"45BB233C-0901-4236-B5CA-AC46E2E0A5A5": true,
		"45bb233c09014236b5caac46e2e0a5a5":     false,
		"45bb233c-0901-4236-b5ca-ac46e2e0a5a":  false,
		"45bb233c-0901-4236-b5ca-ac46e2e0a5ag": false,
		"45bb233c_0901-4236-b5ca-ac46e2e0a5a5": false,
		"":                                     false,
	} {
		if IsUUID(s) != want {
			t.Errorf("IsUUID(%q) = %t", s, !want)
		}
	}
}

func TestNotStorable(t *testing.T) {
	for s, want := range map[string]bool{
		"":                      true,
		"plain":                 true,
		"Ünïcödé \U0001F426":    true,
		"nul\x00":               false,
		"\x00":                  false,
		"bad\xc3\x28":           false,
		"\xed\xa0\x80":          false, // a surrogate half in UTF-8 form
		"replacement \uFFFD ok": true,
	} {
		if got := IsStorable(s); got != want {
			t.Errorf("IsStorable(%q) = %v, want %v", s, got, want)
		}
		var e Errors
		if e.NotStorable("user.username", s) == want || e.Has("[invalid]user.username") == want {
			t.Errorf("NotStorable(%q) recorded %v", s, e.Codes())
		}
	}
}
