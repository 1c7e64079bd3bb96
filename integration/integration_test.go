package integration

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/authcore/authcore/validation"
)

func TestValidate(t *testing.T) {
	appID := "27a7e845-79ec-4b24-a36d-66a224055395"
	tests := []struct {
		name string
		in   Integrations
		want []string // codes; nil means valid
	}{
		{"defaults are valid", Defaults(), nil},
		{"disabled kafka needs no topic", Integrations{Kafka: Kafka{Producer: map[string]string{"x": "y"}}}, nil},
		{"enabled kafka without topic", Integrations{Kafka: Kafka{Enabled: true}}, []string{"[blank]integrations.kafka.defaultTopic"}},
		{"enabled kafka with illegal topic", Integrations{Kafka: Kafka{Enabled: true, DefaultTopic: "a topic"}}, []string{"[invalid]integrations.kafka.defaultTopic"}},
		{"topic dot-dot", Integrations{Kafka: Kafka{Enabled: true, DefaultTopic: ".."}}, []string{"[invalid]integrations.kafka.defaultTopic"}},
		{"enabled kafka with topic", Integrations{Kafka: Kafka{Enabled: true, DefaultTopic: "FusionAuth"}}, nil},
		{"unknown producer keys are fine", Integrations{Kafka: Kafka{Enabled: true, DefaultTopic: "t", Producer: map[string]string{"whatever.key": "1"}}}, nil},
		// docs/DECISIONS.md: an empty producer key is refused, enabled or
		// not (the producer cannot be given one).
		{"empty producer key", Integrations{Kafka: Kafka{Enabled: true, DefaultTopic: "t", Producer: map[string]string{"": "1"}}}, []string{"[invalid]integrations.kafka.producer"}},
		{"blank producer key, disabled", Integrations{Kafka: Kafka{Producer: map[string]string{" ": "1", "linger.ms": "5"}}}, []string{"[invalid]integrations.kafka.producer"}},
		{"enabled cleanspeak without url", Integrations{CleanSpeak: CleanSpeak{Enabled: true}}, []string{"[blank]integrations.cleanspeak.url"}},
		{"cleanspeak relative url", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "localhost:8001"}}, []string{"[invalid]integrations.cleanspeak.url"}},
		// An authority without a host: Go would dial the local machine.
		{"cleanspeak url without a host", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://:8001"}}, []string{"[invalid]integrations.cleanspeak.url"}},
		{"cleanspeak url with user info only", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "https://user@:443/"}}, []string{"[invalid]integrations.cleanspeak.url"}},
		// Go's dialer refuses a port outside 1..65535 (0 is no port to
		// connect to): every username would be kept PENDING.
		{"cleanspeak url with a port above 65535", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://cs:65536"}}, []string{"[invalid]integrations.cleanspeak.url"}},
		{"cleanspeak url with port 0", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "https://cs:0/"}}, []string{"[invalid]integrations.cleanspeak.url"}},
		{"cleanspeak url with port 65535", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://cs:65535"}}, nil},
		{"cleanspeak url with an empty port", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://cs:/"}}, nil},
		{"cleanspeak ftp url", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "ftp://x"}}, []string{"[invalid]integrations.cleanspeak.url"}},
		// The url is a java.net.URI in FusionAuth's domain: one that is not
		// a URI is refused as it is read, enabled or not.
		{"cleanspeak url not a URI, disabled", Integrations{CleanSpeak: CleanSpeak{URL: "not a url"}}, []string{"[invalidJSON]integrations.cleanspeak.url"}},
		{"cleanspeak url with a space in its path", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://cs/a b"}}, []string{"[invalidJSON]integrations.cleanspeak.url"}},
		{"cleanspeak url with a bad escape, disabled", Integrations{CleanSpeak: CleanSpeak{URL: "http://cs/%zz"}}, []string{"[invalidJSON]integrations.cleanspeak.url"}},
		{"cleanspeak url, disabled", Integrations{CleanSpeak: CleanSpeak{URL: "http://localhost:8001/"}}, nil},
		{"moderation without application", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://localhost:8001", UsernameModeration: UsernameModeration{Enabled: true}}}, []string{"[blank]integrations.cleanspeak.usernameModeration.applicationId"}},
		{"moderation with bad application id", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://localhost:8001", UsernameModeration: UsernameModeration{Enabled: true, ApplicationID: "nope"}}}, []string{"[invalid]integrations.cleanspeak.usernameModeration.applicationId"}},
		{"bad application id, moderation disabled", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://localhost:8001", UsernameModeration: UsernameModeration{ApplicationID: "nope"}}}, []string{"[invalid]integrations.cleanspeak.usernameModeration.applicationId"}},
		{"bad application id, cleanspeak disabled", Integrations{CleanSpeak: CleanSpeak{UsernameModeration: UsernameModeration{Enabled: true, ApplicationID: "nope"}}}, []string{"[invalid]integrations.cleanspeak.usernameModeration.applicationId"}},
		{"moderation disabled without application", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://localhost:8001"}}, nil},
		{"moderation complete", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://localhost:8001", UsernameModeration: UsernameModeration{Enabled: true, ApplicationID: appID}}}, nil},
		// The key is sent in a header, where net/http refuses control
		// characters before the request leaves.
		{"cleanspeak api key with a newline", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://localhost:8001", APIKey: "key\n"}}, []string{"[invalid]integrations.cleanspeak.apiKey"}},
		{"cleanspeak api key with DEL, disabled", Integrations{CleanSpeak: CleanSpeak{APIKey: "k\x7fey"}}, []string{"[invalid]integrations.cleanspeak.apiKey"}},
		{"cleanspeak api key with a tab and non-ASCII", Integrations{CleanSpeak: CleanSpeak{Enabled: true, URL: "http://localhost:8001", APIKey: "k\té"}}, nil},
		{"bad application ids", Integrations{CleanSpeak: CleanSpeak{ApplicationIDs: []string{appID, "x"}}}, []string{"[invalid]integrations.cleanspeak.applicationIds"}},
		{"both broken", Integrations{CleanSpeak: CleanSpeak{Enabled: true}, Kafka: Kafka{Enabled: true}}, []string{"[blank]integrations.cleanspeak.url", "[blank]integrations.kafka.defaultTopic"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(Normalize(tc.in))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			v, ok := err.(*validation.Errors)
			if !ok {
				t.Fatalf("want *validation.Errors, got %T %v", err, err)
			}
			if got := v.Codes(); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("codes %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNormalizeProducerDefaults(t *testing.T) {
	in := Integrations{Kafka: Kafka{Enabled: true, DefaultTopic: " t ", Producer: map[string]string{"linger.ms": "5"}}}
	out := Normalize(in)
	want := map[string]string{"linger.ms": "5", "bootstrap.servers": "localhost:9092", "max.block.ms": "5000", "request.timeout.ms": "2000"}
	if !reflect.DeepEqual(out.Kafka.Producer, want) || out.Kafka.DefaultTopic != "t" {
		t.Fatalf("got %+v", out.Kafka)
	}
	if len(in.Kafka.Producer) != 1 {
		t.Fatal("Normalize changed its input")
	}
	// A configured bootstrap server keeps the producer as given.
	own := Normalize(Integrations{Kafka: Kafka{Enabled: true, Producer: map[string]string{"bootstrap.servers": "k:9092"}}})
	if !reflect.DeepEqual(own.Kafka.Producer, map[string]string{"bootstrap.servers": "k:9092"}) {
		t.Fatalf("got %v", own.Kafka.Producer)
	}
	// Disabled Kafka gets no defaults.
	if off := Normalize(Integrations{}); off.Kafka.Producer != nil {
		t.Fatalf("got %v", off.Kafka.Producer)
	}
}

func TestNormalizeLowerCasesIDs(t *testing.T) {
	in := Integrations{CleanSpeak: CleanSpeak{
		ApplicationIDs:     []string{" 11111111-AAAA-1111-1111-111111111111 "},
		UsernameModeration: UsernameModeration{ApplicationID: "27A7E845-79EC-4B24-A36D-66A224055395"},
	}}
	out := Normalize(in)
	if !reflect.DeepEqual(out.CleanSpeak.ApplicationIDs, []string{"11111111-aaaa-1111-1111-111111111111"}) ||
		out.CleanSpeak.UsernameModeration.ApplicationID != "27a7e845-79ec-4b24-a36d-66a224055395" {
		t.Fatalf("got %+v", out.CleanSpeak)
	}
	if in.CleanSpeak.ApplicationIDs[0] != " 11111111-AAAA-1111-1111-111111111111 " {
		t.Fatal("Normalize changed its input")
	}
}

func TestInputAliasAndTwilio(t *testing.T) {
	body := `{"integrations":{"cleanSpeakConfiguration":{"enabled":true,"url":"http://cs"},"twilio":{"enabled":true,"accountSID":"x"},"kafka":{"enabled":false}}}`
	var in Input
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	v := in.Value()
	if !v.CleanSpeak.Enabled || v.CleanSpeak.URL != "http://cs" {
		t.Fatalf("alias not read: %+v", v.CleanSpeak)
	}
	out, _ := json.Marshal(Output{Integrations: v})
	if string(out) != `{"integrations":{"cleanspeak":{"enabled":true,"url":"http://cs","usernameModeration":{"enabled":false}},"kafka":{"enabled":false}}}` {
		t.Fatalf("output %s", out)
	}
	both := `{"integrations":{"cleanspeak":{"url":"http://a"},"cleanSpeakConfiguration":{"url":"http://b"}}}`
	in = Input{}
	_ = json.Unmarshal([]byte(both), &in)
	if got := in.Value().CleanSpeak.URL; got != "http://a" {
		t.Fatalf("cleanspeak must win over the alias, got %q", got)
	}
}

func ExampleValidate() {
	err := Validate(Normalize(Integrations{Kafka: Kafka{Enabled: true}}))
	fmt.Println(err)
	// Output: validation: [blank]integrations.kafka.defaultTopic
}
