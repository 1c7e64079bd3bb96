package authcore

// decodeLoginRequest decodes the body every Complete-Twitter-Login carries,
// in its common shape, without reflection: an object of the members
// applicationId, identityProviderId, ipAddress (strings), noJWT, noLink
// (booleans) and data (an object of strings), each at most once, every
// string printable ASCII without escapes. It reports false, leaving req
// alone, for anything else (metaData, an unknown or differently cased
// member, a null, a number, an escape, a duplicate, malformed JSON); the
// caller then decodes with DecodeJSON's general path, which accepts or
// refuses exactly as before. Where it reports true the result is what that
// path gives: FuzzDecodeLoginRequest holds the two together.
func decodeLoginRequest(data []byte, req *IdentityProviderLoginRequest) bool {
	d := loginDecoder{b: data}
	var out IdentityProviderLoginRequest
	var seen uint8
	d.space()
	if !d.byte('{') {
		return false
	}
	d.space()
	if d.byte('}') {
		return d.end(req, &out)
	}
	for {
		key, ok := d.str()
		if !ok {
			return false
		}
		d.space()
		if !d.byte(':') {
			return false
		}
		d.space()
		var bit uint8
		switch string(key) {
		case "applicationId":
			bit = 1 << 0
			out.ApplicationID, ok = d.strValue()
		case "identityProviderId":
			bit = 1 << 1
			out.IdentityProviderID, ok = d.strValue()
		case "ipAddress":
			bit = 1 << 2
			out.IPAddress, ok = d.strValue()
		case "noJWT":
			bit = 1 << 3
			out.NoJWT, ok = d.boolean()
		case "noLink":
			bit = 1 << 4
			out.NoLink, ok = d.boolean()
		case "data":
			bit = 1 << 5
			out.Data, ok = d.stringMap()
		default:
			return false
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		d.space()
		if d.byte('}') {
			return d.end(req, &out)
		}
		if !d.byte(',') {
			return false
		}
		d.space()
	}
}

type loginDecoder struct {
	b []byte
	i int
}

func (d *loginDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// byte consumes c if it is next.
func (d *loginDecoder) byte(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// end accepts the body when only whitespace follows the object.
func (d *loginDecoder) end(req, out *IdentityProviderLoginRequest) bool {
	d.space()
	if d.i != len(d.b) {
		return false
	}
	*req = *out
	return true
}

// str reads a string of printable ASCII without escapes, the bytes JSON
// and Go agree on without any decoding.
func (d *loginDecoder) str() ([]byte, bool) {
	if !d.byte('"') {
		return nil, false
	}
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		if c == '"' {
			s := d.b[start:d.i]
			d.i++
			return s, true
		}
		if c < 0x20 || c >= 0x7f || c == '\\' {
			return nil, false
		}
		d.i++
	}
	return nil, false
}

func (d *loginDecoder) strValue() (string, bool) {
	s, ok := d.str()
	return string(s), ok
}

func (d *loginDecoder) boolean() (bool, bool) {
	rest := d.b[d.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		d.i += 4
		return true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		d.i += 5
		return false, true
	}
	return false, false
}

// stringMap reads an object whose members are all strings, none twice.
func (d *loginDecoder) stringMap() (map[string]string, bool) {
	if !d.byte('{') {
		return nil, false
	}
	m := make(map[string]string, 4)
	d.space()
	if d.byte('}') {
		return m, true
	}
	for {
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		if _, dup := m[string(k)]; dup {
			return nil, false
		}
		d.space()
		if !d.byte(':') {
			return nil, false
		}
		d.space()
		v, ok := d.strValue()
		if !ok {
			return nil, false
		}
		m[string(k)] = v
		d.space()
		if d.byte('}') {
			return m, true
		}
		if !d.byte(',') {
			return nil, false
		}
		d.space()
	}
}

func (r *IdentityProviderLoginRequest) isZero() bool {
	return r.ApplicationID == "" && r.IdentityProviderID == "" && r.Data == nil && r.IPAddress == "" &&
		r.MetaData == nil && r.EventInfo == nil && !r.NoJWT && !r.NoLink
}
