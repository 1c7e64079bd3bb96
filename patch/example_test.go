package patch_test

import (
	"errors"
	"fmt"

	"github.com/authcore/authcore/patch"
)

func ExampleMerge() {
	stored := []byte(`{"integrations":{"cleanspeak":{"applicationIds":["a1"],"enabled":true},"kafka":{"producer":{"acks":"1","linger.ms":"5"}}}}`)
	body := []byte(`{"integrations":{"cleanspeak":{"applicationIds":["a2"]},"kafka":{"producer":{"acks":"all","linger.ms":null}}}}`)

	// Arrays are appended, as FusionAuth does ...
	out, err := patch.Merge(stored, body, patch.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))

	// ... except where the caller lists the field as replace-on-patch.
	out, err = patch.Merge(stored, body, patch.Options{ReplacePaths: []string{"integrations.cleanspeak.applicationIds"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output:
	// {"integrations":{"cleanspeak":{"applicationIds":["a1","a2"],"enabled":true},"kafka":{"producer":{"acks":"all"}}}}
	// {"integrations":{"cleanspeak":{"applicationIds":["a2"],"enabled":true},"kafka":{"producer":{"acks":"all"}}}}
}

func ExampleMergePatch() {
	stored := []byte(`{"identityProvider":{"buttonText":"Login with Twitter","debug":true,"domains":["a.example"]}}`)
	body := []byte(`{"identityProvider":{"debug":null,"domains":["b.example"]}}`)

	out, err := patch.MergePatch(stored, body)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output:
	// {"identityProvider":{"buttonText":"Login with Twitter","domains":["b.example"]}}
}

func ExampleJSONPatch() {
	stored := []byte(`{"integrations":{"kafka":{"defaultTopic":"events","enabled":false}}}`)

	out, err := patch.JSONPatch(stored, []byte(`[
		{"op":"test","path":"/integrations/kafka/enabled","value":false},
		{"op":"replace","path":"/integrations/kafka/enabled","value":true}
	]`), patch.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))

	// A failed test aborts the whole patch.
	_, err = patch.JSONPatch(out, []byte(`[
		{"op":"replace","path":"/integrations/kafka/defaultTopic","value":"other"},
		{"op":"test","path":"/integrations/kafka/enabled","value":false}
	]`), patch.Options{})
	fmt.Println(errors.Is(err, patch.ErrTestFailed))
	fmt.Println(err)
	// Output:
	// {"integrations":{"kafka":{"defaultTopic":"events","enabled":true}}}
	// true
	// patch: test operation failed: op[1] (test "/integrations/kafka/enabled"): the value differs
}

func ExampleApply() {
	stored := []byte(`{"integrations":{"kafka":{"enabled":false}}}`)

	out, err := patch.Apply("application/merge-patch+json; charset=UTF-8", stored,
		[]byte(`{"integrations":{"kafka":{"enabled":true}}}`), patch.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))

	_, err = patch.Apply("text/plain", stored, []byte(`{}`), patch.Options{})
	fmt.Println(errors.Is(err, patch.ErrUnsupportedType))
	// Output:
	// {"integrations":{"kafka":{"enabled":true}}}
	// true
}

// A document that leaves empty members out still has them for an RFC 6902
// patch whose operations go through them, when the caller names them.
func ExampleJSONPatch_omittedEmpty() {
	stored := []byte(`{"user":{"email":"ann@example.com"}}`) // data is empty, so not shown
	body := []byte(`[{"op":"add","path":"/user/data/plan","value":"gold"}]`)

	_, err := patch.JSONPatch(stored, body, patch.Options{})
	fmt.Println(errors.Is(err, patch.ErrInvalidPatch))

	out, err := patch.JSONPatch(stored, body, patch.Options{OmittedEmpty: map[string]string{"/user/data": "{}"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output:
	// true
	// {"user":{"data":{"plan":"gold"},"email":"ann@example.com"}}
}
