package validation

import (
	"fmt"
	"testing"
)

// An Errors object keeps the first MaxErrors entries and ends with one
// general error that counts the rest.
func TestErrorsKeepsTheFirstMaxErrors(t *testing.T) {
	var e Errors
	e.Blank("a.first")
	for i := range 1000 {
		e.Invalid("a.keys", fmt.Sprintf("key %d", i))
	}
	e.General("[Late]", "after the cap")
	if n := e.count(); n != MaxErrors+1 {
		t.Fatalf("%d entries, want %d kept and the note", n, MaxErrors)
	}
	if !e.Has("[blank]a.first") || e.Has("[Late]") {
		t.Fatalf("the first entry must stay and the late one go: %v", e.GeneralErrors)
	}
	keys := e.FieldErrors["a.keys"]
	if len(keys) != MaxErrors-1 || keys[0].Message != "key 0" || keys[len(keys)-1].Message != fmt.Sprintf("key %d", MaxErrors-2) {
		t.Fatalf("kept %d keys, first %q, last %q", len(keys), keys[0].Message, keys[len(keys)-1].Message)
	}
	note := e.GeneralErrors[len(e.GeneralErrors)-1]
	want := fmt.Sprintf("This answer lists the first %d errors; %d more were left out.", MaxErrors, 1000-(MaxErrors-1)+1)
	if note.Code != CodeTooManyErrors || note.Message != want {
		t.Fatalf("note %+v, want %q", note, want)
	}
}

// Merge keeps within MaxErrors and carries what the merged object left out.
func TestMergeKeepsTheCap(t *testing.T) {
	var o Errors
	for i := range MaxErrors + 5 {
		o.Invalid(fmt.Sprintf("p%03d", i), "bad")
	}
	var e Errors
	e.General("[First]", "kept")
	e.Merge(&o)
	if n := e.count(); n != MaxErrors+1 {
		t.Fatalf("%d entries after Merge", n)
	}
	if !e.Has("[First]") || !e.Has("[invalid]p000") || e.Has(fmt.Sprintf("[invalid]p%03d", MaxErrors-1)) {
		t.Fatalf("codes %v", e.Codes())
	}
	var notes int
	for _, g := range e.GeneralErrors {
		if g.Code == CodeTooManyErrors {
			notes++
		}
	}
	last := e.GeneralErrors[len(e.GeneralErrors)-1]
	want := fmt.Sprintf("This answer lists the first %d errors; %d more were left out.", MaxErrors, 6)
	if notes != 1 || last.Message != want {
		t.Fatalf("%d notes, last %+v, want %q", notes, last, want)
	}
}

// NotStorableText names a path once, however many strings under it hold
// U+0000 (a slice adds nothing to the path); past MaxErrors that path is
// counted once too, not once per string.
func TestNotStorableTextPastTheCapCountsEachPathOnce(t *testing.T) {
	type role struct {
		Description string `json:"description"`
	}
	roles := make([]role, 50)
	for i := range roles {
		roles[i].Description = "bad\x00"
	}
	doc := struct {
		Roles []role `json:"roles"`
	}{roles}

	var below Errors
	below.NotStorableText("application", doc)
	if n := len(below.FieldErrors["application.roles.description"]); n != 1 || below.count() != 1 {
		t.Fatalf("below the cap: %d entries at the path, %d in all", n, below.count())
	}

	var full Errors
	for i := range MaxErrors {
		full.Invalid(fmt.Sprintf("p%03d", i), "bad")
	}
	full.NotStorableText("application", doc)
	want := fmt.Sprintf("This answer lists the first %d errors; 1 more were left out.", MaxErrors)
	if note := full.GeneralErrors[len(full.GeneralErrors)-1]; note.Message != want {
		t.Fatalf("note %q, want %q", note.Message, want)
	}
}
