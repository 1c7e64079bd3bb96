package patch

import (
	"fmt"
	"strings"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
)

// Each benchmark runs this package's function ("ours") next to the raw
// evanphx/json-patch call on the same input ("raw"). For Merge the raw call
// is the library's RFC 7396 MergePatch: it has different semantics (arrays
// replace) but does the same work, so it is the nearest yardstick.

type benchInput struct {
	name       string
	doc        []byte
	merge      []byte // legacy and RFC 7396 body
	jsonPatch  []byte // plain RFC 6902 body (library route)
	withTest   []byte // RFC 6902 body with a "test" op (tree-engine route)
	replaceOpt Options
}

func benchInputs() []benchInput {
	small := benchInput{
		name: "integrations",
		doc: []byte(`{"integrations":{"cleanspeak":{"apiKey":"7a4b2c1d-secret","applicationIds":["3c219e58-ed0e-4b18-ad48-f4f92793ae32","e6f4c2a1-1b2c-4d5e-8f90-123456789abc"],"enabled":true,"url":"https://cleanspeak.example.com","usernameModeration":{"applicationId":"3c219e58-ed0e-4b18-ad48-f4f92793ae32","enabled":true}},` +
			`"kafka":{"defaultTopic":"fusionauth-events","enabled":true,"producer":{"bootstrap.servers":"kafka-1:9092,kafka-2:9092","max.block.ms":"5000","request.timeout.ms":"2000","acks":"all","compression.type":"lz4","linger.ms":"5"}}}}`),
		merge:      []byte(`{"integrations":{"cleanspeak":{"applicationIds":["0a1b2c3d-0000-4000-8000-000000000001"]},"kafka":{"enabled":false,"producer":{"linger.ms":null,"batch.size":"32768"}}}}`),
		jsonPatch:  []byte(`[{"op":"replace","path":"/integrations/kafka/enabled","value":false},{"op":"remove","path":"/integrations/kafka/producer/linger.ms"},{"op":"add","path":"/integrations/kafka/producer/batch.size","value":"32768"},{"op":"add","path":"/integrations/cleanspeak/applicationIds/-","value":"0a1b2c3d-0000-4000-8000-000000000001"}]`),
		withTest:   []byte(`[{"op":"test","path":"/integrations/kafka/enabled","value":true},{"op":"replace","path":"/integrations/kafka/enabled","value":false}]`),
		replaceOpt: Options{ReplacePaths: []string{"integrations.cleanspeak.applicationIds"}},
	}

	// ~100 KB: an identity provider configured for 520 applications.
	var b strings.Builder
	b.WriteString(`{"identityProvider":{"buttonText":"Login with Twitter","consumerKey":"key","consumerSecret":"secret","debug":false,"enabled":true,"linkingStrategy":"LinkByEmail","applicationConfiguration":{`)
	for i := 0; i < 520; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%08d-0000-4000-8000-%012d":{"buttonText":"Sign in to app %d","consumerKey":"ck-%d","consumerSecret":"cs-%d","createRegistration":true,"enabled":%t,"roles":["user","viewer"]}`,
			i, i, i, i, i, i%2 == 0)
	}
	b.WriteString(`},"domains":["a.example","b.example"],"lambdaConfiguration":{"reconcileId":"f1e2d3c4-0000-4000-8000-000000000000"}}}`)
	const app = "00000200-0000-4000-8000-000000000200"
	large := benchInput{
		name:       "100KB",
		doc:        []byte(b.String()),
		merge:      []byte(`{"identityProvider":{"debug":true,"applicationConfiguration":{"` + app + `":{"enabled":false,"roles":["admin"]}}}}`),
		jsonPatch:  []byte(`[{"op":"replace","path":"/identityProvider/debug","value":true},{"op":"replace","path":"/identityProvider/applicationConfiguration/` + app + `/enabled","value":false},{"op":"add","path":"/identityProvider/applicationConfiguration/` + app + `/roles/-","value":"admin"}]`),
		withTest:   []byte(`[{"op":"test","path":"/identityProvider/debug","value":false},{"op":"replace","path":"/identityProvider/debug","value":true}]`),
		replaceOpt: Options{ReplacePaths: []string{"identityProvider.applicationConfiguration.*.roles"}},
	}
	return []benchInput{small, large}
}

func reportSize(b *testing.B, in benchInput) {
	b.SetBytes(int64(len(in.doc)))
	b.ReportAllocs()
}

func BenchmarkMerge(b *testing.B) {
	for _, in := range benchInputs() {
		b.Run(in.name+"/ours", func(b *testing.B) {
			reportSize(b, in)
			for b.Loop() {
				if _, err := Merge(in.doc, in.merge, in.replaceOpt); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/raw", func(b *testing.B) {
			reportSize(b, in)
			for b.Loop() {
				if _, err := jsonpatch.MergePatch(in.doc, in.merge); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMergePatch(b *testing.B) {
	for _, in := range benchInputs() {
		b.Run(in.name+"/ours", func(b *testing.B) {
			reportSize(b, in)
			for b.Loop() {
				if _, err := MergePatch(in.doc, in.merge); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/raw", func(b *testing.B) {
			reportSize(b, in)
			for b.Loop() {
				if _, err := jsonpatch.MergePatch(in.doc, in.merge); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkJSONPatch(b *testing.B) {
	for _, in := range benchInputs() {
		for _, form := range []struct {
			name  string
			patch []byte
		}{
			{"plain", in.jsonPatch},
			{"with-test", in.withTest},
		} {
			b.Run(in.name+"/"+form.name+"/ours", func(b *testing.B) {
				reportSize(b, in)
				for b.Loop() {
					if _, err := JSONPatch(in.doc, form.patch, Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(in.name+"/"+form.name+"/raw", func(b *testing.B) {
				reportSize(b, in)
				opts := libraryOptions(Options{})
				for b.Loop() {
					lp, err := jsonpatch.DecodePatch(form.patch)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := lp.ApplyWithOptions(in.doc, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func TestBenchInputsApply(t *testing.T) {
	// Keeps the benchmark inputs honest: every body applies cleanly.
	for _, in := range benchInputs() {
		if _, err := Merge(in.doc, in.merge, in.replaceOpt); err != nil {
			t.Errorf("%s merge: %v", in.name, err)
		}
		for _, p := range [][]byte{in.jsonPatch, in.withTest} {
			if _, err := JSONPatch(in.doc, p, Options{}); err != nil {
				t.Errorf("%s json patch: %v", in.name, err)
			}
		}
		if in.name == "100KB" && (len(in.doc) < 90_000 || len(in.doc) > 110_000) {
			t.Errorf("100KB document is %d bytes", len(in.doc))
		}
	}
}

// BenchmarkJSONPatchLong is a long patch of array inserts: the library
// copies the array on every insert, the tree engine (which such a patch
// goes to, libraryMaxOps) does not.
func BenchmarkJSONPatchLong(b *testing.B) {
	doc := []byte(`{"a":[]}`)
	var ops []string
	for i := range 4000 {
		ops = append(ops, fmt.Sprintf(`{"op":"add","path":"/a/0","value":%d}`, i))
	}
	p := []byte("[" + strings.Join(ops, ",") + "]")
	b.Run("ours", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := JSONPatch(doc, p, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		opts := libraryOptions(Options{})
		for b.Loop() {
			lp, err := jsonpatch.DecodePatch(p)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := lp.ApplyWithOptions(doc, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}
