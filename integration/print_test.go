package integration_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/authcore/authcore/integration"
)

// The CleanSpeak API key, the password of its URL's user info and the Kafka
// producer's passwords never print:
// %v of an integrations value printed the API key and every producer
// value, sasl.jaas.config's password included, and slog's JSON handler
// marshalled them as the API returns them.
func TestIntegrationsNeverPrintSecrets(t *testing.T) {
	const apiKey, jaasPass, sslPass, other, urlPass = "CS-API-KEY-VALUE", "JAAS-PASSWORD-VALUE", "SSL-KEY-PASSWORD-VALUE", "UNKNOWN-KEY-VALUE", "CS-URL-PASSWORD"
	// The URL's user info may carry CleanSpeak's credentials too.
	cs := integration.CleanSpeak{APIKey: apiKey, Enabled: true, URL: "https://svc:" + urlPass + "@cs.example.com",
		UsernameModeration: integration.UsernameModeration{ApplicationID: "3c219e58-ed0e-4b18-ad48-f4f92793ae32", Enabled: true}}
	kf := integration.Kafka{DefaultTopic: "events", Enabled: true, Producer: map[string]string{
		"bootstrap.servers": "broker.example:9092",
		"sasl.jaas.config":  `org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="` + jaasPass + `";`,
		"ssl.key.password":  sslPass,
		"some.future.key":   other,
	}}
	all := integration.Integrations{CleanSpeak: cs, Kafka: kf}
	csPlain := []string{"https://svc:", "@cs.example.com", "3c219e58-ed0e-4b18-ad48-f4f92793ae32"}
	kfPlain := []string{"broker.example:9092", "sasl.jaas.config", "ssl.key.password", "events"}
	bothPlain := append(append([]string(nil), csPlain...), kfPlain...)
	cases := []struct {
		name  string
		v     any
		plain []string
	}{
		{"CleanSpeak", cs, csPlain},
		{"Kafka", kf, kfPlain},
		{"Integrations", all, bothPlain},
		{"Output", integration.Output{Integrations: all}, bothPlain},
		{"Input", integration.Input{Integrations: &integration.InputIntegrations{CleanSpeak: &cs, Kafka: kf}}, bothPlain},
		{"InputIntegrations", integration.InputIntegrations{CleanSpeakConfiguration: &cs, Kafka: kf}, bothPlain},
	}
	for _, c := range cases {
		name, v := c.name, c.v
		t.Run(name, func(t *testing.T) {
			var outs []string
			for _, verb := range []string{"%v", "%+v", "%s", "%#v", "%q", "%x"} {
				outs = append(outs, fmt.Sprintf(verb, v))
			}
			var text, js bytes.Buffer
			slog.New(slog.NewTextHandler(&text, nil)).Info("integrations", "value", v)
			slog.New(slog.NewJSONHandler(&js, nil)).Info("integrations", "value", v)
			outs = append(outs, text.String(), js.String())
			for _, out := range outs {
				for _, secret := range []string{apiKey, jaasPass, sslPass, other, urlPass} {
					if strings.Contains(out, secret) {
						t.Errorf("printed %q: %s", secret, out)
					}
				}
				// What is no secret is still there to debug with.
				for _, plain := range c.plain {
					if !strings.Contains(out, plain) {
						t.Errorf("lost %q, no secret: %s", plain, out)
					}
				}
			}
		})
	}
}
