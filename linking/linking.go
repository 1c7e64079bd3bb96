package linking

import "strconv"

// Strategy is an identity provider's linkingStrategy: what a login does with a
// provider user who has no link yet. The zero value is not a strategy;
// configuration fills in [LinkByEmail], FusionAuth's default.
type Strategy string

// The seven strategies, spelled as on the wire.
const (
	CreatePendingLink             Strategy = "CreatePendingLink"
	Disabled                      Strategy = "Disabled"
	LinkAnonymously               Strategy = "LinkAnonymously"
	LinkByEmail                   Strategy = "LinkByEmail" // the default
	LinkByEmailForExistingUser    Strategy = "LinkByEmailForExistingUser"
	LinkByUsername                Strategy = "LinkByUsername"
	LinkByUsernameForExistingUser Strategy = "LinkByUsernameForExistingUser"
)

// Strategies returns all seven strategies in FusionAuth's documented
// (alphabetical) order. The slice is new on each call, so callers may keep or
// modify it.
func Strategies() []Strategy {
	return []Strategy{
		CreatePendingLink,
		Disabled,
		LinkAnonymously,
		LinkByEmail,
		LinkByEmailForExistingUser,
		LinkByUsername,
		LinkByUsernameForExistingUser,
	}
}

// Valid reports whether s is one of the seven strategies. The match is exact:
// FusionAuth's enum is case-sensitive, and so is its validation.
func (s Strategy) Valid() bool {
	switch s {
	case CreatePendingLink, Disabled, LinkAnonymously,
		LinkByEmail, LinkByEmailForExistingUser,
		LinkByUsername, LinkByUsernameForExistingUser:
		return true
	}
	return false
}

func (s Strategy) String() string { return string(s) }

// LookupField names the user lookup that the caller must perform before
// calling [Decide], so that the store is read only when the strategy will use
// the result.
type LookupField int

// Lookups.
const (
	LookupNone     LookupField = iota // leave Input.Candidate nil
	LookupEmail                       // the user whose email is Claims.Email
	LookupUsername                    // the user whose username is Claims.Username
)

func (f LookupField) String() string {
	switch f {
	case LookupNone:
		return "None"
	case LookupEmail:
		return "Email"
	case LookupUsername:
		return "Username"
	}
	return "LookupField(" + strconv.Itoa(int(f)) + ")"
}

// Lookup returns which user the caller must look up for s. An empty email or
// username needs no lookup either: Decide refuses it before reading Candidate.
func (s Strategy) Lookup() LookupField {
	switch s {
	case LinkByEmail, LinkByEmailForExistingUser:
		return LookupEmail
	case LinkByUsername, LinkByUsernameForExistingUser:
		return LookupUsername
	}
	return LookupNone
}

// Claims are what the identity provider (after any reconcile function) says
// about the user.
type Claims struct {
	ProviderUserID string // Twitter's id_str; never empty
	Email          string
	Username       string // Twitter's screen_name
}

// Link is an existing link of this identity provider.
type Link struct {
	UserID         string
	ProviderUserID string
}

// Candidate is the user found by the lookup that [Strategy.Lookup] asked for.
type Candidate struct {
	UserID string
	// Links are the user's links to this identity provider (all of them, so
	// that their number can be held against the link limit).
	Links []Link
}

// Policy is the tenant's limitUserLinkCount for this identity provider.
type Policy struct {
	LimitEnabled bool
	MaximumLinks int
}

// CheckLimit reports whether a user who already has existingLinks links to
// the identity provider may get one more. It is the one rule for every link
// creation: a login (through [Decide]), the Link API, and completing a pending
// link.
func CheckLimit(p Policy, existingLinks int) bool {
	if !p.LimitEnabled {
		return true
	}
	return existingLinks < p.MaximumLinks
}

// Input is everything Decide needs; the caller reads it from the store and the
// request.
type Input struct {
	Strategy  Strategy
	Claims    Claims
	Existing  *Link      // the link for (provider, Claims.ProviderUserID), if any
	Candidate *Candidate // nil when the lookup found nobody or none was needed
	NoLink    bool       // the login request's noLink
	Policy    Policy
}

// Action is what the caller must do.
type Action int

// Actions.
const (
	// Refuse: write nothing; Outcome.Reason says why.
	Refuse Action = iota
	// UseExistingLink: log in Outcome.UserID through the existing link.
	UseExistingLink
	// LinkExistingUser: link Outcome.UserID (the Candidate), then log in.
	LinkExistingUser
	// CreateUserAndLink: create a user from the claims, link it, log in.
	CreateUserAndLink
	// CreatePending: store a pending link and return its id (FusionAuth's 232).
	CreatePending
)

func (a Action) String() string {
	switch a {
	case Refuse:
		return "Refuse"
	case UseExistingLink:
		return "UseExistingLink"
	case LinkExistingUser:
		return "LinkExistingUser"
	case CreateUserAndLink:
		return "CreateUserAndLink"
	case CreatePending:
		return "CreatePending"
	}
	return "Action(" + strconv.Itoa(int(a)) + ")"
}

// Reason says why Decide refused. The names follow FusionAuth's error codes so
// that logs and errors read alike; the wire codes themselves are mapped by
// authcore.
type Reason int

// Reasons.
const (
	ReasonNone                      Reason = iota
	ReasonNotFound                         // 404: noLink, Disabled, a *ForExistingUser strategy found nobody, or an unknown strategy
	ReasonMissingEmail                     // [ExternalAuthenticationException]MissingEmail
	ReasonMissingUsername                  // the username strategies had no username
	ReasonExistingUserAlreadyLinked        // [ExternalAuthenticationException]ExistingUserAlreadyLinked
	ReasonLinkCountExceeded                // [LinkCountExceeded]
)

func (r Reason) String() string {
	switch r {
	case ReasonNone:
		return "None"
	case ReasonNotFound:
		return "NotFound"
	case ReasonMissingEmail:
		return "MissingEmail"
	case ReasonMissingUsername:
		return "MissingUsername"
	case ReasonExistingUserAlreadyLinked:
		return "ExistingUserAlreadyLinked"
	case ReasonLinkCountExceeded:
		return "LinkCountExceeded"
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// Outcome is Decide's answer. UserID is set only for UseExistingLink and
// LinkExistingUser; Reason only for Refuse.
type Outcome struct {
	Action Action
	UserID string
	Reason Reason
}

// String renders the outcome for logs and test failures, e.g.
// "LinkExistingUser(user-1)" or "Refuse(MissingEmail)".
func (o Outcome) String() string {
	switch o.Action {
	case Refuse:
		return o.Action.String() + "(" + o.Reason.String() + ")"
	case UseExistingLink, LinkExistingUser:
		return o.Action.String() + "(" + o.UserID + ")"
	}
	return o.Action.String()
}

func refuse(r Reason) Outcome { return Outcome{Action: Refuse, Reason: r} }

// Decide applies the linking strategy to one login. See the package
// documentation for the order of the rules and why.
func Decide(in Input) Outcome {
	if userID, ok := linkedUser(in); ok {
		return Outcome{Action: UseExistingLink, UserID: userID}
	}
	if in.NoLink {
		return refuse(ReasonNotFound)
	}

	var key string
	var missing Reason
	createIfNone := false
	switch in.Strategy {
	case LinkAnonymously:
		return createUser(in.Policy)
	case CreatePendingLink:
		return Outcome{Action: CreatePending}
	case LinkByEmail, LinkByEmailForExistingUser:
		key, missing = in.Claims.Email, ReasonMissingEmail
		createIfNone = in.Strategy == LinkByEmail
	case LinkByUsername, LinkByUsernameForExistingUser:
		key, missing = in.Claims.Username, ReasonMissingUsername
		createIfNone = in.Strategy == LinkByUsername
	default: // Disabled, and values that validation should have rejected
		return refuse(ReasonNotFound)
	}

	if key == "" {
		return refuse(missing)
	}
	if c := in.Candidate; c != nil {
		return linkUser(c, in.Claims.ProviderUserID, in.Policy)
	}
	if createIfNone {
		return createUser(in.Policy)
	}
	return refuse(ReasonNotFound)
}

// linkedUser returns the user already linked to the Twitter id: the one of
// the link the caller looked up, else the candidate when it holds that link
// (made by a concurrent login after the caller's first read).
func linkedUser(in Input) (string, bool) {
	if in.Existing != nil {
		return in.Existing.UserID, true
	}
	if in.Candidate == nil || in.Claims.ProviderUserID == "" {
		return "", false
	}
	for _, l := range in.Candidate.Links {
		if l.ProviderUserID == in.Claims.ProviderUserID {
			return in.Candidate.UserID, true
		}
	}
	return "", false
}

func linkUser(c *Candidate, providerUserID string, p Policy) Outcome {
	for _, l := range c.Links {
		if l.ProviderUserID != providerUserID {
			return refuse(ReasonExistingUserAlreadyLinked)
		}
	}
	if !CheckLimit(p, len(c.Links)) {
		return refuse(ReasonLinkCountExceeded)
	}
	return Outcome{Action: LinkExistingUser, UserID: c.UserID}
}

func createUser(p Policy) Outcome {
	if !CheckLimit(p, 0) {
		return refuse(ReasonLinkCountExceeded)
	}
	return Outcome{Action: CreateUserAndLink}
}
