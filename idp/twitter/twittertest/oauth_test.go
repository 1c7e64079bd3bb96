package twittertest

import (
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBaseStringRFC5849Section3411 is the worked example of RFC 5849
// §3.4.1.1: a repeated parameter, "+" in a form body, a parameter without
// "=", encoded names, and a realm that must be left out.
func TestBaseStringRFC5849Section3411(t *testing.T) {
	r := httptest.NewRequest("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", strings.NewReader("c2&a3=2+q"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", `OAuth realm="Example",
                oauth_consumer_key="9djdj82h48djs9d2",
                oauth_token="kkk9d7dh3k39sjv7",
                oauth_signature_method="HMAC-SHA1",
                oauth_timestamp="137131201",
                oauth_nonce="7d8f3e4a",
                oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"`)
	sr, err := parseSigned(r, []byte("c2&a3=2+q"))
	if err != nil {
		t.Fatal(err)
	}
	// The RFC prints it wrapped at 64 columns; it is one line.
	want := "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q" +
		"%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_" +
		"key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m" +
		"ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk" +
		"9d7dh3k39sjv7"
	if got := sr.baseString(r); got != want {
		t.Fatalf("base string\n got: %s\nwant: %s", got, want)
	}
	if sr.oauth["oauth_signature"] != "bYT5CMsGcbgUdFHObYMEfcx6bsw=" {
		t.Fatalf("signature not percent-decoded: %q", sr.oauth["oauth_signature"])
	}
	if _, ok := sr.oauth["realm"]; ok {
		t.Fatal("realm kept")
	}
}

// TestSignatureRFC5849Section12 is the photos.example.net example of RFC
// 5849 §1.2, whose secrets are given, so the whole signature can be checked.
func TestSignatureRFC5849Section12(t *testing.T) {
	r := httptest.NewRequest("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", nil)
	r.Header.Set("Authorization", `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`)
	sr, err := parseSigned(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantBase := "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26" +
		"oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26" +
		"oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26" +
		"oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal"
	if got := sr.baseString(r); got != wantBase {
		t.Fatalf("base string\n got: %s\nwant: %s", got, wantBase)
	}
	if got := base64.StdEncoding.EncodeToString(hmacSHA1(wantBase, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00")); got != "MdpQcU8iPSUjWoN/UDMsK2sui9I=" {
		t.Fatalf("signature %s", got)
	}
	if !sr.validSignature(r, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00") {
		t.Fatal("RFC example rejected")
	}
	if sr.validSignature(r, "kd94hf93k423kf44", "wrong") {
		t.Fatal("wrong token secret accepted")
	}
}

func TestBaseStringURI(t *testing.T) {
	cases := map[string]string{
		"http://EXAMPLE.COM:80/r%20v/X?id=123": "http://example.com/r%20v/X",
		"http://example.com:8080/":             "http://example.com:8080/",
		"http://example.com:443/":              "http://example.com:443/",
		"http://example.com":                   "http://example.com/",
	}
	for in, want := range cases {
		r := httptest.NewRequest("GET", in, nil)
		if got := baseStringURI(r); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
	r := httptest.NewRequest("GET", "https://www.example.net:443/?q=1", nil)
	if got := baseStringURI(r); got != "https://www.example.net/" {
		t.Errorf("https default port: %s", got)
	}
}

func TestPercentEncode(t *testing.T) {
	cases := map[string]string{
		"abcABC123-._~": "abcABC123-._~",
		"a b":           "a%20b",
		"a+b":           "a%2Bb",
		"=%3D":          "%3D%253D",
		"c@":            "c%40",
		"ü":             "%C3%BC",
		"*'()!":         "%2A%27%28%29%21",
		"":              "",
	}
	for in, want := range cases {
		if got := percentEncode(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	good, err := parseAuthorization(`oauth oauth_token="a%20b",oauth_nonce="n"`)
	if err != nil || good["oauth_token"] != "a b" || good["oauth_nonce"] != "n" {
		t.Fatalf("got %v %v", good, err)
	}
	// realm is a quoted-string, exempt from §3.6, and dropped.
	good, err = parseAuthorization(`OAuth realm="Example Realm", oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"`)
	if err != nil || len(good) != 1 || good["oauth_signature"] != "tR3+Ty81lMeYAr/Fid0kMTYa/WM=" {
		t.Fatalf("got %v %v", good, err)
	}
	for _, h := range []string{
		`Bearer abc`,
		`OAuth`,
		`OAuth oauth_token=abc`,
		`OAuth oauth_token="abc`,
		`OAuth ="abc"`,
		`OAuth oauth_token="a"x`,
		`OAuth oauth_token="a", oauth_token="b"`,
		`OAuth oauth_token="%zz"`,
		// Not §3.6's encoding of any value: raw reserved characters (an
		// unencoded base64 signature), a raw space or non-ASCII byte, a
		// lower-case escape, an escaped unreserved character, an encoded
		// name written raw.
		`OAuth oauth_signature="tR3+Ty81lMeYAr/Fid0kMTYa/WM="`,
		`OAuth oauth_token="a b"`,
		"OAuth oauth_token=\"caf\xc3\xa9\"",
		`OAuth oauth_token="a%2fb"`,
		`OAuth oauth_token="%41"`,
		`OAuth oauth token="a"`,
	} {
		if _, err := parseAuthorization(h); err == nil {
			t.Errorf("accepted %q", h)
		}
	}
}

func TestIsForm(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/x-www-form-urlencoded":                true,
		"Application/X-WWW-Form-Urlencoded; charset=UTF-8": true,
		"application/json":                                 false,
		"":                                                 false,
	} {
		if isForm(ct) != want {
			t.Errorf("%q", ct)
		}
	}
}

// TestWellEncoded: what percentEncode writes is well encoded, for every
// byte; anything else that decodes to the same string is not.
func TestWellEncoded(t *testing.T) {
	for b := 0; b < 256; b++ {
		s := string([]byte{'a', byte(b), 'z'})
		if enc := percentEncode(s); !wellEncoded(enc) {
			t.Errorf("%q refused", enc)
		}
	}
	for _, raw := range []string{"a b", "a+b", "%2f", "%41", "%", "%2", "%G1", "é"} {
		if wellEncoded(raw) {
			t.Errorf("%q accepted", raw)
		}
	}
}
