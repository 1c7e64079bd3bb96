package excerpt_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/stretchr/testify/assert"
)

func TestOfKeepsShortInput(t *testing.T) {
	for _, s := range []string{"", "LinkByEmail", "/identityProvider/debug", strings.Repeat("é", excerpt.MaxBytes/2)} {
		assert.Equal(t, s, excerpt.Of(s))
	}
}

func TestOfCutsLongInputAtACharacter(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want string
	}{
		{"ascii", strings.Repeat("a", 1<<20), strings.Repeat("a", excerpt.MaxBytes) + excerpt.Ellipsis},
		// "é" is two bytes: 255 bytes of "a" put the 256th byte inside one.
		{"two-byte character straddling the limit", strings.Repeat("a", excerpt.MaxBytes-1) + strings.Repeat("é", 10), strings.Repeat("a", excerpt.MaxBytes-1) + excerpt.Ellipsis},
		{"four-byte characters", strings.Repeat("🐦", 100), strings.Repeat("🐦", excerpt.MaxBytes/4) + excerpt.Ellipsis},
		{"four-byte character at offset 254", strings.Repeat("a", excerpt.MaxBytes-2) + strings.Repeat("🐦", 10), strings.Repeat("a", excerpt.MaxBytes-2) + excerpt.Ellipsis},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := excerpt.Of(tc.in)
			assert.Equal(t, tc.want, got)
			assert.True(t, utf8.ValidString(got))
			assert.LessOrEqual(t, len(got), excerpt.MaxBytes+len(excerpt.Ellipsis))
		})
	}
}

// Bytes that are not UTF-8 still give an excerpt of bounded length.
func TestOfBoundsInvalidUTF8(t *testing.T) {
	got := excerpt.Of(strings.Repeat("\x80", 1000))
	assert.LessOrEqual(t, len(got), excerpt.MaxBytes+len(excerpt.Ellipsis))
	assert.Greater(t, len(got), excerpt.MaxBytes-utf8.UTFMax)
}

func TestPointerKeepsEscapesWhole(t *testing.T) {
	p := "/" + strings.Repeat("a", excerpt.MaxBytes-2) + "~1b"
	assert.Equal(t, "/"+strings.Repeat("a", excerpt.MaxBytes-2)+excerpt.Ellipsis, excerpt.Pointer(p))
	assert.Equal(t, "/a~1b", excerpt.Pointer("/a~1b"))
}

func TestListNamesTheFirstItemsAndCountsTheRest(t *testing.T) {
	assert.Equal(t, "", excerpt.List(nil))
	assert.Equal(t, "a, b (not a number)", excerpt.List([]string{"a", "b (not a number)"}))

	long := strings.Repeat("k", 1<<20)
	items := make([]string, 0, excerpt.MaxItems+7)
	items = append(items, long)
	for i := 1; i < excerpt.MaxItems+7; i++ {
		items = append(items, string(rune('a'+i%26)))
	}
	got := excerpt.List(items)
	assert.True(t, strings.HasPrefix(got, excerpt.Of(long)+", b, c, "), got[:300])
	assert.True(t, strings.HasSuffix(got, ", "+items[excerpt.MaxItems-1]+", and 7 more"), got)
	assert.Equal(t, excerpt.MaxItems-1, strings.Count(got, ", ")-1, "MaxItems items, then the count")
	assert.Less(t, len(got), excerpt.MaxBytes+100)
}
