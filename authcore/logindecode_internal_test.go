package authcore

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/internal/strictjson"
)

// generalDecode is DecodeJSON's path for every other body.
func generalDecode(data []byte) (IdentityProviderLoginRequest, error) {
	var req IdentityProviderLoginRequest
	err := strictjson.Decode(data, &req, strictjson.DefaultMaxDepth)
	return req, err
}

var loginBodies = []string{
	`{"applicationId":"3c219e58-ed0e-4b18-ad48-f4f92793ae32","identityProviderId":"45bb233c-0901-4236-b5ca-ac46e2e0a5a5","data":{"oauth_token":"t","oauth_token_secret":"s","oauth_verifier":"v"}}`,
	" \n\t{ \"data\" : { } , \"noJWT\" : true,\"noLink\":false , \"ipAddress\":\"10.0.0.1\" } \r\n",
	`{}`,
	`{"data":{"a":"","b":"x y ~!@#$%^&*()<>"}}`,
	`{"noLink":true,"applicationId":"","identityProviderId":"x"}`,
}

// The fast path takes the bodies clients send, and gives what the general
// path gives.
func TestDecodeLoginRequestFastPath(t *testing.T) {
	for _, body := range loginBodies {
		var fast IdentityProviderLoginRequest
		require.True(t, decodeLoginRequest([]byte(body), &fast), "fast path declined %s", body)
		want, err := generalDecode([]byte(body))
		require.NoError(t, err)
		assert.Equal(t, want, fast, body) // DeepEqual: a nil map is not an empty one
	}
}

// Everything outside the common shape goes to the general path, which gives
// its own answer or error: DecodeJSON must give exactly that.
func TestDecodeLoginRequestDeclines(t *testing.T) {
	for _, body := range []string{
		`{"applicationId":"a\u0062c"}`,              // an escape
		`{"applicationId":"Zoë"}`,                   // not ASCII
		"{\"applicationId\":\"bad \xff utf8\"}",     // invalid UTF-8 (encoding/json substitutes U+FFFD)
		`{"applicationId":null}`,                    // null leaves the field absent
		`{"ApplicationId":"x"}`,                     // encoding/json matches any case
		`{"applicationId":"x","applicationId":"y"}`, // duplicate
		`{"data":{"a":"1","a":"2"}}`,                // duplicate inside data
		`{"data":{"a":1}}`,                          // wrong type
		`{"noJWT":"true"}`,                          // wrong type
		`{"noJWT":truex}`,                           // malformed
		`{"metaData":{"device":{"name":"phone"}}}`,  // not in the fast path
		`{"unknown":1,"applicationId":"x"}`,         // unknown member, ignored by the general path
		`{"applicationId":"x"} {}`,                  // trailing data
		`{"applicationId":"x",}`,                    // trailing comma
		`{"applicationId":"x"`,                      // cut short
		`[]`, ``, `null`, `"x"`,
	} {
		var fast IdentityProviderLoginRequest
		assert.False(t, decodeLoginRequest([]byte(body), &fast), "fast path took %s", body)
		assert.Equal(t, IdentityProviderLoginRequest{}, fast, "declined but wrote: %s", body)

		want, wantErr := generalDecode([]byte(body))
		var got IdentityProviderLoginRequest
		err := DecodeJSON([]byte(body), &got)
		assert.Equal(t, wantErr != nil, err != nil, body)
		assert.Equal(t, want, got, body)
	}
}

// A request that is not zero goes to the general path, which merges into it.
func TestDecodeLoginRequestOnlyIntoZero(t *testing.T) {
	req := IdentityProviderLoginRequest{Data: map[string]string{"kept": "1"}}
	require.NoError(t, DecodeJSON([]byte(`{"data":{"added":"2"}}`), &req))
	assert.Equal(t, map[string]string{"kept": "1", "added": "2"}, req.Data)

	// isZero must see every field: one added to the request and not to
	// isZero would let the fast path overwrite it.
	rt := reflect.TypeFor[IdentityProviderLoginRequest]()
	for i := range rt.NumField() {
		var r IdentityProviderLoginRequest
		f := reflect.ValueOf(&r).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Map:
			f.Set(reflect.MakeMap(f.Type()))
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
		default:
			t.Fatalf("field %s: kind %s not covered", rt.Field(i).Name, f.Kind())
		}
		assert.False(t, r.isZero(), "isZero ignores %s", rt.Field(i).Name)
	}
}

// FuzzDecodeLoginRequest: wherever the fast path accepts a body, the
// general path accepts it too and decodes the same request.
//
//	go test ./authcore -run '^$' -fuzz FuzzDecodeLoginRequest -fuzztime 1m
func FuzzDecodeLoginRequest(f *testing.F) {
	for _, b := range loginBodies {
		f.Add([]byte(b))
	}
	f.Add([]byte(`{"data":{"a":"1","a":"2"}}`))
	f.Add([]byte(`{"noJWT":true,"noJWT":false}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast IdentityProviderLoginRequest
		if !decodeLoginRequest(body, &fast) {
			require.Equal(t, IdentityProviderLoginRequest{}, fast)
			return
		}
		want, err := generalDecode(body)
		require.NoError(t, err, "fast path took a body the general path refuses: %q", body)
		require.Equal(t, want, fast, "%q", body)
	})
}

// BenchmarkDecodeLoginRequest: a Twitter login's body through DecodeJSON,
// and through the general path it used before.
func BenchmarkDecodeLoginRequest(b *testing.B) {
	body := []byte(loginBodies[0])
	b.Run("authcore", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var req IdentityProviderLoginRequest
			if err := DecodeJSON(body, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("general", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := generalDecode(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
