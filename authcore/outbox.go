package authcore

import (
	"context"
	"errors"
	"time"
)

// The transactional outbox. A service that changes something records the
// event describing the change with AppendOutbox through the transaction
// that makes the change, so an event exists if and only if its change
// committed. A relay (Engine.RunRelay) later drains the outbox, oldest
// first, to the publishers, and acknowledges what they delivered.
//
// One relay at a time drains an outbox: ClaimOutbox hands out a lease, and
// while one relay's lease is live the others get ErrLeaseHeld. A single
// drainer publishes every event in the order the store numbered it, so the
// events of one user reach Kafka in the order they happened, and no two
// engines on one database publish the same event in normal operation. A
// relay that dies stops renewing; its lease expires and another relay takes
// over, republishing what the dead one had published but not acknowledged
// (at least once: consumers deduplicate by event id).

// OutboxEvent is an event waiting in the outbox.
type OutboxEvent struct {
	// Seq is assigned by the store: positive, larger than every event
	// appended before it.
	Seq int64
	// ID is the event's id (event.id in the payload).
	ID   string
	Type string
	// Key orders and partitions: the user's id, or the tenant's for an
	// event without a user. Events with one key are published in Seq order.
	Key string
	// Payload is the published document, {"event": {...}}.
	Payload       []byte
	InsertInstant int64
}

// ErrLeaseHeld means another relay holds the outbox lease; try again later.
var ErrLeaseHeld = errors.New("authcore: outbox lease held by another relay")

// OutboxStore keeps the outbox and its relay lease.
type OutboxStore interface {
	// AppendOutbox adds events and sets their Seq. Inside a transaction they
	// commit, or vanish, with it.
	AppendOutbox(ctx context.Context, events ...*OutboxEvent) error
	// ClaimOutbox takes the relay lease for owner, or renews it, for lease
	// from the store's present instant, and returns up to limit events
	// (100 when limit <= 0), lowest Seq first (none: an empty slice).
	// While another owner's lease runs past the present it returns
	// ErrLeaseHeld and no event. A lease of no length (or less) ends at
	// once.
	//
	// Whether a lease still runs and when the new one ends are read on one
	// clock, the store's, so that relays on hosts whose clocks disagree
	// never hold the lease together: a store that engines on several hosts
	// share (sqlstore on PostgreSQL) reads its server's clock once per
	// claim and ignores now; a store on one host (memstore, sqlstore on
	// SQLite) takes now (epoch ms), the caller's clock, as the present.
	ClaimOutbox(ctx context.Context, owner string, now int64, lease time.Duration, limit int) ([]*OutboxEvent, error)
	// AckOutbox removes delivered events by Seq; a Seq no longer present is
	// ignored (another relay acknowledged it first).
	AckOutbox(ctx context.Context, seqs []int64) error
	// ReleaseOutbox ends owner's lease, so that another relay may claim at
	// once; a lease owner does not hold is left alone.
	ReleaseOutbox(ctx context.Context, owner string) error
}

// ModerationItem ties a username sent to CleanSpeak for moderation to the
// user (ApplicationID "") or registration that carries it, until a
// moderator's decision arrives through the notify endpoint, or, for a
// username CleanSpeak never accepted (Resubmit), until CleanSpeak answers a
// resubmission. ContentID is the username's cleanSpeakId.
type ModerationItem struct {
	ContentID     string `json:"contentId"`
	TenantID      string `json:"tenantId"`
	UserID        string `json:"userId"`
	ApplicationID string `json:"applicationId,omitempty"`
	Username      string `json:"username"`
	InsertInstant int64  `json:"insertInstant"`
	// Resubmit marks a username CleanSpeak never accepted: it was
	// unavailable when the username was written, so no moderator will ever
	// decide it. Engine.ResubmitPendingUsernames sends it again and clears
	// the mark once CleanSpeak has queued it for a moderator. Items stored
	// before the field existed read as accepted and are not resubmitted.
	Resubmit bool `json:"resubmit,omitempty"`
	// ResubmitAsUpdate: the request to send again updates a content item
	// CleanSpeak already holds (PUT) instead of creating it (POST).
	ResubmitAsUpdate bool `json:"resubmitAsUpdate,omitempty"`
}

// ModerationStore keeps the usernames waiting for a moderator or for
// CleanSpeak to be reachable again.
type ModerationStore interface {
	// PutModerationItem stores m, replacing an item with the same ContentID.
	PutModerationItem(ctx context.Context, m *ModerationItem) error
	GetModerationItem(ctx context.Context, contentID string) (*ModerationItem, error)
	DeleteModerationItem(ctx context.Context, contentID string) error
	// ListModerationItems returns up to limit items (100 when limit <= 0)
	// whose ContentID sorts after after, in byte order, lowest first; ""
	// starts at the first item. Pass the last ContentID of a page to get the
	// next one; none left is an empty slice.
	ListModerationItems(ctx context.Context, after string, limit int) ([]*ModerationItem, error)
}
