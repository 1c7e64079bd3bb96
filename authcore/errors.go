package authcore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/authcore/authcore/validation"
)

// Sentinel errors. Stores and services wrap them; callers test with errors.Is.
// The HTTP adapter maps each to one status code (httpadapter's error table).
var (
	// ErrNotFound: the object does not exist (or is outside the caller's tenant).
	ErrNotFound = errors.New("authcore: not found")
	// ErrDuplicate: a uniqueness rule would be broken. Stores return a
	// *DuplicateError that matches it.
	ErrDuplicate = errors.New("authcore: duplicate")
	// ErrConflict: a concurrent change won; the operation may be retried.
	ErrConflict = errors.New("authcore: conflict, retry")
	// ErrUnauthorized: the caller's API key may not do this (a tenant-locked
	// key on a global object, a tenant header that contradicts the key).
	ErrUnauthorized = errors.New("authcore: unauthorized")
	// ErrNotStorable: text a store keys an object by holds U+0000 or bytes
	// that are not UTF-8. Stores return a *NotStorableError that matches it.
	ErrNotStorable = errors.New("authcore: text not storable")
)

// conflictAttempts bounds the runs of a transaction that keeps losing races
// (ErrConflict); each run reads again what the winner wrote.
const conflictAttempts = 3

// conflictPause is the longest wait before the first re-run; it doubles for
// each later one. The wait is drawn at random below it so that the losers of
// one race do not start again in step and meet the same lock again, which an
// immediate re-run of two deadlocked transactions tends to do.
const conflictPause = 2 * time.Millisecond

// retryConflicts runs fn, a whole transaction, again while it ends in
// ErrConflict, at most conflictAttempts times, and returns its last error.
// Between runs it waits a random pause (conflictPause, doubling); when ctx
// ends during the pause it returns the conflict without another run.
func retryConflicts(ctx context.Context, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		if !errors.Is(err, ErrConflict) || attempt == conflictAttempts-1 || ctx.Err() != nil {
			return err
		}
		pause := time.NewTimer(rand.N(conflictPause << attempt))
		select {
		case <-ctx.Done():
			pause.Stop()
			return err
		case <-pause.C:
		}
	}
}

// inTx runs fn as one transaction of the engine's store, and runs it again
// from the start while it ends in ErrConflict (retryConflicts). fn must be a
// whole read-modify-write: it re-reads what it changes through tx and has no
// effect outside tx that a rolled-back run would leave behind, so that a run
// lost to a deadlock or a busy database is as if it never happened.
func (e *Engine) inTx(ctx context.Context, fn func(ctx context.Context, tx Store) error) error {
	// fn may record events, which it decides on the cached integrations:
	// another engine may have changed them (events.go).
	e.syncIntegrations(ctx)
	return e.inTxSynced(ctx, fn)
}

// inTxSynced is inTx for a caller whose integrations are already current:
// newModeration, which every operation that may ask CleanSpeak calls first,
// read the configuration version for them, and a second read would be a
// second store round trip for the same answer.
func (e *Engine) inTxSynced(ctx context.Context, fn func(ctx context.Context, tx Store) error) error {
	return retryConflicts(ctx, func() error { return e.store.InTx(ctx, fn) })
}

// inTxAfterSnapshot is inTx for a caller that took cfg from configSnapshot
// just before: that read of the configuration version brought the
// integrations up to date already, and a second read would cost a refresh a
// store round trip (17 allocations on SQLite). Without a snapshot (a store
// without a version, or a failed read) it is inTx.
func (e *Engine) inTxAfterSnapshot(ctx context.Context, cfg *configSnapshot, fn func(ctx context.Context, tx Store) error) error {
	if cfg == nil {
		return e.inTx(ctx, fn)
	}
	return e.inTxSynced(ctx, fn)
}

// ValidationError is FusionAuth's Errors object; it is what every rule that
// refuses input returns. It is an alias so that leaves (integration,
// idp/twitter) and authcore share one type.
type ValidationError = validation.Errors

// DuplicateError names the uniqueness rule a store refused to break.
type DuplicateError struct {
	// Field is the unique property: "id", "email", "username", "name",
	// "registration" (a user and application), "registrationId", "link",
	// "roleName", "kid" (a signing key's), "key" (an API key's hash).
	// "name" is a tenant's, a signing key's or an API key's, as the call
	// tells.
	Field string
}

func (e *DuplicateError) Error() string { return fmt.Sprintf("authcore: duplicate %s", e.Field) }

// Is lets errors.Is(err, ErrDuplicate) match.
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// Duplicate returns a *DuplicateError for field; stores use it.
func Duplicate(field string) error { return &DuplicateError{Field: field} }

// NotStorableError names the field whose text a store refused: its JSON
// name in the object given ("id", "name", "email", "username", "kid",
// "identityProviderUserId").
type NotStorableError struct {
	Field string
}

func (e *NotStorableError) Error() string {
	return fmt.Sprintf("authcore: %s holds U+0000 or bytes that are not UTF-8", e.Field)
}

// Is lets errors.Is(err, ErrNotStorable) match.
func (e *NotStorableError) Is(target error) bool { return target == ErrNotStorable }

// CheckStorable returns a *NotStorableError naming the first field whose
// text holds U+0000 or bytes that are not UTF-8, or nil; stores use it.
// Its arguments are field and text pairs, the field by its JSON name:
// CheckStorable("id", t.ID, "name", t.Name). Stores check only the text
// they key objects by: they keep the rest in a document that any store
// holds, and the engine has refused such text already.
func CheckStorable(fieldText ...string) error {
	for i := 0; i+1 < len(fieldText); i += 2 {
		if !validation.IsStorable(fieldText[i+1]) {
			return &NotStorableError{Field: fieldText[i]}
		}
	}
	return nil
}

// invalid builds a one-field validation error.
func invalid(path, kind, message string) error {
	var v validation.Errors
	v.Field(path, kind, message)
	return &v
}

// general builds a validation error with one general error.
func general(code, message string) error {
	var v validation.Errors
	v.General(code, message)
	return &v
}
