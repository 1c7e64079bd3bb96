package authcore

import (
	"context"
	"fmt"

	"github.com/authcore/authcore/validation"
)

// writeEventLog records an event-log entry outside any transaction, so the
// entry survives the failure it describes. A failure to write it is logged,
// never returned: the event log must not turn one error into two.
func (e *Engine) writeEventLog(ctx context.Context, typ, format string, args ...any) {
	entry := &EventLog{InsertInstant: e.instant(), Type: typ, Message: fmt.Sprintf(format, args...)}
	if err := e.store.CreateEventLog(context.WithoutCancel(ctx), entry); err != nil {
		e.log.WarnContext(ctx, "event log write failed", "error", err)
	}
}

// EventLogSearchRequest is the body of POST /api/system/event-log/search.
type EventLogSearchRequest struct {
	Search EventLogSearchCriteria `json:"search"`
}

// EventLogSearchCriteria is FusionAuth's event-log search criteria.
type EventLogSearchCriteria struct {
	End             int64  `json:"end"`
	Message         string `json:"message"`
	NumberOfResults int    `json:"numberOfResults"`
	Start           int64  `json:"start"`
	StartRow        int    `json:"startRow"`
	Type            string `json:"type"`
}

// EventLogSearchResponse is its answer.
type EventLogSearchResponse struct {
	EventLogs []*EventLog `json:"eventLogs"`
	Total     int         `json:"total"`
}

// SearchEventLogs searches the event log, newest first.
//
// The event log is global, and its messages name users, applications and
// tenants of every tenant: a tenant-scoped request gets ErrUnauthorized.
func (e *Engine) SearchEventLogs(ctx context.Context, c EventLogSearchCriteria) (*EventLogSearchResponse, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	if c.Type != "" && c.Type != EventLogDebug && c.Type != EventLogError && c.Type != EventLogInformation {
		return nil, invalid("search.type", "invalid", "The [search.type] property must be Debug, Error or Information.")
	}
	var errs validation.Errors
	if c.NumberOfResults < 0 {
		errs.Invalid("search.numberOfResults", "The [search.numberOfResults] property may not be negative.")
	}
	if c.StartRow < 0 {
		errs.Invalid("search.startRow", "The [search.startRow] property may not be negative.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	list, total, err := e.store.SearchEventLogs(ctx, EventLogQuery{Message: c.Message, Type: c.Type, Start: c.Start, End: c.End, Offset: c.StartRow, Limit: c.NumberOfResults})
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []*EventLog{} // never null on the wire
	}
	return &EventLogSearchResponse{EventLogs: list, Total: total}, nil
}

// EventLogEntry returns one event-log entry.
func (e *Engine) EventLogEntry(ctx context.Context, id int64) (*EventLog, error) {
	if err := requireGlobal(ctx); err != nil {
		return nil, err
	}
	return e.store.GetEventLog(ctx, id)
}
