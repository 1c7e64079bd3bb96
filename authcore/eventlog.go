package authcore

import (
	"context"
	"fmt"
	"strings"

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
	OrderBy         string `json:"orderBy"`
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
	// Java ints in FusionAuth, as every search's paging (search.go).
	validatePaging(&errs, c.NumberOfResults, c.StartRow)
	orderBy, asc, ok := parseEventLogOrder(c.OrderBy)
	if !ok {
		errs.Invalid("search.orderBy", "The [search.orderBy] property must be insertInstant, message or type, optionally followed by ASC or DESC.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	message := c.Message
	if message != "" && !strings.Contains(message, "*") {
		// FusionAuth reads a value without a wildcard as *value*.
		message = "*" + message + "*"
	}
	list, total, err := e.store.SearchEventLogs(ctx, EventLogQuery{
		Message: message, Type: c.Type, Start: c.Start, End: c.End,
		Offset: c.StartRow, Limit: c.NumberOfResults, OrderBy: orderBy, Asc: asc,
	})
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

// parseEventLogOrder reads FusionAuth's orderBy: a column, then optionally
// ASC or DESC (the default), in any case. "" is insertInstant DESC.
// insertUser, which FusionAuth also lists, names no one here (authcore's
// entries are all written by the system) and sorts as insertInstant.
func parseEventLogOrder(s string) (column string, asc, ok bool) {
	name, dir, ok := splitOrderBy(s) // search.go
	if !ok {
		return "", false, false
	}
	switch name {
	case "":
		return EventLogOrderInstant, false, true
	case "insertinstant", "insertuser":
		column = EventLogOrderInstant
	case "message":
		column = EventLogOrderMessage
	case "type":
		column = EventLogOrderType
	default:
		return "", false, false
	}
	return column, dir == "ASC", true
}

// EventLogSearchKey is the form of a message, or of a search pattern, that
// the search and the order by message compare: lower-cased, with U+0000 as
// U+FFFD. PostgreSQL's text cannot hold U+0000, so a SQL store keeps this
// form in a column; every store compares through it, so that a search finds
// the same entries on each.
func EventLogSearchKey(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "\x00", "\uFFFD")
}

// MatchEventLogMessage reports whether message matches pattern as
// EventLogQuery.Message defines it; stores that filter in Go use it, or,
// to match many messages against one pattern, EventLogMessageMatcher.
func MatchEventLogMessage(pattern, message string) bool {
	return EventLogMessageMatcher(pattern)(message)
}

// EventLogMessageMatcher is MatchEventLogMessage with pattern fixed: the
// pattern's key and parts are worked out once, not again for every message
// a search compares (a pattern may be as long as a request body).
func EventLogMessageMatcher(pattern string) func(message string) bool {
	if pattern == "" {
		return func(string) bool { return true }
	}
	p := EventLogSearchKey(pattern)
	parts := strings.Split(p, "*")
	if len(parts) == 1 {
		return func(message string) bool { return EventLogSearchKey(message) == p }
	}
	first, middle, last := parts[0], parts[1:len(parts)-1], parts[len(parts)-1]
	return func(message string) bool {
		m := EventLogSearchKey(message)
		if !strings.HasPrefix(m, first) {
			return false
		}
		m = m[len(first):]
		for _, part := range middle {
			i := strings.Index(m, part)
			if i < 0 {
				return false
			}
			m = m[i+len(part):]
		}
		return strings.HasSuffix(m, last)
	}
}
