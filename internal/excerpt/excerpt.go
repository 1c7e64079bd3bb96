// Package excerpt bounds how much of a client's input an error message, an
// Errors object's field path or a log line repeats. A request body may hold
// a megabyte in one string (a JSON Pointer, a map key, an unknown enum
// value); quoted whole, once in a path, once in a code and again in a
// message, it made a 400 answer several times larger than the request.
package excerpt

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxBytes is the most bytes of an input that Of keeps: far more than any
// real id, name, pointer or enum value, so ordinary messages are unchanged.
const MaxBytes = 256

// Ellipsis marks where Of cut its input.
const Ellipsis = "…"

// Of returns s itself when it holds at most MaxBytes bytes. A longer s is
// cut to at most MaxBytes bytes, at the start of a UTF-8 character so that
// no character is split, and Ellipsis is appended. Callers quote or escape
// the excerpt, never the other way round, so an escape cannot be split
// either.
func Of(s string) string {
	if len(s) <= MaxBytes {
		return s
	}
	return s[:cut(s)] + Ellipsis
}

// cut is the length of the excerpt of s, len(s) > MaxBytes: MaxBytes moved
// back to the start of the character that straddles it. Bytes that are not
// UTF-8 are characters of their own, so it moves back at most
// utf8.UTFMax-1 bytes.
func cut(s string) int {
	n := MaxBytes
	for i := 0; i < utf8.UTFMax-1 && n > 0 && !utf8.RuneStart(s[n]); i++ {
		n--
	}
	return n
}

// Pointer is Of for a JSON Pointer (RFC 6901): a cut never leaves the "~"
// of a "~0" or "~1" escape without its digit.
func Pointer(s string) string {
	if len(s) <= MaxBytes {
		return s
	}
	return strings.TrimSuffix(s[:cut(s)], "~") + Ellipsis
}

// MaxItems is the most items of a client's list that List names.
const MaxItems = 20

// List joins the excerpts (Of) of the first MaxItems items with ", ", and
// ends with ", and N more" when there were more: a message that names each
// of a client's map keys otherwise grew with the map, a megabyte of keys
// into one line.
func List(items []string) string {
	var b strings.Builder
	for i, s := range items[:min(len(items), MaxItems)] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Of(s))
	}
	if more := len(items) - MaxItems; more > 0 {
		b.WriteString(", and " + strconv.Itoa(more) + " more")
	}
	return b.String()
}
