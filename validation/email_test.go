package validation_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authcore/authcore/validation"
)

func TestIsEmail(t *testing.T) {
	for _, s := range []string{
		"a@example.com", "first.last+tag@sub.example.co.uk", "ü@bücher.example",
		strings.Repeat("a", 242) + "@example.com", // 254 bytes
	} {
		assert.True(t, validation.IsEmail(s), s)
	}
	for _, s := range []string{
		"", "not-an-email", "@example.com", "a@", "a@example", "two@at@example.com",
		" padded@example.com", "a b@example.com", "a@exa\tmple.com", "a@example.com\x00",
		"a@.example.com", "a@example.com.", "a@example..com",
		strings.Repeat("a", 243) + "@example.com", // 255 bytes
	} {
		assert.False(t, validation.IsEmail(s), "%q", s)
	}
}

func TestIsEmailDoesNotAllocate(t *testing.T) {
	n := testing.AllocsPerRun(100, func() { validation.IsEmail("first.last@sub.example.com") })
	assert.Zero(t, n)
}
