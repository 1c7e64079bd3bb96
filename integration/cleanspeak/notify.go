package cleanspeak

// NotificationContentApproval is the type of the notification CleanSpeak's
// webhook sends when a moderator approves or rejects queued content.
const NotificationContentApproval = "contentApproval"

// Notification is a CleanSpeak webhook notification. Only contentApproval
// carries decisions; the other types (userAction, contentEdit,
// contentDelete, …) are accepted and ignored.
type Notification struct {
	Type string `json:"type"`
	// Approvals maps content item ids to "approved" or "rejected".
	Approvals           map[string]string `json:"approvals,omitempty"`
	ModeratorEmail      string            `json:"moderatorEmail,omitempty"`
	ModeratorExternalID string            `json:"moderatorExternalId,omitempty"`
	ModeratorID         string            `json:"moderatorId,omitempty"`
}

// Decisions returns the content items a contentApproval decided, with the
// status each username gets; other types and unknown values yield nothing.
func (n Notification) Decisions() map[string]Status {
	out := map[string]Status{}
	if n.Type != NotificationContentApproval {
		return out
	}
	for id, v := range n.Approvals {
		switch v {
		case "approved":
			out[id] = StatusActive
		case "rejected":
			out[id] = StatusRejected
		}
	}
	return out
}
