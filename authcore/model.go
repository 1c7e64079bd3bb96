package authcore

// The domain model. JSON names are FusionAuth's (seed 002's User object and the
// official clients' domain definitions), so the adapter can send these types as
// they are. Instants are epoch milliseconds. Absent values are omitted, never
// null (SPEC §0).

// Tenant is FusionAuth's tenant: a partition of users with its own issuer,
// signing key and token policy.
type Tenant struct {
	ID                 string                 `json:"id,omitempty"`
	Name               string                 `json:"name,omitempty"`
	Issuer             string                 `json:"issuer,omitempty"`
	JWTConfiguration   TenantJWTConfiguration `json:"jwtConfiguration"`
	EmailConfiguration EmailConfiguration     `json:"emailConfiguration"`
	Data               map[string]any         `json:"data,omitempty"`
	InsertInstant      int64                  `json:"insertInstant,omitempty"`
	LastUpdateInstant  int64                  `json:"lastUpdateInstant,omitempty"`
}

// Refresh-token usage policies (jwtConfiguration.refreshTokenUsagePolicy of
// a tenant, or of an application whose override is enabled).
const (
	RefreshTokenReusable   = "Reusable"
	RefreshTokenOneTimeUse = "OneTimeUse"
)

// Refresh-token expiration policies (jwtConfiguration.
// refreshTokenExpirationPolicy). Fixed: a token lives its time to live from
// the login. SlidingWindow: every refresh restarts that time. With a maximum
// lifetime, the window never reaches past the login plus
// refreshTokenSlidingWindowConfiguration.maximumTimeToLiveInMinutes.
const (
	RefreshTokenFixed                            = "Fixed"
	RefreshTokenSlidingWindow                    = "SlidingWindow"
	RefreshTokenSlidingWindowWithMaximumLifetime = "SlidingWindowWithMaximumLifetime"
)

// SlidingWindowConfiguration is jwtConfiguration.
// refreshTokenSlidingWindowConfiguration.
type SlidingWindowConfiguration struct {
	MaximumTimeToLiveInMinutes int `json:"maximumTimeToLiveInMinutes,omitempty"`
}

// TenantJWTConfiguration is the tenant's token policy.
type TenantJWTConfiguration struct {
	// AccessTokenKeyID names the signing key; rotation points it at a new key
	// while the old one keeps verifying until it is deleted.
	AccessTokenKeyID                string `json:"accessTokenKeyId,omitempty"`
	TimeToLiveInSeconds             int    `json:"timeToLiveInSeconds,omitempty"`
	RefreshTokenTimeToLiveInMinutes int    `json:"refreshTokenTimeToLiveInMinutes,omitempty"`
	RefreshTokenUsagePolicy         string `json:"refreshTokenUsagePolicy,omitempty"`
	// RefreshTokenExpirationPolicy is Fixed unless set.
	RefreshTokenExpirationPolicy           string                     `json:"refreshTokenExpirationPolicy,omitempty"`
	RefreshTokenSlidingWindowConfiguration SlidingWindowConfiguration `json:"refreshTokenSlidingWindowConfiguration,omitzero"`
}

// EmailConfiguration holds the one e-mail switch our flows read.
type EmailConfiguration struct {
	// VerifyEmail: users must verify their e-mail; an unverified user's login
	// answers 212.
	VerifyEmail bool `json:"verifyEmail"`
}

// Application is FusionAuth's application, always inside one tenant.
type Application struct {
	ID                 string                   `json:"id,omitempty"`
	TenantID           string                   `json:"tenantId,omitempty"`
	Name               string                   `json:"name,omitempty"`
	Active             bool                     `json:"active"`
	Roles              []ApplicationRole        `json:"roles,omitempty"`
	LoginConfiguration LoginConfiguration       `json:"loginConfiguration"`
	VerifyRegistration bool                     `json:"verifyRegistration"`
	JWTConfiguration   *ApplicationJWTOverrides `json:"jwtConfiguration,omitempty"`
	Data               map[string]any           `json:"data,omitempty"`
	InsertInstant      int64                    `json:"insertInstant,omitempty"`
	LastUpdateInstant  int64                    `json:"lastUpdateInstant,omitempty"`
}

// ApplicationRole is a role of an application; default roles are given to
// registrations that a login creates.
type ApplicationRole struct {
	ID                string `json:"id,omitempty"`
	Name              string `json:"name,omitempty"`
	Description       string `json:"description,omitempty"`
	IsDefault         bool   `json:"isDefault"`
	IsSuperRole       bool   `json:"isSuperRole"`
	InsertInstant     int64  `json:"insertInstant,omitempty"`
	LastUpdateInstant int64  `json:"lastUpdateInstant,omitempty"`
}

// LoginConfiguration is application.loginConfiguration.
type LoginConfiguration struct {
	GenerateRefreshTokens bool `json:"generateRefreshTokens"`
}

// ApplicationJWTOverrides lets an application override the tenant's token
// lifetimes (application.jwtConfiguration with enabled=true).
type ApplicationJWTOverrides struct {
	Enabled bool `json:"enabled"`
	// AccessTokenKeyID, when Enabled, is the key that signs the
	// application's access tokens instead of the tenant's.
	AccessTokenKeyID                string `json:"accessTokenKeyId,omitempty"`
	TimeToLiveInSeconds             int    `json:"timeToLiveInSeconds,omitempty"`
	RefreshTokenTimeToLiveInMinutes int    `json:"refreshTokenTimeToLiveInMinutes,omitempty"`
	// The refresh policies below override the tenant's when Enabled and
	// set; empty keeps the tenant's.
	RefreshTokenUsagePolicy                string                     `json:"refreshTokenUsagePolicy,omitempty"`
	RefreshTokenExpirationPolicy           string                     `json:"refreshTokenExpirationPolicy,omitempty"`
	RefreshTokenSlidingWindowConfiguration SlidingWindowConfiguration `json:"refreshTokenSlidingWindowConfiguration,omitzero"`
}

// User is FusionAuth's user. Registrations are stored apart (one row per
// application) and filled in when a user is read for output.
type User struct {
	ID                     string             `json:"id,omitempty"`
	TenantID               string             `json:"tenantId,omitempty"`
	Email                  string             `json:"email,omitempty"`
	Username               string             `json:"username,omitempty"`
	UsernameStatus         string             `json:"usernameStatus,omitempty"`
	CleanSpeakID           string             `json:"cleanSpeakId,omitempty"`
	FullName               string             `json:"fullName,omitempty"`
	FirstName              string             `json:"firstName,omitempty"`
	MiddleName             string             `json:"middleName,omitempty"`
	LastName               string             `json:"lastName,omitempty"`
	ImageURL               string             `json:"imageUrl,omitempty"`
	MobilePhone            string             `json:"mobilePhone,omitempty"`
	BirthDate              string             `json:"birthDate,omitempty"`
	Active                 bool               `json:"active"`
	Verified               bool               `json:"verified"`
	VerifiedInstant        int64              `json:"verifiedInstant,omitempty"`
	Expiry                 int64              `json:"expiry,omitempty"`
	PasswordChangeRequired bool               `json:"passwordChangeRequired"`
	Data                   map[string]any     `json:"data,omitempty"`
	PreferredLanguages     []string           `json:"preferredLanguages,omitempty"`
	Timezone               string             `json:"timezone,omitempty"`
	TwoFactor              *TwoFactor         `json:"twoFactor,omitempty"`
	InsertInstant          int64              `json:"insertInstant,omitempty"`
	LastUpdateInstant      int64              `json:"lastUpdateInstant,omitempty"`
	LastLoginInstant       int64              `json:"lastLoginInstant,omitempty"`
	Registrations          []UserRegistration `json:"registrations,omitempty"`
}

// TwoFactor is user.twoFactor; a login of a user with methods answers 242.
type TwoFactor struct {
	Methods []TwoFactorMethod `json:"methods,omitempty"`
}

// TwoFactorMethod is one of user.twoFactor.methods.
type TwoFactorMethod struct {
	ID          string `json:"id,omitempty"`
	Method      string `json:"method,omitempty"`
	Email       string `json:"email,omitempty"`
	MobilePhone string `json:"mobilePhone,omitempty"`
	// Authenticator is an authenticator method's TOTP settings, set by the
	// engine: HmacSHA1, six digits, 30 seconds for an authenticator method,
	// none for the others.
	Authenticator AuthenticatorConfiguration `json:"authenticator,omitzero"`
}

// AuthenticatorConfiguration is user.twoFactor.methods[x].authenticator.
type AuthenticatorConfiguration struct {
	Algorithm  string `json:"algorithm,omitempty"`
	CodeLength int    `json:"codeLength,omitempty"`
	TimeStep   int    `json:"timeStep,omitempty"`
}

// defaultAuthenticator is the TOTP configuration of every authenticator
// method: the only one FusionAuth uses (HmacSHA1, six digits, 30 seconds),
// whatever a request sends, as its Import API says of other values.
var defaultAuthenticator = AuthenticatorConfiguration{Algorithm: "HmacSHA1", CodeLength: 6, TimeStep: 30}

// UserRegistration ties a user to an application with roles.
type UserRegistration struct {
	ID                 string         `json:"id,omitempty"`
	ApplicationID      string         `json:"applicationId,omitempty"`
	UserID             string         `json:"-"`
	Roles              []string       `json:"roles,omitempty"`
	Username           string         `json:"username,omitempty"`
	UsernameStatus     string         `json:"usernameStatus,omitempty"`
	CleanSpeakID       string         `json:"cleanSpeakId,omitempty"`
	Data               map[string]any `json:"data,omitempty"`
	Verified           bool           `json:"verified"`
	VerifiedInstant    int64          `json:"verifiedInstant,omitempty"`
	Timezone           string         `json:"timezone,omitempty"`
	PreferredLanguages []string       `json:"preferredLanguages,omitempty"`
	InsertInstant      int64          `json:"insertInstant,omitempty"`
	LastUpdateInstant  int64          `json:"lastUpdateInstant,omitempty"`
	LastLoginInstant   int64          `json:"lastLoginInstant,omitempty"`
}

// IdentityProviderRecord is how a store keeps an identity provider: generic,
// so a new provider type needs no schema change. Document is the provider's
// JSON configuration.
type IdentityProviderRecord struct {
	ID                string
	Type              string
	Document          []byte
	InsertInstant     int64
	LastUpdateInstant int64
}

// IdentityProviderLink ties a user to an account at an identity provider.
type IdentityProviderLink struct {
	Data                   map[string]any `json:"data,omitempty"`
	DisplayName            string         `json:"displayName,omitempty"`
	IdentityProviderID     string         `json:"identityProviderId,omitempty"`
	IdentityProviderName   string         `json:"identityProviderName,omitempty"`
	IdentityProviderType   string         `json:"identityProviderType,omitempty"`
	IdentityProviderUserID string         `json:"identityProviderUserId,omitempty"`
	InsertInstant          int64          `json:"insertInstant,omitempty"`
	LastLoginInstant       int64          `json:"lastLoginInstant,omitempty"`
	TenantID               string         `json:"tenantId,omitempty"`
	Token                  string         `json:"token,omitempty"`
	UserID                 string         `json:"userId,omitempty"`
}

// PendingLink is what the CreatePendingLink strategy stores instead of a link:
// the identity-provider account waiting to be linked to a user through the
// Link API. Single use, expiring.
type PendingLink struct {
	ID                     string         `json:"id"`
	TenantID               string         `json:"tenantId"`
	ApplicationID          string         `json:"applicationId"`
	IdentityProviderID     string         `json:"identityProviderId"`
	IdentityProviderUserID string         `json:"identityProviderUserId"`
	DisplayName            string         `json:"displayName,omitempty"`
	Email                  string         `json:"email,omitempty"`
	Username               string         `json:"username,omitempty"`
	Token                  string         `json:"token,omitempty"`
	Data                   map[string]any `json:"data,omitempty"`
	InsertInstant          int64          `json:"insertInstant"`
	ExpirationInstant      int64          `json:"expirationInstant"`
}

// APIKey authorises calls to the HTTP API. Only a hash of the key is kept.
type APIKey struct {
	ID            string
	KeyHash       []byte
	TenantID      string // "" for a key that may act in every tenant
	Description   string
	InsertInstant int64
	// KeyManager lets the key use the API Key API (FusionAuth's keyManager).
	// Only the Go API sets it, as only FusionAuth's admin UI and Kickstart
	// do: the API Key API cannot make or unmake a key manager.
	KeyManager bool `json:",omitempty"`
	// Endpoints limits the key to these endpoints (FusionAuth's endpoint
	// names, such as "/api/user") and, for each, these HTTP methods; empty
	// is a key for every endpoint (FusionAuth's permissions.endpoints).
	// Keys stored before the field existed have none, so they keep the
	// full access they had.
	Endpoints map[string][]string `json:",omitempty"`
	// ExpirationInstant, when set, is when the key stops authenticating.
	ExpirationInstant int64 `json:",omitempty"`
	LastUpdateInstant int64 `json:",omitempty"`
	// Name is FusionAuth's apiKey.name (1.56): unique among all keys,
	// compared as strings.ToLower gives it (as tenant and signing key
	// names); "" is no name and never collides.
	Name string `json:",omitempty"`
}

// RefreshToken is a stored refresh token. Only hashes are kept; the id stays
// the same when a one-time-use token rotates (FusionAuth's refreshTokenId).
type RefreshToken struct {
	ID                string
	TokenHash         []byte
	PreviousTokenHash []byte
	UserID            string
	ApplicationID     string
	TenantID          string
	StartInstant      int64
	InsertInstant     int64
	ExpirationInstant int64
	MetaData          map[string]any
}

// SigningKey is a JWT signing key (FusionAuth's Key Master keys). Secret holds
// the HMAC secret or the private key in PKCS#8 DER (nil for an imported key
// that only verifies); PublicKey the PKIX DER of an asymmetric key's public
// half; Certificate the DER of its X.509 certificate (FusionAuth's
// key.certificate), nil for an HMAC key and for a key stored before authcore
// made certificates. Tokens are signed and verified with Secret and
// PublicKey only.
type SigningKey struct {
	ID string
	// Kid is the key identifier that tokens signed by the key carry in
	// their header, and that the JWKS gives it, when that is not ID: an
	// imported key keeps the kid it had where it was made. "" means ID, as
	// for every key authcore generates (EffectiveKid).
	Kid           string
	Name          string
	Algorithm     string
	Secret        []byte
	PublicKey     []byte
	Certificate   []byte
	InsertInstant int64
	// LastUpdateInstant is when the key was last renamed (UpdateKey); 0
	// until then, and the API shows InsertInstant in its place.
	LastUpdateInstant int64
	// FormerTenants and FormerApplications are the tenants and the
	// applications whose access tokens the key signed before they moved
	// to another key (a rotation, an update of accessTokenKeyId). Tokens
	// it signed for them then still stand for a login of theirs until
	// they expire or the key is deleted; a key never theirs does not, nor
	// does a tenant or an application created later under a deleted one's
	// id (FormerSigner.InsertInstant). The API does not show them.
	FormerTenants      []FormerSigner
	FormerApplications []FormerSigner
}

// EffectiveKid is the kid tokens signed by k name it by: Kid, or ID when k
// has no kid of its own. No two stored keys have the same one.
func (k *SigningKey) EffectiveKid() string {
	if k.Kid != "" {
		return k.Kid
	}
	return k.ID
}

// EventLog is FusionAuth's event log entry (debug output of identity
// providers, lambda failures, failed calls to providers).
type EventLog struct {
	// ID is a number, as FusionAuth's clients expect; the store assigns it.
	ID            int64  `json:"id"`
	InsertInstant int64  `json:"insertInstant"`
	Message       string `json:"message"`
	Type          string `json:"type"`
}

// Event-log types.
const (
	EventLogDebug       = "Debug"
	EventLogError       = "Error"
	EventLogInformation = "Information"
)

// EventLogQuery selects event-log entries, newest first unless OrderBy
// says otherwise.
type EventLogQuery struct {
	// Message is a pattern the whole message must match, case-insensitively:
	// "*" matches any run of characters, every other character itself. ""
	// matches every message.
	Message    string
	Type       string
	Start, End int64 // inclusive bounds on insertInstant; 0 for open
	Offset     int
	Limit      int // 0 means 25
	// OrderBy is the sort key: EventLogOrderInstant (the default),
	// EventLogOrderMessage (case-insensitive) or EventLogOrderType. Ties are
	// broken by id, in the same direction.
	OrderBy string
	Asc     bool // ascending instead of descending
}

// Event-log sort keys (EventLogQuery.OrderBy).
const (
	EventLogOrderInstant = "insertInstant"
	EventLogOrderMessage = "message"
	EventLogOrderType    = "type"
)

// LoginRecord is one successful login, kept for the login history.
type LoginRecord struct {
	ID            string
	UserID        string
	ApplicationID string
	TenantID      string
	IPAddress     string
	Instant       int64
	Device        map[string]any
}
