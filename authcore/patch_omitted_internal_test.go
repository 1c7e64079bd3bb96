package authcore

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

type omittedInner struct {
	Tags  []string          `json:"tags,omitempty"`
	Kept  []string          `json:"kept"` // not omitempty: rendered, never omitted
	Attrs map[string]string `json:"attrs,omitempty"`
}

type omittedSelf struct {
	M map[string]string `json:"m,omitempty"`
}

func (omittedSelf) MarshalJSON() ([]byte, error) { return []byte(`{}`), nil }

type omittedEmbedded struct {
	Extra map[string]any `json:"extra,omitempty"`
}

type omittedDoc struct {
	omittedEmbedded
	Name    string                  `json:"name,omitempty"`
	Data    map[string]any          `json:"data,omitempty"`
	Secret  []string                `json:"-"`
	Raw     json.RawMessage         `json:"raw,omitempty"`
	ByID    map[string]omittedInner `json:"byId,omitempty"`
	List    []omittedInner          `json:"list,omitempty"`
	Self    omittedSelf             `json:"self"`
	Nothing *omittedInner           `json:"nothing,omitempty"`
	// omitzero structs: left out when zero; only one that would render
	// as {} is an omitted empty member.
	Zero   omittedZero   `json:"zero,omitzero"`
	Set    omittedZero   `json:"set,omitzero"`
	Valued omittedValued `json:"valued,omitzero"`
}

type omittedZero struct {
	ID string `json:"id,omitempty"`
}

type omittedValued struct {
	On bool `json:"on"` // renders {"on":false}: a value, not an empty object
}

// omittedEmpty names every empty omitempty map or list as rendered: through
// embedded structs, map entries (escaped keys) and list items; never a
// field JSON does not render, bytes, a nil pointer's fields, or the inside
// of a type that renders itself.
func TestOmittedEmpty(t *testing.T) {
	doc := map[string]any{"w": omittedDoc{
		ByID: map[string]omittedInner{"a/b": {Tags: []string{"x"}}},
		List: []omittedInner{{Attrs: map[string]string{"k": "v"}}},
		Set:  omittedZero{ID: "x"},
	}}
	assert.Equal(t, map[string]string{
		"/w/zero":            "{}",
		"/w/extra":           "{}",
		"/w/data":            "{}",
		"/w/byId/a~1b/attrs": "{}",
		"/w/list/0/tags":     "[]",
	}, omittedEmpty(doc))
}
