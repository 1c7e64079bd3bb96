package httpadapter

import (
	"net/http"

	"github.com/authcore/authcore/integration/cleanspeak"
)

// POST /api/cleanspeak/notify receives CleanSpeak's webhook notifications
// (configure CleanSpeak's webhook with this URL and an Authorization header
// holding an authcore API key that is not tenant-locked). A contentApproval
// notification settles pending usernames; every notification is answered
// 200 with no body, so CleanSpeak does not resend one that changed nothing.
func (h *Handler) cleanSpeakRoutes() {
	h.handle("POST /api/cleanspeak/notify", false, h.cleanSpeakNotify)
}

func (h *Handler) cleanSpeakNotify(w http.ResponseWriter, r *http.Request) error {
	var n cleanspeak.Notification
	if err := h.decode(w, r, &n); err != nil {
		return err
	}
	if err := h.engine.CleanSpeakNotify(r.Context(), n); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
