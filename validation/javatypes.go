package validation

//go:generate go run ./internal/genzones -o zones.go

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The checks below take the string a FusionAuth client sends for a property
// that FusionAuth's domain types as a Java class (java.net.URI,
// java.time.LocalDate, java.time.ZoneId, java.util.Locale), and report
// whether FusionAuth could make that class of it. They follow the classes'
// documented parsing, narrowed where a value nobody sends would need much
// code (each says where). A blank value is the caller's affair: FusionAuth
// reads it as absent.

// IsURI reports whether s parses as a java.net.URI (RFC 2396 with the
// deviations its documentation lists): [scheme:]scheme-specific-part[#fragment],
// where a relative reference ("/a.png", "a.png", "//host/a.png") is as
// much a URI as an absolute one and an opaque one ("mailto:a@example.com")
// too. Refused: characters outside the URI character set (spaces, control
// characters, `"<>\^{|}` and the backquote; other non-ASCII characters are
// allowed, as Java allows them), a "%" without two hex digits, a second
// "#", a scheme that does not start with a letter or is empty (":x"),
// nothing after the scheme ("http:"), nothing after "//" ("http://"),
// brackets in the path or in the authority outside an IPv6 literal (a
// query or fragment may hold them, as Java's may), and an IPv6 literal
// that is not one. An authority need not be host[:port]: Java
// accepts "host:abc" as a registry-based authority, and so does this.
func IsURI(s string) bool {
	body, frag, hasFrag := strings.Cut(s, "#")
	if hasFrag && !uriRun(frag, uricExtra) {
		return false // a second '#' is no uric character
	}
	if i := strings.IndexAny(body, ":/?"); i >= 0 && body[i] == ':' {
		if !isScheme(body[:i]) {
			return false
		}
		ssp := body[i+1:]
		switch {
		case ssp == "":
			return false
		case ssp[0] != '/':
			return uriRun(ssp, uricExtra) // opaque
		}
		return hierarchical(ssp, hasFrag)
	}
	return hierarchical(body, hasFrag)
}

// The ASCII punctuation each part of a URI may hold besides letters,
// digits, escapes and non-ASCII "other" characters (java.net.URI's classes).
const (
	unreservedExtra = "_-!.~'()*"
	uricExtra       = unreservedExtra + ",;:$&+=" + "?/[]@"
	pathExtra       = unreservedExtra + ":@&=+$," + ";/"
	regNameExtra    = unreservedExtra + "$,;:@&=+"
	userInfoExtra   = unreservedExtra + ";:&=+$,"
)

// hierarchical checks [//authority][path][?query]; hasFrag tells whether a
// fragment followed, which lets the authority be empty ("//#x").
func hierarchical(s string, hasFrag bool) bool {
	if rest, ok := strings.CutPrefix(s, "//"); ok {
		end := strings.IndexAny(rest, "/?")
		if end < 0 {
			end = len(rest)
		}
		switch {
		case end > 0:
			if !authority(rest[:end]) {
				return false
			}
		case end == len(rest) && !hasFrag:
			return false // "//" and nothing after it
		}
		s = rest[end:]
	}
	path, query, hasQuery := strings.Cut(s, "?")
	return uriRun(path, pathExtra) && (!hasQuery || uriRun(query, uricExtra))
}

// authority accepts a registry-based authority (any run of its characters)
// or a server-based one with an IPv6 literal: [userinfo@][address][:port],
// the only form brackets may take.
func authority(a string) bool {
	if !strings.ContainsAny(a, "[]") {
		return uriRun(a, regNameExtra)
	}
	if i := strings.IndexByte(a, '@'); i >= 0 {
		if !uriRun(a[:i], userInfoExtra) {
			return false
		}
		a = a[i+1:]
	}
	rest, ok := strings.CutPrefix(a, "[")
	if !ok {
		return false
	}
	literal, rest, ok := strings.Cut(rest, "]")
	if !ok || !ipv6Literal(literal) {
		return false
	}
	if rest == "" {
		return true
	}
	port, ok := strings.CutPrefix(rest, ":")
	if !ok || port == "" {
		return ok // "[::1]:" has an empty port, which Java takes
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	_, err := strconv.ParseInt(port, 10, 32)
	return err == nil
}

// ipv6Literal reports whether s is an IPv6 address, with an optional
// scope (letters and digits after "%").
func ipv6Literal(s string) bool {
	addr, zone, scoped := strings.Cut(s, "%")
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || scoped && zone == "" {
		return false
	}
	for i := 0; i < len(zone); i++ {
		if !isAlnum(zone[i]) {
			return false
		}
	}
	return true
}

func isScheme(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// uriRun reports whether every character of s is a letter, a digit, one of
// extra, an escape (% and two hex digits) or "other": a non-ASCII
// character that is neither a control character nor a space (Java's
// Character.isISOControl and isSpaceChar).
func uriRun(s, extra string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r <= 0x9f || unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp) {
				return false
			}
			i += size
			continue
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 3
			continue
		case !isAlnum(c) && strings.IndexByte(extra, c) < 0:
			return false
		}
		i++
	}
	return true
}

// IsLocalDate reports whether s is a java.time.LocalDate as
// LocalDate.parse reads it (ISO-8601, yyyy-MM-dd), a day that exists:
// "1980-02-29" is one, "1981-02-29" and "30/05/1976" are not. Years are
// four digits; Java would also read a signed year of five or more digits
// (+10000-01-01), which no birth date needs.
func IsLocalDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// IsZoneID reports whether s names a time zone as java.time.ZoneId.of
// reads it: "Z"; an offset "+h", "+hh", "+hh:mm", "+hhmm", "+hh:mm:ss" or
// "+hhmmss" (or "-…") within ±18:00; "UTC", "GMT" or "UT" alone or followed
// by such an offset ("UTC-7", "GMT+05:30", FusionAuth's documented
// examples); or a region id of the tz database ("America/Denver",
// "US/Mountain"), case as written. The region ids are those of the
// database Go embeds (tzdbNames, generated), not the host's zoneinfo
// files, which also hold "posix/…", "right/…" and "localtime" that Java
// does not know; Go's "Local" is none either.
func IsZoneID(s string) bool {
	if len(s) <= 1 || s[0] == '+' || s[0] == '-' {
		return s == "Z" || isZoneOffset(s)
	}
	for _, prefix := range []string{"UTC", "GMT", "UT"} {
		rest, ok := strings.CutPrefix(s, prefix)
		if !ok {
			continue
		}
		if rest == "" {
			return true
		}
		if rest[0] == '+' || rest[0] == '-' {
			return isZoneOffset(rest)
		}
		break // "GMT0", "UTC0"…: a region id
	}
	_, found := slices.BinarySearch(tzdbNames[:], s)
	return found
}

// isZoneOffset reports whether s is an offset java.time.ZoneOffset.of
// reads: a sign, then h, hh, hh:mm, hhmm, hh:mm:ss or hhmmss, at most
// 18:00:00.
func isZoneOffset(s string) bool {
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return false
	}
	digits := s[1:]
	if len(digits) == 1 {
		digits = "0" + digits
	}
	var parts []string
	switch len(digits) {
	case 2:
		parts = []string{digits}
	case 4:
		parts = []string{digits[:2], digits[2:]}
	case 5:
		if digits[2] != ':' {
			return false
		}
		parts = []string{digits[:2], digits[3:]}
	case 6:
		parts = []string{digits[:2], digits[2:4], digits[4:]}
	case 8:
		if digits[2] != ':' || digits[5] != ':' {
			return false
		}
		parts = []string{digits[:2], digits[3:5], digits[6:]}
	default:
		return false
	}
	seconds := 0
	for i, p := range parts {
		if !isDigit(p[0]) || !isDigit(p[1]) {
			return false
		}
		n := int(p[0]-'0')*10 + int(p[1]-'0')
		if i > 0 && n > 59 {
			return false
		}
		seconds = seconds*60 + n
	}
	for range 3 - len(parts) {
		seconds *= 60
	}
	return seconds <= 18*3600
}

// IsLocale reports whether s is a java.util.Locale as FusionAuth reads one.
// Its documentation: "the Java standard format of a ISO 639-1 two letter
// language code followed by an optional underscore and a ISO 3166-1
// alpha-2 country code"; Prime MVC, the framework FusionAuth runs on,
// reads a Locale with Apache Commons' LocaleUtils.toLocale, whose strict
// rules this follows: a language of two or three lower-case letters ("en",
// "haw"), then optionally a separator ("_", or "-" when there is no "_")
// and a country of two upper-case letters or a UN M.49 area of three
// digits ("en_US", "es-419"), then optionally a variant ("no_NO_NY", or
// "fr__POSIX" with no country). Refused: the wrong case ("EN", "en_us"),
// a script ("zh-Hant"), more parts. Narrower than LocaleUtils: letters are
// ASCII, a variant is one to eight ASCII letters and digits (Java takes
// any text there), and a locale needs a language ("_US" names none).
func IsLocale(s string) bool {
	sep := "-"
	if strings.Contains(s, "_") {
		sep = "_"
	}
	parts := strings.Split(s, sep)
	if len(parts) > 3 || !isLanguage(parts[0]) {
		return false
	}
	if len(parts) == 1 {
		return true
	}
	country := parts[1]
	if len(parts) == 2 {
		return isCountry(country)
	}
	return (country == "" || isCountry(country)) && isVariant(parts[2])
}

func isLanguage(s string) bool {
	if len(s) != 2 && len(s) != 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// isCountry: ISO 3166-1 alpha-2 (upper case) or a UN M.49 area ("419").
func isCountry(s string) bool {
	switch len(s) {
	case 2:
		return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
	case 3:
		return isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2])
	}
	return false
}

func isVariant(s string) bool {
	if s == "" || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }
func isHex(c byte) bool   { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
