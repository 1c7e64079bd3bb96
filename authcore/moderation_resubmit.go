package authcore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/authcore/authcore/integration/cleanspeak"
)

// Resubmission of the usernames CleanSpeak never accepted. A username
// written while CleanSpeak was unavailable is kept PENDING with a moderation
// item marked Resubmit (moderateUsername); no moderator will ever decide it,
// because CleanSpeak never got it. ResubmitPendingUsernames sends such
// usernames again and applies the answers, and RunModerationRetry does so
// periodically for an embedding application.
//
// As for a write, CleanSpeak is asked outside any store transaction; the
// answer is applied in a transaction of its own that first checks that the
// username is still the one that was sent, still PENDING under that content
// id, and not rewritten meanwhile (the item is compared whole). A username
// that changed or was decided while CleanSpeak was answering is left to the
// write that changed it: the answer is dropped.

// resubmitPage is how many moderation items one store read returns.
const resubmitPage = 100

// ResubmitPendingUsernames sends CleanSpeak again each username kept PENDING
// because CleanSpeak was unavailable when it was written, in content id
// order, and applies each answer:
//   - allowed: the username is ACTIVE and its moderation item deleted;
//   - rejected (reject, replace, authorOnly): REJECTED and the item deleted,
//     as a moderator's rejection through CleanSpeakNotify: the username is
//     kept, marked REJECTED; a write is not refused after the fact;
//   - queued for a moderator: still PENDING, the item kept for the
//     moderator's decision (CleanSpeakNotify) and no longer resubmitted;
//   - unavailable: the run stops there and returns an error wrapping
//     cleanspeak.ErrUnavailable; that username and those after it wait for
//     the next run (one timeout a run while CleanSpeak is down, not one per
//     username).
//
// An item whose username is gone (the user or registration deleted, the
// username changed or no longer PENDING) is deleted without being sent.
// With username moderation disabled nothing is sent and the items are kept
// for when it is enabled again. It returns how many answers were applied; a
// store error stops the run. It is global: a tenant-scoped caller gets
// ErrUnauthorized.
func (e *Engine) ResubmitPendingUsernames(ctx context.Context) (int, error) {
	if err := requireGlobal(ctx); err != nil {
		return 0, err
	}
	n, _, err := e.resubmitPending(ctx, "")
	return n, err
}

// RunModerationRetry runs ResubmitPendingUsernames at once and then every
// interval until ctx ends, and returns nil then. It logs what each run did
// (never the CleanSpeak API key). A run that stops at an unavailable answer
// is continued by the next run after that username, so that one username
// CleanSpeak keeps failing on does not hold back the others. Several
// engines on one database may each run it: an answer is applied only to the
// username it is about, so a late duplicate is dropped.
func (e *Engine) RunModerationRetry(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return fmt.Errorf("authcore: RunModerationRetry: interval %v is not positive", interval)
	}
	if err := requireGlobal(ctx); err != nil {
		return err
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	after := ""
	for {
		n, next, err := e.resubmitPending(ctx, after)
		after = next
		switch {
		case ctx.Err() != nil:
			// Shutting down: whatever failed failed because of it.
			return nil
		case errors.Is(err, cleanspeak.ErrUnavailable):
			e.log.WarnContext(ctx, "CleanSpeak still unavailable: pending usernames wait for the next run", "applied", n, "error", err)
		case err != nil:
			e.log.WarnContext(ctx, "resubmitting pending usernames to CleanSpeak failed", "applied", n, "error", err)
		case n > 0:
			e.log.InfoContext(ctx, "pending usernames resubmitted to CleanSpeak", "applied", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// resubmitPending resubmits the marked items whose content id sorts after
// after. next is where the following pass starts: "" once a pass reached
// the end, else the content id of the item CleanSpeak was unavailable for.
func (e *Engine) resubmitPending(ctx context.Context, after string) (n int, next string, err error) {
	m := e.newModeration(ctx, nil)
	if !m.on {
		return 0, "", nil
	}
	for {
		page, err := e.store.ListModerationItems(ctx, after, resubmitPage)
		if err != nil {
			return n, "", err
		}
		for _, item := range page {
			if !item.Resubmit {
				continue
			}
			applied, err := e.resubmit(ctx, m, item)
			if errors.Is(err, cleanspeak.ErrUnavailable) {
				return n, item.ContentID, fmt.Errorf("authcore: CleanSpeak unavailable; pending usernames wait for the next run: %w", err)
			}
			if err != nil {
				return n, "", err
			}
			if applied {
				n++
			}
		}
		if len(page) < resubmitPage {
			return n, "", nil
		}
		after = page[len(page)-1].ContentID
	}
}

// resubmit sends one item's username to CleanSpeak and applies the answer;
// applied is false when the answer no longer fits the stored username.
func (e *Engine) resubmit(ctx context.Context, m *moderation, item *ModerationItem) (applied bool, err error) {
	pending, err := carriesPending(ctx, e.store, item)
	if err != nil {
		return false, err
	}
	var status cleanspeak.Status // "": only drop an item whose username is gone
	if pending {
		res, err := e.ext.cleanspeak.Moderate(ctx, m.cfg, cleanspeak.Request{
			ContentID: item.ContentID, SenderID: item.UserID, Username: item.Username,
			CreateInstant: item.InsertInstant, Update: item.ResubmitAsUpdate,
		})
		if err != nil {
			return false, err
		}
		status = res.Status
	}
	err = e.inTx(ctx, func(ctx context.Context, tx Store) error {
		var err error
		applied, err = e.settleResubmission(ctx, tx, item, status)
		return err
	})
	if err != nil || !applied {
		return false, err
	}
	e.writeEventLog(ctx, EventLogInformation, "CleanSpeak answered for the username of user [%s] (content id [%s]) kept PENDING while CleanSpeak was unavailable; its status is now %s", item.UserID, item.ContentID, status)
	return true, nil
}

// settleResubmission applies CleanSpeak's answer about sent, the item as it
// was read before asking, if the item and its username are unchanged.
func (e *Engine) settleResubmission(ctx context.Context, tx Store, sent *ModerationItem, status cleanspeak.Status) (bool, error) {
	cur, err := tx.GetModerationItem(ctx, sent.ContentID)
	if errors.Is(err, ErrNotFound) {
		return false, nil // settled meanwhile: by a write or a moderator
	}
	if err != nil {
		return false, err
	}
	if *cur != *sent {
		return false, nil // rewritten for a newer username, which its write moderates
	}
	pending, err := carriesPending(ctx, tx, cur)
	if err != nil {
		return false, err
	}
	if !pending {
		// Nothing will ever apply to it; applyDecision would drop it too.
		return false, tx.DeleteModerationItem(ctx, cur.ContentID)
	}
	switch status {
	case "":
		return false, nil
	case cleanspeak.StatusPending:
		cur.Resubmit, cur.ResubmitAsUpdate = false, false
		if err := tx.PutModerationItem(ctx, cur); err != nil {
			return false, err
		}
		e.log.InfoContext(ctx, "pending username queued for a CleanSpeak moderator", "userId", cur.UserID, "applicationId", cur.ApplicationID)
		return true, nil
	default:
		return true, e.applyDecision(ctx, tx, cur, status)
	}
}

// carriesPending reports whether item's user (ApplicationID "") or
// registration still has item's username, PENDING, under its content id.
func carriesPending(ctx context.Context, s Store, item *ModerationItem) (bool, error) {
	var username, status, contentID string
	if item.ApplicationID == "" {
		u, err := s.GetUser(ctx, item.UserID)
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		username, status, contentID = u.Username, u.UsernameStatus, u.CleanSpeakID
	} else {
		reg, err := s.GetRegistration(ctx, item.UserID, item.ApplicationID)
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		username, status, contentID = reg.Username, reg.UsernameStatus, reg.CleanSpeakID
	}
	return contentID == item.ContentID && username == item.Username && status == string(cleanspeak.StatusPending), nil
}
