package authcore

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/authcore/authcore/internal/redact"
)

// A link keeps the identity provider's access token (Token) and its secret
// (Data's oauth_token_secret), and a pending link the same until it is
// completed. Both print them redacted, through every fmt verb and slog, as
// the login request does; the Link API's JSON still returns the token, as
// FusionAuth's does.

// redactedData lists m's keys, sorted, each with "[redacted]": the values
// of a link's data are the provider's credentials (and whatever a caller
// of the Link API put there), the keys say what was kept.
func redactedData(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("map[")
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k + ":" + redact.Mark)
	}
	b.WriteByte(']')
	return b.String()
}

// String describes l with its token and data values redacted.
func (l IdentityProviderLink) String() string {
	return fmt.Sprintf("IdentityProviderLink{IdentityProviderID:%q IdentityProviderUserID:%q UserID:%q TenantID:%q DisplayName:%q Token:%s Data:%s InsertInstant:%d LastLoginInstant:%d}",
		l.IdentityProviderID, l.IdentityProviderUserID, l.UserID, l.TenantID, l.DisplayName, redact.Quoted(l.Token), redactedData(l.Data), l.InsertInstant, l.LastLoginInstant)
}

// Format makes every verb print String.
func (l IdentityProviderLink) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(l.String())) }

// LogValue is String for slog.
func (l IdentityProviderLink) LogValue() slog.Value { return slog.StringValue(l.String()) }

// String describes p with its token and data values redacted.
func (p PendingLink) String() string {
	return fmt.Sprintf("PendingLink{ID:%q TenantID:%q ApplicationID:%q IdentityProviderID:%q IdentityProviderUserID:%q DisplayName:%q Email:%q Username:%q Token:%s Data:%s InsertInstant:%d ExpirationInstant:%d}",
		p.ID, p.TenantID, p.ApplicationID, p.IdentityProviderID, p.IdentityProviderUserID, p.DisplayName, p.Email, p.Username,
		redact.Quoted(p.Token), redactedData(p.Data), p.InsertInstant, p.ExpirationInstant)
}

// Format makes every verb print String.
func (p PendingLink) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// LogValue is String for slog.
func (p PendingLink) LogValue() slog.Value { return slog.StringValue(p.String()) }

// The wrappers need no Format (fmt prints each field with its own), but
// slog's JSON handler marshals a struct whole, so they log their links
// through the links' LogValue.

// LogValue logs r with its link redacted.
func (r LinkRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("identityProviderLink", r.IdentityProviderLink),
		slog.String("pendingIdPLinkId", r.PendingIdPLinkID),
		slog.String("userId", r.UserID),
		slog.String("displayName", r.DisplayName),
		slog.String("identityProviderId", r.IdentityProviderID),
		slog.String("identityProviderUserId", r.IdentityProviderUserID),
	)
}

// LogValue logs r with its link redacted.
func (r LinkResponse) LogValue() slog.Value {
	if r.IdentityProviderLink == nil {
		return slog.GroupValue()
	}
	return slog.GroupValue(slog.Any("identityProviderLink", *r.IdentityProviderLink))
}

// LogValue logs r with its links redacted.
func (r LinksResponse) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("identityProviderLinks", linkValues(r.IdentityProviderLinks)))
}

// LogValue logs p with the user's links redacted.
func (p PendingIdPLink) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("identityProviderId", p.IdentityProviderID),
		slog.String("identityProviderUserId", p.IdentityProviderUserID),
		slog.String("displayName", p.DisplayName),
		slog.String("email", p.Email),
		slog.String("username", p.Username),
		slog.Any("identityProviderLinks", linkValues(p.IdentityProviderLinks)),
	)
}

// LogValue logs r with the pending link's links redacted.
func (r PendingLinkResponse) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("pendingIdPLink", r.PendingIdPLink), slog.Int("linkCount", r.LinkCount))
}

// linkValues is links as String gives each, for a JSON handler that would
// marshal a slice of them field by field.
func linkValues(links []IdentityProviderLink) []string {
	out := make([]string, len(links))
	for i, l := range links {
		out[i] = l.String()
	}
	return out
}
