package linking_test

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/authcore/authcore/linking"
)

const (
	twitterID    = "tw-1"
	otherTwitter = "tw-2"
	linkedUser   = "user-linked"    // owner of Input.Existing
	candUser     = "user-candidate" // the user found by email/username
)

// outcome builders keep the expectations short and readable.
func use(id string) linking.Outcome {
	return linking.Outcome{Action: linking.UseExistingLink, UserID: id}
}
func linkTo(id string) linking.Outcome {
	return linking.Outcome{Action: linking.LinkExistingUser, UserID: id}
}
func refused(r linking.Reason) linking.Outcome {
	return linking.Outcome{Action: linking.Refuse, Reason: r}
}

var (
	created = linking.Outcome{Action: linking.CreateUserAndLink}
	pending = linking.Outcome{Action: linking.CreatePending}
)

// The named cases: one or more per row and sentence of SPEC §5.
func TestDecideSpec(t *testing.T) {
	claims := linking.Claims{ProviderUserID: twitterID, Email: "a@example.com", Username: "alice"}
	noEmail := linking.Claims{ProviderUserID: twitterID, Username: "alice"}
	noUsername := linking.Claims{ProviderUserID: twitterID, Email: "a@example.com"}
	bare := linking.Claims{ProviderUserID: twitterID}
	existing := &linking.Link{UserID: linkedUser, ProviderUserID: twitterID}
	unlinked := &linking.Candidate{UserID: candUser}
	linkedElsewhere := &linking.Candidate{UserID: candUser, Links: []linking.Link{{UserID: candUser, ProviderUserID: otherTwitter}}}
	alreadyHolds := &linking.Candidate{UserID: candUser, Links: []linking.Link{{UserID: candUser, ProviderUserID: twitterID}}}
	limit0 := linking.Policy{LimitEnabled: true, MaximumLinks: 0}
	limit1 := linking.Policy{LimitEnabled: true, MaximumLinks: 1}

	tests := []struct {
		name string
		in   linking.Input
		want linking.Outcome
	}{
		// An existing link always wins.
		{"existing link, LinkByEmail", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Existing: existing}, use(linkedUser)},
		{"existing link wins over Disabled", linking.Input{Strategy: linking.Disabled, Claims: claims, Existing: existing}, use(linkedUser)},
		{"existing link wins over CreatePendingLink", linking.Input{Strategy: linking.CreatePendingLink, Claims: claims, Existing: existing}, use(linkedUser)},
		{"existing link wins over LinkAnonymously", linking.Input{Strategy: linking.LinkAnonymously, Claims: claims, Existing: existing}, use(linkedUser)},
		{"existing link wins over noLink", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Existing: existing, NoLink: true}, use(linkedUser)},
		{"existing link wins over a missing email", linking.Input{Strategy: linking.LinkByEmail, Claims: noEmail, Existing: existing}, use(linkedUser)},
		{"existing link wins over an unknown strategy", linking.Input{Strategy: "Bogus", Claims: claims, Existing: existing}, use(linkedUser)},
		{"existing link wins over another user with the email", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Existing: existing, Candidate: unlinked}, use(linkedUser)},
		{"existing link wins over the link limit", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Existing: existing, Policy: limit0}, use(linkedUser)},
		{"candidate already holds the link (concurrent login)", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: alreadyHolds}, use(candUser)},
		{"candidate already holds the link, noLink", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: alreadyHolds, NoLink: true}, use(candUser)},

		// The strategy table.
		{"LinkByEmail, user with that email: link", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: unlinked}, linkTo(candUser)},
		{"LinkByEmail, none: create user, link", linking.Input{Strategy: linking.LinkByEmail, Claims: claims}, created},
		{"LinkByEmailForExistingUser, user with that email: link", linking.Input{Strategy: linking.LinkByEmailForExistingUser, Claims: claims, Candidate: unlinked}, linkTo(candUser)},
		{"LinkByEmailForExistingUser, none: 404", linking.Input{Strategy: linking.LinkByEmailForExistingUser, Claims: claims}, refused(linking.ReasonNotFound)},
		{"LinkByUsername, user with that username: link", linking.Input{Strategy: linking.LinkByUsername, Claims: claims, Candidate: unlinked}, linkTo(candUser)},
		{"LinkByUsername, none: create user, link", linking.Input{Strategy: linking.LinkByUsername, Claims: claims}, created},
		{"LinkByUsernameForExistingUser, user with that username: link", linking.Input{Strategy: linking.LinkByUsernameForExistingUser, Claims: claims, Candidate: unlinked}, linkTo(candUser)},
		{"LinkByUsernameForExistingUser, none: 404", linking.Input{Strategy: linking.LinkByUsernameForExistingUser, Claims: claims}, refused(linking.ReasonNotFound)},
		{"LinkAnonymously: create user with no email or username", linking.Input{Strategy: linking.LinkAnonymously, Claims: bare}, created},
		{"LinkAnonymously ignores a candidate", linking.Input{Strategy: linking.LinkAnonymously, Claims: claims, Candidate: unlinked}, created},
		{"CreatePendingLink: pending link, no email or username needed", linking.Input{Strategy: linking.CreatePendingLink, Claims: bare}, pending},
		{"CreatePendingLink ignores a candidate", linking.Input{Strategy: linking.CreatePendingLink, Claims: claims, Candidate: unlinked}, pending},
		{"CreatePendingLink ignores the link limit (checked on completion)", linking.Input{Strategy: linking.CreatePendingLink, Claims: claims, Policy: limit0}, pending},
		{"Disabled: 404", linking.Input{Strategy: linking.Disabled, Claims: claims}, refused(linking.ReasonNotFound)},
		{"Disabled with a candidate: 404", linking.Input{Strategy: linking.Disabled, Claims: claims, Candidate: unlinked}, refused(linking.ReasonNotFound)},

		// Email and username requirements.
		{"LinkByEmail, no email: MissingEmail", linking.Input{Strategy: linking.LinkByEmail, Claims: noEmail}, refused(linking.ReasonMissingEmail)},
		{"LinkByEmailForExistingUser, no email: MissingEmail", linking.Input{Strategy: linking.LinkByEmailForExistingUser, Claims: noEmail}, refused(linking.ReasonMissingEmail)},
		{"LinkByEmail, no email, stray candidate: MissingEmail", linking.Input{Strategy: linking.LinkByEmail, Claims: noEmail, Candidate: unlinked}, refused(linking.ReasonMissingEmail)},
		{"LinkByEmail does not need a username", linking.Input{Strategy: linking.LinkByEmail, Claims: noUsername}, created},
		{"LinkByUsername, no username: MissingUsername", linking.Input{Strategy: linking.LinkByUsername, Claims: noUsername}, refused(linking.ReasonMissingUsername)},
		{"LinkByUsernameForExistingUser, no username: MissingUsername", linking.Input{Strategy: linking.LinkByUsernameForExistingUser, Claims: noUsername}, refused(linking.ReasonMissingUsername)},
		{"LinkByUsername does not need an email", linking.Input{Strategy: linking.LinkByUsername, Claims: noEmail}, created},

		// noLink.
		{"noLink, no link: 404 instead of creating", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, NoLink: true}, refused(linking.ReasonNotFound)},
		{"noLink, no link: 404 instead of linking", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: unlinked, NoLink: true}, refused(linking.ReasonNotFound)},
		{"noLink, no link: 404 instead of a pending link", linking.Input{Strategy: linking.CreatePendingLink, Claims: claims, NoLink: true}, refused(linking.ReasonNotFound)},
		{"noLink comes before MissingEmail", linking.Input{Strategy: linking.LinkByEmail, Claims: noEmail, NoLink: true}, refused(linking.ReasonNotFound)},

		// Takeover guard.
		{"user linked to another Twitter id: ExistingUserAlreadyLinked", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: linkedElsewhere}, refused(linking.ReasonExistingUserAlreadyLinked)},
		{"guard applies to ForExistingUser too", linking.Input{Strategy: linking.LinkByEmailForExistingUser, Claims: claims, Candidate: linkedElsewhere}, refused(linking.ReasonExistingUserAlreadyLinked)},
		{"guard applies to username strategies", linking.Input{Strategy: linking.LinkByUsername, Claims: claims, Candidate: linkedElsewhere}, refused(linking.ReasonExistingUserAlreadyLinked)},
		{"guard even with the limit off", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: linkedElsewhere, Policy: linking.Policy{MaximumLinks: 42}}, refused(linking.ReasonExistingUserAlreadyLinked)},
		{"guard comes before the link limit", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: linkedElsewhere, Policy: limit1}, refused(linking.ReasonExistingUserAlreadyLinked)},

		// Link limit.
		{"limit 1, unlinked user: link", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: unlinked, Policy: limit1}, linkTo(candUser)},
		{"limit 0, link existing user: LinkCountExceeded", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: unlinked, Policy: limit0}, refused(linking.ReasonLinkCountExceeded)},
		{"limit 0, create user: LinkCountExceeded", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Policy: limit0}, refused(linking.ReasonLinkCountExceeded)},
		{"limit 0, LinkAnonymously: LinkCountExceeded", linking.Input{Strategy: linking.LinkAnonymously, Claims: bare, Policy: limit0}, refused(linking.ReasonLinkCountExceeded)},
		{"limit 0 but disabled: create", linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Policy: linking.Policy{MaximumLinks: 0}}, created},
		{"limit 0, ForExistingUser with nobody: 404 not LinkCountExceeded", linking.Input{Strategy: linking.LinkByEmailForExistingUser, Claims: claims, Policy: limit0}, refused(linking.ReasonNotFound)},

		// Values that validation should have rejected fail closed.
		{"unknown strategy: 404", linking.Input{Strategy: "Bogus", Claims: claims}, refused(linking.ReasonNotFound)},
		{"empty strategy: 404, not the LinkByEmail default", linking.Input{Strategy: "", Claims: claims}, refused(linking.ReasonNotFound)},
		{"wrong case: 404", linking.Input{Strategy: "linkbyemail", Claims: claims, Candidate: unlinked}, refused(linking.ReasonNotFound)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := linking.Decide(tt.in); got != tt.want {
				t.Errorf("Decide = %v, want %v", got, tt.want)
			}
		})
	}
}

// The exhaustive test: every combination of the dimensions below, each
// expected outcome computed by expect from the dimensions themselves (not by
// inspecting the Input, and not with any code of the package).

type candShape int

const (
	candNone            candShape = iota
	candUnlinked                  // found, no links to Twitter
	candLinkedSame                // found, already holds the link for twitterID
	candLinkedOther               // found, linked to another Twitter id
	candAtLimit                   // found, as many other-id links as the policy allows
	candAtLimitWithSame           // found, at the limit, one of the links being twitterID
)

var candShapes = []candShape{candNone, candUnlinked, candLinkedSame, candLinkedOther, candAtLimit, candAtLimitWithSame}

func (c candShape) String() string {
	return [...]string{"nobody", "unlinked", "linked-same", "linked-other", "at-limit", "at-limit-with-same"}[c]
}

type policyShape int

const (
	policyOff policyShape = iota // limit disabled (FusionAuth default: 42, off)
	policyMax42
	policyMax1
	policyMax0 // below what validation allows; Decide must still hold
)

var policyShapes = []policyShape{policyOff, policyMax42, policyMax1, policyMax0}

func (p policyShape) String() string {
	return [...]string{"limit-off", "limit-42", "limit-1", "limit-0"}[p]
}

func (p policyShape) policy() linking.Policy {
	switch p {
	case policyMax42:
		return linking.Policy{LimitEnabled: true, MaximumLinks: 42}
	case policyMax1:
		return linking.Policy{LimitEnabled: true, MaximumLinks: 1}
	case policyMax0:
		return linking.Policy{LimitEnabled: true, MaximumLinks: 0}
	}
	return linking.Policy{LimitEnabled: false, MaximumLinks: 42}
}

func (c candShape) candidate(p linking.Policy) *linking.Candidate {
	mk := func(ids ...string) *linking.Candidate {
		cand := &linking.Candidate{UserID: candUser}
		for _, id := range ids {
			cand.Links = append(cand.Links, linking.Link{UserID: candUser, ProviderUserID: id})
		}
		return cand
	}
	others := func(n int) []string {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = "tw-other-" + strconv.Itoa(i)
		}
		return ids
	}
	switch c {
	case candUnlinked:
		return mk()
	case candLinkedSame:
		return mk(twitterID)
	case candLinkedOther:
		return mk(otherTwitter)
	case candAtLimit:
		return mk(others(p.MaximumLinks)...)
	case candAtLimitWithSame:
		return mk(append(others(max(p.MaximumLinks, 1)-1), twitterID)...)
	}
	return nil
}

// oracle restates SPEC §5's strategy table. needs is the claim the strategy
// requires; found and none are what happens with and without a user holding
// that claim ("" when the strategy never looks).
type oracleRow struct {
	needs       string // "email", "username" or ""
	found, none string // "link", "create", "404", "pending"
}

var oracle = map[linking.Strategy]oracleRow{
	"LinkByEmail":                   {needs: "email", found: "link", none: "create"},
	"LinkByEmailForExistingUser":    {needs: "email", found: "link", none: "404"},
	"LinkByUsername":                {needs: "username", found: "link", none: "create"},
	"LinkByUsernameForExistingUser": {needs: "username", found: "link", none: "404"},
	"LinkAnonymously":               {none: "create"},
	"CreatePendingLink":             {none: "pending"},
	"Disabled":                      {none: "404"},
}

type scenario struct {
	strategy              linking.Strategy
	existing              bool
	cand                  candShape
	policy                policyShape
	noLink                bool
	hasEmail, hasUsername bool
}

func (s scenario) String() string {
	return fmt.Sprintf("%s/existing=%t/cand=%v/%v/noLink=%t/email=%t/username=%t",
		cmp.Or(string(s.strategy), `""`), s.existing, s.cand, s.policy, s.noLink, s.hasEmail, s.hasUsername)
}

func (s scenario) input() linking.Input {
	in := linking.Input{
		Strategy: s.strategy,
		Claims:   linking.Claims{ProviderUserID: twitterID},
		NoLink:   s.noLink,
		Policy:   s.policy.policy(),
	}
	if s.hasEmail {
		in.Claims.Email = "a@example.com"
	}
	if s.hasUsername {
		in.Claims.Username = "alice"
	}
	if s.existing {
		in.Existing = &linking.Link{UserID: linkedUser, ProviderUserID: twitterID}
	}
	in.Candidate = s.cand.candidate(in.Policy)
	return in
}

func expect(s scenario) linking.Outcome {
	// 1. A link for the Twitter id already exists: log in through it.
	if s.existing {
		return use(linkedUser)
	}
	if s.cand == candLinkedSame || s.cand == candAtLimitWithSame {
		return use(candUser)
	}
	// 2. noLink.
	if s.noLink {
		return refused(linking.ReasonNotFound)
	}
	// 3. The strategy; unknown ones fail closed.
	row, known := oracle[s.strategy]
	if !known {
		return refused(linking.ReasonNotFound)
	}
	if row.needs == "email" && !s.hasEmail {
		return refused(linking.ReasonMissingEmail)
	}
	if row.needs == "username" && !s.hasUsername {
		return refused(linking.ReasonMissingUsername)
	}
	// Only a policy with room for no link at all refuses a first link: any
	// candidate still in play here has no Twitter link.
	noRoom := s.policy == policyMax0
	action := row.none
	if row.found != "" && s.cand != candNone {
		action = row.found
	}
	switch action {
	case "pending":
		return pending
	case "404":
		return refused(linking.ReasonNotFound)
	case "create":
		if noRoom {
			return refused(linking.ReasonLinkCountExceeded)
		}
		return created
	case "link":
		otherLinks := s.cand == candLinkedOther || (s.cand == candAtLimit && s.policy != policyMax0)
		if otherLinks {
			return refused(linking.ReasonExistingUserAlreadyLinked)
		}
		if noRoom {
			return refused(linking.ReasonLinkCountExceeded)
		}
		return linkTo(candUser)
	}
	panic("oracle: unknown action " + action)
}

func TestDecideExhaustive(t *testing.T) {
	strategies := append(linking.Strategies(), "", "Bogus", "linkbyemail")
	bools := []bool{false, true}
	n := 0
	seen := map[linking.Outcome]bool{}
	for _, st := range strategies {
		for _, existing := range bools {
			for _, cand := range candShapes {
				for _, pol := range policyShapes {
					for _, noLink := range bools {
						for _, email := range bools {
							for _, username := range bools {
								s := scenario{st, existing, cand, pol, noLink, email, username}
								in := s.input()
								want := expect(s)
								if got := linking.Decide(in); got != want {
									t.Errorf("%v: Decide = %v, want %v", s, got, want)
								}
								seen[want] = true
								n++
							}
						}
					}
				}
			}
		}
	}
	if want := len(strategies) * 2 * len(candShapes) * len(policyShapes) * 2 * 2 * 2; n != want {
		t.Fatalf("ran %d combinations, want %d", n, want)
	}
	// Guard against an oracle that never reaches some outcome.
	for _, o := range []linking.Outcome{
		use(linkedUser), use(candUser), linkTo(candUser), created, pending,
		refused(linking.ReasonNotFound), refused(linking.ReasonMissingEmail),
		refused(linking.ReasonMissingUsername), refused(linking.ReasonExistingUserAlreadyLinked),
		refused(linking.ReasonLinkCountExceeded),
	} {
		if !seen[o] {
			t.Errorf("no combination expects %v", o)
		}
	}
}

// Invariants that hold for any input, including inconsistent ones.
func checkInvariants(t *testing.T, in linking.Input, got linking.Outcome) {
	t.Helper()
	switch got.Action {
	case linking.Refuse:
		if got.Reason == linking.ReasonNone || got.UserID != "" {
			t.Errorf("%+v: refusal %+v needs a reason and no user", in, got)
		}
	case linking.UseExistingLink, linking.LinkExistingUser:
		if got.Reason != linking.ReasonNone {
			t.Errorf("%+v: %+v carries a reason", in, got)
		}
	case linking.CreateUserAndLink, linking.CreatePending:
		if got.Reason != linking.ReasonNone || got.UserID != "" {
			t.Errorf("%+v: %+v carries a reason or a user", in, got)
		}
	default:
		t.Errorf("%+v: unknown action %v", in, got.Action)
	}
	if got.Action == linking.LinkExistingUser {
		if in.Candidate == nil || got.UserID != in.Candidate.UserID {
			t.Errorf("%+v: linked %q, not the candidate", in, got.UserID)
		}
		for _, l := range in.Candidate.Links {
			if l.ProviderUserID != in.Claims.ProviderUserID {
				t.Errorf("%+v: linked a user who has another Twitter link", in)
			}
		}
		if !linking.CheckLimit(in.Policy, len(in.Candidate.Links)) {
			t.Errorf("%+v: linked past the limit", in)
		}
	}
	if in.Existing != nil && got != use(in.Existing.UserID) {
		t.Errorf("%+v: existing link lost to %v", in, got)
	}
	if got.Action != linking.Refuse && got.Action != linking.UseExistingLink && in.NoLink {
		t.Errorf("%+v: noLink but %v", in, got)
	}
}

func FuzzDecide(f *testing.F) {
	for _, s := range linking.Strategies() {
		f.Add(string(s), "tw", "a@x", "al", true, "cand", "tw", false, true, 1)
	}
	f.Add("Bogus", "", "", "", false, "", "", true, false, 0)
	f.Fuzz(func(t *testing.T, strategy, providerID, email, username string, hasCand bool,
		candID, candLink string, noLink, limitOn bool, maxLinks int) {
		in := linking.Input{
			Strategy: linking.Strategy(strategy),
			Claims:   linking.Claims{ProviderUserID: providerID, Email: email, Username: username},
			NoLink:   noLink,
			Policy:   linking.Policy{LimitEnabled: limitOn, MaximumLinks: maxLinks},
		}
		if hasCand {
			in.Candidate = &linking.Candidate{UserID: candID}
			if candLink != "" {
				in.Candidate.Links = []linking.Link{{UserID: candID, ProviderUserID: candLink}}
			}
		}
		checkInvariants(t, in, linking.Decide(in))
	})
}

func TestDecideDoesNotModifyInput(t *testing.T) {
	links := []linking.Link{{UserID: candUser, ProviderUserID: otherTwitter}}
	in := linking.Input{
		Strategy:  linking.LinkByEmail,
		Claims:    linking.Claims{ProviderUserID: twitterID, Email: "a@example.com"},
		Candidate: &linking.Candidate{UserID: candUser, Links: links},
	}
	before := slices.Clone(links)
	linking.Decide(in)
	if !slices.Equal(links, before) || in.Candidate.UserID != candUser {
		t.Fatalf("Decide modified its input: %+v", in.Candidate)
	}
}

func TestStrategies(t *testing.T) {
	all := linking.Strategies()
	want := []linking.Strategy{"CreatePendingLink", "Disabled", "LinkAnonymously", "LinkByEmail",
		"LinkByEmailForExistingUser", "LinkByUsername", "LinkByUsernameForExistingUser"}
	if !slices.Equal(all, want) {
		t.Fatalf("Strategies() = %v, want %v", all, want)
	}
	for _, s := range all {
		if !s.Valid() {
			t.Errorf("%v.Valid() = false", s)
		}
		if s.String() != string(s) {
			t.Errorf("String() = %q, want %q", s.String(), string(s))
		}
	}
	all[0] = "changed"
	if linking.Strategies()[0] != linking.CreatePendingLink {
		t.Fatal("Strategies returned shared storage")
	}
	for _, s := range []linking.Strategy{"", "Bogus", "linkbyemail", "LinkByEmail ", "Unsupported"} {
		if s.Valid() {
			t.Errorf("%q.Valid() = true", s)
		}
	}
}

func TestLookup(t *testing.T) {
	want := map[linking.Strategy]linking.LookupField{
		linking.CreatePendingLink:             linking.LookupNone,
		linking.Disabled:                      linking.LookupNone,
		linking.LinkAnonymously:               linking.LookupNone,
		linking.LinkByEmail:                   linking.LookupEmail,
		linking.LinkByEmailForExistingUser:    linking.LookupEmail,
		linking.LinkByUsername:                linking.LookupUsername,
		linking.LinkByUsernameForExistingUser: linking.LookupUsername,
		"Bogus":                               linking.LookupNone,
		"":                                    linking.LookupNone,
	}
	for s, w := range want {
		if got := s.Lookup(); got != w {
			t.Errorf("%q.Lookup() = %v, want %v", s, got, w)
		}
	}
}

func TestCheckLimit(t *testing.T) {
	tests := []struct {
		name     string
		p        linking.Policy
		existing int
		want     bool
	}{
		{"off ignores the count", linking.Policy{MaximumLinks: 1}, 100, true},
		{"off ignores a zero maximum", linking.Policy{}, 0, true},
		{"below the maximum", linking.Policy{LimitEnabled: true, MaximumLinks: 42}, 41, true},
		{"at the maximum", linking.Policy{LimitEnabled: true, MaximumLinks: 42}, 42, false},
		{"above the maximum", linking.Policy{LimitEnabled: true, MaximumLinks: 1}, 2, false},
		{"maximum 1, no links", linking.Policy{LimitEnabled: true, MaximumLinks: 1}, 0, true},
		{"maximum 0 allows nothing", linking.Policy{LimitEnabled: true, MaximumLinks: 0}, 0, false},
		{"negative maximum allows nothing", linking.Policy{LimitEnabled: true, MaximumLinks: -1}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := linking.CheckLimit(tt.p, tt.existing); got != tt.want {
				t.Errorf("CheckLimit(%+v, %d) = %t, want %t", tt.p, tt.existing, got, tt.want)
			}
		})
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{linking.Refuse.String(), "Refuse"},
		{linking.UseExistingLink.String(), "UseExistingLink"},
		{linking.LinkExistingUser.String(), "LinkExistingUser"},
		{linking.CreateUserAndLink.String(), "CreateUserAndLink"},
		{linking.CreatePending.String(), "CreatePending"},
		{linking.Action(99).String(), "Action(99)"},
		{linking.ReasonNone.String(), "None"},
		{linking.ReasonNotFound.String(), "NotFound"},
		{linking.ReasonMissingEmail.String(), "MissingEmail"},
		{linking.ReasonMissingUsername.String(), "MissingUsername"},
		{linking.ReasonExistingUserAlreadyLinked.String(), "ExistingUserAlreadyLinked"},
		{linking.ReasonLinkCountExceeded.String(), "LinkCountExceeded"},
		{linking.Reason(-1).String(), "Reason(-1)"},
		{linking.LookupNone.String(), "None"},
		{linking.LookupEmail.String(), "Email"},
		{linking.LookupUsername.String(), "Username"},
		{linking.LookupField(7).String(), "LookupField(7)"},
		{use("u1").String(), "UseExistingLink(u1)"},
		{linkTo("u2").String(), "LinkExistingUser(u2)"},
		{created.String(), "CreateUserAndLink"},
		{pending.String(), "CreatePending"},
		{refused(linking.ReasonMissingEmail).String(), "Refuse(MissingEmail)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("String() = %q, want %q", tt.got, tt.want)
		}
	}
}

func ExampleDecide() {
	claims := linking.Claims{ProviderUserID: "1179659262", Email: "jane@example.com", Username: "jane"}
	jane := &linking.Candidate{UserID: "jane-id"}

	// The caller looks up what the strategy needs, then decides.
	fmt.Println(linking.LinkByEmail.Lookup())
	fmt.Println(linking.Decide(linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: jane}))
	fmt.Println(linking.Decide(linking.Input{Strategy: linking.LinkByEmail, Claims: claims}))
	fmt.Println(linking.Decide(linking.Input{Strategy: linking.LinkByEmailForExistingUser, Claims: claims}))

	// Jane already has another Twitter account linked: a login will not add this one.
	jane.Links = []linking.Link{{UserID: "jane-id", ProviderUserID: "42"}}
	fmt.Println(linking.Decide(linking.Input{Strategy: linking.LinkByEmail, Claims: claims, Candidate: jane}))

	// Once linked, the strategy no longer matters.
	linked := &linking.Link{UserID: "jane-id", ProviderUserID: "1179659262"}
	fmt.Println(linking.Decide(linking.Input{Strategy: linking.Disabled, Claims: claims, Existing: linked}))
	// Output:
	// Email
	// LinkExistingUser(jane-id)
	// CreateUserAndLink
	// Refuse(NotFound)
	// Refuse(ExistingUserAlreadyLinked)
	// UseExistingLink(jane-id)
}

func ExampleCheckLimit() {
	p := linking.Policy{LimitEnabled: true, MaximumLinks: 2}
	fmt.Println(linking.CheckLimit(p, 1), linking.CheckLimit(p, 2))
	fmt.Println(linking.CheckLimit(linking.Policy{}, 1000))
	// Output:
	// true false
	// true
}

func BenchmarkDecide(b *testing.B) {
	in := linking.Input{
		Strategy: linking.LinkByEmail,
		Claims:   linking.Claims{ProviderUserID: twitterID, Email: "a@example.com"},
		Candidate: &linking.Candidate{UserID: candUser, Links: []linking.Link{
			{UserID: candUser, ProviderUserID: "a"}, {UserID: candUser, ProviderUserID: "b"},
		}},
		Policy: linking.Policy{LimitEnabled: true, MaximumLinks: 42},
	}
	b.ReportAllocs()
	for b.Loop() {
		linking.Decide(in)
	}
}
