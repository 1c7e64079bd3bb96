// Package cleanspeak is a client for CleanSpeak's Moderate Content API, as
// FusionAuth's username moderation uses it (integrations.cleanspeak). Each
// username is sent as persistent content,
//
//	POST /content/item/moderate/{contentItemId}   a new username
//	PUT  /content/item/moderate/{contentItemId}   a changed one
//
// with the API key in the Authorization header, one text part holding the
// username, the user as sender, and the usernameModeration application.
// CleanSpeak's contentAction decides the username's status: allow is
// ACTIVE, queuedForApproval is PENDING (a moderator decides later and
// CleanSpeak's webhook reports it: Notification), and reject is REJECTED;
// replace and authorOnly are REJECTED too, since a username is shown to
// everyone and may not be shown masked or to its author only.
//
// A call that cannot be completed (no answer, a timeout, an error status, an
// answer that cannot be read) returns an error matching ErrUnavailable; the
// caller keeps the username PENDING.
//
// The package is a leaf: it imports no other authcore package. Subpackage
// cleanspeaktest is a local fake of the API for tests.
package cleanspeak
