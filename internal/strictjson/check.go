package strictjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"unicode/utf8"
)

// Check verifies in one pass that data holds exactly one JSON value
// (RFC 8259, as encoding/json accepts it), that no object in it names a
// member twice, and that objects and arrays nest at most maxDepth deep
// (maxDepth <= 0 means DefaultMaxDepth; encoding/json itself refuses more
// than 10000). A scalar body has depth 0, {} has depth 1. The first problem
// found, reading left to right, is reported.
//
// It is a small scanner rather than a json.Decoder token loop: it allocates
// nothing for ordinary bodies, and costs a fraction of the json.Unmarshal that
// follows it in Decode (see BenchmarkDecode).
func Check(data []byte, maxDepth int) error {
	_, err := check(data, maxDepth, nil)
	return err
}

// check is Check, also telling whether a member name may match a field of
// names only by case (see exact.go); names may be nil.
func check(data []byte, maxDepth int, names *typeNames) (suspect bool, err error) {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	// The recursion makes the compiler move any buffer the scanner points at
	// to the heap, so the buffers are pooled instead: Check then allocates
	// nothing unless an object is large or a key is escaped.
	s := scannerPool.Get().(*scanner)
	defer s.release()
	s.data, s.max, s.names = data, maxDepth, names
	s.skipSpace()
	if s.pos == len(data) {
		return false, &SyntaxError{Offset: int64(len(data)), Msg: "empty body"}
	}
	if err := s.value(); err != nil {
		return false, err
	}
	s.skipSpace()
	if s.pos < len(data) {
		return false, &SyntaxError{Offset: int64(s.pos), Msg: "unexpected data after the JSON value"}
	}
	return s.suspect, nil
}

type scanner struct {
	data  []byte
	pos   int
	max   int
	depth int
	path  [][]byte // decoded member names of the enclosing objects
	// keys holds the member names seen so far in every open object, each
	// object's after its parent's, so that one slice serves all levels.
	keys [][]byte
	// names, when set, are the field names of the type being decoded into;
	// suspect records that the body needs exact.go's rewrite: a member name
	// that may match a field only by case, or a member that is null.
	names   *typeNames
	suspect bool
}

var scannerPool = sync.Pool{New: func() any {
	return &scanner{path: make([][]byte, 0, 16), keys: make([][]byte, 0, 64)}
}}

// release returns s to the pool without references to the body it read. A
// scanner that grew for an unusually large body is left to the collector
// rather than kept.
func (s *scanner) release() {
	if cap(s.keys) > 1024 || cap(s.path) > 256 {
		return
	}
	clear(s.path[:cap(s.path)])
	clear(s.keys[:cap(s.keys)])
	*s = scanner{path: s.path[:0], keys: s.keys[:0]}
	scannerPool.Put(s)
}

func (s *scanner) skipSpace() { s.pos = afterSpace(s.data, s.pos) }

// afterSpace is the index of the first byte at or after pos in data that is
// not JSON white space.
func afterSpace(data []byte, pos int) int {
	for pos < len(data) {
		switch data[pos] {
		case ' ', '\t', '\n', '\r':
			pos++
		default:
			return pos
		}
	}
	return pos
}

func (s *scanner) eof() error {
	return &SyntaxError{Offset: int64(len(s.data)), Msg: "unexpected end of JSON input"}
}

// invalid reports the byte at s.pos, in encoding/json's wording.
func (s *scanner) invalid(context string) error {
	if s.pos >= len(s.data) {
		return s.eof()
	}
	return &SyntaxError{Offset: int64(s.pos), Msg: "invalid character " + quoteChar(s.data[s.pos]) + " " + context}
}

func quoteChar(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c == '"':
		return `'"'`
	case c >= 0x20 && c < 0x7f:
		return "'" + string(rune(c)) + "'"
	}
	return fmt.Sprintf("%q", rune(c))
}

func (s *scanner) value() error {
	if s.pos >= len(s.data) {
		return s.eof()
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object()
	case c == '[':
		return s.array()
	case c == '"':
		_, err := s.str(false)
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.invalid("looking for beginning of value")
}

func (s *scanner) enter() error {
	s.depth++
	if s.depth > s.max {
		return &DepthError{Max: s.max}
	}
	s.pos++ // the opening bracket
	s.skipSpace()
	return nil
}

// smallObject is the member count up to which duplicates are found by a
// linear scan: it allocates nothing and, at this size, beats hashing.
const smallObject = 48

func (s *scanner) object() error {
	if err := s.enter(); err != nil {
		return err
	}
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		s.depth--
		return nil
	}
	base := len(s.keys)
	defer func() { s.keys = s.keys[:base] }()
	var seen map[string]struct{}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.eof()
		}
		if s.data[s.pos] != '"' {
			return s.invalid("looking for beginning of object key string")
		}
		key, err := s.str(true)
		if err != nil {
			return err
		}
		if s.names != nil && !s.suspect {
			s.suspect = s.names.suspicious(key)
		}
		if seen == nil && len(s.keys)-base < smallObject {
			for _, k := range s.keys[base:] {
				if bytes.Equal(k, key) {
					return s.duplicate(key)
				}
			}
			s.keys = append(s.keys, key)
		} else {
			if seen == nil {
				seen = make(map[string]struct{}, 4*smallObject)
				for _, k := range s.keys[base:] {
					seen[string(k)] = struct{}{}
				}
			}
			if _, dup := seen[string(key)]; dup {
				return s.duplicate(key)
			}
			seen[string(key)] = struct{}{}
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.invalid("after object key")
		}
		s.pos++
		s.skipSpace()
		s.path = append(s.path, key)
		if s.names != nil && s.pos < len(s.data) && s.data[s.pos] == 'n' {
			s.suspect = true // a null member: a map's is dropped (exact.go)
		}
		err = s.value()
		s.path = s.path[:len(s.path)-1]
		if err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.eof()
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.depth--
			return nil
		default:
			return s.invalid("after object key:value pair")
		}
	}
}

func (s *scanner) duplicate(key []byte) error {
	var b bytes.Buffer
	for _, k := range s.path {
		b.Write(k)
		b.WriteByte('.')
	}
	b.Write(key)
	return &DuplicateKeyError{Path: b.String()}
}

func (s *scanner) array() error {
	if err := s.enter(); err != nil {
		return err
	}
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		s.skipSpace()
		if err := s.value(); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.eof()
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			s.depth--
			return nil
		default:
			return s.invalid("after array element")
		}
	}
}

// str scans a string at s.pos. With decode it returns the string as
// encoding/json would decode it, so that "a" and "\u0061" are the same key;
// plain ASCII and valid UTF-8 without escapes (nearly every key) are returned
// as a slice of the input, without allocating.
func (s *scanner) str(decode bool) ([]byte, error) {
	start := s.pos
	s.pos++
	escaped, highBit := false, false
	for {
		if s.pos >= len(s.data) {
			return nil, s.eof()
		}
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			raw := s.data[start+1 : s.pos-1]
			if highBit && !utf8.Valid(raw) {
				return nil, &StringError{Offset: int64(start), Msg: "not valid UTF-8"}
			}
			if !decode {
				return nil, nil
			}
			if !escaped {
				return raw, nil
			}
			// Escapes are rare enough to leave to encoding/json itself.
			var str string
			if err := json.Unmarshal(s.data[start:s.pos], &str); err != nil {
				return nil, &SyntaxError{Offset: int64(start), Msg: err.Error()}
			}
			return []byte(str), nil
		case c == '\\':
			escaped = true
			s.pos++
			if s.pos >= len(s.data) {
				return nil, s.eof()
			}
			switch s.data[s.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos++
			case 'u':
				s.pos++
				for i := 0; i < 4; i++ {
					if s.pos >= len(s.data) {
						return nil, s.eof()
					}
					if !isHex(s.data[s.pos]) {
						return nil, s.invalid("in \\u hexadecimal character escape")
					}
					s.pos++
				}
				r, _ := hex4(s.data[s.pos-4 : s.pos])
				switch {
				case r == 0:
					return nil, &StringError{Offset: int64(start), Msg: "holds U+0000, which cannot be stored"}
				case r >= 0xD800 && r < 0xDC00:
					// A high surrogate must be followed at once by an
					// escaped low one: encoding/json turns an unpaired
					// half into U+FFFD, so the stored string would
					// differ from the sent one, as with invalid UTF-8.
					low, ok := rune(0), false
					if rest := s.data[s.pos:]; len(rest) >= 6 && rest[0] == '\\' && rest[1] == 'u' {
						low, ok = hex4(rest[2:6])
					}
					if !ok || low < 0xDC00 || low > 0xDFFF {
						return nil, &StringError{Offset: int64(start), Msg: unpairedSurrogate}
					}
					s.pos += 6
				case r >= 0xDC00 && r <= 0xDFFF:
					return nil, &StringError{Offset: int64(start), Msg: unpairedSurrogate}
				}
			default:
				return nil, s.invalid("in string escape code")
			}
		case c < 0x20:
			return nil, s.invalid("in string literal")
		default:
			if c >= 0x80 {
				highBit = true
			}
			s.pos++
		}
	}
}

const unpairedSurrogate = "holds an unpaired UTF-16 surrogate, which cannot be stored"

// hex4 decodes the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and leaves what
// follows it to the caller, as encoding/json does ("01" fails there).
func (s *scanner) number() error {
	if s.data[s.pos] == '-' {
		s.pos++
	}
	if s.pos >= len(s.data) {
		return s.eof()
	}
	switch c := s.data[s.pos]; {
	case c == '0':
		s.pos++
	case c >= '1' && c <= '9':
		s.digits()
	default:
		return s.invalid("in numeric literal")
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if s.pos >= len(s.data) {
			return s.eof()
		}
		if !isDigit(s.data[s.pos]) {
			return s.invalid("after decimal point in numeric literal")
		}
		s.digits()
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if s.pos >= len(s.data) {
			return s.eof()
		}
		if !isDigit(s.data[s.pos]) {
			return s.invalid("in exponent of numeric literal")
		}
		s.digits()
	}
	return nil
}

func (s *scanner) digits() {
	for s.pos < len(s.data) && isDigit(s.data[s.pos]) {
		s.pos++
	}
}

func (s *scanner) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if s.pos >= len(s.data) {
			return s.eof()
		}
		if s.data[s.pos] != word[i] {
			return s.invalid("in literal " + word + " (expecting '" + string(word[i]) + "')")
		}
		s.pos++
	}
	return nil
}
