package validation

import (
	"slices"
	"testing"
	"time"
	// The list is checked against the embedded database also on a host
	// without zoneinfo files.
	_ "time/tzdata"
)

// What java.net.URI (new URI(s)) accepts and refuses.
func TestIsURI(t *testing.T) {
	valid := []string{
		"https://example.com/a.png",
		"HTTPS://EXAMPLE.COM/A.PNG",
		"https://example.com:8443/a.png?size=48&v=2#top",
		"/avatars/a.png",                 // relative references are URIs
		"a.png",                          // a relative path
		"../a.png",                       //
		"//cdn.example.com/a.png",        // a network-path reference
		"?q",                             // an empty path and a query
		"#top",                           // a fragment alone
		"file:///tmp/a.png",              // an empty authority before a path
		"mailto:ann@example.com",         // opaque
		"urn:isbn:0451450523",            //
		"data:image/png;base64,iVBORw0K", //
		"javascript:void(0)",             // any scheme: java.net.URI does not judge it
		"http://host:abc/",               // a registry-based authority, which Java accepts
		"http://user:pw@example.com/",    //
		"http://[::1]/a.png",             // an IPv6 literal
		"http://[::1]:8080/a.png",        //
		"http://u@[2001:db8::1]:/",       // an empty port
		"http://[::ffff:192.0.2.1]/",     //
		"http://[fe80::1%eth0]/",         // a scope
		"https://example.com/caf%C3%A9.png",
		"https://example.com/café.png",                    // non-ASCII "other" characters
		"https://example.com/a.png?x=[1]",                 // brackets in the query
		"https://example.com/a.png#[1]",                   // and in the fragment
		"https://example.com/\ufffd",                      // U+FFFD is a character like another
		"https://example.com/!$&'()*+,;=:@-._~",           // every sub-delimiter
		"https://example.com/a.png?#",                     // an empty query and fragment
		"https://pbs.twimg.com/profile_images/1/jack.jpg", // Twitter's
	}
	for _, s := range valid {
		if !IsURI(s) {
			t.Errorf("IsURI(%q) = false, want true", s)
		}
	}
	invalid := []string{
		"not a uri",
		"https://example.com/a b.png", // a space
		"https://exa mple.com/",
		" https://example.com/",
		"https://example.com/a\tb",
		"https://example.com/\x7f",
		"https://example.com/\u0085",   // a C1 control character
		"https://example.com/\u00a0",   // a no-break space
		"https://example.com/\u2028",   // a line separator
		"https://example.com/\xff",     // not UTF-8
		"https://example.com/%",        // an escape without its digits
		"https://example.com/%2",       //
		"https://example.com/%zz",      //
		"https://example.com/a#b#c",    // a second '#'
		"https://example.com/{id}",     // characters outside the URI set
		"https://example.com/<a>",      //
		"https://example.com/a|b",      //
		"https://example.com/a^b",      //
		"https://example.com/a`b",      //
		`https://example.com/a"b`,      //
		`https://example.com/a\b`,      //
		"https://example.com/a[1]",     // brackets in a path
		"http:",                        // nothing after the scheme
		"http:#top",                    //
		"http://",                      // nothing after "//"
		"//",                           //
		":a.png",                       // an empty scheme
		"1http://example.com/",         // a scheme starting with a digit
		"ht tp://example.com/",         // a space in the scheme
		"http://[::1/",                 // an IPv6 literal not closed
		"http://[example.com]/",        // not an IPv6 literal
		"http://[192.0.2.1]/",          // an IPv4 address in brackets
		"http://[::1]x/",               // something else after the literal
		"http://[::1]:8a/",             // a port that is no number
		"http://[::1]:99999999999/",    // a port beyond Java's int
		"http://[fe80::1%]/",           // an empty scope
		"http://ex[a]mple.com/",        // brackets outside a literal
		"http://a@b@[::1]/",            // an '@' in the user info
		"mailto:ann smith@example.com", // a space in an opaque part
	}
	for _, s := range invalid {
		if IsURI(s) {
			t.Errorf("IsURI(%q) = true, want false", s)
		}
	}
}

func TestIsLocalDate(t *testing.T) {
	for s, want := range map[string]bool{
		"1976-05-30": true, "1980-02-29": true, "0001-01-01": true,
		"1981-02-29": false, "1976-13-01": false, "1976-05-32": false, "30/05/1976": false,
		"1976-5-30": false, "76-05-30": false, "1976-05-30T00:00:00Z": false, "yesterday": false,
	} {
		if got := IsLocalDate(s); got != want {
			t.Errorf("IsLocalDate(%q) = %v, want %v", s, got, want)
		}
	}
}

// What java.time.ZoneId.of accepts: FusionAuth's documented examples
// (including "UTC-7" and "UTC+2"), offsets, and tz database names.
func TestIsZoneID(t *testing.T) {
	valid := []string{
		"America/Chicago", "America/Denver", "America/New_York", "Asia/Tel_Aviv", "Asia/Tokyo",
		"Europe/Amsterdam", "Europe/Belfast", "Europe/Kiev", "Europe/Paris", "Pacific/Tahiti",
		"US/Central", "US/Pacific", "US/Mountain", "US/Eastern", "UTC-7", "UTC+2", // FusionAuth's list
		"UTC", "GMT", "UT", "Z", "GMT0", "UCT", "Universal", "Etc/GMT+7", "EST5EDT",
		"+2", "-7", "+02", "+0530", "+05:30", "-03:30", "+053015", "+05:30:15", "+18:00", "-18", "+00:00",
		"UTC+05:30", "GMT-3", "UT+1", "GMT+0", "UTC-18:00",
	}
	for _, s := range valid {
		if !IsZoneID(s) {
			t.Errorf("IsZoneID(%q) = false, want true", s)
		}
	}
	invalid := []string{
		"", "A", "z", "Local", "Mars/Olympus", "Not/A_Zone", "america/denver", "AMERICA/DENVER",
		"posix/America/Denver", "right/UTC", "localtime", "posixrules", "Factory", "zone.tab",
		"+", "+123", "+5:30", "+18:01", "+19", "-24:00", "+05:60", "+05:30:60", "+05-30", "+0530:15", "+ab",
		"UTC+25", "UTC+", "UTC0", "UTX", "GMT+5:30", "PST", "/America/Denver", "America/Denver ",
	}
	for _, s := range invalid {
		if IsZoneID(s) {
			t.Errorf("IsZoneID(%q) = true, want false", s)
		}
	}
}

// Every region id the generated list holds is one the tz database Go
// embeds knows, and the list is sorted (IsZoneID searches it).
func TestTzdbNames(t *testing.T) {
	if !slices.IsSorted(tzdbNames[:]) {
		t.Fatal("tzdbNames is not sorted: run go generate ./validation")
	}
	for _, name := range tzdbNames {
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// What LocaleUtils.toLocale accepts, narrowed as IsLocale says.
func TestIsLocale(t *testing.T) {
	valid := []string{
		"en", "fr", "haw", "es_MX", "zh_TW", "zh_CN", "pt_BR", "en-US", "es_419", "es-419",
		"no_NO_NY", "fr__POSIX", "ja_JP_JP", "de-DE-1996",
	}
	for _, s := range valid {
		if !IsLocale(s) {
			t.Errorf("IsLocale(%q) = false, want true", s)
		}
	}
	invalid := []string{
		"", "e", "EN", "En", "english", "en_us", "en-us", "en_USA", "en_U", "en_", "en__", "en_US_",
		"_US", "-US", "zh-Hant", "zh_Hant_TW", "en-US_POSIX", "en_US_POSIX_X", "en_US_toolongvariant",
		"en_US_x-y", "x-00", "en US", "é", "fr_FR ", "en\x00",
	}
	for _, s := range invalid {
		if IsLocale(s) {
			t.Errorf("IsLocale(%q) = true, want false", s)
		}
	}
}
