package validation_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authcore/authcore/validation"
)

type textInner struct {
	Label string `json:"label,omitempty"`
}

type textDoc struct {
	Name    string            `json:"name,omitempty"`
	Skipped string            `json:"-"`
	Items   []textInner       `json:"items,omitempty"`
	Inner   *textInner        `json:"inner,omitempty"`
	Data    map[string]any    `json:"data,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Raw     []byte            `json:"raw,omitempty"`
	NoTag   string
}

func TestNotStorableText(t *testing.T) {
	bad := "bad\xc3\x28"
	tests := []struct {
		name  string
		doc   textDoc
		codes []string
	}{
		{"clean", textDoc{Name: "Zoë \ufffd 🐦", Data: map[string]any{"k": []any{"v", 1.0, nil}}, Raw: []byte{0xff}}, nil},
		{"field", textDoc{Name: "a\x00b"}, []string{"[invalid]x.name"}},
		{"skipped field", textDoc{Skipped: bad}, nil},
		{"field without a tag", textDoc{NoTag: bad}, []string{"[invalid]x.NoTag"}},
		{"slice element, no index", textDoc{Items: []textInner{{"ok"}, {bad}, {bad}}}, []string{"[invalid]x.items.label"}},
		{"pointer", textDoc{Inner: &textInner{bad}}, []string{"[invalid]x.inner.label"}},
		{"nested data value", textDoc{Data: map[string]any{"a": map[string]any{"b": []any{bad}}}}, []string{"[invalid]x.data.a.b"}},
		{"data key", textDoc{Data: map[string]any{bad: "v"}}, []string{"[invalid]x.data"}},
		{"string map", textDoc{Tags: map[string]string{"t": bad}}, []string{"[invalid]x.tags.t"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errs validation.Errors
			found := errs.NotStorableText("x", &tc.doc)
			assert.Equal(t, tc.codes != nil, found)
			assert.Equal(t, tc.codes, errs.Codes())
		})
	}
}

// A path a validator already named keeps its own error.
func TestNotStorableTextKeepsAnEarlierError(t *testing.T) {
	var errs validation.Errors
	errs.TooLong("x.name", "ab", 1)
	assert.True(t, errs.NotStorableText("x", textDoc{Name: "a\x00b"}))
	assert.Equal(t, []string{"[tooLong]x.name"}, errs.Codes())
}

// A Go caller's map that holds itself ends the walk instead of the process.
func TestNotStorableTextCycle(t *testing.T) {
	m := map[string]any{}
	m["self"] = m
	var errs validation.Errors
	assert.False(t, errs.NotStorableText("x", m))
}

// A map that holds itself twice would be walked 2^depth times if only the
// depth bounded the walk: every path through it is a new one.
func TestNotStorableTextCycleOfTwo(t *testing.T) {
	m := map[string]any{}
	m["a"], m["b"] = m, m
	var errs validation.Errors
	done := make(chan bool, 1)
	go func() { done <- errs.NotStorableText("x", m) }()
	assert.False(t, <-done)
}

func TestMakeStorable(t *testing.T) {
	for in, want := range map[string]string{
		"Ada Lovelace":       "Ada Lovelace",
		"":                   "",
		"A\x00B\x00":         "AB",
		"\x00":               "",
		"caf\xe9":            "caf\uFFFD",
		"a\xff\xfeb":         "a\uFFFDb",
		"\xff\x00\xfe":       "\uFFFD\uFFFD",
		"ok \U0001F426 \x00": "ok \U0001F426 ",
	} {
		got := validation.MakeStorable(in)
		if got != want || !validation.IsStorable(got) {
			t.Errorf("MakeStorable(%q) = %q, want %q (storable)", in, got, want)
		}
	}
}
