package authcore

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// retryConflicts serves every transaction that may lose a race (refresh,
// CleanSpeak resubmission): it runs again on ErrConflict, wrapped or not,
// at most conflictAttempts times, and stops at anything else.
func TestRetryConflicts(t *testing.T) {
	other := errors.New("store down")
	for name, tc := range map[string]struct {
		results []error // what fn returns on each run; the last repeats
		runs    int
		want    error
	}{
		"success":                      {[]error{nil}, 1, nil},
		"another error":                {[]error{other}, 1, other},
		"conflict, then success":       {[]error{ErrConflict, nil}, 2, nil},
		"wrapped conflict, then other": {[]error{fmt.Errorf("x: %w", ErrConflict), other}, 2, other},
		"conflicts to the end":         {[]error{ErrConflict}, conflictAttempts, ErrConflict},
	} {
		runs := 0
		err := retryConflicts(context.Background(), func() error {
			r := tc.results[min(runs, len(tc.results)-1)]
			runs++
			return r
		})
		assert.Equal(t, tc.runs, runs, name)
		assert.ErrorIs(t, err, tc.want, name)
		if tc.want == nil {
			assert.NoError(t, err, name)
		}
	}
}

// A caller that has gone away is not kept waiting for runs it cannot use:
// the pause between runs ends with ctx, and the conflict is the answer.
func TestRetryConflictsStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	runs := 0
	err := retryConflicts(ctx, func() error {
		runs++
		cancel()
		return ErrConflict
	})
	assert.Equal(t, 1, runs)
	assert.ErrorIs(t, err, ErrConflict)
}
