// Package cleanspeaktest is a local fake of CleanSpeak's Moderate Content
// API, as documented: POST and PUT /content/item/moderate/{contentItemId}
// with the API key in Authorization, answering {"content": {"id"},
// "contentAction", "moderationAction", "stored"}. Tests choose the decision
// per username, take the server down, and read the requests it got.
package cleanspeaktest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/authcore/authcore/integration/cleanspeak"
)

// Server is the fake. Create it with NewServer and Close it.
type Server struct {
	*httptest.Server
	// APIKey is the key requests must carry.
	APIKey string

	mu       sync.Mutex
	actions  map[string]string
	down     bool
	requests []Request
	attempts int
}

// Request is one moderation request the fake accepted.
type Request struct {
	Method    string
	ContentID string
	Body      cleanspeak.ModerateRequest
}

// NewServer starts a fake that allows every username, with API key apiKey.
func NewServer(apiKey string) *Server {
	s := &Server{APIKey: apiKey, actions: map[string]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// SetAction makes the fake answer contentAction for username
// (cleanspeak.ActionReject, ActionQueuedForApproval, …).
func (s *Server) SetAction(username, contentAction string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actions[strings.ToLower(username)] = contentAction
}

// SetDown makes every request fail with 503 (down true) or work again.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// Attempts returns how many HTTP requests the fake received, refused ones
// (while down, a wrong key…) included: how often a caller tried.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Requests returns the moderation requests accepted so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

type apiError struct {
	FieldErrors map[string][]map[string]string `json:"fieldErrors"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.attempts++
	down := s.down
	s.mu.Unlock()
	if down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	id, ok := strings.CutPrefix(r.URL.Path, "/content/item/moderate/")
	if !ok || id == "" || strings.Contains(id, "/") {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if r.Header.Get("Authorization") != s.APIKey {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var body cleanspeak.ModerateRequest
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	c := body.Content
	errs := apiError{FieldErrors: map[string][]map[string]string{}}
	for field, blank := range map[string]bool{
		"content.applicationId": c.ApplicationID == "",
		"content.senderId":      c.SenderID == "",
		"content.createInstant": c.CreateInstant == 0,
		"content.parts":         len(c.Parts) == 0 || c.Parts[0].Content == "" || c.Parts[0].Type == "",
	} {
		if blank {
			errs.FieldErrors[field] = []map[string]string{{"code": "[missing]" + field}}
		}
	}
	if len(errs.FieldErrors) > 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(errs)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, ContentID: id, Body: body})
	action, ok := s.actions[strings.ToLower(c.Parts[0].Content)]
	s.mu.Unlock()
	if !ok {
		action = cleanspeak.ActionAllow
	}
	var resp cleanspeak.ModerateResponse
	resp.Content.ID = id
	resp.ContentAction = action
	resp.Stored = true
	if action == cleanspeak.ActionQueuedForApproval {
		resp.ModerationAction = "requiresApproval"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// Approval is the body CleanSpeak's webhook sends when a moderator decides
// queued content: decisions maps content ids to "approved" or "rejected".
func Approval(decisions map[string]string) cleanspeak.Notification {
	return cleanspeak.Notification{Type: cleanspeak.NotificationContentApproval, Approvals: decisions, ModeratorEmail: "moderator@example.com"}
}
