package twitter_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/validation"
)

const (
	appID       = "1c212e59-0d0e-6b1a-ad48-f4f92793be32"
	otherAppID  = "3c219e58-ed0e-4b18-ad48-f4f92793ae32"
	tenantID    = "e872a880-b14f-6d62-c312-cb40f22af465"
	reconcileID = "a3f0f8c4-5e8b-4f3a-9d2c-1b7e6f5a4d3c"
	seedSecret  = "e2ZpAaAfxv2j9eeh6JTeNcXMWdVLjRNriXm4wSZt1f1Ss3Syp4"
)

type envelope struct {
	IdentityProvider *twitter.Provider `json:"identityProvider"`
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

// TestSeedExampleRoundTrip: the seed's example request, normalized and given
// the engine's read-only fields, is the seed's example response, plus
// linkingStrategy, which we always return.
func TestSeedExampleRoundTrip(t *testing.T) {
	req, err := os.ReadFile("testdata/create_request.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := os.ReadFile("testdata/create_response.json")
	if err != nil {
		t.Fatal(err)
	}
	var in envelope
	if err := json.Unmarshal(req, &in); err != nil {
		t.Fatal(err)
	}
	p := in.IdentityProvider
	p.Normalize()
	if err := p.Validate(twitter.Known{}); err != nil {
		t.Fatalf("seed example does not validate: %v", err)
	}
	p.InsertInstant = 1595361142909
	p.LastUpdateInstant = 1595361143101
	got, err := json.Marshal(envelope{p})
	if err != nil {
		t.Fatal(err)
	}
	want := decodeJSON(t, resp).(map[string]any)
	want["identityProvider"].(map[string]any)["linkingStrategy"] = "LinkByEmail"
	if g := decodeJSON(t, got); !reflect.DeepEqual(g, want) {
		t.Fatalf("round trip differs\n got: %s\nwant: %v", got, want)
	}
	if bytes.Contains(got, []byte("null")) {
		t.Fatalf("null in output: %s", got)
	}
}

// TestDefaultsFillSeedShape: the same request without the fields that have
// defaults produces the same body, so the defaults are the seed's.
func TestDefaultsFillSeedShape(t *testing.T) {
	minimal := `{"identityProvider":{
		"applicationConfiguration":{"` + appID + `":{"enabled":true}},
		"buttonText":"Login with Twitter","consumerKey":"k","consumerSecret":"s","enabled":true,
		"tenantConfiguration":{"` + tenantID + `":{"limitUserLinkCount":{}}},
		"type":"Twitter"}}`
	var in envelope
	if err := json.Unmarshal([]byte(minimal), &in); err != nil {
		t.Fatal(err)
	}
	in.IdentityProvider.Normalize()
	got, _ := json.Marshal(in)
	want := `{"identityProvider":{
		"applicationConfiguration":{"` + appID + `":{"createRegistration":true,"enabled":true}},
		"buttonText":"Login with Twitter","consumerKey":"k","consumerSecret":"s","debug":false,"enabled":true,
		"id":"45bb233c-0901-4236-b5ca-ac46e2e0a5a5","linkingStrategy":"LinkByEmail","name":"Twitter",
		"tenantConfiguration":{"` + tenantID + `":{"limitUserLinkCount":{"enabled":false,"maximumLinks":42}}},
		"type":"Twitter"}}`
	if !reflect.DeepEqual(decodeJSON(t, got), decodeJSON(t, []byte(want))) {
		t.Fatalf("got %s", got)
	}
}

func TestZeroProviderMarshalsWithoutNulls(t *testing.T) {
	b, err := json.Marshal(&twitter.Provider{})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"debug":false,"enabled":false}` {
		t.Fatalf("got %s", b)
	}
}

func TestNormalizeIsIdempotentAndKeepsExplicitValues(t *testing.T) {
	f, seven := false, 7
	p := &twitter.Provider{
		ID:              "something-else",
		Name:            "Mine",
		Type:            "Google",
		LinkingStrategy: twitter.LinkByUsername,
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{
			appID: {CreateRegistration: &f},
		},
		TenantConfiguration: map[string]twitter.TenantConfiguration{
			tenantID: {LimitUserLinkCount: twitter.LimitUserLinkCount{MaximumLinks: &seven}},
		},
	}
	p.Normalize()
	once, _ := json.Marshal(p)
	p.Normalize()
	twice, _ := json.Marshal(p)
	if !bytes.Equal(once, twice) {
		t.Fatalf("not idempotent:\n%s\n%s", once, twice)
	}
	if p.ID != twitter.ProviderID || p.Name != "Twitter" {
		t.Errorf("id/name not fixed: %q %q", p.ID, p.Name)
	}
	if p.Type != "Google" {
		t.Errorf("Normalize must leave type for Validate to judge, got %q", p.Type)
	}
	if p.LinkingStrategy != twitter.LinkByUsername {
		t.Errorf("explicit linking strategy replaced: %q", p.LinkingStrategy)
	}
	if cr := p.ApplicationConfiguration[appID].CreateRegistration; cr == nil || *cr {
		t.Errorf("explicit createRegistration=false replaced")
	}
	if m := p.TenantConfiguration[tenantID].LimitUserLinkCount.MaximumLinks; m == nil || *m != 7 {
		t.Errorf("explicit maximumLinks replaced")
	}
}

func validProvider() *twitter.Provider {
	p := &twitter.Provider{
		ButtonText:     "Login with Twitter",
		ConsumerKey:    "key",
		ConsumerSecret: "secret",
		Enabled:        true,
		Type:           "Twitter",
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{
			appID: {Enabled: true},
		},
		TenantConfiguration: map[string]twitter.TenantConfiguration{
			tenantID: {LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: true}},
		},
		LambdaConfiguration: twitter.LambdaConfiguration{ReconcileID: reconcileID},
	}
	p.Normalize()
	return p
}

func known() twitter.Known {
	return twitter.Known{
		Application: func(id string) bool { return id == appID },
		Tenant:      func(id string) bool { return id == tenantID },
		Reconcile: func(id string) (string, bool) {
			switch id {
			case reconcileID:
				return "TwitterReconcile", true
			case "b0000000-0000-4000-8000-000000000000":
				return "GoogleReconcile", true
			}
			return "", false
		},
	}
}

func TestValidate(t *testing.T) {
	zero := 0
	maxJavaInt := math.MaxInt32
	beyondJavaInt := maxJavaInt
	beyondJavaInt++
	cases := []struct {
		name   string
		mutate func(p *twitter.Provider)
		want   []string // exact set of codes; nil means valid
	}{
		{"valid", func(p *twitter.Provider) {}, nil},
		{"button text absent", func(p *twitter.Provider) { p.ButtonText = "" }, []string{"[blank]identityProvider.buttonText"}},
		{"button text whitespace", func(p *twitter.Provider) { p.ButtonText = " \t\n" }, []string{"[blank]identityProvider.buttonText"}},
		{"consumer key absent", func(p *twitter.Provider) { p.ConsumerKey = "" }, []string{"[blank]identityProvider.consumerKey"}},
		{"consumer key whitespace", func(p *twitter.Provider) { p.ConsumerKey = "  " }, []string{"[blank]identityProvider.consumerKey"}},
		{"consumer secret absent", func(p *twitter.Provider) { p.ConsumerSecret = "" }, []string{"[blank]identityProvider.consumerSecret"}},
		{"consumer secret whitespace", func(p *twitter.Provider) { p.ConsumerSecret = "\t" }, []string{"[blank]identityProvider.consumerSecret"}},
		{"all three blank", func(p *twitter.Provider) { p.ButtonText, p.ConsumerKey, p.ConsumerSecret = "", "", "" },
			[]string{"[blank]identityProvider.buttonText", "[blank]identityProvider.consumerKey", "[blank]identityProvider.consumerSecret"}},
		{"type absent", func(p *twitter.Provider) { p.Type = "" }, []string{"[blank]identityProvider.type"}},
		{"type other", func(p *twitter.Provider) { p.Type = "Google" }, []string{"[invalid]identityProvider.type"}},
		{"type wrong case", func(p *twitter.Provider) { p.Type = "twitter" }, []string{"[invalid]identityProvider.type"}},
		{"linking strategy unknown", func(p *twitter.Provider) { p.LinkingStrategy = "LinkByPhone" }, []string{"[invalid]identityProvider.linkingStrategy"}},
		{"application unknown", func(p *twitter.Provider) {
			p.ApplicationConfiguration[otherAppID] = twitter.ApplicationConfiguration{Enabled: true}
		}, []string{"[invalid]identityProvider.applicationConfiguration"}},
		{"application key not a UUID", func(p *twitter.Provider) {
			p.ApplicationConfiguration["not-a-uuid"] = twitter.ApplicationConfiguration{}
		}, []string{"[invalid]identityProvider.applicationConfiguration"}},
		{"application key braced UUID", func(p *twitter.Provider) {
			p.ApplicationConfiguration["{"+appID+"}"] = twitter.ApplicationConfiguration{}
		}, []string{"[invalid]identityProvider.applicationConfiguration"}},
		{"tenant unknown", func(p *twitter.Provider) {
			p.TenantConfiguration["f0000000-0000-4000-8000-000000000000"] = twitter.TenantConfiguration{}
		}, []string{"[invalid]identityProvider.tenantConfiguration"}},
		{"tenant key not a UUID", func(p *twitter.Provider) {
			p.TenantConfiguration["t1"] = twitter.TenantConfiguration{}
		}, []string{"[invalid]identityProvider.tenantConfiguration"}},
		{"maximum links zero", func(p *twitter.Provider) {
			p.TenantConfiguration[tenantID] = twitter.TenantConfiguration{LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: true, MaximumLinks: &zero}}
		}, []string{"[invalid]identityProvider.tenantConfiguration[" + tenantID + "].limitUserLinkCount.maximumLinks"}},
		{"maximum links the largest Java int", func(p *twitter.Provider) {
			p.TenantConfiguration[tenantID] = twitter.TenantConfiguration{LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: true, MaximumLinks: &maxJavaInt}}
		}, nil},
		{"maximum links beyond a Java int", func(p *twitter.Provider) {
			p.TenantConfiguration[tenantID] = twitter.TenantConfiguration{LimitUserLinkCount: twitter.LimitUserLinkCount{MaximumLinks: &beyondJavaInt}}
		}, []string{"[invalid]identityProvider.tenantConfiguration[" + tenantID + "].limitUserLinkCount.maximumLinks"}},
		{"reconcile unknown", func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = "c0000000-0000-4000-8000-000000000000" },
			[]string{"[invalid]identityProvider.lambdaConfiguration.reconcileId"}},
		{"reconcile of another type", func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = "b0000000-0000-4000-8000-000000000000" },
			[]string{"[invalid]identityProvider.lambdaConfiguration.reconcileId"}},
		{"no reconcile", func(p *twitter.Provider) { p.LambdaConfiguration.ReconcileID = "" }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validProvider()
			tc.mutate(p)
			err := p.Validate(known())
			if tc.want == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var ve *validation.Errors
			if !errors.As(err, &ve) {
				t.Fatalf("want *validation.Errors, got %T %v", err, err)
			}
			if got := ve.Codes(); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("codes %v, want %v", got, tc.want)
			}
		})
	}
}

func TestValidateMessages(t *testing.T) {
	p := validProvider()
	p.ConsumerKey = ""
	p.ConsumerSecret = ""
	p.ApplicationConfiguration[otherAppID] = twitter.ApplicationConfiguration{}
	var ve *validation.Errors
	if !errors.As(p.Validate(known()), &ve) {
		t.Fatal("want errors")
	}
	if msg := ve.FieldErrors["identityProvider.consumerKey"][0].Message; msg != "You must specify the [identityProvider.consumerKey] property." {
		t.Errorf("consumerKey message %q", msg)
	}
	if msg := ve.FieldErrors["identityProvider.applicationConfiguration"][0].Message; !strings.Contains(msg, otherAppID) {
		t.Errorf("application message does not name the id: %q", msg)
	}
}

func TestValidateNeverQuotesTheSecret(t *testing.T) {
	p := validProvider()
	p.ConsumerSecret = seedSecret
	p.Type = "Other"
	p.LinkingStrategy = "Nope"
	p.ButtonText = ""
	err := p.Validate(known())
	b, _ := json.Marshal(err)
	if err == nil || bytes.Contains(b, []byte(seedSecret)) || strings.Contains(err.Error(), seedSecret) {
		t.Fatalf("errors %s", b)
	}
}

func TestValidateNilKnownSkipsLookups(t *testing.T) {
	p := validProvider()
	p.ApplicationConfiguration[otherAppID] = twitter.ApplicationConfiguration{}
	p.LambdaConfiguration.ReconcileID = "anything"
	if err := p.Validate(twitter.Known{}); err != nil {
		t.Fatalf("nil lookups must be skipped: %v", err)
	}
	// The UUID form is checked even without a lookup.
	p.TenantConfiguration["t1"] = twitter.TenantConfiguration{}
	if err := p.Validate(twitter.Known{}); err == nil {
		t.Fatal("non-UUID tenant key accepted")
	}
}

func TestEveryLinkingStrategyIsValid(t *testing.T) {
	list := twitter.LinkingStrategies()
	if len(list) != 7 {
		t.Fatalf("want the seven FusionAuth strategies, got %v", list)
	}
	for _, s := range list {
		p := validProvider()
		p.LinkingStrategy = s
		if err := p.Validate(known()); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	list[0] = "mutated"
	if twitter.LinkingStrategies()[0] == "mutated" {
		t.Error("LinkingStrategies exposes its backing array")
	}
}

func TestForApplication(t *testing.T) {
	f := false
	base := func() *twitter.Provider {
		p := &twitter.Provider{
			ButtonText:          "Top",
			ConsumerKey:         "top-key",
			ConsumerSecret:      "top-secret",
			Debug:               true,
			Enabled:             true,
			Type:                "Twitter",
			LambdaConfiguration: twitter.LambdaConfiguration{ReconcileID: reconcileID},
			ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{
				appID: {Enabled: true},
			},
		}
		p.Normalize()
		return p
	}

	t.Run("top level applies", func(t *testing.T) {
		e, ok := base().ForApplication(appID)
		want := twitter.Effective{ButtonText: "Top", ConsumerKey: "top-key", ConsumerSecret: "top-secret",
			CreateRegistration: true, Debug: true, LinkingStrategy: "LinkByEmail", ReconcileID: reconcileID}
		if !ok || e != want {
			t.Fatalf("got %+v %v", e, ok)
		}
		if c := e.Consumer(); c.Key != "top-key" || c.Secret.Reveal() != "top-secret" {
			t.Fatalf("consumer %v", c.Key)
		}
	})
	t.Run("overrides apply", func(t *testing.T) {
		p := base()
		p.ApplicationConfiguration[appID] = twitter.ApplicationConfiguration{
			Enabled: true, ButtonText: "App", ConsumerKey: "app-key", ConsumerSecret: "app-secret", CreateRegistration: &f,
		}
		e, ok := p.ForApplication(appID)
		if !ok || e.ButtonText != "App" || e.ConsumerKey != "app-key" || e.ConsumerSecret.Reveal() != "app-secret" || e.CreateRegistration {
			t.Fatalf("got %+v %v", e, ok)
		}
	})
	t.Run("blank overrides fall back", func(t *testing.T) {
		p := base()
		p.ApplicationConfiguration[appID] = twitter.ApplicationConfiguration{Enabled: true, ButtonText: " ", ConsumerSecret: "  "}
		e, _ := p.ForApplication(appID)
		if e.ButtonText != "Top" || e.ConsumerSecret.Reveal() != "top-secret" {
			t.Fatalf("got %+v", e)
		}
	})
	t.Run("unnormalized createRegistration defaults to true", func(t *testing.T) {
		p := base()
		p.ApplicationConfiguration[appID] = twitter.ApplicationConfiguration{Enabled: true}
		p.LinkingStrategy = ""
		e, ok := p.ForApplication(appID)
		if !ok || !e.CreateRegistration || e.LinkingStrategy != "LinkByEmail" {
			t.Fatalf("got %+v", e)
		}
	})
	for name, mutate := range map[string]func(p *twitter.Provider){
		"provider disabled":       func(p *twitter.Provider) { p.Enabled = false },
		"application absent":      func(p *twitter.Provider) { delete(p.ApplicationConfiguration, appID) },
		"application not enabled": func(p *twitter.Provider) { p.ApplicationConfiguration[appID] = twitter.ApplicationConfiguration{} },
		"no application config":   func(p *twitter.Provider) { p.ApplicationConfiguration = nil },
		"another application only": func(p *twitter.Provider) {
			p.ApplicationConfiguration = map[string]twitter.ApplicationConfiguration{otherAppID: {Enabled: true}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := base()
			mutate(p)
			if e, ok := p.ForApplication(appID); ok || e != (twitter.Effective{}) {
				t.Fatalf("want not ok and zero, got %+v %v", e, ok)
			}
		})
	}
}

func TestLinkPolicy(t *testing.T) {
	five := 5
	p := &twitter.Provider{TenantConfiguration: map[string]twitter.TenantConfiguration{
		tenantID:                               {LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: true, MaximumLinks: &five}},
		"f0000000-0000-4000-8000-000000000000": {},
	}}
	if on, max := p.LinkPolicy("absent"); on || max != 42 {
		t.Errorf("absent tenant: %v %d", on, max)
	}
	if on, max := p.LinkPolicy(tenantID); !on || max != 5 {
		t.Errorf("configured tenant: %v %d", on, max)
	}
	if on, max := p.LinkPolicy("f0000000-0000-4000-8000-000000000000"); on || max != 42 {
		t.Errorf("entry without maximum: %v %d", on, max)
	}
	var empty twitter.Provider
	if on, max := empty.LinkPolicy(tenantID); on || max != 42 {
		t.Errorf("nil map: %v %d", on, max)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	const appSecret = "APP-OVERRIDE-SECRET-0123"
	p := validProvider()
	p.ConsumerSecret = seedSecret
	p.ApplicationConfiguration[appID] = twitter.ApplicationConfiguration{Enabled: true, ConsumerSecret: appSecret}
	e, _ := p.ForApplication(appID)
	values := map[string]any{
		"provider":  *p,
		"*provider": p,
		"effective": e,
		"consumer":  e.Consumer(),
		"token":     twitter.Token{Token: "t", Secret: appSecret},
		"secret":    p.ConsumerSecret,
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%s", "%#v", "%q", "%x", "%d"} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, seedSecret) || strings.Contains(out, appSecret) {
				t.Errorf("%s with %s leaks: %s", name, verb, out)
			}
		}
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("msg", "v", v)
		slog.New(slog.NewJSONHandler(&js, nil)).Info("msg", "v", v)
		for handler, out := range map[string]string{"text": text.String(), "json": js.String()} {
			if strings.Contains(out, seedSecret) || strings.Contains(out, appSecret) {
				t.Errorf("%s in slog %s leaks: %s", name, handler, out)
			}
			if !strings.Contains(out, "[redacted]") {
				t.Errorf("%s in slog %s shows no redaction marker: %s", name, handler, out)
			}
		}
	}
	// The one way out besides Reveal: the API's JSON returns the secret.
	b, _ := json.Marshal(p)
	if !bytes.Contains(b, []byte(seedSecret)) || !bytes.Contains(b, []byte(appSecret)) {
		t.Errorf("JSON must carry the secrets: %s", b)
	}
}

// TestDataRoundTrips: FusionAuth's domain gives the provider
// (BaseIdentityProvider), each application configuration
// (BaseIdentityProviderApplicationConfiguration) and each tenant
// configuration (IdentityProviderTenantConfiguration) a free-form "data"
// map, and the official clients type it; a provider decoded and marshalled
// again keeps all three.
func TestDataRoundTrips(t *testing.T) {
	body := `{"identityProvider":{
		"applicationConfiguration":{"` + appID + `":{"createRegistration":true,"data":{"app":"x","n":[1,2]},"enabled":true}},
		"buttonText":"b","consumerKey":"k","consumerSecret":"s",
		"data":{"top":{"nested":true}},"debug":false,"enabled":true,
		"id":"45bb233c-0901-4236-b5ca-ac46e2e0a5a5","linkingStrategy":"LinkByEmail","name":"Twitter",
		"tenantConfiguration":{"` + tenantID + `":{"data":{"tenant":1},"limitUserLinkCount":{"enabled":false,"maximumLinks":42}}},
		"type":"Twitter"}}`
	var in envelope
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	in.IdentityProvider.Normalize()
	got, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(decodeJSON(t, got), decodeJSON(t, []byte(body))) {
		t.Fatalf("data lost\n got: %s\nwant: %s", got, body)
	}
}

// TestNormalizeLowersReconcileID: lambdaConfiguration.reconcileId is a UUID
// (seed 002), and ids are accepted in any case and kept in lower case, as
// the configuration maps' keys are: an upper-case reconcile id names the
// same function.
func TestNormalizeLowersReconcileID(t *testing.T) {
	p := validProvider()
	p.LambdaConfiguration.ReconcileID = strings.ToUpper(reconcileID)
	p.Normalize()
	if got := p.LambdaConfiguration.ReconcileID; got != reconcileID {
		t.Fatalf("reconcileId %q, want %q", got, reconcileID)
	}
	if err := p.Validate(known()); err != nil {
		t.Fatalf("an upper-case reconcile id is refused: %v", err)
	}
}

// Normalize stores the ids that key applicationConfiguration and
// tenantConfiguration lower-cased, so the lookups take an id in any case:
// a Go caller that configured the provider with an upper-case id, and asks
// with that same id, finds its entry.
func TestLookupsTakeAnIDInAnyCase(t *testing.T) {
	upperApp, upperTenant := strings.ToUpper(appID), strings.ToUpper(tenantID)
	three := 3
	p := validProvider()
	p.Enabled = true
	p.ApplicationConfiguration = map[string]twitter.ApplicationConfiguration{upperApp: {Enabled: true, ConsumerKey: "app-key"}}
	p.TenantConfiguration = map[string]twitter.TenantConfiguration{upperTenant: {LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: true, MaximumLinks: &three}}}
	p.Normalize()
	for _, id := range []string{upperApp, appID} {
		if e, ok := p.ForApplication(id); !ok || e.ConsumerKey != "app-key" {
			t.Errorf("ForApplication(%s) = %+v, %v; want the application's entry", id, e, ok)
		}
	}
	for _, id := range []string{upperTenant, tenantID} {
		if on, max := p.LinkPolicy(id); !on || max != 3 {
			t.Errorf("LinkPolicy(%s) = %v, %d; want true, 3", id, on, max)
		}
		if tc, ok := p.TenantPolicy(id); !ok || !tc.LimitUserLinkCount.Enabled {
			t.Errorf("TenantPolicy(%s) = %+v, %v; want the tenant's entry", id, tc, ok)
		}
	}
	if _, ok := p.TenantPolicy(appID); ok {
		t.Errorf("TenantPolicy of an id with no entry found one")
	}
}
