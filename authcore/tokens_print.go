package authcore

import (
	"fmt"
	"log/slog"

	"github.com/authcore/authcore/internal/redact"
)

// The types below carry access tokens, refresh tokens or API keys. Each
// prints them redacted, through every fmt verb (%#v included, and the
// bad-verb path that %d or %x takes) and through slog (whose JSON handler
// would otherwise marshal the struct field by field): an application that
// logs what it got back from a login or a refresh must not write a
// credential that acts as the user. Ids, instants and statuses stay, to
// debug with. The JSON the API answers is not changed.

// String describes r with its access and refresh tokens redacted.
func (r LoginResponse) String() string {
	userID := ""
	if r.User != nil {
		userID = r.User.ID
	}
	return fmt.Sprintf("LoginResponse{Status:%d Token:%s TokenExpirationInstant:%d RefreshToken:%s RefreshTokenID:%q PendingIdPLinkID:%q TwoFactorID:%q UserID:%q}",
		int(r.Status), redact.Quoted(r.Token), r.TokenExpirationInstant, redact.Quoted(r.RefreshToken), r.RefreshTokenID, r.PendingIdPLinkID, r.TwoFactorID, userID)
}

// Format makes every verb print String.
func (r LoginResponse) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue is String for slog.
func (r LoginResponse) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String describes r with its tokens redacted.
func (r RefreshResult) String() string {
	return fmt.Sprintf("RefreshResult{Token:%s TokenExpirationInstant:%d RefreshToken:%s RefreshTokenID:%q RefreshTokenExpirationInstant:%d RefreshTokenMaxAge:%d}",
		redact.Quoted(r.Token), r.TokenExpirationInstant, redact.Quoted(r.RefreshToken), r.RefreshTokenID, r.RefreshTokenExpirationInstant, r.RefreshTokenMaxAge)
}

// Format makes every verb print String.
func (r RefreshResult) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue is String for slog.
func (r RefreshResult) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String describes r with its refresh token redacted.
func (r RefreshRequest) String() string {
	return fmt.Sprintf("RefreshRequest{RefreshToken:%s IPAddress:%q TimeToLiveInSeconds:%d}",
		redact.Quoted(r.RefreshToken), r.IPAddress, r.TimeToLiveInSeconds)
}

// Format makes every verb print String.
func (r RefreshRequest) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue is String for slog.
func (r RefreshRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String describes r with the token it revokes by value redacted.
func (r RevokeRequest) String() string {
	return fmt.Sprintf("RevokeRequest{TokenID:%q UserID:%q ApplicationID:%q Token:%s OwnerID:%q}",
		r.TokenID, r.UserID, r.ApplicationID, redact.Quoted(r.Token), r.OwnerID)
}

// Format makes every verb print String.
func (r RevokeRequest) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue is String for slog.
func (r RevokeRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String describes r with its tokens redacted.
func (r IssueRequest) String() string {
	return fmt.Sprintf("IssueRequest{AccessToken:%s ApplicationID:%q RefreshToken:%s}",
		redact.Quoted(r.AccessToken), r.ApplicationID, redact.Quoted(r.RefreshToken))
}

// Format makes every verb print String.
func (r IssueRequest) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue is String for slog.
func (r IssueRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String describes r with its tokens redacted.
func (r IssueResult) String() string {
	return fmt.Sprintf("IssueResult{Token:%s RefreshToken:%s Registered:%t}",
		redact.Quoted(r.Token), redact.Quoted(r.RefreshToken), r.Registered)
}

// Format makes every verb print String.
func (r IssueResult) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue is String for slog.
func (r IssueResult) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String describes in with its key redacted.
func (in NewAPIKey) String() string {
	return fmt.Sprintf("NewAPIKey{Key:%s TenantID:%q Name:%q Description:%q ID:%q KeyManager:%t Endpoints:%v ExpirationInstant:%d SourceKeyID:%q}",
		redact.Quoted(in.Key), in.TenantID, in.Name, in.Description, in.ID, in.KeyManager, in.Endpoints, in.ExpirationInstant, in.SourceKeyID)
}

// Format makes every verb print String.
func (in NewAPIKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(in.String())) }

// LogValue is String for slog.
func (in NewAPIKey) LogValue() slog.Value { return slog.StringValue(in.String()) }

// String describes in with its key redacted: a client may send back a key
// it holds.
func (in APIKeyUpdate) String() string {
	return fmt.Sprintf("APIKeyUpdate{Name:%q Description:%q Endpoints:%v ExpirationInstant:%d TenantID:%q KeyManager:%t Key:%s}",
		in.Name, in.Description, in.Endpoints, in.ExpirationInstant, in.TenantID, in.KeyManager, redact.Quoted(in.Key))
}

// Format makes every verb print String.
func (in APIKeyUpdate) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(in.String())) }

// LogValue is String for slog.
func (in APIKeyUpdate) LogValue() slog.Value { return slog.StringValue(in.String()) }

// String describes k with its key (set in a create's answer) redacted.
func (k APIKeyInfo) String() string {
	return fmt.Sprintf("APIKeyInfo{ID:%q Key:%s KeyManager:%t TenantID:%q Name:%q MetaData:%v Permissions:%v ExpirationInstant:%d InsertInstant:%d LastUpdateInstant:%d}",
		k.ID, redact.Quoted(k.Key), k.KeyManager, k.TenantID, k.Name, k.MetaData, k.Permissions, k.ExpirationInstant, k.InsertInstant, k.LastUpdateInstant)
}

// Format makes every verb print String.
func (k APIKeyInfo) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue is String for slog.
func (k APIKeyInfo) LogValue() slog.Value { return slog.StringValue(k.String()) }

// String describes r with its access and refresh tokens redacted: a
// registration's create answers with both.
func (r RegistrationResponse) String() string {
	appID, userID := "", ""
	if r.Registration != nil {
		appID = r.Registration.ApplicationID
	}
	if r.User != nil {
		userID = r.User.ID
	}
	return fmt.Sprintf("RegistrationResponse{Token:%s TokenExpirationInstant:%d RefreshToken:%s RefreshTokenID:%q ApplicationID:%q UserID:%q}",
		redact.Quoted(r.Token), r.TokenExpirationInstant, redact.Quoted(r.RefreshToken), r.RefreshTokenID, appID, userID)
}

// Format makes every verb print String.
func (r RegistrationResponse) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue is String for slog.
func (r RegistrationResponse) LogValue() slog.Value { return slog.StringValue(r.String()) }

// apiKeyString is k as APIKeyInfo.String gives it, or nil.
func apiKeyString(k *APIKeyInfo) string {
	if k == nil {
		return "nil"
	}
	return k.String()
}

// String describes r with its key redacted. fmt alone would print the
// pointer, but slog's JSON handler marshals the key whole.
func (r APIKeyRequest) String() string {
	return fmt.Sprintf("APIKeyRequest{APIKey:%s SourceKeyID:%q}", apiKeyString(r.APIKey), r.SourceKeyID)
}

// Format makes every verb print String.
func (r APIKeyRequest) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue is String for slog.
func (r APIKeyRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String describes r with its key (set in a create's answer) redacted.
func (r APIKeyResponse) String() string {
	return fmt.Sprintf("APIKeyResponse{APIKey:%s}", apiKeyString(r.APIKey))
}

// Format makes every verb print String.
func (r APIKeyResponse) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue is String for slog.
func (r APIKeyResponse) LogValue() slog.Value { return slog.StringValue(r.String()) }
