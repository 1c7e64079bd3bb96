package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/authcore/authcore/internal/strictjson"
)

// Rows keep each aggregate as JSON; these helpers read and write that
// document. Decoding always makes fresh values, so what a caller gets is
// never shared with the store.

// decodeDoc decodes a stored document into v. Numbers in its data maps
// come back as json.Number, with the text they were stored with: as
// float64 an integer above 2^53 (a 64-bit id) would come back changed.
// Only a document with a data map (or a refresh token's metaData, stored
// under its Go name) needs the slower decoder that does this.
func decodeDoc(doc []byte, v any) error {
	if !bytes.Contains(doc, []byte(`"data":`)) && !bytes.Contains(doc, []byte(`"MetaData":`)) {
		return json.Unmarshal(doc, v)
	}
	return strictjson.UnmarshalNumbers(doc, v)
}

func encode(what string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlstore: encode %s: %w", what, err)
	}
	return string(b), nil
}

// getOne reads one document; no row is ErrNotFound naming what and id.
func getOne[T any](ctx context.Context, t *tx, what, id, query string, args ...any) (*T, error) {
	if !t.canMatch(args) {
		return nil, notFound(what, id)
	}
	var doc []byte
	if err := t.queryRow(ctx, query, args...).Scan(&doc); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, notFound(what, id)
		}
		return nil, t.s.mapErr(ctx, err)
	}
	if doc == nil {
		return nil, notFound(what, id)
	}
	v := new(T)
	if err := decodeDoc(doc, v); err != nil {
		return nil, fmt.Errorf("sqlstore: decode %s %q: %w", what, id, err)
	}
	return v, nil
}

// getList reads documents in the query's order; none is an empty slice.
func getList[T any](ctx context.Context, t *tx, what, query string, args ...any) ([]*T, error) {
	if !t.canMatch(args) {
		return []*T{}, nil
	}
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*T{}
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, t.s.mapErr(ctx, err)
		}
		v := new(T)
		if err := decodeDoc(doc, v); err != nil {
			return nil, fmt.Errorf("sqlstore: decode %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, t.s.mapErr(ctx, t.note(err))
	}
	return out, nil
}

// canMatch reports whether a lookup by args may find a row. On PostgreSQL
// one whose text holds U+0000 or bytes that are not UTF-8 cannot: no
// stored text holds them, and the server refuses the statement (aborting
// the transaction it runs in) where memstore and SQLite find nothing. Such
// a lookup is not sent, and answers as one that found nothing; so does an
// update or a delete of the object such text names, a list or search
// filtered by it, and a create whose parent (tenant, user, application,
// identity provider) it names: that parent does not exist (missingParent).
func (t *tx) canMatch(args []any) bool {
	return t.s.dialect != Postgres || pgText(args)
}

// parent is an object a create names and needs: what it is, for the
// error, and its id.
type parent struct{ what, id string }

// missingParent answers ErrNotFound for the first of parents whose id no
// stored row can hold (canMatch), as for any parent that does not exist,
// without sending the statement PostgreSQL would refuse; nil otherwise.
func (t *tx) missingParent(parents ...parent) error {
	for _, p := range parents {
		if !t.canMatch([]any{p.id}) {
			return notFound(p.what, p.id)
		}
	}
	return nil
}

// lockRows runs query, a statement that only locks rows, on PostgreSQL,
// where a transaction's locks order it against the others; SQLite runs one
// write transaction at a time and needs neither the lock nor the
// statement. Args no stored text can hold (canMatch) match no row: there
// is nothing to lock, and the server would refuse the statement.
func (t *tx) lockRows(ctx context.Context, query string, args ...any) error {
	if t.s.dialect != Postgres || !t.canMatch(args) {
		return nil
	}
	_, err := t.exec(ctx, query, args...)
	return err
}

// lowerOrNull is the stored form of a case-insensitively unique value: empty
// is NULL, which never collides.
func lowerOrNull(s string) any {
	if s == "" {
		return nil
	}
	return strings.ToLower(s)
}

// hashArg keeps a nil hash from becoming NULL in a NOT NULL column; memstore
// indexes a nil hash as the empty one.
func hashArg(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// nullableHash stores a nil previous hash as NULL, which no lookup matches.
func nullableHash(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}
